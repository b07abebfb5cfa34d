//! Group reads: a group, roles, members, the feed and a user's groups.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::{Membership, Role};
use pursue_domain::user::DisplayName;
use pursue_ports::activity::ActivityPage;
use pursue_ports::error::RepoError;
use pursue_ports::groups::{GroupRecord, MemberRecord, MyGroupRecord, PendingRecord};
use uuid::Uuid;

use super::feed::{self, FeedPage, FeedRow};
use crate::common::{
    ACTIVE, GroupRow, PENDING, count_active_members, load_group, membership, parse_role,
};
use crate::db::Db;
use crate::errors::db_error;
use crate::schema::{group_activities, group_memberships, groups, users};

pub(super) async fn find_group(db: &Db, id: GroupId) -> Result<Option<GroupRecord>, RepoError> {
    db.read(|conn| {
        Box::pin(async move {
            let Some(row) = load_group(conn, id.as_uuid(), false)
                .await
                .map_err(db_error)?
            else {
                return Ok(None);
            };
            let count = count_active_members(conn, id.as_uuid())
                .await
                .map_err(db_error)?;
            Ok(Some(row.into_record(count)))
        })
    })
    .await
}

pub(super) async fn role_of(
    db: &Db,
    group: GroupId,
    user: UserId,
) -> Result<Option<Role>, RepoError> {
    db.read(|conn| {
        Box::pin(async move {
            let role: Option<String> = group_memberships::table
                .inner_join(groups::table)
                .filter(group_memberships::group_id.eq(group.as_uuid()))
                .filter(group_memberships::user_id.eq(user.as_uuid()))
                .filter(group_memberships::status.eq(ACTIVE))
                .filter(groups::deleted_at.is_null())
                .select(group_memberships::role)
                .first(conn)
                .await
                .optional()
                .map_err(db_error)?;
            role.as_deref().map(parse_role).transpose()
        })
    })
    .await
}

pub(super) async fn membership_of(
    db: &Db,
    group: GroupId,
    user: UserId,
) -> Result<Option<Membership>, RepoError> {
    db.read(|conn| {
        Box::pin(async move {
            let row: Option<(String, String)> = group_memberships::table
                .filter(group_memberships::group_id.eq(group.as_uuid()))
                .filter(group_memberships::user_id.eq(user.as_uuid()))
                .filter(group_memberships::status.eq_any([ACTIVE, PENDING]))
                .select((group_memberships::role, group_memberships::status))
                .first(conn)
                .await
                .optional()
                .map_err(db_error)?;
            row.map(|(role, status)| membership(&role, &status))
                .transpose()
        })
    })
    .await
}

pub(super) async fn list_pending(db: &Db, group: GroupId) -> Result<Vec<PendingRecord>, RepoError> {
    db.read(|conn| {
        Box::pin(async move {
            let rows: Vec<(Uuid, String, bool, DateTime<Utc>)> = group_memberships::table
                .inner_join(users::table)
                .filter(group_memberships::group_id.eq(group.as_uuid()))
                .filter(group_memberships::status.eq(PENDING))
                .filter(users::deleted_at.is_null())
                .order((group_memberships::joined_at.asc(), users::id.asc()))
                .limit(MAX_GROUP_ROWS)
                .select((
                    users::id,
                    users::display_name,
                    users::avatar_mime_type.is_not_null(),
                    group_memberships::joined_at,
                ))
                .load(conn)
                .await
                .map_err(db_error)?;
            Ok(rows
                .into_iter()
                .map(
                    |(id, display_name, has_avatar, requested_at)| PendingRecord {
                        user_id: UserId::from_uuid(id),
                        display_name: DisplayName::stored(display_name),
                        has_avatar,
                        requested_at,
                    },
                )
                .collect())
        })
    })
    .await
}

/// Bound of per-group lists (the member cap is 50 rows; older data may hold more).
const MAX_GROUP_ROWS: i64 = 500;

