//! The standing invite code of a group and join requests made with it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::activity::ActivityType;
use pursue_domain::caps::{CapExceeded, CappedResource, check_cap};
use pursue_domain::group::InviteCode;
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::Role;
use pursue_ports::activity::NewActivity;
use pursue_ports::error::RepoError;
use pursue_ports::groups::{GroupRecord, InviteRecord, JoinError, WriteGuard};
use serde_json::json;
use uuid::Uuid;

use super::notices;
use crate::common::{
    ACTIVE, PENDING, TxError, count_active_members, count_members, count_memberships,
    insert_activity, load_group, lock_user, trigger_cap,
};
use crate::db::Db;
use crate::errors::{db_error, is_unique_violation};
use crate::schema::{group_memberships, groups, invite_codes};

#[derive(Queryable, Selectable)]
#[diesel(table_name = invite_codes)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct InviteRow {
    group_id: Uuid,
    code: String,
    created_at: DateTime<Utc>,
}

impl From<InviteRow> for InviteRecord {
    fn from(r: InviteRow) -> Self {
        InviteRecord {
            code: r.code,
            group_id: GroupId::from_uuid(r.group_id),
            created_at: r.created_at,
        }
    }
}

/// The live code of `group`, optionally locked.
async fn live_code(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    lock: bool,
) -> QueryResult<Option<InviteRow>> {
    let query = invite_codes::table
        .filter(invite_codes::group_id.eq(group))
        .filter(invite_codes::revoked_at.is_null())
        .order(invite_codes::created_at.desc())
        .select(InviteRow::as_select());
    if lock {
        query.for_update().first(conn).await.optional()
    } else {
        query.first(conn).await.optional()
    }
}

async fn insert_code(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    code: &InviteCode,
    by: UserId,
) -> QueryResult<InviteRow> {
    diesel::insert_into(invite_codes::table)
        .values((
            invite_codes::group_id.eq(group),
            invite_codes::code.eq(code.as_str()),
            invite_codes::created_by_user_id.eq(Some(by.as_uuid())),
        ))
        .returning(InviteRow::as_returning())
        .get_result(conn)
        .await
}

pub(super) async fn active(db: &Db, group: GroupId) -> Result<Option<InviteRecord>, RepoError> {
    db.read(|conn| {
        Box::pin(async move {
            live_code(conn, group.as_uuid(), false)
                .await
                .map(|r| r.map(Into::into))
                .map_err(db_error)
        })
    })
    .await
}

/// Code collisions are rolled back and reported as `None`.
fn collided<T>(result: Result<T, diesel::result::Error>) -> Result<Option<T>, RepoError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if is_unique_violation(&e, None) => Ok(None),
        Err(e) => Err(db_error(e)),
    }
}

pub(super) async fn ensure(
    db: &Db,
    group: GroupId,
    code: &InviteCode,
    by: UserId,
) -> Result<Option<InviteRecord>, RepoError> {
    let code = code.clone();
    let result = db
        .transaction::<_, diesel::result::Error, _>(|conn| {
            Box::pin(async move {
                let gid = group.as_uuid();
                // The group row lock serialises code changes of one group.
                load_group(conn, gid, true).await?;
                if let Some(row) = live_code(conn, gid, false).await? {
                    return Ok(row);
                }
                insert_code(conn, gid, &code, by).await
            })
        })
        .await?;
    collided(result).map(|r| r.map(Into::into))
}

pub(super) async fn regenerate(
    db: &Db,
    guard: WriteGuard,
    group: GroupId,
    code: &InviteCode,
    by: UserId,
) -> Result<Option<(InviteRecord, Option<String>)>, RepoError> {
    let code = code.clone();
    let result = db
        .transaction::<_, diesel::result::Error, _>(|conn| {
            Box::pin(async move {
                if let Err(refused) = crate::guard::check(conn, guard).await? {
                    return Ok(Err(refused));
                }
                let gid = group.as_uuid();
                load_group(conn, gid, true).await?;
                let old = live_code(conn, gid, true).await?.map(|r| r.code);
                diesel::update(
                    invite_codes::table
                        .filter(invite_codes::group_id.eq(gid))
                        .filter(invite_codes::revoked_at.is_null()),
                )
                .set(invite_codes::revoked_at.eq(Some(Utc::now())))
                .execute(conn)
                .await?;
                let row = insert_code(conn, gid, &code, by).await?;
                let activity = NewActivity {
                    kind: ActivityType::InviteCodeRegenerated,
                    user: by,
                    metadata: json!({ "old_code": old, "new_code": row.code }),
                };
                insert_activity(conn, gid, &activity).await?;
                Ok(Ok((row.into(), old)))
            })
        })
        .await?;
    collided(result)?.transpose()
}

