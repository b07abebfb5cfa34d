//! Role changes, removals, approvals and leaving.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Timestamptz, Uuid as SqlUuid, Varchar};
use diesel_async::RunQueryDsl;
use pursue_domain::activity::ActivityType;
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::push::PushKind;
use pursue_domain::role::{AssignableRole, LeavePlan, PromotionCandidate, Role, plan_leave};
use pursue_ports::activity::NewActivity;
use pursue_ports::error::RepoError;
use pursue_ports::groups::{LeaveRequest, LeaveResult, WriteGuard};
use pursue_ports::outbox::PushEvent;
use serde_json::json;
use uuid::Uuid;

use super::notices;
use crate::common::{
    ACTIVE, PENDING, enqueue_push, enqueue_push_except, insert_activity, load_group,
};
use crate::db::Db;
use crate::errors::db_error;
use crate::prepared::prepared;
use crate::schema::{group_memberships, groups};

pub(super) async fn change_role(
    db: &Db,
    guard: WriteGuard,
    group: GroupId,
    user: UserId,
    role: AssignableRole,
    activity: NewActivity,
) -> Result<bool, RepoError> {
    db.guarded::<_, diesel::result::Error, _>(guard, |conn| {
        Box::pin(async move {
            let gid = group.as_uuid();
            let previous: Option<String> = group_memberships::table
                .filter(group_memberships::group_id.eq(gid))
                .filter(group_memberships::user_id.eq(user.as_uuid()))
                .filter(group_memberships::status.eq(ACTIVE))
                .filter(group_memberships::role.ne(Role::Creator.as_str()))
                .select(group_memberships::role)
                .for_update()
                .first(conn)
                .await
                .optional()?;
            let Some(previous) = previous else {
                return Ok(false);
            };
            diesel::update(
                group_memberships::table
                    .filter(group_memberships::group_id.eq(gid))
                    .filter(group_memberships::user_id.eq(user.as_uuid())),
            )
            .set(group_memberships::role.eq(role.as_str()))
            .execute(conn)
            .await?;
            insert_activity(conn, gid, &activity).await?;
            if previous == Role::Member.as_str() && role == AssignableRole::Admin {
                let name = load_group(conn, gid, false)
                    .await?
                    .map(|g| g.name)
                    .unwrap_or_default();
                notices::promoted(
                    conn,
                    gid,
                    &name,
                    user.as_uuid(),
                    Some(activity.user.as_uuid()),
                    Role::Admin.as_str(),
                )
                .await?;
            }
            Ok(true)
        })
    })
    .await
}

pub(super) async fn remove(
    db: &Db,
    guard: WriteGuard,
    group: GroupId,
    user: UserId,
    actor: UserId,
    activity: NewActivity,
    push: PushEvent,
) -> Result<bool, RepoError> {
    db.guarded::<_, diesel::result::Error, _>(guard, |conn| {
        Box::pin(async move {
            let gid = group.as_uuid();
            let deleted = diesel::delete(
                group_memberships::table
                    .filter(group_memberships::group_id.eq(gid))
                    .filter(group_memberships::user_id.eq(user.as_uuid()))
                    .filter(group_memberships::status.eq(ACTIVE))
                    .filter(group_memberships::role.ne(Role::Creator.as_str())),
            )
            .execute(conn)
            .await?;
            if deleted == 0 {
                return Ok(false);
            }
            insert_activity(conn, gid, &activity).await?;
            enqueue_push(conn, gid, actor.as_uuid(), push).await?;
            let name = activity_group_name(conn, gid).await?;
            notices::removed(conn, gid, &name, user.as_uuid(), actor.as_uuid()).await?;
            Ok(true)
        })
    })
    .await
}

async fn activity_group_name(
    conn: &mut diesel_async::AsyncPgConnection,
    gid: Uuid,
) -> QueryResult<String> {
    Ok(load_group(conn, gid, false)
        .await?
        .map(|g| g.name)
        .unwrap_or_default())
}

/// Deletes the pending row of `user`; whether there was one.
async fn delete_pending(
    conn: &mut diesel_async::AsyncPgConnection,
    gid: Uuid,
    user: Uuid,
) -> QueryResult<bool> {
    let deleted = diesel::delete(
        group_memberships::table
            .filter(group_memberships::group_id.eq(gid))
            .filter(group_memberships::user_id.eq(user))
            .filter(group_memberships::status.eq(PENDING)),
    )
    .execute(conn)
    .await?;
    if deleted > 0 {
        notices::clear_join_request(conn, gid, user).await?;
    }
    Ok(deleted > 0)
}

