//! Notification inbox rows and their personal pushes, written inside the transaction of
//! the event that causes them (docs/API.md, "Notification inbox").

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::notification::NotificationType;
use pursue_ports::outbox::{OutboxMessage, PushEvent};
use serde_json::Value;
use uuid::Uuid;

use crate::outbox::enqueue;
use crate::schema::user_notifications;

/// The visible part of an inbox row's push and its extra `data` keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePush {
    /// Notification title.
    pub title: String,
    /// Notification body.
    pub body: String,
    /// `data` keys besides `type`, `notification_id` and `group_id` (string values).
    pub extra: BTreeMap<String, String>,
}

/// One inbox row to write, with the push that announces it (if any).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// The row's owner, and the push's only recipient.
    pub user_id: Uuid,
    /// The row type.
    pub kind: NotificationType,
    /// Who caused it (`None` for automatic events and milestones).
    pub actor_user_id: Option<Uuid>,
    /// The group it concerns.
    pub group_id: Option<Uuid>,
    /// The goal it concerns.
    pub goal_id: Option<Uuid>,
    /// The progress entry it concerns.
    pub progress_entry_id: Option<Uuid>,
    /// Row metadata (`{}` when there is none).
    pub metadata: Value,
    /// Shareable card data (milestones only).
    pub shareable_card_data: Option<Value>,
    /// The push to send to every device of `user_id`; `None` writes the row only.
    pub push: Option<NoticePush>,
}

/// Inserts the inbox row and, when the notice carries a push, its outbox row on `conn`
/// (call inside the business transaction). Returns the new row's id.
pub async fn notify(conn: &mut AsyncPgConnection, notice: &Notice) -> QueryResult<Uuid> {
    let id: Uuid = diesel::insert_into(user_notifications::table)
        .values((
            user_notifications::user_id.eq(notice.user_id),
            user_notifications::kind.eq(notice.kind.as_str()),
            user_notifications::actor_user_id.eq(notice.actor_user_id),
            user_notifications::group_id.eq(notice.group_id),
            user_notifications::goal_id.eq(notice.goal_id),
            user_notifications::progress_entry_id.eq(notice.progress_entry_id),
            user_notifications::metadata.eq(Some(&notice.metadata)),
            user_notifications::shareable_card_data.eq(notice.shareable_card_data.as_ref()),
        ))
        .returning(user_notifications::id)
        .get_result(conn)
        .await?;
    if let Some(push) = &notice.push {
        enqueue(conn, &[OutboxMessage::Push(push_event(notice, push, id))]).await?;
    }
    Ok(id)
}

/// The personal push of an inbox row: `data` = the extras, then `type`,
/// `notification_id` and `group_id` (when the row has one), all strings.
fn push_event(notice: &Notice, push: &NoticePush, notification_id: Uuid) -> PushEvent {
    let mut data = push.extra.clone();
    data.insert("type".into(), notice.kind.push_type().into());
    data.insert("notification_id".into(), notification_id.to_string());
    if let Some(group) = notice.group_id {
        data.insert("group_id".into(), group.to_string());
    }
    PushEvent {
        event_id: Uuid::new_v4(),
        recipients: vec![notice.user_id],
        title: push.title.clone(),
        body: push.body.clone(),
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_push_carries_type_notification_and_group() {
        let group = Uuid::new_v4();
        let notice = Notice {
            user_id: Uuid::new_v4(),
            kind: NotificationType::JoinRequestReceived,
            actor_user_id: Some(Uuid::new_v4()),
            group_id: Some(group),
            goal_id: None,
            progress_entry_id: None,
            metadata: serde_json::json!({}),
            shareable_card_data: None,
            push: None,
        };
        let push = NoticePush {
            title: "New Join Request".into(),
            body: "Ann wants to join Runners".into(),
            extra: [("type".to_string(), "ignored".to_string())].into(),
        };
        let id = Uuid::new_v4();
        let event = push_event(&notice, &push, id);
        assert_eq!(event.recipients, vec![notice.user_id]);
        assert_eq!(event.data["type"], "join_request");
        assert_eq!(event.data["notification_id"], id.to_string());
        assert_eq!(event.data["group_id"], group.to_string());
        assert_eq!(event.title, "New Join Request");
    }
}
