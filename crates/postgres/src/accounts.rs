//! Table functions behind [`crate::PgUsers`]'s session, provider, reset and deletion
//! operations. Each `pub(crate)` function here is one atomic operation; the repository runs
//! the ones that write more than one statement in one transaction (`Db::write`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::user::AuthProvider;
use pursue_ports::outbox::{EmailMessage, OutboxMessage};
use pursue_ports::users::{
    GoogleLink, NewRefreshToken, NewResetToken, ProviderRecord, RotateOutcome, UnlinkOutcome,
    UserRecord,
};
use uuid::Uuid;

use crate::outbox::enqueue;
use crate::schema::{auth_providers, password_reset_tokens, refresh_tokens, users};
use crate::user_rows::{UserRow, insert_session};

/// Equal-time comparison of two fingerprints.
fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The active user `id`.
pub(crate) async fn active_user(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<UserRecord>> {
    users::table
        .filter(users::id.eq(id))
        .filter(users::deleted_at.is_null())
        .select(UserRow::as_select())
        .first(conn)
        .await
        .optional()
        .map(|r| r.map(UserRow::into))
}

/// Locks the active user row `id` (serialises provider changes of one user).
async fn lock_user(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    users::table
        .filter(users::id.eq(id))
        .filter(users::deleted_at.is_null())
        .select(users::id)
        .for_update()
        .first::<Uuid>(conn)
        .await
        .optional()
        .map(|r| r.is_some())
}

/// Revokes every open refresh token of `user`.
pub(crate) async fn revoke_all(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(diesel::dsl::now))
    .execute(conn)
    .await
}

/// Adds the `email` provider row of `user` if it is missing.
pub(crate) async fn ensure_email_provider(
    conn: &mut AsyncPgConnection,
    user: Uuid,
) -> QueryResult<()> {
    let email: String = users::table
        .find(user)
        .select(users::email)
        .first(conn)
        .await?;
    let has: bool = diesel::select(diesel::dsl::exists(
        auth_providers::table
            .filter(auth_providers::user_id.eq(user))
            .filter(auth_providers::provider.eq("email")),
    ))
    .get_result(conn)
    .await?;
    if !has {
        diesel::insert_into(auth_providers::table)
            .values((
                auth_providers::user_id.eq(user),
                auth_providers::provider.eq("email"),
                auth_providers::provider_user_id.eq(&email),
                auth_providers::provider_email.eq(&email),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Rotation with reuse detection (see the port).
pub(crate) async fn rotate(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    old_id: Uuid,
    fingerprint: String,
    next: NewRefreshToken,
) -> QueryResult<RotateOutcome> {
    let row: Option<(String, DateTime<Utc>, Option<DateTime<Utc>>)> = refresh_tokens::table
        .filter(refresh_tokens::id.eq(old_id))
        .filter(refresh_tokens::user_id.eq(user))
        .select((
            refresh_tokens::token_hash,
            refresh_tokens::expires_at,
            refresh_tokens::revoked_at,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()?;
    let Some((hash, expires_at, revoked_at)) = row else {
        return Ok(RotateOutcome::Invalid);
    };
    if !same_hash(&hash, &fingerprint) {
        return Ok(RotateOutcome::Invalid);
    }
    if revoked_at.is_some() {
        revoke_all(conn, user).await?;
        return Ok(RotateOutcome::Reused);
    }
    if expires_at <= Utc::now() {
        return Ok(RotateOutcome::Invalid);
    }
    let Some(found) = active_user(conn, user).await? else {
        return Ok(RotateOutcome::Invalid);
    };
    diesel::update(refresh_tokens::table.find(old_id))
        .set(refresh_tokens::revoked_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    insert_session(conn, user, &next).await?;
    Ok(RotateOutcome::Rotated(found))
}

/// Revokes one session of `user` when the fingerprint matches.
pub(crate) async fn revoke_one(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    token_id: Uuid,
    fingerprint: String,
) -> QueryResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(token_id))
            .filter(refresh_tokens::user_id.eq(user))
            .filter(refresh_tokens::token_hash.eq(fingerprint))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(diesel::dsl::now))
    .execute(conn)
    .await
    .map(drop)
}

/// Password change plus the `email` provider row.
pub(crate) async fn set_password(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    hash: String,
) -> QueryResult<()> {
    diesel::update(users::table.find(user))
        .set(users::password_hash.eq(hash))
        .execute(conn)
        .await?;
    ensure_email_provider(conn, user).await
}

/// The providers of `user` by `linked_at`.
pub(crate) async fn providers(
    conn: &mut AsyncPgConnection,
    user: Uuid,
) -> QueryResult<Vec<ProviderRecord>> {
    let rows: Vec<(String, Option<String>, DateTime<Utc>)> = auth_providers::table
        .filter(auth_providers::user_id.eq(user))
        .order((
            auth_providers::linked_at.asc(),
            auth_providers::provider.asc(),
        ))
        .select((
            auth_providers::provider,
            auth_providers::provider_email,
            auth_providers::linked_at,
        ))
        .limit(16)
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, provider_email, linked_at)| {
            AuthProvider::parse(&p).ok().map(|provider| ProviderRecord {
                provider,
                provider_email,
                linked_at,
            })
        })
        .collect())
}

/// Unlinks a provider unless it is the last.
pub(crate) async fn unlink(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    provider: AuthProvider,
) -> QueryResult<UnlinkOutcome> {
    lock_user(conn, user).await?;
    let linked: Vec<String> = auth_providers::table
        .filter(auth_providers::user_id.eq(user))
        .select(auth_providers::provider)
        .load(conn)
        .await?;
    if linked.len() < 2 {
        return Ok(UnlinkOutcome::LastProvider);
    }
    if !linked.iter().any(|p| p == provider.as_str()) {
        return Ok(UnlinkOutcome::NotLinked);
    }
    diesel::delete(
        auth_providers::table
            .filter(auth_providers::user_id.eq(user))
            .filter(auth_providers::provider.eq(provider.as_str())),
    )
    .execute(conn)
    .await?;
    if provider == AuthProvider::Email {
        diesel::update(users::table.find(user))
            .set(users::password_hash.eq(None::<String>))
            .execute(conn)
            .await?;
    }
    Ok(UnlinkOutcome::Unlinked)
}

/// Stores a reset token and its e-mail.
pub(crate) async fn create_reset(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    token: NewResetToken,
    email: EmailMessage,
) -> QueryResult<()> {
    diesel::insert_into(password_reset_tokens::table)
        .values((
            password_reset_tokens::user_id.eq(user),
            password_reset_tokens::token_hash.eq(&token.token_hash),
            password_reset_tokens::expires_at.eq(token.expires_at),
        ))
        .execute(conn)
        .await?;
    enqueue(conn, &[OutboxMessage::Email(email)]).await
}

/// The active owner of an open reset token.
pub(crate) async fn reset_owner(
    conn: &mut AsyncPgConnection,
    token_hash: String,
) -> QueryResult<Option<UserRecord>> {
    users::table
        .filter(users::deleted_at.is_null())
        .filter(
            users::id.eq_any(
                password_reset_tokens::table
                    .filter(password_reset_tokens::token_hash.eq(token_hash))
                    .filter(password_reset_tokens::used_at.is_null())
                    .filter(password_reset_tokens::expires_at.gt(diesel::dsl::now))
                    .select(password_reset_tokens::user_id),
            ),
        )
        .select(UserRow::as_select())
        .first(conn)
        .await
        .optional()
        .map(|r| r.map(UserRow::into))
}

/// Consumes a reset token (see the port).
pub(crate) async fn consume_reset(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    token_hash: String,
    password_hash: String,
    session: NewRefreshToken,
) -> QueryResult<bool> {
    if !lock_user(conn, user).await? {
        return Ok(false);
    }
    let used = diesel::update(
        password_reset_tokens::table
            .filter(password_reset_tokens::user_id.eq(user))
            .filter(password_reset_tokens::token_hash.eq(&token_hash))
            .filter(password_reset_tokens::used_at.is_null())
            .filter(password_reset_tokens::expires_at.gt(diesel::dsl::now)),
    )
    .set(password_reset_tokens::used_at.eq(diesel::dsl::now))
    .execute(conn)
    .await?;
    if used == 0 {
        return Ok(false);
    }
    // Every other open link of the user stops working too.
    diesel::update(
        password_reset_tokens::table
            .filter(password_reset_tokens::user_id.eq(user))
            .filter(password_reset_tokens::used_at.is_null()),
    )
    .set(password_reset_tokens::used_at.eq(diesel::dsl::now))
    .execute(conn)
    .await?;
    diesel::update(users::table.find(user))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)
        .await?;
    ensure_email_provider(conn, user).await?;
    revoke_all(conn, user).await?;
    insert_session(conn, user, &session).await?;
    Ok(true)
}