pub(super) async fn approve(
    db: &Db,
    guard: WriteGuard,
    user: UserId,
    now: DateTime<Utc>,
    activity: NewActivity,
    push: PushEvent,
) -> Result<bool, RepoError> {
    let (group, approver) = (guard.group, guard.user);
    db.guarded::<_, diesel::result::Error, _>(guard, |conn| {
        Box::pin(async move {
            let gid = group.as_uuid();
            let uid = user.as_uuid();
            let updated = diesel::update(
                group_memberships::table
                    .filter(group_memberships::group_id.eq(gid))
                    .filter(group_memberships::user_id.eq(uid))
                    .filter(group_memberships::status.eq(PENDING)),
            )
            .set((
                group_memberships::status.eq(ACTIVE),
                group_memberships::joined_at.eq(now),
            ))
            .execute(conn)
            .await?;
            if updated == 0 {
                return Ok(false);
            }
            notices::clear_join_request(conn, gid, uid).await?;
            insert_activity(conn, gid, &activity).await?;
            let name = activity_group_name(conn, gid).await?;
            notices::request_answered(conn, gid, &name, uid, approver.as_uuid(), true).await?;
            // Every active member but the joiner and the approver.
            enqueue_push_except(conn, gid, &[uid, approver.as_uuid()], push).await?;
            Ok(true)
        })
    })
    .await
}

pub(super) async fn decline(
    db: &Db,
    guard: WriteGuard,
    group: GroupId,
    user: UserId,
    activity: NewActivity,
) -> Result<bool, RepoError> {
    db.guarded::<_, diesel::result::Error, _>(guard, |conn| {
        Box::pin(async move {
            let gid = group.as_uuid();
            let uid = user.as_uuid();
            if !delete_pending(conn, gid, uid).await? {
                return Ok(false);
            }
            insert_activity(conn, gid, &activity).await?;
            let name = activity_group_name(conn, gid).await?;
            notices::request_answered(conn, gid, &name, uid, activity.user.as_uuid(), false)
                .await?;
            Ok(true)
        })
    })
    .await
}

#[derive(QueryableByName)]
struct CandidateRow {
    #[diesel(sql_type = SqlUuid)]
    user_id: Uuid,
    #[diesel(sql_type = Varchar)]
    role: String,
    #[diesel(sql_type = Timestamptz)]
    joined_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_active: Option<DateTime<Utc>>,
}

/// The other active members of `gid` with their last activity in the group.
const CANDIDATES: &str = "\
SELECT m.user_id, m.role, m.joined_at, GREATEST(\
  (SELECT MAX(a.created_at) FROM group_activities a \
    WHERE a.group_id = m.group_id AND a.user_id = m.user_id), \
  (SELECT MAX(p.logged_at) FROM progress_entries p JOIN goals g ON g.id = p.goal_id \
    WHERE g.group_id = m.group_id AND p.user_id = m.user_id), \
  (SELECT MAX(d.last_active) FROM devices d WHERE d.user_id = m.user_id)) AS last_active \
FROM group_memberships m JOIN users u ON u.id = m.user_id \
WHERE m.group_id = $1 AND m.user_id <> $2 AND m.status = 'active' AND u.deleted_at IS NULL \
ORDER BY m.joined_at, m.user_id LIMIT 500";

/// The statement of [`CANDIDATES`], prepared once per connection (see [`crate::prepared`]).
struct CandidatesStatement;

