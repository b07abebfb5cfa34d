//! The daily pulse: a silent `member_logged_today` push on a member's first entry of their
//! local date on the group's goals (see docs/PUSH.md).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_ports::outbox::{OutboxMessage, PushEvent};
use uuid::Uuid;

use crate::outbox::enqueue;
use crate::schema::{goals, group_memberships, progress_entries, users};

/// Inside the logging transaction, after `entry` was inserted: when it is `user`'s only
/// entry dated `date` on the non-archived goals of `group`, stores a silent push to every
/// member of the group (the logger included).
pub(crate) async fn pulse_if_first(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    user: Uuid,
    entry: Uuid,
    date: NaiveDate,
) -> QueryResult<()> {
    let earlier: i64 = progress_entries::table
        .inner_join(goals::table)
        .filter(goals::group_id.eq(group))
        .filter(goals::deleted_at.is_null())
        .filter(progress_entries::user_id.eq(user))
        .filter(progress_entries::period_start.eq(date))
        .filter(progress_entries::id.ne(entry))
        .count()
        .get_result(conn)
        .await?;
    if earlier > 0 {
        return Ok(());
    }
    let recipients: Vec<Uuid> = group_memberships::table
        .inner_join(users::table)
        .filter(group_memberships::group_id.eq(group))
        .filter(group_memberships::status.eq("active"))
        .filter(users::deleted_at.is_null())
        .order(group_memberships::joined_at.asc())
        .select(group_memberships::user_id)
        .load(conn)
        .await?;
    let data = BTreeMap::from([
        ("type".to_string(), "member_logged_today".to_string()),
        ("group_id".to_string(), group.to_string()),
        ("silent".to_string(), "true".to_string()),
    ]);
    let event = PushEvent {
        event_id: Uuid::new_v4(),
        recipients,
        title: String::new(),
        body: String::new(),
        data,
    };
    enqueue(conn, &[OutboxMessage::Push(event)]).await
}
