//! `POST /api/progress` in one transaction of two statements (three on a replay): the
//! context read (claiming the idempotency key and locking the author's membership), then
//! one data-modifying statement writing the entry, the author's zone, the feed item, the
//! push, the daily pulse, the milestone check and the key's response (docs/API.md,
//! Logging progress: the write path).

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::sql_types::{
    BigInt, Bool, Date, Jsonb, Nullable, Numeric, Text, Timestamptz, Uuid as SqlUuid,
};
use diesel::{OptionalExtension, QueryResult, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::goal::MetricType;
use pursue_domain::ids::{EntryId, GoalId, GroupId, UserId};
use pursue_domain::progress::{LogTitle, Note};
use pursue_domain::purchase::RowStatus;
use pursue_domain::role::{Membership, MembershipStatus, Role};
use pursue_domain::subscription_state::{KeptSelection, PremiumRow, SubscriptionFacts};
use pursue_ports::goals::EntryRecord;
use pursue_ports::outbox::OutboxMessage;
use pursue_ports::progress::{LogContext, LogRequest, LogWrite};
use serde_json::Value;
use std::sync::LazyLock;
use uuid::Uuid;

use crate::common::{from_decimal, to_decimal};
use crate::outbox::encode;
use crate::prepared::prepared;

/// The context read. `$1` user, `$2` goal, `$3` key (or NULL), `$4` request hash, `$5`
/// now. `{challenge}` / `{not_challenge_*}` are filled in by [`context_sql`].
const CONTEXT_SQL: &str = "\
WITH claim AS ( \
  INSERT INTO idempotency_keys AS k \
    (user_id, idempotency_key, request_hash, response_status, response_body) \
  SELECT $1, $3, $4, 0, '{}'::jsonb WHERE $3 IS NOT NULL \
  ON CONFLICT (user_id, idempotency_key) DO UPDATE \
    SET request_hash = EXCLUDED.request_hash, response_status = 0, \
        response_body = '{}'::jsonb, created_at = now() \
    WHERE k.created_at < $5 - make_interval(hours => 24) \
  RETURNING 1 \
) \
SELECT (SELECT count(*) FROM claim) AS claimed, \
  g.group_id, g.title AS goal_title, g.metric_type, g.deleted_at IS NOT NULL AS archived, \
  gr.name AS group_name, m.role, m.status, \
  p.status AS premium_status, p.expires_at AS premium_expires_at, \
  p.auto_renew AS premium_auto_renew, \
  EXISTS (SELECT 1 FROM user_subscriptions s WHERE s.user_id = $1 AND s.tier = 'premium' \
    AND NOT (s.tier = 'premium' AND s.status IN ('active', 'cancelled', 'grace_period') \
    AND s.expires_at > $5)) AS has_expired_premium, \
  (SELECT count(*) FROM group_memberships cm JOIN groups cg ON cg.id = cm.group_id \
    WHERE cm.user_id = $1 AND cg.deleted_at IS NULL AND cm.status = 'active' \
    {not_challenge_cg}) AS group_count, \
  kept.group_id AS kept_group_id, kept.downgrade_date AS kept_downgrade_date, \
  {challenge} AS is_challenge \
FROM goals g \
JOIN groups gr ON gr.id = g.group_id AND gr.deleted_at IS NULL \
LEFT JOIN LATERAL (SELECT gm.role, gm.status FROM group_memberships gm \
  WHERE gm.group_id = g.group_id AND gm.user_id = $1 AND gm.status IN ('active', 'pending') \
  FOR SHARE) m ON TRUE \
LEFT JOIN LATERAL (SELECT s.status, s.expires_at, COALESCE(s.auto_renew, FALSE) AS auto_renew \
  FROM user_subscriptions s WHERE s.user_id = $1 AND s.tier = 'premium' \
  AND s.status IN ('active', 'cancelled', 'grace_period') AND s.expires_at > $5 \
  ORDER BY s.started_at DESC LIMIT 1) p ON TRUE \
LEFT JOIN LATERAL (SELECT h.kept_group_id AS group_id, h.downgrade_date \
  FROM subscription_downgrade_history h \
  JOIN group_memberships km ON km.group_id = h.kept_group_id AND km.user_id = h.user_id \
  JOIN groups kg ON kg.id = km.group_id \
  WHERE h.user_id = $1 AND kg.deleted_at IS NULL AND km.status = 'active' {not_challenge_kg} \
  AND h.downgrade_date > COALESCE((SELECT s.expires_at FROM user_subscriptions s \
    WHERE s.user_id = $1 AND s.tier = 'premium' ORDER BY s.started_at DESC LIMIT 1), \
    '-infinity') \
  ORDER BY h.downgrade_date DESC LIMIT 1) kept ON TRUE \
WHERE g.id = $2";

/// The prepared-statement markers of this module (one SQL text each, see
/// [`crate::prepared`]). The context read has one text per shape of `groups`.
pub(crate) struct ContextStatement<const IS_CHALLENGE: bool>;
struct WriteStatement;
struct StoredKeyStatement;

/// [`CONTEXT_SQL`] for a database with (`true`) or without the optional
/// `groups.is_challenge` column, built once per shape.
pub(crate) fn context_sql(is_challenge: bool) -> &'static str {
    static WITH: LazyLock<String> = LazyLock::new(|| fill_context(true));
    static WITHOUT: LazyLock<String> = LazyLock::new(|| fill_context(false));
    if is_challenge { &WITH } else { &WITHOUT }
}

