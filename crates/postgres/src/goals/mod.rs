//! [`GoalRepository`] over PostgreSQL.

mod write;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel_async::RunQueryDsl;
use pursue_domain::goal::{
    ActiveDays, Cadence, GoalDescription, GoalTitle, LogTitlePrompt, MetricType, NewGoalSpec, Unit,
};
use pursue_domain::ids::{EntryId, GoalId, GroupId, UserId};
use pursue_domain::progress::{LogTitle, Note};
use pursue_ports::activity::NewActivity;
use pursue_ports::error::RepoError;
use pursue_ports::goals::{EntryRecord, GoalFilter, GoalPatch, GoalRecord, GoalRepository};
use pursue_ports::groups::{CapError, WriteGuard};
use pursue_ports::outbox::PushEvent;
use uuid::Uuid;

use crate::common::{corrupt, to_decimal};
use crate::db::Db;
use crate::errors::db_error;
use crate::pool::PgPool;
use crate::schema::{goals, progress_entries};

/// The open ends of a date range: dates every stored entry lies between, and both within
/// PostgreSQL's `date` range.
const EARLIEST_DATE: NaiveDate = date(1, 1, 1);
const LATEST_DATE: NaiveDate = date(9999, 12, 31);

const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => NaiveDate::MIN,
    }
}

/// Goals in the `goals` table, and entry reads over `progress_entries`.
#[derive(Clone)]
pub struct PgGoals {
    db: Db,
}

impl PgGoals {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { db: Db::new(pool) }
    }
}

/// The columns every goal read selects.
#[derive(Queryable, Selectable)]
#[diesel(table_name = goals)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub(crate) struct GoalRow {
    id: Uuid,
    group_id: Uuid,
    title: String,
    description: Option<String>,
    cadence: String,
    metric_type: String,
    target_value: Option<bigdecimal::BigDecimal>,
    unit: Option<String>,
    created_by_user_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
    active_days: Option<i32>,
    log_title_prompt: Option<String>,
}

impl GoalRow {
    /// The goal's group.
    pub(crate) fn group_id(&self) -> Uuid {
        self.group_id
    }

    /// The record; unknown stored enum names are corrupt data.
    pub(crate) fn into_record(self) -> Result<GoalRecord, RepoError> {
        Ok(GoalRecord {
            id: GoalId::from_uuid(self.id),
            group_id: GroupId::from_uuid(self.group_id),
            cadence: Cadence::parse(&self.cadence)
                .map_err(|_| corrupt("cadence", &self.cadence))?,
            metric: MetricType::parse(&self.metric_type)
                .map_err(|_| corrupt("metric_type", &self.metric_type))?,
            target_value: self.target_value.as_ref().map(to_decimal).transpose()?,
            title: GoalTitle::stored(self.title),
            description: self.description.map(GoalDescription::stored),
            unit: self.unit.map(Unit::stored),
            created_by_user_id: self.created_by_user_id.map(UserId::from_uuid),
            created_at: self.created_at,
            archived_at: self.deleted_at,
            active_days: self
                .active_days
                .map(|b| {
                    ActiveDays::from_bits(b).map_err(|_| corrupt("active_days", &b.to_string()))
                })
                .transpose()?,
            log_title_prompt: self.log_title_prompt.map(LogTitlePrompt::stored),
        })
    }
}

/// The columns every entry read selects.
#[derive(Queryable, Selectable)]
#[diesel(table_name = progress_entries)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub(crate) struct EntryRow {
    id: Uuid,
    goal_id: Uuid,
    user_id: Uuid,
    value: bigdecimal::BigDecimal,
    note: Option<String>,
    period_start: NaiveDate,
    logged_at: DateTime<Utc>,
    log_title: Option<String>,
}

