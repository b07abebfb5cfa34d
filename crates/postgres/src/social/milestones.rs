//! [`PgMilestones`]: milestone facts, grants in `user_milestone_grants`, and referral tokens
//! in `referral_tokens`.

use async_trait::async_trait;
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text, Uuid as SqlUuid, Varchar};
use diesel_async::RunQueryDsl;
use pursue_domain::ids::{GoalId, GroupId, UserId};
use pursue_domain::milestone::{RANK_CEILING, STREAK_CEILING};
use pursue_ports::error::RepoError;
use pursue_ports::social::{MilestoneFacts, MilestoneRepository, Notice};
use uuid::Uuid;

use super::notice::store_notice;
use crate::db::Db;
use crate::errors::db_error;
use crate::pool::PgPool;
use crate::prepared::prepared;
use crate::schema::referral_tokens;

/// Milestone storage; referral tokens are keyed with `REFERRAL_SECRET`.
#[derive(Clone)]
pub struct PgMilestones {
    db: Db,
    secret: Vec<u8>,
}

impl PgMilestones {
    /// A repository over `pool` signing referral tokens with `secret`.
    pub fn new(pool: PgPool, secret: &[u8]) -> Self {
        Self {
            db: Db::new(pool),
            secret: secret.to_vec(),
        }
    }
}

/// HMAC-SHA256 of `message` under `key`.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, key);
    let tag = aws_lc_rs::hmac::sign(&key, message);
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// The first 12 hex digits of HMAC-SHA256(`secret`, `input`).
pub fn referral_candidate(secret: &[u8], input: &str) -> String {
    hex::encode(hmac_sha256(secret, input.as_bytes()))[..12].to_string()
}

#[derive(QueryableByName)]
struct Granted {
    #[diesel(sql_type = SqlUuid)]
    #[allow(dead_code)]
    id: Uuid,
}

/// The facts of one entry, read by [`FACTS_SQL`].
#[derive(QueryableByName)]
struct FactsRow {
    #[diesel(sql_type = SqlUuid)]
    user_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    goal_id: Uuid,
    #[diesel(sql_type = Date)]
    period_start: NaiveDate,
    #[diesel(sql_type = SqlUuid)]
    group_id: Uuid,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Nullable<Integer>)]
    active_days: Option<i32>,
    #[diesel(sql_type = BigInt)]
    rank: i64,
    #[diesel(sql_type = Array<Date>)]
    goal_dates: Vec<NaiveDate>,
}

/// The milestone facts of entry `$1` in one statement (it runs once per logged entry):
/// the entry and its goal; its rank among the author's entries with a value, by creation,
/// counted up to `$2`; and the author's distinct dates with a value on the goal, newest
/// first, at most `$3`.
const FACTS_SQL: &str = "\
SELECT e.user_id, e.goal_id, e.period_start, g.group_id, g.title, g.active_days, \
  (SELECT count(*) FROM (SELECT 1 FROM progress_entries r \
     WHERE r.user_id = e.user_id AND r.value > 0 AND (r.created_at, r.id) <= (e.created_at, e.id) \
     LIMIT $2) ranked) AS rank, \
  ARRAY(SELECT DISTINCT d.period_start FROM progress_entries d \
     WHERE d.user_id = e.user_id AND d.goal_id = e.goal_id AND d.value > 0 \
     ORDER BY d.period_start DESC LIMIT $3) AS goal_dates \
FROM progress_entries e JOIN goals g ON g.id = e.goal_id \
WHERE e.id = $1";

/// The prepared-statement markers of the worker's milestone check, one SQL text each (see
/// [`crate::prepared`]).
struct FactsStatement;
struct GrantStatement;

#[async_trait]
impl MilestoneRepository for PgMilestones {
    async fn milestone_facts(&self, entry: Uuid) -> Result<Option<MilestoneFacts>, RepoError> {
        let row: Option<FactsRow> = self
            .db
            .read(|conn| {
                Box::pin(async move {
                    prepared::<FactsStatement>(FACTS_SQL)
                        .bind::<SqlUuid, _>(entry)
                        .bind::<BigInt, _>(RANK_CEILING)
                        .bind::<BigInt, _>(STREAK_CEILING)
                        .get_result(conn)
                        .await
                        .optional()
                        .map_err(db_error)
                })
            })
            .await?;
        Ok(row.map(|row| MilestoneFacts {
            user: UserId::from_uuid(row.user_id),
            goal: GoalId::from_uuid(row.goal_id),
            group: GroupId::from_uuid(row.group_id),
            goal_title: pursue_domain::goal::GoalTitle::stored(row.title),
            user_date: row.period_start,
            rank: row.rank,
            // `<[_]>::first`: diesel's prelude also offers a `first` on `Vec`.
            latest_goal_date: <[NaiveDate]>::first(&row.goal_dates)
                .copied()
                .unwrap_or(row.period_start),
            goal_dates: row.goal_dates,
            active_days: row.active_days,
        }))
    }

    async fn referral_token(&self, user: UserId) -> Result<String, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    let uid = user.as_uuid();
                    for attempt in 0..=5 {
                        let existing: Option<String> = referral_tokens::table
                            .filter(referral_tokens::user_id.eq(uid))
                            .select(referral_tokens::token)
                            .first(conn)
                            .await
                            .optional()
                            .map_err(db_error)?;
                        if let Some(token) = existing {
                            return Ok(token);
                        }
                        let input = if attempt == 0 {
                            uid.to_string()
                        } else {
                            format!("{uid}:{attempt}")
                        };
                        diesel::insert_into(referral_tokens::table)
                            .values((
                                referral_tokens::token.eq(referral_candidate(&self.secret, &input)),
                                referral_tokens::user_id.eq(uid),
                            ))
                            .on_conflict_do_nothing()
                            .execute(conn)
                            .await
                            .map_err(db_error)?;
                    }
                    referral_tokens::table
                        .filter(referral_tokens::user_id.eq(uid))
                        .select(referral_tokens::token)
                        .first(conn)
                        .await
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn grant_milestone(
        &self,
        key: String,
        regrant_after_days: Option<i64>,
        notice: Notice,
    ) -> Result<bool, RepoError> {
        self.db
            .write::<_, diesel::result::Error, _>(|conn| {
                Box::pin(async move {
                    let granted: Option<Granted> = prepared::<GrantStatement>(
                        "INSERT INTO user_milestone_grants (user_id, milestone_key, goal_id) \
                         VALUES ($1, $2, $3) \
                         ON CONFLICT (user_id, milestone_key) DO UPDATE \
                           SET granted_at = NOW(), goal_id = EXCLUDED.goal_id \
                           WHERE $4::bigint IS NOT NULL \
                             AND user_milestone_grants.granted_at <= NOW() - make_interval(days => $4::int) \
                         RETURNING id",
                    )
                    .bind::<SqlUuid, _>(notice.user.as_uuid())
                    .bind::<Varchar, _>(&key)
                    .bind::<Nullable<SqlUuid>, _>(notice.goal.map(|g| g.as_uuid()))
                    .bind::<Nullable<BigInt>, _>(regrant_after_days)
                    .get_result(conn)
                    .await
                    .optional()?;
                    if granted.is_none() {
                        return Ok(false);
                    }
                    store_notice(conn, &notice).await?;
                    Ok(true)
                })
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            referral_candidate(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60"
        );
    }
}
