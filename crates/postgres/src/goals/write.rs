//! Creating, editing and archiving goals.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_domain::caps::{CappedResource, check_cap};
use pursue_domain::goal::NewGoalSpec;
use pursue_domain::ids::{GoalId, UserId};
use pursue_ports::activity::NewActivity;
use pursue_ports::error::RepoError;
use pursue_ports::goals::{GoalPatch, GoalRecord};
use pursue_ports::groups::{CapError, WriteGuard};
use pursue_ports::outbox::PushEvent;

use super::GoalRow;
use crate::common::{
    TxError, enqueue_push, from_decimal, insert_activity, load_group, trigger_cap,
};
use crate::db::Db;
use crate::errors::db_error;
use crate::schema::goals;

pub(super) async fn create_goal(
    db: &Db,
    guard: WriteGuard,
    id: GoalId,
    spec: NewGoalSpec,
    activity: NewActivity,
    push: PushEvent,
) -> Result<GoalRecord, CapError> {
    let (group, actor) = (guard.group, guard.user);
    let result = db
        .transaction::<_, TxError<CapError>, _>(|conn| {
            Box::pin(async move {
                if let Err(refused) = crate::guard::check(conn, guard).await? {
                    return Err(TxError::Business(CapError::Repo(refused)));
                }
                let gid = group.as_uuid();
                if load_group(conn, gid, true).await?.is_none() {
                    // Deleted by a concurrent request since the caller's access check.
                    return Err(TxError::Business(CapError::GroupGone));
                }
                let active: i64 = goals::table
                    .filter(goals::group_id.eq(gid))
                    .filter(goals::deleted_at.is_null())
                    .count()
                    .get_result(conn)
                    .await?;
                check_cap(CappedResource::GroupGoals, active)
                    .map_err(|cap| TxError::Business(CapError::Cap(cap)))?;
                let row: GoalRow = diesel::insert_into(goals::table)
                    .values((
                        goals::id.eq(id.as_uuid()),
                        goals::group_id.eq(gid),
                        goals::title.eq(spec.title().as_str()),
                        goals::description.eq(spec.description().map(|d| d.as_str())),
                        goals::cadence.eq(spec.cadence().as_str()),
                        goals::metric_type.eq(spec.metric().as_str()),
                        goals::target_value.eq(spec.target().map(|t| from_decimal(t.value()))),
                        goals::unit.eq(spec.unit().map(|u| u.as_str())),
                        goals::active_days.eq(spec.active_days().map(|d| d.bits())),
                        goals::log_title_prompt.eq(spec.log_title_prompt().map(|p| p.as_str())),
                        goals::created_by_user_id.eq(Some(actor.as_uuid())),
                    ))
                    .returning(GoalRow::as_returning())
                    .get_result(conn)
                    .await?;
                insert_activity(conn, gid, &activity).await?;
                enqueue_push(conn, gid, actor.as_uuid(), push).await?;
                Ok(row)
            })
        })
        .await?;
    match result {
        Ok(row) => Ok(row.into_record()?),
        Err(TxError::Business(refusal)) => Err(refusal),
        Err(TxError::Db(e)) => match trigger_cap(&e) {
            Some(cap) => Err(CapError::Cap(cap)),
            None => Err(CapError::Repo(db_error(e))),
        },
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = goals)]
struct GoalChanges<'a> {
    title: Option<&'a str>,
    description: Option<Option<&'a str>>,
    active_days: Option<Option<i32>>,
}

pub(super) async fn update_goal(
    db: &Db,
    guard: WriteGuard,
    id: GoalId,
    patch: GoalPatch,
    activity: Option<NewActivity>,
) -> Result<Option<GoalRecord>, RepoError> {
    let changes = GoalChanges {
        title: patch.title.as_ref().map(|t| t.as_str()),
        description: patch
            .description
            .as_ref()
            .map(|d| d.as_ref().map(|d| d.as_str())),
        active_days: patch.active_days.map(|d| d.map(|d| d.bits())),
    };
    let unchanged =
        changes.title.is_none() && changes.description.is_none() && changes.active_days.is_none();
    let row: Option<GoalRow> = db
        .guarded::<_, diesel::result::Error, _>(guard, |conn| {
            Box::pin(async move {
                let target = goals::table
                    .filter(goals::id.eq(id.as_uuid()))
                    .filter(goals::deleted_at.is_null());
                let row: Option<GoalRow> = if unchanged {
                    target
                        .select(GoalRow::as_select())
                        .first(conn)
                        .await
                        .optional()?
                } else {
                    diesel::update(target)
                        .set(&changes)
                        .returning(GoalRow::as_returning())
                        .get_result(conn)
                        .await
                        .optional()?
                };
                if let (Some(row), Some(activity)) = (&row, &activity) {
                    insert_activity(conn, row.group_id(), activity).await?;
                }
                Ok(row)
            })
        })
        .await?;
    row.map(GoalRow::into_record).transpose()
}

pub(super) async fn archive_goal(
    db: &Db,
    guard: WriteGuard,
    id: GoalId,
    actor: UserId,
    activity: NewActivity,
    push: PushEvent,
) -> Result<bool, RepoError> {
    db.guarded::<_, diesel::result::Error, _>(guard, |conn| {
        Box::pin(async move {
            let group: Option<uuid::Uuid> = diesel::update(
                goals::table
                    .filter(goals::id.eq(id.as_uuid()))
                    .filter(goals::deleted_at.is_null()),
            )
            .set((
                goals::deleted_at.eq(Some(chrono::Utc::now())),
                goals::deleted_by_user_id.eq(Some(actor.as_uuid())),
            ))
            .returning(goals::group_id)
            .get_result(conn)
            .await
            .optional()?;
            let Some(gid) = group else {
                return Ok(false);
            };
            insert_activity(conn, gid, &activity).await?;
            enqueue_push(conn, gid, actor.as_uuid(), push).await?;
            Ok(true)
        })
    })
    .await
}