/// Why a join request stopped inside the transaction.
enum Refusal {
    Invalid,
    AlreadyMember,
    AlreadyPending,
    GroupLimit,
    Cap(CapExceeded),
}

pub(super) async fn request_join(
    db: &Db,
    code: &str,
    user: UserId,
    now: DateTime<Utc>,
    at_group_limit: bool,
) -> Result<GroupRecord, JoinError> {
    let code = code.to_string();
    let result = db
        .transaction::<_, TxError<Refusal>, _>(|conn| {
            Box::pin(async move {
                let uid = user.as_uuid();
                let gid: Uuid = invite_codes::table
                    .inner_join(groups::table)
                    .filter(invite_codes::code.eq(&code))
                    .filter(invite_codes::revoked_at.is_null())
                    .filter(groups::deleted_at.is_null())
                    .select(invite_codes::group_id)
                    .first(conn)
                    .await
                    .optional()?
                    .ok_or(TxError::Business(Refusal::Invalid))?;
                let group = load_group(conn, gid, true)
                    .await?
                    .ok_or(TxError::Business(Refusal::Invalid))?;
                let existing: Option<String> = group_memberships::table
                    .filter(group_memberships::group_id.eq(gid))
                    .filter(group_memberships::user_id.eq(uid))
                    .select(group_memberships::status)
                    .first(conn)
                    .await
                    .optional()?;
                match existing.as_deref() {
                    Some(ACTIVE) => return Err(TxError::Business(Refusal::AlreadyMember)),
                    Some(PENDING) => return Err(TxError::Business(Refusal::AlreadyPending)),
                    Some(_) => {
                        // A `declined` row from an older server: replaced by the new request.
                        diesel::delete(
                            group_memberships::table
                                .filter(group_memberships::group_id.eq(gid))
                                .filter(group_memberships::user_id.eq(uid)),
                        )
                        .execute(conn)
                        .await?;
                    }
                    None => {}
                }
                if at_group_limit {
                    return Err(TxError::Business(Refusal::GroupLimit));
                }
                lock_user(conn, uid).await?;
                let rows = count_members(conn, gid).await?;
                check_cap(CappedResource::GroupMembers, rows)
                    .map_err(|c| TxError::Business(Refusal::Cap(c)))?;
                let joined = count_memberships(conn, uid).await?;
                check_cap(CappedResource::GroupsJoined, joined)
                    .map_err(|c| TxError::Business(Refusal::Cap(c)))?;
                diesel::insert_into(group_memberships::table)
                    .values((
                        group_memberships::group_id.eq(gid),
                        group_memberships::user_id.eq(uid),
                        group_memberships::role.eq(Role::Member.as_str()),
                        group_memberships::status.eq(PENDING),
                        group_memberships::joined_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
                let activity = NewActivity {
                    kind: ActivityType::JoinRequest,
                    user,
                    metadata: json!({}),
                };
                insert_activity(conn, gid, &activity).await?;
                notices::join_requested(conn, gid, &group.name, uid).await?;
                let members = count_active_members(conn, gid).await?;
                Ok(group.into_record(members))
            })
        })
        .await?;
    match result {
        Ok(g) => Ok(g),
        Err(TxError::Business(r)) => Err(match r {
            Refusal::Invalid => JoinError::InvalidCode,
            Refusal::AlreadyMember => JoinError::AlreadyMember,
            Refusal::AlreadyPending => JoinError::AlreadyPending,
            Refusal::GroupLimit => JoinError::GroupLimit,
            Refusal::Cap(c) => JoinError::Cap(c),
        }),
        Err(TxError::Db(e)) => {
            if let Some(cap) = trigger_cap(&e) {
                Err(JoinError::Cap(cap))
            } else if is_unique_violation(&e, None) {
                Err(JoinError::AlreadyPending)
            } else {
                Err(JoinError::Repo(db_error(e)))
            }
        }
    }
}
