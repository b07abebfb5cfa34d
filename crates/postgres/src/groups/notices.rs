//! Inbox rows (and their personal pushes) written by membership changes, in the
//! transaction of the change (docs/API.md, "Invites and the approval queue").

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::notification::NotificationType;
use pursue_domain::push::PushKind;
use pursue_ports::outbox::PushEvent;
use serde_json::json;
use uuid::Uuid;

use crate::common::ACTIVE;
use crate::inbox::{Notice, NoticePush, notify};
use crate::schema::{group_memberships, user_notifications, users};

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

fn notice(
    user: Uuid,
    kind: NotificationType,
    actor: Option<Uuid>,
    group: Uuid,
    metadata: serde_json::Value,
    title: &str,
    body: String,
) -> Notice {
    Notice {
        user_id: user,
        kind,
        actor_user_id: actor,
        group_id: Some(group),
        goal_id: None,
        progress_entry_id: None,
        metadata,
        shareable_card_data: None,
        push: Some(NoticePush {
            title: title.to_string(),
            body,
            extra: BTreeMap::new(),
        }),
    }
}

/// `join_request_received` to each admin of `group` about `requester`.
pub(super) async fn join_requested(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    group_name: &str,
    requester: Uuid,
) -> QueryResult<()> {
    let name = display_name(conn, requester).await?;
    for admin in admins(conn, group).await? {
        let n = notice(
            admin,
            NotificationType::JoinRequestReceived,
            Some(requester),
            group,
            json!({}),
            "New Join Request",
            format!("{name} wants to join {group_name}"),
        );
        notify(conn, &n).await?;
    }
    Ok(())
}

/// Deletes every admin's `join_request_received` row about `requester` in `group`.
pub(super) async fn clear_join_request(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    requester: Uuid,
) -> QueryResult<()> {
    diesel::delete(
        user_notifications::table
            .filter(user_notifications::group_id.eq(group))
            .filter(user_notifications::actor_user_id.eq(requester))
            .filter(user_notifications::kind.eq(NotificationType::JoinRequestReceived.as_str())),
    )
    .execute(conn)
    .await
    .map(drop)
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
    let n = if approved {
        notice(
            user,
            NotificationType::MembershipApproved,
            Some(actor),
            group,
            json!({}),
            "Request Approved",
            format!("You've been approved to join {group_name}"),
        )
    } else {
        notice(
            user,
            NotificationType::MembershipRejected,
            Some(actor),
            group,
            json!({}),
            "Request Not Approved",
            format!("Your request to join {group_name} was not approved"),
        )
    };
    notify(conn, &n).await.map(drop)
}

/// `promoted_to_admin` to `user`: by `actor` (`{}`), or automatic (`actor` `None`,
/// `{new_role, reason}`).
pub(super) async fn promoted(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    group_name: &str,
    user: Uuid,
    actor: Option<Uuid>,
    new_role: &str,
) -> QueryResult<()> {
    let n = match actor {
        Some(actor) => {
            let name = display_name(conn, actor).await?;
            notice(
                user,
                NotificationType::PromotedToAdmin,
                Some(actor),
                group,
                json!({}),
                group_name,
                format!("{name} made you an admin"),
            )
        }
        None => {
            let body = if new_role == "creator" {
                format!("You're now the creator of {group_name}")
            } else {
                format!("You're now an admin of {group_name}")
            };
            notice(
                user,
                NotificationType::PromotedToAdmin,
                None,
                group,
                json!({"new_role": new_role, "reason": "auto_last_admin_left"}),
                group_name,
                body,
            )
        }
    };
    notify(conn, &n).await.map(drop)
}

/// `removed_from_group` to `user`.
pub(super) async fn removed(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    group_name: &str,
    user: Uuid,
    actor: Uuid,
) -> QueryResult<()> {
    let n = notice(
        user,
        NotificationType::RemovedFromGroup,
        Some(actor),
        group,
        json!({}),
        "Removed from Group",
        format!("You were removed from {group_name}"),
    );
    notify(conn, &n).await.map(drop)
}
