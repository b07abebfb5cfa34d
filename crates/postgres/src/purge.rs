//! Purging soft-deleted accounts (decision D8, contract §4.9).

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

/// Hands over or deletes the groups `user` created, then deletes the user, in one
/// transaction. `false` when the user is no longer soft-deleted (restored or gone).
pub(crate) async fn purge_one(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<bool> {
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
