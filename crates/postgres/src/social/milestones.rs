//! [`PgMilestones`]: milestone facts, grants in `user_milestone_grants`, and referral tokens
//! in `referral_tokens`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Uuid as SqlUuid, Varchar};
use diesel_async::RunQueryDsl;
use pursue_domain::ids::{GoalId, GroupId, UserId};
use pursue_domain::milestone::RANK_CEILING;
use pursue_ports::error::RepoError;
use pursue_ports::social::{MilestoneFacts, MilestoneRepository, Notice};
use uuid::Uuid;

use super::notice::store_notice;
use crate::db::Db;
use crate::errors::db_error;
use crate::pool::PgPool;
use crate::prepared::prepared;
use crate::schema::{goals, progress_entries, referral_tokens};

/// Distinct goal dates read for a streak (longer than the longest streak milestone).
const MAX_DATES: i64 = 800;

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
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Day {
    #[diesel(sql_type = Date)]
    d: NaiveDate,
}

#[derive(QueryableByName)]
struct Granted {
    #[diesel(sql_type = SqlUuid)]
    #[allow(dead_code)]
    id: Uuid,
}

#[derive(QueryableByName)]
struct ActiveDays {
    #[diesel(sql_type = Nullable<Integer>)]
    active_days: Option<i32>,
}

/// The prepared-statement markers of the worker's milestone check, one SQL text each (see
/// [`crate::prepared`]): it runs once per logged entry.
struct RankStatement;
struct DaysStatement;
struct ActiveDaysStatement;
struct GrantStatement;

#[async_trait]
impl MilestoneRepository for PgMilestones {
    async fn milestone_facts(&self, entry: Uuid) -> Result<Option<MilestoneFacts>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    let row: Option<(Uuid, Uuid, NaiveDate, DateTime<Utc>, Uuid, String)> =
                        progress_entries::table
                            .inner_join(goals::table)
                            .filter(progress_entries::id.eq(entry))
                            .select((
                                progress_entries::user_id,
                                progress_entries::goal_id,
                                progress_entries::period_start,
                                progress_entries::created_at,
                                goals::group_id,
                                goals::title,
                            ))
                            .first(conn)
                            .await
                            .optional()
                            .map_err(db_error)?;
                    let Some((user, goal, user_date, created_at, group, goal_title)) = row else {
                        return Ok(None);
                    };
                    // Bounded: the rank only matters up to the largest total milestone.
                    let rank: Count = prepared::<RankStatement>(
                        "SELECT count(*) AS n FROM (SELECT 1 FROM progress_entries \
             WHERE user_id = $1 AND value > 0 AND (created_at, id) <= ($2, $3) LIMIT $4) r",
                    )
                    .bind::<SqlUuid, _>(user)
                    .bind::<diesel::sql_types::Timestamptz, _>(created_at)
                    .bind::<SqlUuid, _>(entry)
                    .bind::<BigInt, _>(RANK_CEILING)
                    .get_result(conn)
                    .await
                    .map_err(db_error)?;
                    let days: Vec<Day> = prepared::<DaysStatement>(
                        "SELECT DISTINCT period_start AS d FROM progress_entries \
             WHERE user_id = $1 AND goal_id = $2 AND value > 0 ORDER BY d DESC LIMIT $3",
                    )
                    .bind::<SqlUuid, _>(user)
                    .bind::<SqlUuid, _>(goal)
                    .bind::<BigInt, _>(MAX_DATES)
                    .load(conn)
                    .await
                    .map_err(db_error)?;
                    let active: Option<ActiveDays> = prepared::<ActiveDaysStatement>(
                        "SELECT active_days FROM goals WHERE id = $1",
                    )
                    .bind::<SqlUuid, _>(goal)
                    .get_result(conn)
                    .await
                    .optional()
                    .map_err(db_error)?;
                    let goal_dates: Vec<NaiveDate> = days.into_iter().map(|d| d.d).collect();
                    Ok(Some(MilestoneFacts {
                        user: UserId::from_uuid(user),
                        goal: GoalId::from_uuid(goal),
                        group: GroupId::from_uuid(group),
                        goal_title: pursue_domain::goal::GoalTitle::stored(goal_title),
                        user_date,
                        rank: rank.n,
                        latest_goal_date: <[NaiveDate]>::first(&goal_dates)
                            .copied()
                            .unwrap_or(user_date),
                        goal_dates,
                        active_days: active.and_then(|a| a.active_days),
                    }))
                })
            })
            .await
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
