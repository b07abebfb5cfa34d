//! `user_consents` rows, the age flag and the grace-period lookup behind
//! [`crate::PgUsers`] (docs/API.md, Age and consents).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::user::DisplayName;
use pursue_ports::users::{ConsentRecord, NewConsents, UserRecord};
use uuid::Uuid;

use crate::accounts::active_user;
use crate::schema::{auth_providers, user_consents, users};
use crate::user_rows::UserRow;

/// Longest stored IP address text.
const IP_MAX: usize = 45;

type ConsentColumns = (
    user_consents::consent_type,
    user_consents::action,
    user_consents::agreed_at,
    user_consents::ip_address,
);

const CONSENT_COLUMNS: ConsentColumns = (
    user_consents::consent_type,
    user_consents::action,
    user_consents::agreed_at,
    user_consents::ip_address,
);

fn to_record(row: (String, String, DateTime<Utc>, Option<String>)) -> ConsentRecord {
    ConsentRecord {
        consent_type: row.0,
        action: row.1,
        agreed_at: row.2,
        ip_address: row.3,
    }
}

/// Appends `c` for `user` inside the caller's transaction (one instant for every row).
pub(crate) async fn insert(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    c: &NewConsents,
) -> QueryResult<()> {
    let now = Utc::now();
    let ip: Option<String> = c
        .ip_address
        .as_deref()
        .map(|ip| ip.chars().take(IP_MAX).collect());
    let rows: Vec<_> = c
        .types
        .iter()
        .map(|t| {
            (
                user_consents::user_id.eq(Some(user)),
                user_consents::consent_type.eq(t.as_str()),
                user_consents::action.eq(c.action.as_str()),
                user_consents::agreed_at.eq(now),
                user_consents::ip_address.eq(ip.clone()),
            )
        })
        .collect();
    diesel::insert_into(user_consents::table)
        .values(rows)
        .execute(conn)
        .await
        .map(drop)
}

/// Appends `c` when `user` is active; `false` otherwise.
pub(crate) async fn record(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    c: &NewConsents,
) -> QueryResult<bool> {
    if active_user(conn, user).await?.is_none() {
        return Ok(false);
    }
    insert(conn, user, c).await?;
    Ok(true)
}

/// The user's rows, `agreed_at` desc then `consent_type`, at most `limit`.
pub(crate) async fn list(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    limit: i64,
) -> QueryResult<Vec<ConsentRecord>> {
    let rows = user_consents::table
        .filter(user_consents::user_id.eq(user))
        .order((
            user_consents::agreed_at.desc(),
            user_consents::consent_type.asc(),
            user_consents::id.asc(),
        ))
        .select(CONSENT_COLUMNS)
        .limit(limit)
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(to_record).collect())
}

/// The newest row per consent type of `user`.
pub(crate) async fn latest(
    conn: &mut AsyncPgConnection,
    user: Uuid,
) -> QueryResult<Vec<ConsentRecord>> {
    let rows = user_consents::table
        .filter(user_consents::user_id.eq(user))
        .distinct_on(user_consents::consent_type)
        .order((
            user_consents::consent_type.asc(),
            user_consents::agreed_at.desc(),
            user_consents::id.desc(),
        ))
        .select(CONSENT_COLUMNS)
        .limit(1000)
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(to_record).collect())
}

/// Display name and age flag of an active user, writing only what changes.
pub(crate) async fn update_profile(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    display_name: Option<DisplayName>,
    verify_age: bool,
) -> QueryResult<Option<UserRecord>> {
    let Some(current) = active_user(conn, user).await? else {
        return Ok(None);
    };
    let name = display_name
        .map(|n| n.as_str().to_string())
        .filter(|n| *n != *current.display_name);
    let age = verify_age && !current.age_verified;
    if name.is_none() && !age {
        return Ok(Some(current));
    }
    let target = users::table
        .filter(users::id.eq(user))
        .filter(users::deleted_at.is_null());
    let row: Option<UserRow> = match (name, age) {
        (Some(n), true) => {
            diesel::update(target)
                .set((users::display_name.eq(n), users::age_verified.eq(true)))
                .returning(UserRow::as_returning())
                .get_result(conn)
                .await
        }
        (Some(n), false) => {
            diesel::update(target)
                .set(users::display_name.eq(n))
                .returning(UserRow::as_returning())
                .get_result(conn)
                .await
        }
        (None, _) => {
            diesel::update(target)
                .set(users::age_verified.eq(true))
                .returning(UserRow::as_returning())
                .get_result(conn)
                .await
        }
    }
    .optional()?;
    Ok(row.map(Into::into))
}

/// `deleted_at` of a soft-deleted user linked to Google `sub` or holding `email`.
pub(crate) async fn find_deleted(
    conn: &mut AsyncPgConnection,
    sub: &str,
    email: &str,
) -> QueryResult<Option<DateTime<Utc>>> {
    let by_sub = auth_providers::table
        .filter(auth_providers::provider.eq("google"))
        .filter(auth_providers::provider_user_id.eq(sub))
        .select(auth_providers::user_id);
    users::table
        .filter(users::deleted_at.is_not_null())
        .filter(users::email.eq(email).or(users::id.eq_any(by_sub)))
        .order(users::deleted_at.desc())
        .select(users::deleted_at.assume_not_null())
        .first(conn)
        .await
        .optional()
}