impl EntryRow {
    /// The record.
    pub(crate) fn into_record(self) -> Result<EntryRecord, RepoError> {
        Ok(EntryRecord {
            id: EntryId::from_uuid(self.id),
            goal_id: GoalId::from_uuid(self.goal_id),
            user_id: UserId::from_uuid(self.user_id),
            value: to_decimal(&self.value)?,
            note: self.note.map(Note::stored),
            period_start: self.period_start,
            logged_at: self.logged_at,
            log_title: self.log_title.map(LogTitle::stored),
        })
    }
}

#[async_trait]
impl GoalRepository for PgGoals {
    async fn create_goal(
        &self,
        guard: WriteGuard,
        id: GoalId,
        spec: NewGoalSpec,
        activity: NewActivity,
        push: PushEvent,
    ) -> Result<GoalRecord, CapError> {
        write::create_goal(&self.db, guard, id, spec, activity, push).await
    }

    async fn find_goal(&self, id: GoalId) -> Result<Option<GoalRecord>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    goals::table
                        .filter(goals::id.eq(id.as_uuid()))
                        .select(GoalRow::as_select())
                        .first::<GoalRow>(conn)
                        .await
                        .optional()
                        .map_err(db_error)?
                        .map(GoalRow::into_record)
                        .transpose()
                })
            })
            .await
    }

    async fn list_goals(
        &self,
        group: GroupId,
        filter: GoalFilter,
    ) -> Result<Vec<GoalRecord>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    // One statement shape whatever the filter (flags bound as values), so
                    // it stays prepared per connection; a boxed query would be parsed and
                    // planned on every call.
                    let cadence = filter.cadence.map(|c| c.as_str());
                    let query = goals::table
                        .filter(goals::group_id.eq(group.as_uuid()))
                        .filter(
                            cadence
                                .is_none()
                                .into_sql::<Bool>()
                                .or(goals::cadence.eq(cadence.unwrap_or_default())),
                        )
                        .filter(
                            filter
                                .include_archived
                                .into_sql::<Bool>()
                                .or(goals::deleted_at.is_null()),
                        )
                        .select(GoalRow::as_select())
                        .order((
                            goals::deleted_at.asc().nulls_first(),
                            goals::created_at.desc(),
                            goals::id.asc(),
                        ));
                    query
                        .load::<GoalRow>(conn)
                        .await
                        .map_err(db_error)?
                        .into_iter()
                        .map(GoalRow::into_record)
                        .collect()
                })
            })
            .await
    }

    async fn update_goal(
        &self,
        guard: WriteGuard,
        id: GoalId,
        patch: GoalPatch,
        activity: Option<NewActivity>,
    ) -> Result<Option<GoalRecord>, RepoError> {
        write::update_goal(&self.db, guard, id, patch, activity).await
    }

    async fn archive_goal(
        &self,
        guard: WriteGuard,
        id: GoalId,
        actor: UserId,
        activity: NewActivity,
        push: PushEvent,
    ) -> Result<bool, RepoError> {
        write::archive_goal(&self.db, guard, id, actor, activity, push).await
    }

    async fn entries_between(
        &self,
        goals: Vec<GoalId>,
        user: Option<UserId>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<EntryRecord>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    let ids: Vec<Uuid> = goals.iter().map(GoalId::as_uuid).collect();
                    // Static shapes (no boxed query), so they stay prepared per connection:
                    // an open end becomes a date beyond every stored entry.
                    let query = progress_entries::table
                        .filter(progress_entries::goal_id.eq_any(ids))
                        .filter(
                            progress_entries::period_start
                                .between(from.unwrap_or(EARLIEST_DATE), to.unwrap_or(LATEST_DATE)),
                        )
                        .select(EntryRow::as_select())
                        .order((
                            progress_entries::period_start.asc(),
                            progress_entries::logged_at.asc(),
                            progress_entries::id.asc(),
                        ));
                    let rows = match user {
                        Some(u) => {
                            query
                                .filter(progress_entries::user_id.eq(u.as_uuid()))
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
}
