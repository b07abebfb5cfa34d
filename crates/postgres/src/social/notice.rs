//! Inbox rows and their personal pushes, written inside the caller's transaction.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_ports::outbox::{OutboxMessage, PushEvent};
use pursue_ports::social::Notice;
use uuid::Uuid;

use crate::outbox::enqueue;
use crate::schema::user_notifications;

/// Stores `notice`'s inbox row and, when it has one, its push to every device of the
/// recipient (`data`: `type`, `notification_id`, `group_id` when set, and the extras).
pub(crate) async fn store_notice(
    conn: &mut AsyncPgConnection,
    notice: &Notice,
) -> QueryResult<Uuid> {
    let id: Uuid = diesel::insert_into(user_notifications::table)
        .values((
            user_notifications::user_id.eq(notice.user.as_uuid()),
            user_notifications::kind.eq(&notice.kind),
            user_notifications::actor_user_id.eq(notice.actor.map(|a| a.as_uuid())),
            user_notifications::group_id.eq(notice.group.map(|g| g.as_uuid())),
            user_notifications::goal_id.eq(notice.goal.map(|g| g.as_uuid())),
            user_notifications::progress_entry_id.eq(notice.progress_entry),
            user_notifications::metadata.eq(Some(&notice.metadata)),
            user_notifications::shareable_card_data.eq(notice.shareable_card_data.as_ref()),
        ))
        .returning(user_notifications::id)
        .get_result(conn)
        .await?;
    if let Some(push) = &notice.push {
        let mut data: BTreeMap<String, String> = push.extras.clone();
        data.insert("type".into(), notice.push_type.clone());
        data.insert("notification_id".into(), id.to_string());
        if let Some(group) = notice.group {
            data.insert("group_id".into(), group.to_string());
        }
        let event = PushEvent {
            event_id: Uuid::new_v4(),
            recipients: vec![notice.user.as_uuid()],
            title: push.title.clone(),
            body: push.body.clone(),
            data,
        };
        enqueue(conn, &[OutboxMessage::Push(event)]).await?;
    }
    Ok(id)
}