pub(super) async fn list_members(
    db: &Db,
    group: GroupId,
    only: Option<UserId>,
) -> Result<Vec<MemberRecord>, RepoError> {
    db.read(|conn| {
        Box::pin(async move {
            // Two static shapes rather than one boxed query, so each stays prepared per
            // connection (every goal list and feed reads the members).
            let query = group_memberships::table
                .inner_join(users::table)
                .filter(group_memberships::group_id.eq(group.as_uuid()))
                .filter(group_memberships::status.eq(ACTIVE))
                .filter(users::deleted_at.is_null())
                .select((
                    users::id,
                    users::display_name,
                    users::avatar_mime_type.is_not_null(),
                    group_memberships::role,
                    group_memberships::joined_at,
                ));
            let rows: Vec<(Uuid, String, bool, String, DateTime<Utc>)> = match only {
                Some(user) => {
                    query
                        .filter(group_memberships::user_id.eq(user.as_uuid()))
                        .load(conn)
                        .await
                }
                None => query.load(conn).await,
            }
            .map_err(db_error)?;
            let mut members = rows
                .into_iter()
                .map(|(id, name, has_avatar, role, joined_at)| {
                    Ok(MemberRecord {
                        user_id: UserId::from_uuid(id),
                        display_name: DisplayName::stored(name),
                        has_avatar,
                        role: parse_role(&role)?,
                        joined_at,
                    })
                })
                .collect::<Result<Vec<_>, RepoError>>()?;
            members.sort_by_key(|m| (m.role.list_order(), m.joined_at, m.user_id.as_uuid()));
            Ok(members)
        })
    })
    .await
}

pub(super) async fn count_other_members(
    db: &Db,
    group: GroupId,
    user: UserId,
) -> Result<i64, RepoError> {
    db.read(|conn| {
        Box::pin(async move {
            group_memberships::table
                .filter(group_memberships::group_id.eq(group.as_uuid()))
                .filter(group_memberships::user_id.ne(user.as_uuid()))
                .filter(group_memberships::status.eq(ACTIVE))
                .count()
                .get_result(conn)
                .await
                .map_err(db_error)
        })
    })
    .await
}

pub(super) async fn list_activities(
    db: &Db,
    group: GroupId,
    limit: i64,
    offset: i64,
) -> Result<ActivityPage, RepoError> {
    db.read(|conn| {
        Box::pin(async move {
            let gid = group.as_uuid();
            let rows: Vec<FeedRow> = FeedPage::new(gid, limit, offset)
                .load(conn)
                .await
                .map_err(db_error)?;
            let total = match rows.as_slice() {
                [row, ..] => row.10,
                // Past the end (or an empty feed): count on its own.
                [] if offset > 0 => group_activities::table
                    .filter(group_activities::group_id.eq(gid))
                    .count()
                    .get_result(conn)
                    .await
                    .map_err(db_error)?,
                [] => 0,
            };
            let items = rows.into_iter().map(feed::record).collect();
            Ok(ActivityPage { items, total })
        })
    })
    .await
}

pub(super) async fn list_user_groups(
    db: &Db,
    user: UserId,
    limit: i64,
    offset: i64,
) -> Result<(Vec<MyGroupRecord>, i64), RepoError> {
    db.read(|conn| {
        Box::pin(async move {
            let uid = user.as_uuid();
            let base = group_memberships::table
                .inner_join(groups::table)
                .filter(group_memberships::user_id.eq(uid))
                .filter(
                    group_memberships::status
                        .eq(ACTIVE)
                        .or(group_memberships::status.eq(PENDING)),
                )
                .filter(groups::deleted_at.is_null());
            let rows: Vec<(GroupRow, String, String, DateTime<Utc>)> = base
                .order((
                    group_memberships::joined_at.desc(),
                    group_memberships::group_id.asc(),
                ))
                .limit(limit)
                .offset(offset)
                .select((
                    GroupRow::as_select(),
                    group_memberships::role,
                    group_memberships::status,
                    group_memberships::joined_at,
                ))
                .load(conn)
                .await
                .map_err(db_error)?;
            let total: i64 = base.count().get_result(conn).await.map_err(db_error)?;
            let ids: Vec<Uuid> = rows.iter().map(|(g, _, _, _)| g.id).collect();
            let counts: HashMap<Uuid, i64> = if ids.is_empty() {
                HashMap::new()
            } else {
                group_memberships::table
                    .inner_join(users::table)
                    .filter(group_memberships::group_id.eq_any(&ids))
                    .filter(group_memberships::status.eq(ACTIVE))
                    .filter(users::deleted_at.is_null())
                    .group_by(group_memberships::group_id)
                    .select((group_memberships::group_id, diesel::dsl::count_star()))
                    .load::<(Uuid, i64)>(conn)
                    .await
                    .map_err(db_error)?
                    .into_iter()
                    .collect()
            };
            let groups = rows
                .into_iter()
                .map(|(row, role, status, joined_at)| {
                    let count = counts.get(&row.id).copied().unwrap_or(0);
                    let membership = membership(&role, &status)?;
                    Ok(MyGroupRecord {
                        role: membership.role,
                        status: membership.status,
                        joined_at,
                        group: row.into_record(count),
                    })
                })
                .collect::<Result<Vec<_>, RepoError>>()?;
            Ok((groups, total))
        })
    })
    .await
}
