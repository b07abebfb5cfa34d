//! The inbox in `user_notifications`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Jsonb, Nullable, Timestamptz, Uuid as SqlUuid, Varchar};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::ids::{GoalId, GroupId, UserId};
use pursue_ports::social::{NotificationPage, NotificationRecord};
use serde_json::Value;
use uuid::Uuid;

use crate::prepared::prepared;
use crate::schema::user_notifications;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Varchar)]
    kind: String,
    #[diesel(sql_type = Bool)]
    is_read: bool,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    actor_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Varchar>)]
    actor_name: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    actor_has_avatar: Option<bool>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    group_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Varchar>)]
    group_name: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    goal_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Varchar>)]
    goal_title: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    progress_entry_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Jsonb>)]
    metadata: Option<Value>,
    #[diesel(sql_type = Nullable<Jsonb>)]
    shareable_card_data: Option<Value>,
}

/// Newest first; `$2`/`$3` is the keyset of the `before` row (NULL for the first page).
const PAGE: &str = "SELECT n.id, n.type AS kind, n.is_read, n.created_at, \
    u.id AS actor_id, u.display_name AS actor_name, \
    (u.avatar_mime_type IS NOT NULL) AS actor_has_avatar, \
    g.id AS group_id, g.name AS group_name, gl.id AS goal_id, gl.title AS goal_title, \
    n.progress_entry_id, n.metadata, n.shareable_card_data \
    FROM user_notifications n \
    LEFT JOIN users u ON u.id = n.actor_user_id AND u.deleted_at IS NULL \
    LEFT JOIN groups g ON g.id = n.group_id \
    LEFT JOIN goals gl ON gl.id = n.goal_id \
    WHERE n.user_id = $1 \
      AND ($2::timestamptz IS NULL OR (n.created_at, n.id) < ($2::timestamptz, $3::uuid)) \
    ORDER BY n.created_at DESC, n.id DESC \
    LIMIT $4";

/// The inbox page: one SQL text, prepared once per connection (see [`crate::prepared`]).
struct PageStatement;

pub(crate) async fn list(
    conn: &mut AsyncPgConnection,
    user: UserId,
    limit: i64,
    before: Option<Uuid>,
) -> QueryResult<NotificationPage> {
    let uid = user.as_uuid();
    let unread_count = unread(conn, user).await?;
    let cursor: Option<DateTime<Utc>> = match before {
        None => None,
        Some(id) => {
            let at: Option<DateTime<Utc>> = user_notifications::table
                .filter(user_notifications::id.eq(id))
                .filter(user_notifications::user_id.eq(uid))
                .select(user_notifications::created_at)
                .first(conn)
                .await
                .optional()?;
            match at {
                Some(at) => Some(at),
                None => {
                    return Ok(NotificationPage {
                        items: Vec::new(),
                        unread_count,
                        has_more: false,
                    });
                }
            }
        }
    };
    let mut rows: Vec<Row> = prepared::<PageStatement>(PAGE)
        .bind::<SqlUuid, _>(uid)
        .bind::<Nullable<Timestamptz>, _>(cursor)
        .bind::<Nullable<SqlUuid>, _>(before)
        .bind::<diesel::sql_types::BigInt, _>(limit + 1)
        .load(conn)
        .await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let items = rows
        .into_iter()
        .map(|r| NotificationRecord {
            id: r.id,
            kind: r.kind,
            is_read: r.is_read,
            created_at: r.created_at,
            actor: r.actor_id.map(|id| {
                (
                    UserId::from_uuid(id),
                    r.actor_name.unwrap_or_default(),
                    r.actor_has_avatar.unwrap_or(false),
                )
            }),
            group: r
                .group_id
                .map(|id| (GroupId::from_uuid(id), r.group_name.unwrap_or_default())),
            goal: r
                .goal_id
                .map(|id| (GoalId::from_uuid(id), r.goal_title.unwrap_or_default())),
            progress_entry_id: r.progress_entry_id,
            metadata: r
                .metadata
                .unwrap_or_else(|| Value::Object(Default::default())),
            shareable_card_data: r.shareable_card_data,
        })
        .collect();
    Ok(NotificationPage {
        items,
        unread_count,
        has_more,
    })
}

pub(crate) async fn unread(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<i64> {
    user_notifications::table
        .filter(user_notifications::user_id.eq(user.as_uuid()))
        .filter(user_notifications::is_read.eq(false))
        .count()
        .get_result(conn)
        .await
}

pub(crate) async fn mark_all(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<i64> {
    let n = diesel::update(
        user_notifications::table
            .filter(user_notifications::user_id.eq(user.as_uuid()))
            .filter(user_notifications::is_read.eq(false)),
    )
    .set(user_notifications::is_read.eq(true))
    .execute(conn)
    .await?;
    Ok(i64::try_from(n).unwrap_or(i64::MAX))
}

pub(crate) async fn mark_one(
    conn: &mut AsyncPgConnection,
    user: UserId,
    id: Uuid,
) -> QueryResult<bool> {
    let n = diesel::update(
        user_notifications::table
            .filter(user_notifications::id.eq(id))
            .filter(user_notifications::user_id.eq(user.as_uuid())),
    )
    .set(user_notifications::is_read.eq(true))
    .execute(conn)
    .await?;
    Ok(n > 0)
}

pub(crate) async fn delete_one(
    conn: &mut AsyncPgConnection,
    user: UserId,
    id: Uuid,
) -> QueryResult<bool> {
    let n = diesel::delete(
        user_notifications::table
            .filter(user_notifications::id.eq(id))
            .filter(user_notifications::user_id.eq(user.as_uuid())),
    )
    .execute(conn)
    .await?;
    Ok(n > 0)
}