/// The active user linked to Google `sub`.
pub(crate) async fn by_google(
    conn: &mut AsyncPgConnection,
    sub: String,
) -> QueryResult<Option<UserRecord>> {
    users::table
        .filter(users::deleted_at.is_null())
        .filter(
            users::id.eq_any(
                auth_providers::table
                    .filter(auth_providers::provider.eq("google"))
                    .filter(auth_providers::provider_user_id.eq(sub))
                    .select(auth_providers::user_id),
            ),
        )
        .select(UserRow::as_select())
        .first(conn)
        .await
        .optional()
        .map(|r| r.map(UserRow::into))
}

/// Why linking stopped short.
pub(crate) enum LinkRefusal {
    InUse,
    AlreadyLinked,
}

/// Inserts the `google` provider row of `user`.
pub(crate) async fn insert_google(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    google: &GoogleLink,
) -> QueryResult<()> {
    diesel::insert_into(auth_providers::table)
        .values((
            auth_providers::user_id.eq(user),
            auth_providers::provider.eq("google"),
            auth_providers::provider_user_id.eq(&google.sub),
            auth_providers::provider_email.eq(&google.email),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Links Google to `user` (and opens a session) unless refused.
pub(crate) async fn link_google(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    google: GoogleLink,
    session: Option<NewRefreshToken>,
) -> QueryResult<Option<LinkRefusal>> {
    lock_user(conn, user).await?;
    let owner: Option<Uuid> = auth_providers::table
        .filter(auth_providers::provider.eq("google"))
        .filter(auth_providers::provider_user_id.eq(&google.sub))
        .select(auth_providers::user_id)
        .first(conn)
        .await
        .optional()?;
    match owner {
        Some(o) if o == user => return Ok(Some(LinkRefusal::AlreadyLinked)),
        Some(_) => return Ok(Some(LinkRefusal::InUse)),
        None => {}
    }
    let has_google: bool = diesel::select(diesel::dsl::exists(
        auth_providers::table
            .filter(auth_providers::user_id.eq(user))
            .filter(auth_providers::provider.eq("google")),
    ))
    .get_result(conn)
    .await?;
    if has_google {
        return Ok(Some(LinkRefusal::AlreadyLinked));
    }
    insert_google(conn, user, &google).await?;
    if let Some(s) = session {
        insert_session(conn, user, &s).await?;
    }
    Ok(None)
}
