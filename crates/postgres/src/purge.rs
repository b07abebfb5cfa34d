//! Purging soft-deleted accounts (decision D8, docs/API.md, Account deletion and data export).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::Uuid as SqlUuid;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::schema::{group_memberships, groups, users};

#[derive(QueryableByName)]
struct Successor {
    #[diesel(sql_type = SqlUuid)]
    user_id: Uuid,
}

/// Ids of up to `limit` users soft-deleted before `cutoff`, oldest first.
pub(crate) async fn due(
    conn: &mut AsyncPgConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<Uuid>> {
    users::table
        .filter(users::deleted_at.lt(cutoff))
        .order(users::deleted_at.asc())
        .select(users::id)
        .limit(limit)
        .load(conn)
        .await
}

/// Tables of the upstream server that reference `users` without an `ON DELETE` action,
/// children first; the user's rows there are removed before the user row.
const UPSTREAM_TABLES: [&str; 6] = [
    "content_disputes",
    "content_reports",
    "focus_slot_rsvps",
    "focus_session_participants",
    "focus_slots",
    "focus_sessions",
];

#[derive(QueryableByName)]
struct Reference {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
}

/// Deletes the rows of `user` in the upstream tables that exist and reference `users`
/// without an `ON DELETE` action.
async fn remove_blocking_rows(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<()> {
    for table in UPSTREAM_TABLES {
        if !crate::deletion::table_exists(conn, table).await? {
            continue;
        }
        let refs: Vec<Reference> = diesel::sql_query(
            "SELECT c.conrelid::regclass::text AS table_name, a.attname::text AS column_name              FROM pg_constraint c              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)              WHERE c.contype = 'f' AND c.conrelid = to_regclass($1)                AND c.confrelid = 'users'::regclass AND c.confdeltype IN ('a', 'r')",
        )
        .bind::<diesel::sql_types::Text, _>(table)
        .load(conn)
        .await?;
        for r in refs {
            let column = r.column_name.replace('"', "\"\"");
            diesel::sql_query(format!(
                "DELETE FROM {} WHERE \"{column}\" = $1",
                r.table_name
            ))
            .bind::<SqlUuid, _>(user)
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}

/// Hashes the consent rows again, removes the rows that would block the delete, hands
/// over or deletes the groups still naming `user` as creator, then deletes the user, in
/// one transaction. `false` when the user is no longer soft-deleted (restored or gone).
pub(crate) async fn purge_one(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    consent_salt: &str,
) -> QueryResult<bool> {
    let consent_salt = consent_salt.to_string();
    conn.transaction::<_, DieselError, _>(async move |conn| {
        let still_deleted = users::table
            .filter(users::id.eq(user))
            .filter(users::deleted_at.is_not_null())
            .select(users::id)
            .for_update()
            .first::<Uuid>(conn)
            .await
            .optional()?
            .is_some();
        if !still_deleted {
            return Ok(false);
        }
        diesel::sql_query(
            "UPDATE user_consents SET email_hash = encode(sha256(convert_to(\
             lower((SELECT email FROM users WHERE id = $1)) || $2, 'UTF8')), 'hex') \
             WHERE user_id = $1",
        )
        .bind::<SqlUuid, _>(user)
        .bind::<diesel::sql_types::Text, _>(&consent_salt)
        .execute(conn)
        .await?;
        remove_blocking_rows(conn, user).await?;
        let created: Vec<Uuid> = groups::table
            .filter(groups::creator_user_id.eq(user))
            .select(groups::id)
            .for_update()
            .load(conn)
            .await?;
        for group in created {
            // The longest-standing active admin, else the longest-standing active member.
            let successor: Option<Successor> = diesel::sql_query(
                "SELECT m.user_id FROM group_memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.group_id = $1 AND m.user_id <> $2 AND u.deleted_at IS NULL \
                   AND m.status = 'active' \
                 ORDER BY CASE WHEN m.role IN ('creator', 'admin') THEN 0 ELSE 1 END, \
                          m.joined_at ASC, m.id ASC \
                 LIMIT 1",
            )
            .bind::<SqlUuid, _>(group)
            .bind::<SqlUuid, _>(user)
            .get_result(conn)
            .await
            .optional()?;
            match successor {
                Some(s) => {
                    diesel::update(groups::table.find(group))
                        .set(groups::creator_user_id.eq(s.user_id))
                        .execute(conn)
                        .await?;
                    diesel::update(
                        group_memberships::table
                            .filter(group_memberships::group_id.eq(group))
                            .filter(group_memberships::user_id.eq(s.user_id)),
                    )
                    .set(group_memberships::role.eq("creator"))
                    .execute(conn)
                    .await?;
                }
                None => {
                    diesel::delete(groups::table.find(group))
                        .execute(conn)
                        .await?;
                }
            }
        }
        diesel::delete(users::table.find(user))
            .execute(conn)
            .await?;
        Ok(true)
    })
    .await
}
