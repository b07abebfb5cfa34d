//! Invite codes and joining with one.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use pursue_domain::caps::{CappedResource, check_cap};
use pursue_domain::group::{InviteCode, MaxUses};
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::Role;
use pursue_ports::activity::NewActivity;
use pursue_ports::error::RepoError;
use pursue_ports::groups::{GroupRecord, InviteRecord, JoinError, NewInvite};
use pursue_ports::outbox::PushEvent;
use uuid::Uuid;

use crate::common::{
    TxError, count_members, count_memberships, enqueue_push, insert_activity, load_group,
    lock_user, trigger_cap,
};
use crate::errors::{db_error, is_unique_violation, pool_error};
use crate::pool::PgPool;
use crate::schema::{group_memberships, invite_codes};

#[derive(Queryable, Selectable)]
#[diesel(table_name = invite_codes)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct InviteRow {
    id: Uuid,
    group_id: Uuid,
    code: String,
    max_uses: Option<i32>,
    current_uses: Option<i32>,
    expires_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<InviteRow> for InviteRecord {
    fn from(r: InviteRow) -> Self {
        InviteRecord {
            code: r.code,
            group_id: GroupId::from_uuid(r.group_id),
            max_uses: r.max_uses,
            current_uses: r.current_uses.unwrap_or(0),
            expires_at: r.expires_at,
            created_at: r.created_at,
        }
    }
}

pub(super) async fn create(
    pool: &PgPool,
    code: &InviteCode,
    invite: NewInvite,
) -> Result<Option<InviteRecord>, RepoError> {
    let mut conn = pool.get().await.map_err(pool_error)?;
    let result = diesel::insert_into(invite_codes::table)
        .values((
            invite_codes::group_id.eq(invite.group_id.as_uuid()),
            invite_codes::code.eq(code.as_str()),
            invite_codes::created_by_user_id.eq(Some(invite.created_by.as_uuid())),
            invite_codes::max_uses.eq(invite.max_uses.map(MaxUses::value)),
            invite_codes::current_uses.eq(Some(0)),
            invite_codes::expires_at.eq(invite.expires_at),
        ))
        .returning(InviteRow::as_returning())
        .get_result::<InviteRow>(&mut conn)
        .await;
    match result {
        Ok(row) => Ok(Some(row.into())),
        Err(e) if is_unique_violation(&e, None) => Ok(None),
        Err(e) => Err(db_error(e)),
    }
}

pub(super) async fn find(pool: &PgPool, code: &str) -> Result<Option<InviteRecord>, RepoError> {
    let mut conn = pool.get().await.map_err(pool_error)?;
    invite_codes::table
        .filter(invite_codes::code.eq(code))
        .select(InviteRow::as_select())
        .first::<InviteRow>(&mut conn)
        .await
        .optional()
        .map(|r| r.map(Into::into))
        .map_err(db_error)
}

/// Why a join stopped inside the transaction.
enum Refusal {
    Invalid,
    Expired,
    Exhausted,
    AlreadyMember,
    Cap(pursue_domain::caps::CapExceeded),
}

pub(super) async fn join(
    pool: &PgPool,
    code: &str,
    user: UserId,
    now: DateTime<Utc>,
    activity: NewActivity,
    push: PushEvent,
) -> Result<GroupRecord, JoinError> {
    let mut conn = pool.get().await.map_err(pool_error)?;
    let code = code.to_string();
    let result = conn
        .transaction::<_, TxError<Refusal>, _>(async move |conn| {
            let uid = user.as_uuid();
            let invite: InviteRow = invite_codes::table
                .filter(invite_codes::code.eq(&code))
                .select(InviteRow::as_select())
                .for_update()
                .first(conn)
                .await
                .optional()?
                .ok_or(TxError::Business(Refusal::Invalid))?;
            if invite.expires_at.is_some_and(|t| t <= now) {
                return Err(TxError::Business(Refusal::Expired));
            }
            let uses = invite.current_uses.unwrap_or(0);
            let exhausted = invite.max_uses.is_some_and(|max| {
                MaxUses::new(i64::from(max)).map_or(true, |m| m.exhausted_by(uses))
            });
            if exhausted {
                return Err(TxError::Business(Refusal::Exhausted));
            }
            let gid = invite.group_id;
            let group = load_group(conn, gid, true)
                .await?
                .ok_or(TxError::Business(Refusal::Invalid))?;
            let existing: i64 = group_memberships::table
                .filter(group_memberships::group_id.eq(gid))
                .filter(group_memberships::user_id.eq(uid))
                .count()
                .get_result(conn)
                .await?;
            if existing > 0 {
                return Err(TxError::Business(Refusal::AlreadyMember));
            }
            lock_user(conn, uid).await?;
            let members = count_members(conn, gid).await?;
            check_cap(CappedResource::GroupMembers, members)
                .map_err(|c| TxError::Business(Refusal::Cap(c)))?;
            let joined = count_memberships(conn, uid).await?;
            check_cap(CappedResource::GroupsJoined, joined)
                .map_err(|c| TxError::Business(Refusal::Cap(c)))?;
            diesel::insert_into(group_memberships::table)
                .values((
                    group_memberships::group_id.eq(gid),
                    group_memberships::user_id.eq(uid),
                    group_memberships::role.eq(Role::Member.as_str()),
                ))
                .execute(conn)
                .await?;
            diesel::update(invite_codes::table.filter(invite_codes::id.eq(invite.id)))
                .set(invite_codes::current_uses.eq(Some(uses + 1)))
                .execute(conn)
                .await?;
            insert_activity(conn, gid, &activity).await?;
            enqueue_push(conn, gid, uid, push).await?;
            Ok(group.into_record(members + 1))
        })
        .await;
    match result {
        Ok(g) => Ok(g),
        Err(TxError::Business(r)) => Err(match r {
            Refusal::Invalid => JoinError::InvalidCode,
            Refusal::Expired => JoinError::Expired,
            Refusal::Exhausted => JoinError::Exhausted,
            Refusal::AlreadyMember => JoinError::AlreadyMember,
            Refusal::Cap(c) => JoinError::Cap(c),
        }),
        Err(TxError::Db(e)) => {
            if let Some(cap) = trigger_cap(&e) {
                Err(JoinError::Cap(cap))
            } else if is_unique_violation(&e, None) {
                Err(JoinError::AlreadyMember)
            } else {
                Err(JoinError::Repo(db_error(e)))
            }
        }
    }
}
