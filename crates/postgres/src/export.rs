//! [`DataExport`] over PostgreSQL: one read-only, repeatable-read snapshot of everything
//! stored about a user (docs/API.md, Data export). Sections of features whose table does
//! not exist in this database are empty arrays; optional columns are read through
//! `to_jsonb(row)` so a database with or without them answers alike.

use async_trait::async_trait;
use diesel::sql_types::{Jsonb, Uuid as SqlUuid};
use diesel::{OptionalExtension, QueryResult};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::ids::UserId;
use pursue_ports::error::RepoError;
use pursue_ports::export::DataExport;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::db::Db;
use crate::deletion::table_exists;
use crate::errors::db_error;
use crate::pool::PgPool;

/// Most rows per section (a user's own data; far above any real account).
const SECTION_LIMIT: i64 = 100_000;

/// The data export over `pool`.
#[derive(Clone)]
pub struct PgDataExport {
    db: Db,
}

impl PgDataExport {
    /// An export reader over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { db: Db::new(pool) }
    }
}

#[derive(diesel::QueryableByName)]
struct Doc {
    #[diesel(sql_type = diesel::sql_types::Nullable<Jsonb>)]
    doc: Option<Value>,
}

/// `(key, table needed or "", query selecting rows; $1 = user, $2 = limit)`; rows are
/// aggregated in the order of their `ord` columns.
const SECTIONS: [(&str, &str, &str); 15] = [
    (
        "auth_providers",
        "",
        "SELECT provider, provider_email, linked_at, linked_at AS ord1, id AS ord2 \
         FROM auth_providers WHERE user_id = $1",
    ),
    (
        "sessions",
        "",
        "SELECT created_at, expires_at, revoked_at, created_at AS ord1, id AS ord2 \
         FROM refresh_tokens WHERE user_id = $1",
    ),
    (
        "devices",
        "",
        "SELECT id, device_name, platform, last_active, created_at, created_at AS ord1, id AS ord2 \
         FROM devices WHERE user_id = $1",
    ),
    (
        "consents",
        "user_consents",
        "SELECT consent_type, action, agreed_at, ip_address, agreed_at AS ord1, id AS ord2 \
         FROM user_consents WHERE user_id = $1",
    ),
    (
        "subscriptions",
        "user_subscriptions",
        "SELECT id, tier, status, platform, started_at, expires_at, cancelled_at, auto_renew, \
         started_at AS ord1, id AS ord2 FROM user_subscriptions WHERE user_id = $1",
    ),
    (
        "downgrade_history",
        "subscription_downgrade_history",
        "SELECT downgrade_date, previous_tier, kept_group_id, removed_group_ids, \
         downgrade_date AS ord1, id AS ord2 FROM subscription_downgrade_history WHERE user_id = $1",
    ),
    (
        "memberships",
        "",
        "SELECT m.group_id, g.name AS group_name, m.role, \
         COALESCE(to_jsonb(m) ->> 'status', 'active') AS status, m.joined_at, \
         m.joined_at AS ord1, m.id AS ord2 \
         FROM group_memberships m JOIN groups g ON g.id = m.group_id WHERE m.user_id = $1",
    ),
    (
        "goals_created",
        "",
        "SELECT id, group_id, title, cadence, metric_type, created_at, deleted_at AS archived_at, \
         created_at AS ord1, id AS ord2 FROM goals WHERE created_by_user_id = $1",
    ),
    (
        "progress_entries",
        "",
        "SELECT p.id, p.goal_id, g.title AS goal_title, g.group_id, p.value, p.note, \
         to_jsonb(p) ->> 'log_title' AS log_title, p.period_start, p.user_timezone, p.logged_at, \
         p.logged_at AS ord1, p.id AS ord2 \
         FROM progress_entries p JOIN goals g ON g.id = p.goal_id WHERE p.user_id = $1",
    ),
    (
        "activities",
        "",
        "SELECT id, group_id, activity_type, metadata, created_at, created_at AS ord1, id AS ord2 \
         FROM group_activities WHERE user_id = $1",
    ),
    (
        "reactions",
        "activity_reactions",
        "SELECT activity_id, emoji, created_at, created_at AS ord1, id AS ord2 \
         FROM activity_reactions WHERE user_id = $1",
    ),
    (
        "nudges_sent",
        "nudges",
        "SELECT id, recipient_user_id, group_id, goal_id, sent_at, sender_local_date, \
         sent_at AS ord1, id AS ord2 FROM nudges WHERE sender_user_id = $1",
    ),
    (
        "nudges_received",
        "nudges",
        "SELECT id, sender_user_id, group_id, goal_id, sent_at, sent_at AS ord1, id AS ord2 \
         FROM nudges WHERE recipient_user_id = $1",
    ),
    (
        "notifications",
        "user_notifications",
        "SELECT id, type, actor_user_id, group_id, goal_id, progress_entry_id, metadata, \
         is_read, created_at, created_at AS ord1, id AS ord2 \
         FROM user_notifications WHERE user_id = $1",
    ),
    (
        "milestones",
        "user_milestone_grants",
        "SELECT milestone_key, goal_id, granted_at, granted_at AS ord1, id AS ord2 \
         FROM user_milestone_grants WHERE user_id = $1",
    ),
];