fn fill_context(is_challenge: bool) -> String {
    let (challenge, cg, kg) = if is_challenge {
        (
            "COALESCE(gr.is_challenge, FALSE)",
            "AND COALESCE(cg.is_challenge, FALSE) = FALSE",
            "AND COALESCE(kg.is_challenge, FALSE) = FALSE",
        )
    } else {
        ("FALSE", "", "")
    };
    CONTEXT_SQL
        .replace("{challenge}", challenge)
        .replace("{not_challenge_cg}", cg)
        .replace("{not_challenge_kg}", kg)
}

/// The write. `$1` entry id, `$2` goal, `$3` user, `$4` value, `$5` note, `$6` date,
/// `$7` zone, `$8` binary log date, `$9` title, `$10` group, `$11` activity type, `$12`
/// activity metadata, `$13` push payload without recipients, `$14` pulse event id, `$15`
/// whether to queue the milestone check, `$16` key (or NULL). Every CTE reads the
/// snapshot from before the statement, so `pulse` does not see the new entry.
const WRITE_SQL: &str = "\
WITH e AS ( \
  INSERT INTO progress_entries (id, goal_id, user_id, value, note, period_start, \
    user_timezone, binary_log_date, log_title) \
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
  RETURNING id, goal_id, user_id, value, note, period_start, logged_at, log_title \
), tz AS ( \
  UPDATE users SET timezone = $7 WHERE id = $3 AND timezone IS DISTINCT FROM $7 \
), act AS ( \
  INSERT INTO group_activities (group_id, user_id, activity_type, metadata) \
  VALUES ($10, $3, $11, $12) \
), members AS ( \
  SELECT m.user_id, m.joined_at FROM group_memberships m JOIN users u ON u.id = m.user_id \
  WHERE m.group_id = $10 AND m.status = 'active' AND u.deleted_at IS NULL \
), others AS ( \
  SELECT jsonb_agg(user_id ORDER BY joined_at) AS ids FROM members WHERE user_id <> $3 \
), push AS ( \
  INSERT INTO outbox (topic, payload) \
  SELECT 'push', jsonb_set($13, '{recipients}', o.ids) FROM others o WHERE o.ids IS NOT NULL \
), pulse AS ( \
  INSERT INTO outbox (topic, payload) \
  SELECT 'push', jsonb_build_object('event_id', $14, \
    'recipients', COALESCE((SELECT jsonb_agg(user_id ORDER BY joined_at) FROM members), \
      '[]'::jsonb), \
    'title', '', 'body', '', \
    'data', jsonb_build_object('type', 'member_logged_today', 'group_id', $10::text, \
      'silent', 'true')) \
  WHERE NOT EXISTS (SELECT 1 FROM progress_entries p JOIN goals g ON g.id = p.goal_id \
    WHERE g.group_id = $10 AND g.deleted_at IS NULL AND p.user_id = $3 \
    AND p.period_start = $6) \
), milestone AS ( \
  INSERT INTO outbox (topic, payload) \
  SELECT 'milestone', jsonb_build_object('entry_id', e.id) FROM e WHERE $15 \
), k AS ( \
  UPDATE idempotency_keys SET response_status = 201, response_body = ( \
    SELECT jsonb_build_object('id', e.id, 'goal_id', e.goal_id, 'user_id', e.user_id, \
      'value_hundredths', (e.value * 100)::bigint, 'note', e.note, \
      'period_start', to_char(e.period_start, 'YYYY-MM-DD'), \
      'logged_at', to_char(e.logged_at AT TIME ZONE 'UTC', \
        'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), \
      'log_title', e.log_title) FROM e) \
  WHERE user_id = $3 AND idempotency_key = $16 \
) \
SELECT id, goal_id, user_id, value, note, period_start, logged_at, log_title FROM e";

/// One row of [`CONTEXT_SQL`].
#[derive(QueryableByName)]
pub(crate) struct ContextRow {
    #[diesel(sql_type = BigInt)]
    pub(crate) claimed: i64,
    #[diesel(sql_type = SqlUuid)]
    group_id: Uuid,
    #[diesel(sql_type = Text)]
    goal_title: String,
    #[diesel(sql_type = Text)]
    metric_type: String,
    #[diesel(sql_type = Bool)]
    archived: bool,
    #[diesel(sql_type = Text)]
    group_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    role: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    status: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    premium_status: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    premium_expires_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Bool>)]
    premium_auto_renew: Option<bool>,
    #[diesel(sql_type = Bool)]
    has_expired_premium: bool,
    #[diesel(sql_type = BigInt)]
    group_count: i64,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    kept_group_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    kept_downgrade_date: Option<DateTime<Utc>>,
    #[diesel(sql_type = Bool)]
    is_challenge: bool,
}

impl ContextRow {
    /// The context of `goal`; `None` when a stored name does not parse.
    pub(crate) fn into_context(self, goal: GoalId) -> Option<LogContext> {
        let membership = match (self.role.as_deref(), self.status.as_deref()) {
            (Some(role), Some(status)) => Some(Membership {
                role: Role::parse(role).ok()?,
                status: MembershipStatus::parse(status).ok()?,
            }),
            _ => None,
        };
        let premium = match (self.premium_status.as_deref(), self.premium_expires_at) {
            (Some(status), Some(expires_at)) => Some(PremiumRow {
                status: RowStatus::parse(status).unwrap_or(RowStatus::Active),
                expires_at,
                auto_renew: self.premium_auto_renew.unwrap_or(false),
            }),
            _ => None,
        };
        let kept = match (self.kept_group_id, self.kept_downgrade_date) {
            (Some(group_id), Some(downgrade_date)) => Some(KeptSelection {
                group_id,
                downgrade_date,
            }),
            _ => None,
        };
        Some(LogContext {
            goal_id: goal,
            group_id: GroupId::from_uuid(self.group_id),
            goal_title: pursue_domain::goal::GoalTitle::stored(self.goal_title),
            metric: MetricType::parse(&self.metric_type).ok()?,
            archived: self.archived,
            group_name: pursue_domain::group::GroupName::stored(self.group_name),
            membership,
            subscription: SubscriptionFacts {
                premium,
                has_expired_premium: self.has_expired_premium,
                group_count: u32::try_from(self.group_count).unwrap_or(u32::MAX),
                kept,
            },
            is_challenge: self.is_challenge,
        })
    }
}

/// Claims the key (when given) and reads the context; `None` when the goal or its group
/// does not exist.
pub(crate) async fn read_context(
    conn: &mut AsyncPgConnection,
    is_challenge: bool,
    request: &LogRequest,
    hash: Option<&str>,
) -> QueryResult<Option<ContextRow>> {
    if is_challenge {
        context_read::<ContextStatement<true>>(conn, true, request, hash).await
    } else {
        context_read::<ContextStatement<false>>(conn, false, request, hash).await
    }
}

async fn context_read<Id: 'static>(
    conn: &mut AsyncPgConnection,
    is_challenge: bool,
    request: &LogRequest,
    hash: Option<&str>,
) -> QueryResult<Option<ContextRow>> {
    prepared::<Id>(context_sql(is_challenge))
        .bind::<SqlUuid, _>(request.user.as_uuid())
        .bind::<SqlUuid, _>(request.goal_id.as_uuid())
        .bind::<Nullable<Text>, _>(request.key.as_ref().map(|k| k.key.as_str()))
        .bind::<Nullable<Text>, _>(hash)
        .bind::<Timestamptz, _>(request.now)
        .get_result(conn)
        .await
        .optional()
}

/// A stored key: `(request_hash, response_status, response_body, created_at)`.
#[derive(QueryableByName)]
pub(crate) struct StoredKey {
    #[diesel(sql_type = Text)]
    pub(crate) request_hash: String,
    #[diesel(sql_type = diesel::sql_types::SmallInt)]
    pub(crate) response_status: i16,
    #[diesel(sql_type = Jsonb)]
    pub(crate) response_body: Value,
}

/// The stored key of `user` (already locked by the claim).
pub(crate) async fn stored_key(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    key: &str,
) -> QueryResult<StoredKey> {
    prepared::<StoredKeyStatement>(
        "SELECT request_hash, response_status, response_body FROM idempotency_keys \
         WHERE user_id = $1 AND idempotency_key = $2",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Text, _>(key)
    .get_result(conn)
    .await
}

/// The entry [`WRITE_SQL`] returns.
#[derive(QueryableByName)]
pub(crate) struct WrittenEntry {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    goal_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    user_id: Uuid,
    #[diesel(sql_type = Numeric)]
    value: BigDecimal,
    #[diesel(sql_type = Nullable<Text>)]
    note: Option<String>,
    #[diesel(sql_type = Date)]
    period_start: NaiveDate,
    #[diesel(sql_type = Timestamptz)]
    logged_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    log_title: Option<String>,
}

impl WrittenEntry {
    /// The record; `None` for a value out of range.
    pub(crate) fn into_record(self) -> Option<EntryRecord> {
        Some(EntryRecord {
            id: EntryId::from_uuid(self.id),
            goal_id: GoalId::from_uuid(self.goal_id),
            user_id: UserId::from_uuid(self.user_id),
            value: to_decimal(&self.value).ok()?,
            note: self.note.map(Note::stored),
            period_start: self.period_start,
            logged_at: self.logged_at,
            log_title: self.log_title.map(LogTitle::stored),
        })
    }
}

/// Writes everything `write` holds in one statement.
pub(crate) async fn write(
    conn: &mut AsyncPgConnection,
    group: GroupId,
    write: LogWrite,
    key: Option<&str>,
) -> QueryResult<WrittenEntry> {
    let entry = write.entry;
    let date = entry.user_date;
    prepared::<WriteStatement>(WRITE_SQL)
        .bind::<SqlUuid, _>(entry.id.as_uuid())
        .bind::<SqlUuid, _>(entry.goal_id.as_uuid())
        .bind::<SqlUuid, _>(entry.user_id.as_uuid())
        .bind::<Numeric, _>(from_decimal(entry.value))
        .bind::<Nullable<Text>, _>(entry.note.as_ref().map(|n| n.as_str().to_string()))
        .bind::<Date, _>(date)
        .bind::<Text, _>(entry.user_timezone.as_str().to_string())
        .bind::<Nullable<Date>, _>(entry.one_per_day.then_some(date))
        .bind::<Nullable<Text>, _>(entry.log_title.as_ref().map(|t| t.as_str().to_string()))
        .bind::<SqlUuid, _>(group.as_uuid())
        .bind::<Text, _>(write.activity.kind.as_str())
        .bind::<Jsonb, _>(write.activity.metadata)
        .bind::<Jsonb, _>(encode(&OutboxMessage::Push(write.push)))
        .bind::<SqlUuid, _>(Uuid::new_v4())
        .bind::<Bool, _>(entry.value.hundredths() > 0)
        .bind::<Nullable<Text>, _>(key)
        .get_result(conn)
        .await
}
