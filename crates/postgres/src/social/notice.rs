//! Inbox rows and their personal pushes, written inside the caller's transaction through
//! [`crate::inbox::notify`].

use diesel::prelude::*;
use diesel_async::AsyncPgConnection;
use pursue_ports::social::Notice;
use uuid::Uuid;

use crate::inbox::{self, NoticePush};

/// Stores `notice`'s inbox row and, when it has one, its push to every device of the
/// recipient (`data`: `type`, `notification_id`, `group_id` when set, and the extras).
pub(crate) async fn store_notice(
    conn: &mut AsyncPgConnection,
    notice: &Notice,
) -> QueryResult<Uuid> {
    let row = inbox::Notice {
        user_id: notice.user.as_uuid(),
        kind: notice.kind,
        actor_user_id: notice.actor.map(|a| a.as_uuid()),
        group_id: notice.group.map(|g| g.as_uuid()),
        goal_id: notice.goal.map(|g| g.as_uuid()),
        progress_entry_id: notice.progress_entry,
        metadata: notice.metadata.clone(),
        shareable_card_data: notice.shareable_card_data.clone(),
        push: notice.push.as_ref().map(|p| NoticePush {
            title: p.title.clone(),
            body: p.body.clone(),
            extra: p.extras.clone(),
        }),
    };
    inbox::notify(conn, &row).await
}