const USER_SQL: &str = "SELECT jsonb_build_object(\
    'id', u.id, 'email', u.email, 'display_name', u.display_name, \
    'has_avatar', u.avatar_mime_type IS NOT NULL, \
    'avatar_url', CASE WHEN u.avatar_mime_type IS NOT NULL \
        THEN '/api/users/' || u.id || '/avatar' END, \
    'has_date_of_birth', u.age_verified, \
    'timezone', (SELECT to_jsonb(t) ->> 'timezone' FROM users t WHERE t.id = u.id), \
    'created_at', u.created_at, 'updated_at', u.updated_at) AS doc \
    FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL";

async fn section(conn: &mut AsyncPgConnection, user: Uuid, rows_sql: &str) -> QueryResult<Value> {
    let sql = format!(
        "SELECT COALESCE(jsonb_agg(to_jsonb(r) - 'ord1' - 'ord2' ORDER BY r.ord1, r.ord2), \
         '[]'::jsonb) AS doc FROM ({rows_sql} ORDER BY ord1, ord2 LIMIT $2) r"
    );
    let d: Doc = diesel::sql_query(sql)
        .bind::<SqlUuid, _>(user)
        .bind::<diesel::sql_types::BigInt, _>(SECTION_LIMIT)
        .get_result(conn)
        .await?;
    Ok(d.doc.unwrap_or_else(|| Value::Array(Vec::new())))
}

async fn snapshot(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<Option<Value>> {
    let u: Option<Doc> = diesel::sql_query(USER_SQL)
        .bind::<SqlUuid, _>(user)
        .get_result(conn)
        .await
        .optional()?;
    let Some(Doc {
        doc: Some(user_doc),
    }) = u
    else {
        return Ok(None);
    };
    let mut out = Map::new();
    out.insert("format_version".into(), Value::from(1));
    out.insert("user".into(), user_doc);
    for (key, table, rows_sql) in SECTIONS {
        let value = if table.is_empty() || table_exists(conn, table).await? {
            section(conn, user, rows_sql).await?
        } else {
            Value::Array(Vec::new())
        };
        out.insert(key.into(), value);
    }
    Ok(Some(Value::Object(out)))
}

#[async_trait]
impl DataExport for PgDataExport {
    async fn export(&self, user: UserId) -> Result<Option<Value>, RepoError> {
        let mut conn = self.db.conn().await?;
        conn.build_transaction()
            .read_only()
            .repeatable_read()
            .run(async |conn| {
                diesel::sql_query("SET LOCAL TimeZone = 'UTC'")
                    .execute(conn)
                    .await?;
                snapshot(conn, user.as_uuid()).await
            })
            .await
            .map_err(db_error)
    }
}