/// Why a leave stopped early.
enum Early {
    Result(LeaveResult),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for Early {
    fn from(e: diesel::result::Error) -> Self {
        Early::Db(e)
    }
}

pub(super) async fn leave(
    db: &Db,
    group: GroupId,
    leave: LeaveRequest,
) -> Result<LeaveResult, RepoError> {
    let result = db
        .transaction::<_, Early, _>(|conn| {
            Box::pin(async move {
                let gid = group.as_uuid();
                let uid = leave.user.as_uuid();
                let Some(row) = load_group(conn, gid, true).await? else {
                    return Err(Early::Result(LeaveResult::NotMember));
                };
                let mine: Option<(String, String)> = group_memberships::table
                    .filter(group_memberships::group_id.eq(gid))
                    .filter(group_memberships::user_id.eq(uid))
                    .filter(group_memberships::status.eq_any([ACTIVE, PENDING]))
                    .select((group_memberships::role, group_memberships::status))
                    .first(conn)
                    .await
                    .optional()?;
                let Some((role, status)) = mine else {
                    return Err(Early::Result(LeaveResult::NotMember));
                };
                if status == PENDING {
                    delete_pending(conn, gid, uid).await?;
                    return Ok(LeaveResult::WithdrewRequest);
                }
                let role = Role::parse(&role).map_err(|_| {
                    Early::Db(diesel::result::Error::DeserializationError(
                        format!("unexpected stored role {role:?}").into(),
                    ))
                })?;
                let rows: Vec<CandidateRow> = prepared::<CandidatesStatement>(CANDIDATES)
                    .bind::<SqlUuid, _>(gid)
                    .bind::<SqlUuid, _>(uid)
                    .load(conn)
                    .await?;
                let candidates: Vec<PromotionCandidate> = rows
                    .iter()
                    .filter_map(|r| {
                        Some(PromotionCandidate {
                            user: UserId::from_uuid(r.user_id),
                            role: Role::parse(&r.role).ok()?,
                            joined_at: r.joined_at,
                            last_active: r.last_active,
                        })
                    })
                    .collect();
                let plan = plan_leave(role, &candidates);
                let LeavePlan::Leave { promote } = plan else {
                    diesel::delete(groups::table.filter(groups::id.eq(gid)))
                        .execute(conn)
                        .await?;
                    return Ok(LeaveResult::GroupDeleted);
                };
                diesel::delete(
                    group_memberships::table
                        .filter(group_memberships::group_id.eq(gid))
                        .filter(group_memberships::user_id.eq(uid)),
                )
                .execute(conn)
                .await?;
                if let Some((promoted, new_role)) = promote {
                    let pid = promoted.as_uuid();
                    diesel::update(
                        group_memberships::table
                            .filter(group_memberships::group_id.eq(gid))
                            .filter(group_memberships::user_id.eq(pid)),
                    )
                    .set(group_memberships::role.eq(new_role.as_str()))
                    .execute(conn)
                    .await?;
                    if new_role == Role::Creator {
                        diesel::update(groups::table.filter(groups::id.eq(gid)))
                            .set(groups::creator_user_id.eq(pid))
                            .execute(conn)
                            .await?;
                    }
                    let activity = NewActivity {
                        kind: ActivityType::MemberPromoted,
                        user: promoted,
                        metadata: json!({
                            "promoted_user_id": pid.to_string(),
                            "new_role": new_role.as_str(),
                            "reason": "auto_last_admin_left",
                        }),
                    };
                    insert_activity(conn, gid, &activity).await?;
                    let name = notices::display_name(conn, pid).await?;
                    let body = if new_role == Role::Creator {
                        format!("{name} is now the group creator")
                    } else {
                        format!("{name} is now an admin")
                    };
                    let push = notices::group_push(
                        PushKind::MemberPromoted,
                        gid,
                        &row.name,
                        body,
                        &[
                            ("promoted_user_id", pid.to_string()),
                            ("new_role", new_role.as_str().to_string()),
                        ],
                    );
                    enqueue_push(conn, gid, pid, push).await?;
                    notices::promoted(conn, gid, &row.name, pid, None, new_role.as_str()).await?;
                }
                let activity = NewActivity {
                    kind: ActivityType::MemberLeft,
                    user: leave.user,
                    metadata: json!({}),
                };
                insert_activity(conn, gid, &activity).await?;
                let push = notices::group_push(
                    PushKind::MemberLeft,
                    gid,
                    &row.name,
                    format!("{} left the group", leave.display_name),
                    &[("user_id", uid.to_string())],
                );
                enqueue_push(conn, gid, uid, push).await?;
                Ok(LeaveResult::Left { promoted: promote })
            })
        })
        .await?;
    match result {
        Ok(r) | Err(Early::Result(r)) => Ok(r),
        Err(Early::Db(e)) => Err(db_error(e)),
    }
}
