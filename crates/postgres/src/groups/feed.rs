//! One page of a group's feed with every item's reactions, in one statement.
//!
//! Diesel's query builder has no `LATERAL` join, and a raw `sql_query` is never kept as a
//! prepared statement, so the page is a small query type of its own: a fixed SQL text with
//! five binds. Its query id is static, so each connection prepares it once and PostgreSQL
//! can settle on one generic plan (see docs/BENCHMARKS.md, Feed with reactions).

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz};
use pursue_domain::ids::UserId;
use pursue_domain::social::Reaction;
use pursue_ports::activity::ActivityRecord;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::social::MAX_REACTIONS;

/// The page first (the index on `(group_id, created_at DESC)` serves it), then each item's
/// author and the arrays of its reactions. An aggregate without `GROUP BY` yields one row,
/// so an item without reactions gets null arrays. The total rides along on every row (its
/// sub-query does not refer to the outer row, so it runs once); an empty page has no row to
/// carry it. The user look-ups are `LATERAL ... OFFSET 0` sub-queries: the fence keeps them
/// primary-key look-ups per row whatever the table statistics say (on a small or freshly
/// filled `users` table the planner otherwise hashes the whole table once per item).
///
/// The binds go between the pieces: group (for the total), group, limit, offset,
/// reactions per item.
const PAGE_SQL: [&str; 6] = [
    "SELECT p.id, p.activity_type, u.id, u.display_name, p.metadata, p.created_at, \
     r.user_ids, r.names, r.emojis, r.created, \
     (SELECT count(*) FROM group_activities c WHERE c.group_id = ",
    ") FROM (SELECT a.id, a.user_id, a.activity_type, a.metadata, a.created_at \
     FROM group_activities a WHERE a.group_id = ",
    " ORDER BY a.created_at DESC, a.id DESC LIMIT ",
    " OFFSET ",
    ") p \
     LEFT JOIN LATERAL (SELECT pu.id, pu.display_name FROM users pu \
     WHERE pu.id = p.user_id AND pu.deleted_at IS NULL OFFSET 0) u ON TRUE \
     CROSS JOIN LATERAL (\
     SELECT array_agg(x.user_id) AS user_ids, array_agg(n.display_name) AS names, \
     array_agg(x.emoji) AS emojis, array_agg(x.created_at) AS created \
     FROM (SELECT y.user_id, y.emoji, y.created_at FROM activity_reactions y \
     WHERE y.activity_id = p.id LIMIT ",
    ") x CROSS JOIN LATERAL (SELECT ru.display_name FROM users ru \
     WHERE ru.id = x.user_id AND ru.deleted_at IS NULL OFFSET 0) n) r \
     ORDER BY p.created_at DESC, p.id DESC",
];

/// The page query's binds.
#[derive(Debug, Clone, Copy, QueryId)]
pub(super) struct FeedPage {
    group: Uuid,
    limit: i64,
    offset: i64,
    per_item: i64,
}

impl FeedPage {
    /// Items `offset..offset + limit` of `group`'s feed.
    pub(super) fn new(group: Uuid, limit: i64, offset: i64) -> Self {
        Self {
            group,
            limit,
            offset,
            per_item: MAX_REACTIONS,
        }
    }
}

impl Query for FeedPage {
    type SqlType = (
        diesel::sql_types::Uuid,
        Text,
        Nullable<diesel::sql_types::Uuid>,
        Nullable<Text>,
        Nullable<Jsonb>,
        Timestamptz,
        Nullable<Array<diesel::sql_types::Uuid>>,
        Nullable<Array<Text>>,
        Nullable<Array<Text>>,
        Nullable<Array<Timestamptz>>,
        BigInt,
    );
}

impl QueryFragment<Pg> for FeedPage {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(PAGE_SQL[0]);
        out.push_bind_param::<diesel::sql_types::Uuid, _>(&self.group)?;
        out.push_sql(PAGE_SQL[1]);
        out.push_bind_param::<diesel::sql_types::Uuid, _>(&self.group)?;
        out.push_sql(PAGE_SQL[2]);
        out.push_bind_param::<BigInt, _>(&self.limit)?;
        out.push_sql(PAGE_SQL[3]);
        out.push_bind_param::<BigInt, _>(&self.offset)?;
        out.push_sql(PAGE_SQL[4]);
        out.push_bind_param::<BigInt, _>(&self.per_item)?;
        out.push_sql(PAGE_SQL[5]);
        Ok(())
    }
}

/// One row of [`FeedPage`].
pub(super) type FeedRow = (
    Uuid,
    String,
    Option<Uuid>,
    Option<String>,
    Option<Value>,
    DateTime<Utc>,
    Option<Vec<Uuid>>,
    Option<Vec<String>>,
    Option<Vec<String>>,
    Option<Vec<DateTime<Utc>>>,
    i64,
);

/// The record of one row.
pub(super) fn record(row: FeedRow) -> ActivityRecord {
    let (id, activity_type, uid, name, metadata, created_at, ids, names, emojis, times, _) = row;
    let reactions = ids
        .unwrap_or_default()
        .into_iter()
        .zip(names.unwrap_or_default())
        .zip(emojis.unwrap_or_default())
        .zip(times.unwrap_or_default())
        .map(|(((user, display_name), emoji), created_at)| Reaction {
            user: UserId::from_uuid(user),
            display_name: pursue_domain::user::DisplayName::stored(display_name),
            emoji,
            created_at,
        })
        .collect();
    ActivityRecord {
        id,
        activity_type,
        user: uid.zip(name).map(|(u, n)| {
            (
                UserId::from_uuid(u),
                pursue_domain::user::DisplayName::stored(n),
            )
        }),
        metadata: metadata
            .filter(Value::is_object)
            .unwrap_or_else(|| json!({})),
        created_at,
        reactions,
    }
}
