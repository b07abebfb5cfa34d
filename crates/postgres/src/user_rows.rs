//! The user row and the session insert shared by the user repository ([`crate::PgUsers`])
//! and its account operations (`accounts.rs`), so neither module imports the other's
//! internals.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::ids::UserId;
use pursue_domain::user::{DisplayName, Email};
use pursue_ports::users::{NewRefreshToken, UserRecord};
use uuid::Uuid;

use crate::schema::{refresh_tokens, users};

/// The columns every user read selects.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub(crate) struct UserRow {
    pub(crate) id: Uuid,
    email: String,
    display_name: String,
    #[diesel(select_expression = users::avatar_mime_type.is_not_null())]
    #[diesel(select_expression_type = diesel::dsl::IsNotNull<users::avatar_mime_type>)]
    has_avatar: bool,
    age_verified: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<UserRow> for UserRecord {
    fn from(r: UserRow) -> Self {
        UserRecord {
            id: UserId::from_uuid(r.id),
            email: Email::stored(r.email),
            display_name: DisplayName::stored(r.display_name),
            has_avatar: r.has_avatar,
            age_verified: r.age_verified,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Stores a refresh-token row for `user`.
pub(crate) async fn insert_session(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    s: &NewRefreshToken,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(s.id),
            refresh_tokens::user_id.eq(user),
            refresh_tokens::token_hash.eq(&s.token_hash),
            refresh_tokens::expires_at.eq(s.expires_at),
        ))
        .execute(conn)
        .await
        .map(drop)
}
