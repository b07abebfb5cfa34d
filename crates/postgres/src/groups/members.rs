//! Role changes, removals and leaving.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::{AssignableRole, Role};
use pursue_ports::activity::NewActivity;
use pursue_ports::error::RepoError;
use pursue_ports::outbox::PushEvent;

use crate::common::{enqueue_push, insert_activity};
use crate::errors::{db_error, pool_error};
use crate::pool::PgPool;
use crate::schema::group_memberships;

pub(super) async fn change_role(
    pool: &PgPool,
    group: GroupId,
    user: UserId,
    role: AssignableRole,
    activity: NewActivity,
) -> Result<bool, RepoError> {
    let mut conn = pool.get().await.map_err(pool_error)?;
    conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
        let gid = group.as_uuid();
        let updated = diesel::update(
            group_memberships::table
                .filter(group_memberships::group_id.eq(gid))
                .filter(group_memberships::user_id.eq(user.as_uuid()))
                .filter(group_memberships::role.ne(Role::Creator.as_str())),
        )
        .set(group_memberships::role.eq(role.as_str()))
        .execute(conn)
        .await?;
        if updated == 0 {
            return Ok(false);
        }
        insert_activity(conn, gid, &activity).await?;
        Ok(true)
    })
    .await
    .map_err(db_error)
}

/// Deletes a non-creator membership, then writes the activity and the push.
async fn drop_membership(
    pool: &PgPool,
    group: GroupId,
    user: UserId,
    actor: UserId,
    activity: NewActivity,
    push: PushEvent,
) -> Result<bool, RepoError> {
    let mut conn = pool.get().await.map_err(pool_error)?;
    conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
        let gid = group.as_uuid();
        let deleted = diesel::delete(
            group_memberships::table
                .filter(group_memberships::group_id.eq(gid))
                .filter(group_memberships::user_id.eq(user.as_uuid()))
                .filter(group_memberships::role.ne(Role::Creator.as_str())),
        )
        .execute(conn)
        .await?;
        if deleted == 0 {
            return Ok(false);
        }
        insert_activity(conn, gid, &activity).await?;
        enqueue_push(conn, gid, actor.as_uuid(), push).await?;
        Ok(true)
    })
    .await
    .map_err(db_error)
}

pub(super) async fn remove(
    pool: &PgPool,
    group: GroupId,
    user: UserId,
    actor: UserId,
    activity: NewActivity,
    push: PushEvent,
) -> Result<bool, RepoError> {
    drop_membership(pool, group, user, actor, activity, push).await
}

pub(super) async fn leave(
    pool: &PgPool,
    group: GroupId,
    user: UserId,
    activity: NewActivity,
    push: PushEvent,
) -> Result<bool, RepoError> {
    drop_membership(pool, group, user, user, activity, push).await
}
