//! [`ProgressViews`] over PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_domain::ids::{EntryId, GoalId, GroupId, UserId};
use pursue_ports::activity::NewActivity;
use pursue_ports::error::RepoError;
use pursue_ports::goals::EntryRecord;
use pursue_ports::views::{EntryCursor, ProgressViews, ReactionCount, TrackedGoal};
use uuid::Uuid;

use crate::common::insert_activity;
use crate::db::Db;
use crate::errors::db_error;
use crate::goals::{EntryRow, GoalRow};
use crate::pool::PgPool;
use crate::prepared::prepared;
use crate::schema::{goals, group_memberships, groups, progress_entries, users};

/// The reads of the progress views.
#[derive(Clone)]
pub struct PgViews {
    db: Db,
}

/// The reaction counts of a progress view: one SQL text, prepared once per connection (see [`crate::prepared`]).
struct ReactionCountStatement;

impl PgViews {
    /// Reads over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { db: Db::new(pool) }
    }
}

#[derive(QueryableByName)]
struct ReactionRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    entry: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    emoji: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Upper bound of the goals one user can track (10 groups × 100 active goals).
const MAX_TRACKED_GOALS: i64 = 2_000;

#[async_trait]
impl ProgressViews for PgViews {
    async fn timezones(
        &self,
        users_ids: Vec<UserId>,
    ) -> Result<Vec<(UserId, Option<String>)>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    let ids: Vec<Uuid> = users_ids.iter().map(UserId::as_uuid).collect();
                    let rows: Vec<(Uuid, Option<String>)> = users::table
                        .filter(users::id.eq_any(ids))
                        .select((users::id, users::timezone))
                        .load(conn)
                        .await
                        .map_err(db_error)?;
                    Ok(rows
                        .into_iter()
                        .map(|(id, tz)| (UserId::from_uuid(id), tz))
                        .collect())
                })
            })
            .await
    }

    async fn entry_page(
        &self,
        goal_ids: Vec<GoalId>,
        user: UserId,
        from: NaiveDate,
        to: NaiveDate,
        after: Option<EntryCursor>,
        limit: i64,
    ) -> Result<Vec<EntryRecord>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    let ids: Vec<Uuid> = goal_ids.iter().map(GoalId::as_uuid).collect();
                    // Two static shapes (first page, later page) rather than one boxed
                    // query, so each stays prepared per connection.
                    let query = progress_entries::table
                        .filter(progress_entries::goal_id.eq_any(ids))
                        .filter(progress_entries::user_id.eq(user.as_uuid()))
                        .filter(progress_entries::period_start.between(from, to))
                        .select(EntryRow::as_select())
                        .order((
                            progress_entries::logged_at.desc(),
                            progress_entries::id.desc(),
                        ))
                        .limit(limit);
                    let rows = match after {
                        Some(c) => {
                            let at: DateTime<Utc> = c.logged_at;
                            let id = c.entry_id.as_uuid();
                            query
                                .filter(
                                    progress_entries::logged_at.lt(at).or(
                                        progress_entries::logged_at
                                            .eq(at)
                                            .and(progress_entries::id.lt(id)),
                                    ),
                                )
                                .load::<EntryRow>(conn)
                                .await
                        }
                        None => query.load::<EntryRow>(conn).await,
                    };
                    rows.map_err(db_error)?
                        .into_iter()
                        .map(EntryRow::into_record)
                        .collect()
                })
            })
            .await
    }

    async fn entry_reactions(
        &self,
        entries: Vec<EntryId>,
    ) -> Result<Vec<ReactionCount>, RepoError> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        self.db
            .read(|conn| {
                Box::pin(async move {
                    let keys: Vec<String> =
                        entries.iter().map(|e| e.as_uuid().to_string()).collect();
                    let rows: Vec<ReactionRow> = prepared::<ReactionCountStatement>(
                        "SELECT a.metadata->>'progress_entry_id' AS entry, r.emoji, COUNT(*) AS n \
             FROM activity_reactions r \
             JOIN group_activities a ON a.id = r.activity_id \
             JOIN users u ON u.id = r.user_id AND u.deleted_at IS NULL \
             WHERE a.activity_type = 'progress_logged' \
               AND a.metadata->>'progress_entry_id' = ANY($1) \
             GROUP BY 1, 2",
                    )
                    .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(keys)
                    .load(conn)
                    .await
                    .map_err(db_error)?;
                    let rows = rows.into_iter().map(|r| (r.entry, r.emoji, r.n));
                    let mut out: Vec<ReactionCount> = rows
                        .into_iter()
                        .filter_map(|(entry, emoji, count)| {
                            Some(ReactionCount {
                                entry_id: EntryId::from_uuid(Uuid::parse_str(&entry).ok()?),
                                emoji,
                                count,
                            })
                        })
                        .collect();
                    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.emoji.cmp(&b.emoji)));
                    Ok(out)
                })
            })
            .await
    }

    async fn tracked_goals(&self, user: UserId) -> Result<Vec<TrackedGoal>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    let rows: Vec<(String, GoalRow)> = goals::table
                        .inner_join(groups::table)
                        .inner_join(
                            group_memberships::table
                                .on(group_memberships::group_id.eq(goals::group_id)),
                        )
                        .filter(group_memberships::user_id.eq(user.as_uuid()))
                        .filter(group_memberships::status.eq("active"))
                        .filter(groups::deleted_at.is_null())
                        .filter(goals::deleted_at.is_null())
                        .order((
                            groups::name.asc(),
                            groups::id.asc(),
                            goals::created_at.asc(),
                            goals::id.asc(),
                        ))
                        .limit(MAX_TRACKED_GOALS)
                        .select((groups::name, GoalRow::as_select()))
                        .load(conn)
                        .await
                        .map_err(db_error)?;
                    rows.into_iter()
                        .map(|(group_name, row)| {
                            Ok(TrackedGoal {
                                group_name: pursue_domain::group::GroupName::stored(group_name),
                                goal: row.into_record()?,
                            })
                        })
                        .collect()
                })
            })
            .await
    }

    async fn record_activity(
        &self,
        group: GroupId,
        activity: NewActivity,
    ) -> Result<(), RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    insert_activity(conn, group.as_uuid(), &activity)
                        .await
                        .map_err(db_error)
                })
            })
            .await
    }
}
