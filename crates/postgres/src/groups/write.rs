//! Creating, editing and deleting groups.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_domain::caps::{CappedResource, check_cap};
use pursue_domain::ids::GroupId;
use pursue_domain::role::Role;
use pursue_ports::activity::NewActivity;
use pursue_ports::error::RepoError;
use pursue_ports::groups::{CapError, GroupPatch, GroupRecord, NewGroup, WriteGuard};

use crate::common::{
    GroupRow, TxError, count_active_members, count_memberships, from_decimal, insert_activity,
    load_group, lock_user, trigger_cap,
};
use crate::db::Db;
use crate::errors::{db_error, is_unique_violation};
use crate::schema::{goals, group_memberships, groups, invite_codes};

pub(super) async fn create_group(
    db: &Db,
    group: NewGroup,
    activity: NewActivity,
) -> Result<GroupRecord, CapError> {
    let result = db
        .transaction::<_, TxError<pursue_domain::caps::CapExceeded>, _>(|conn| {
            Box::pin(async move {
                let creator = group.creator.as_uuid();
                lock_user(conn, creator).await?;
                let created: i64 = groups::table
                    .filter(groups::creator_user_id.eq(creator))
                    .filter(groups::deleted_at.is_null())
                    .count()
                    .get_result(conn)
                    .await?;
                check_cap(CappedResource::GroupsCreated, created).map_err(TxError::Business)?;
                let joined = count_memberships(conn, creator).await?;
                check_cap(CappedResource::GroupsJoined, joined).map_err(TxError::Business)?;
                let id = group.id.as_uuid();
                let row: GroupRow = diesel::insert_into(groups::table)
                    .values((
                        groups::id.eq(id),
                        groups::name.eq(group.name.as_str()),
                        groups::description.eq(group.description.as_ref().map(|d| d.as_str())),
                        groups::icon_emoji.eq(group.icon_emoji.as_ref().map(|e| e.as_str())),
                        groups::icon_color.eq(group.icon_color.as_ref().map(|c| c.as_str())),
                        groups::icon_url.eq(group.icon_url.as_ref().map(|u| u.as_str())),
                        groups::creator_user_id.eq(creator),
                    ))
                    .returning(GroupRow::as_returning())
                    .get_result(conn)
                    .await?;
                diesel::insert_into(group_memberships::table)
                    .values((
                        group_memberships::group_id.eq(id),
                        group_memberships::user_id.eq(creator),
                        group_memberships::role.eq(Role::Creator.as_str()),
                    ))
                    .execute(conn)
                    .await?;
                diesel::insert_into(invite_codes::table)
                    .values((
                        invite_codes::group_id.eq(id),
                        invite_codes::code.eq(group.invite_code.as_str()),
                        invite_codes::created_by_user_id.eq(Some(creator)),
                    ))
                    .execute(conn)
                    .await?;
                if !group.initial_goals.is_empty() {
                    let rows: Vec<_> = group
                        .initial_goals
                        .iter()
                        .map(|(goal_id, spec)| {
                            (
                                goals::id.eq(goal_id.as_uuid()),
                                goals::group_id.eq(id),
                                goals::title.eq(spec.title().as_str()),
                                goals::description.eq(spec.description().map(|d| d.as_str())),
                                goals::cadence.eq(spec.cadence().as_str()),
                                goals::metric_type.eq(spec.metric().as_str()),
                                goals::target_value
                                    .eq(spec.target().map(|t| from_decimal(t.value()))),
                                goals::unit.eq(spec.unit().map(|u| u.as_str())),
                                goals::created_by_user_id.eq(Some(creator)),
                            )
                        })
                        .collect();
                    diesel::insert_into(goals::table)
                        .values(rows)
                        .execute(conn)
                        .await?;
                }
                insert_activity(conn, id, &activity).await?;
                Ok(row.into_record(1))
            })
        })
        .await?;
    match result {
        Ok(record) => Ok(record),
        Err(TxError::Business(cap)) => Err(CapError::Cap(cap)),
        Err(TxError::Db(e)) => match trigger_cap(&e) {
            Some(cap) => Err(CapError::Cap(cap)),
            None if is_unique_violation(&e, None) => Err(CapError::CodeTaken),
            None => Err(CapError::Repo(db_error(e))),
        },
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = groups)]
struct GroupChanges<'a> {
    name: Option<&'a str>,
    description: Option<Option<&'a str>>,
    icon_emoji: Option<Option<&'a str>>,
    icon_color: Option<Option<&'a str>>,
    icon_url: Option<Option<&'a str>>,
}

pub(super) async fn update_group(
    db: &Db,
    guard: WriteGuard,
    id: GroupId,
    patch: GroupPatch,
    activity: Option<NewActivity>,
) -> Result<Option<GroupRecord>, RepoError> {
    db.guarded::<_, diesel::result::Error, _>(guard, |conn| {
        Box::pin(async move {
            let gid = id.as_uuid();
            let changes = GroupChanges {
                name: patch.name.as_ref().map(|n| n.as_str()),
                description: patch
                    .description
                    .as_ref()
                    .map(|d| d.as_ref().map(|d| d.as_str())),
                icon_emoji: patch
                    .icon_emoji
                    .as_ref()
                    .map(|e| e.as_ref().map(|e| e.as_str())),
                icon_color: patch
                    .icon_color
                    .as_ref()
                    .map(|c| c.as_ref().map(|c| c.as_str())),
                icon_url: patch
                    .icon_url
                    .as_ref()
                    .map(|u| u.as_ref().map(|u| u.as_str())),
            };
            let empty = changes.icon_url.is_none()
                && changes.name.is_none()
                && changes.description.is_none()
                && changes.icon_emoji.is_none()
                && changes.icon_color.is_none();
            let row = if empty {
                load_group(conn, gid, false).await?
            } else {
                diesel::update(
                    groups::table
                        .filter(groups::id.eq(gid))
                        .filter(groups::deleted_at.is_null()),
                )
                .set(&changes)
                .returning(GroupRow::as_returning())
                .get_result(conn)
                .await
                .optional()?
            };
            let Some(row) = row else {
                return Ok(None);
            };
            if let Some(activity) = &activity {
                insert_activity(conn, gid, activity).await?;
            }
            let count = count_active_members(conn, gid).await?;
            Ok(Some(row.into_record(count)))
        })
    })
    .await
}

pub(super) async fn delete_group(db: &Db, guard: WriteGuard, id: GroupId) -> Result<(), RepoError> {
    db.guarded::<_, diesel::result::Error, _>(guard, |conn| {
        Box::pin(async move {
            diesel::delete(groups::table.filter(groups::id.eq(id.as_uuid())))
                .execute(conn)
                .await
                .map(drop)
        })
    })
    .await
}
