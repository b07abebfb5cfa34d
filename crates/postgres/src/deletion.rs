//! Account deletion in one transaction (decision D8; docs/ACCOUNTS.md, Deletion): soft
//! delete, consent e-mail hash, sessions and devices, and every membership removed with
//! the creator hand-over — no pushes.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_ports::outbox::{EmailMessage, OutboxMessage};
use uuid::Uuid;

use crate::accounts::revoke_all;
use crate::outbox::enqueue;
use crate::schema::{devices, group_activities, group_memberships, groups, user_consents, users};

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    flag: bool,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

/// Whether the table `name` exists in the current schema.
pub(crate) async fn table_exists(conn: &mut AsyncPgConnection, name: &str) -> QueryResult<bool> {
    let found: Flag = diesel::sql_query("SELECT to_regclass($1) IS NOT NULL AS flag")
        .bind::<Text, _>(name)
        .get_result(conn)
        .await?;
    Ok(found.flag)
}

/// Soft-deletes `user` and everything that goes with it (see the port). Nothing happens
/// when the user is already deleted or gone.
pub(crate) async fn soft_delete(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    email_hash: &str,
    farewell: EmailMessage,
) -> QueryResult<()> {
    let email_hash = email_hash.to_string();
    let changed = diesel::update(
        users::table
            .filter(users::id.eq(user))
            .filter(users::deleted_at.is_null()),
    )
    .set(users::deleted_at.eq(diesel::dsl::now))
    .execute(conn)
    .await?;
    if changed == 0 {
        return Ok(());
    }
    diesel::update(user_consents::table.filter(user_consents::user_id.eq(user)))
        .set(user_consents::email_hash.eq(&email_hash))
        .execute(conn)
        .await?;
    revoke_all(conn, user).await?;
    diesel::delete(devices::table.filter(devices::user_id.eq(user)))
        .execute(conn)
        .await?;
    remove_memberships(conn, user).await?;
    enqueue(conn, &[OutboxMessage::Email(farewell)]).await
}

/// Removes every membership of `user` inside the caller's transaction.
async fn remove_memberships(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<()> {
    remove_pending(conn, user).await?;
    // Lock the groups in id order so concurrent deletions cannot deadlock.
    let groups_of: Vec<Id> = diesel::sql_query(
        "SELECT g.id FROM groups g JOIN group_memberships m ON m.group_id = g.id \
         WHERE m.user_id = $1 AND m.status = 'active' ORDER BY g.id FOR UPDATE OF g",
    )
    .bind::<SqlUuid, _>(user)
    .load(conn)
    .await?;
    for Id { id: group } in groups_of {
        leave_group(conn, user, group).await?;
    }
    Ok(())
}

/// Deletes the user's pending (and stale `declined`) rows and the admins' join-request
/// inbox rows they caused.
async fn remove_pending(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<()> {
    let pending: Vec<Id> = diesel::sql_query(
        "DELETE FROM group_memberships WHERE user_id = $1 AND status <> 'active' \
         RETURNING group_id AS id",
    )
    .bind::<SqlUuid, _>(user)
    .load(conn)
    .await?;
    if pending.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = pending.into_iter().map(|p| p.id).collect();
    diesel::sql_query(
        "DELETE FROM user_notifications WHERE type = 'join_request_received' \
         AND actor_user_id = $1 AND group_id = ANY($2)",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<diesel::sql_types::Array<SqlUuid>, _>(ids)
    .execute(conn)
    .await
    .map(drop)
}

/// Removes the active membership of `user` in the locked `group`: the creator role and
/// `groups.creator_user_id` pass to the longest-standing active admin, else member; a
/// group left without active members is deleted; otherwise a `member_left` activity.
async fn leave_group(conn: &mut AsyncPgConnection, user: Uuid, group: Uuid) -> QueryResult<()> {
    let creator: Uuid = groups::table
        .find(group)
        .select(groups::creator_user_id)
        .first(conn)
        .await?;
    diesel::delete(
        group_memberships::table
            .filter(group_memberships::group_id.eq(group))
            .filter(group_memberships::user_id.eq(user)),
    )
    .execute(conn)
    .await?;
    let successor: Option<Id> = diesel::sql_query(
        "SELECT m.user_id AS id FROM group_memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.group_id = $1 AND u.deleted_at IS NULL AND m.status = 'active' \
         ORDER BY CASE WHEN m.role IN ('creator', 'admin') THEN 0 ELSE 1 END, \
                  m.joined_at ASC, m.user_id ASC \
         LIMIT 1",
    )
    .bind::<SqlUuid, _>(group)
    .get_result(conn)
    .await
    .optional()?;
    let Some(Id { id: next }) = successor else {
        diesel::delete(groups::table.find(group))
            .execute(conn)
            .await?;
        return Ok(());
    };
    if creator == user {
        diesel::update(groups::table.find(group))
            .set(groups::creator_user_id.eq(next))
            .execute(conn)
            .await?;
        diesel::update(
            group_memberships::table
                .filter(group_memberships::group_id.eq(group))
                .filter(group_memberships::user_id.eq(next)),
        )
        .set(group_memberships::role.eq("creator"))
        .execute(conn)
        .await?;
    }
    diesel::insert_into(group_activities::table)
        .values((
            group_activities::group_id.eq(group),
            group_activities::user_id.eq(Some(user)),
            group_activities::activity_type.eq("member_left"),
            group_activities::metadata.eq(Some(serde_json::json!({}))),
        ))
        .execute(conn)
        .await
        .map(drop)
}
