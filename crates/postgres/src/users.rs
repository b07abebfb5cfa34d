//! [`UserRepository`] over PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_domain::ids::UserId;
use pursue_domain::user::Email;
use pursue_domain::user::{AuthProvider, DisplayName};
use pursue_ports::error::RepoError;
use pursue_ports::outbox::EmailMessage;
use pursue_ports::users::{
    ConsentRecord, CreateAccountError, GoogleLink, LinkError, LoginRecord, NewAccount, NewConsents,
    NewGoogleAccount, NewRefreshToken, NewResetToken, ProviderRecord, RotateOutcome, UnlinkOutcome,
    UserRecord, UserRepository,
};
use uuid::Uuid;

use crate::accounts::{self as ops, LinkRefusal};
use crate::consents;
use crate::db::Db;
use crate::errors::{db_error, is_unique_violation};
use crate::pool::PgPool;
use crate::purge;
use crate::schema::{auth_providers, users};
use crate::user_rows::{UserRow, insert_session};

/// Users and sessions in the `users`, `auth_providers` and `refresh_tokens` tables.
#[derive(Clone)]
pub struct PgUsers {
    db: Db,
}

impl PgUsers {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { db: Db::new(pool) }
    }
}

#[async_trait]
impl UserRepository for PgUsers {
    async fn email_taken(&self, email: &Email) -> Result<bool, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    diesel::select(diesel::dsl::exists(
                        users::table.filter(users::email.eq(email.as_str())),
                    ))
                    .get_result(conn)
                    .await
                    .map_err(db_error)
                })
            })
            .await
    }

    async fn create_account(
        &self,
        account: NewAccount,
        session: NewRefreshToken,
    ) -> Result<UserRecord, CreateAccountError> {
        let result = self
            .db
            .transaction::<_, diesel::result::Error, _>(|conn| {
                Box::pin(async move {
                    let id = account.id.as_uuid();
                    let row: UserRow = diesel::insert_into(users::table)
                        .values((
                            users::id.eq(id),
                            users::email.eq(account.email.as_str()),
                            users::display_name.eq(account.display_name.as_str()),
                            users::password_hash.eq(&account.password_hash),
                            users::age_verified.eq(true),
                        ))
                        .returning(UserRow::as_returning())
                        .get_result(conn)
                        .await?;
                    consents::insert(conn, id, &account.consents).await?;
                    diesel::insert_into(auth_providers::table)
                        .values((
                            auth_providers::user_id.eq(id),
                            auth_providers::provider.eq("email"),
                            auth_providers::provider_user_id.eq(account.email.as_str()),
                            auth_providers::provider_email.eq(account.email.as_str()),
                        ))
                        .execute(conn)
                        .await?;
                    insert_session(conn, id, &session).await?;
                    Ok(row)
                })
            })
            .await?;
        match result {
            Ok(row) => Ok(row.into()),
            Err(e) if is_unique_violation(&e, None) => Err(CreateAccountError::EmailTaken),
            Err(e) => Err(CreateAccountError::Repo(db_error(e))),
        }
    }

    async fn find_login(&self, email: &Email) -> Result<Option<LoginRecord>, RepoError> {
        find_login_record(&self.db, LoginKey::Email(email.as_str().to_owned())).await
    }

    async fn find_active(&self, id: UserId) -> Result<Option<UserRecord>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    users::table
                        .filter(users::id.eq(id.as_uuid()))
                        .filter(users::deleted_at.is_null())
                        .select(UserRow::as_select())
                        .first(conn)
                        .await
                        .optional()
                        .map(|r| r.map(UserRow::into))
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn open_session(
        &self,
        user: UserId,
        session: NewRefreshToken,
        upgraded_hash: Option<String>,
    ) -> Result<(), RepoError> {
        self.db
            .write::<_, diesel::result::Error, _>(|conn| {
                Box::pin(async move {
                    insert_session(conn, user.as_uuid(), &session).await?;
                    if let Some(hash) = upgraded_hash {
                        diesel::update(users::table.find(user.as_uuid()))
                            .set(users::password_hash.eq(hash))
                            .execute(conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    async fn rotate_session(
        &self,
        user: UserId,
        old_id: Uuid,
        fingerprint: String,
        next: NewRefreshToken,
    ) -> Result<RotateOutcome, RepoError> {
        self.db
            .write(|conn| {
                Box::pin(async move {
                    ops::rotate(conn, user.as_uuid(), old_id, fingerprint, next).await
                })
            })
            .await
    }

    async fn revoke_session(
        &self,
        user: UserId,
        token_id: Uuid,
        fingerprint: String,
    ) -> Result<(), RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    ops::revoke_one(conn, user.as_uuid(), token_id, fingerprint)
                        .await
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn find_credentials(&self, id: UserId) -> Result<Option<LoginRecord>, RepoError> {
        find_login_record(&self.db, LoginKey::Id(id)).await
    }

    async fn update_profile(
        &self,
        id: UserId,
        display_name: Option<DisplayName>,
        verify_age: bool,
    ) -> Result<Option<UserRecord>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    consents::update_profile(conn, id.as_uuid(), display_name, verify_age)
                        .await
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn find_deleted(
        &self,
        sub: String,
        email: &Email,
    ) -> Result<Option<DateTime<Utc>>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    consents::find_deleted(conn, &sub, email.as_str())
                        .await
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn record_consents(&self, id: UserId, c: NewConsents) -> Result<bool, RepoError> {
        self.db
            .write(|conn| Box::pin(async move { consents::record(conn, id.as_uuid(), &c).await }))
            .await
    }

    async fn list_consents(&self, id: UserId, limit: i64) -> Result<Vec<ConsentRecord>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    consents::list(conn, id.as_uuid(), limit)
                        .await
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn latest_consents(&self, id: UserId) -> Result<Vec<ConsentRecord>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(
                    async move { consents::latest(conn, id.as_uuid()).await.map_err(db_error) },
                )
            })
            .await
    }

    async fn set_password(&self, id: UserId, password_hash: String) -> Result<(), RepoError> {
        self.db
            .write(|conn| {
                Box::pin(async move { ops::set_password(conn, id.as_uuid(), password_hash).await })
            })
            .await
    }

    async fn list_providers(&self, id: UserId) -> Result<Vec<ProviderRecord>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move { ops::providers(conn, id.as_uuid()).await.map_err(db_error) })
            })
            .await
    }

    async fn unlink_provider(
        &self,
        id: UserId,
        provider: AuthProvider,
    ) -> Result<UnlinkOutcome, RepoError> {
        self.db
            .write(|conn| Box::pin(async move { ops::unlink(conn, id.as_uuid(), provider).await }))
            .await
    }

    async fn create_reset_token(
        &self,
        user: UserId,
        token: NewResetToken,
        email: EmailMessage,
    ) -> Result<(), RepoError> {
        self.db
            .write(|conn| {
                Box::pin(async move { ops::create_reset(conn, user.as_uuid(), token, email).await })
            })
            .await
    }

    async fn find_reset_token(&self, token_hash: String) -> Result<Option<UserRecord>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move { ops::reset_owner(conn, token_hash).await.map_err(db_error) })
            })
            .await
    }

    async fn reset_password(
        &self,
        user: UserId,
        token_hash: String,
        password_hash: String,
        session: NewRefreshToken,
    ) -> Result<bool, RepoError> {
        self.db
            .write(|conn| {
                Box::pin(async move {
                    ops::consume_reset(conn, user.as_uuid(), token_hash, password_hash, session)
                        .await
                })
            })
            .await
    }

    async fn find_by_google(&self, sub: String) -> Result<Option<UserRecord>, RepoError> {
        self.db
            .read(|conn| Box::pin(async move { ops::by_google(conn, sub).await.map_err(db_error) }))
            .await
    }

    async fn link_google(
        &self,
        user: UserId,
        google: GoogleLink,
        session: Option<NewRefreshToken>,
    ) -> Result<(), LinkError> {
        let result = self
            .db
            .transaction(|conn| Box::pin(ops::link_google(conn, user.as_uuid(), google, session)))
            .await?;
        match result {
            Ok(None) => Ok(()),
            Ok(Some(LinkRefusal::InUse)) => Err(LinkError::InUse),
            Ok(Some(LinkRefusal::AlreadyLinked)) => Err(LinkError::AlreadyLinked),
            Err(e) if is_unique_violation(&e, None) => Err(LinkError::InUse),
            Err(e) => Err(LinkError::Repo(db_error(e))),
        }
    }

    async fn create_google_account(
        &self,
        account: NewGoogleAccount,
        session: NewRefreshToken,
    ) -> Result<UserRecord, CreateAccountError> {
        let result = self
            .db
            .transaction::<_, diesel::result::Error, _>(|conn| {
                Box::pin(async move {
                    let id = account.id.as_uuid();
                    let row: UserRow = diesel::insert_into(users::table)
                        .values((
                            users::id.eq(id),
                            users::email.eq(account.email.as_str()),
                            users::display_name.eq(account.display_name.as_str()),
                        ))
                        .returning(UserRow::as_returning())
                        .get_result(conn)
                        .await?;
                    ops::insert_google(conn, id, &account.google).await?;
                    consents::insert(conn, id, &account.consents).await?;
                    insert_session(conn, id, &session).await?;
                    Ok(row)
                })
            })
            .await?;
        match result {
            Ok(row) => Ok(row.into()),
            Err(e) if is_unique_violation(&e, None) => Err(CreateAccountError::EmailTaken),
            Err(e) => Err(CreateAccountError::Repo(db_error(e))),
        }
    }

    async fn soft_delete(
        &self,
        id: UserId,
        consent_email_hash: String,
        farewell: EmailMessage,
    ) -> Result<(), RepoError> {
        self.db
            .write(|conn| {
                Box::pin(async move {
                    crate::deletion::soft_delete(conn, id.as_uuid(), &consent_email_hash, farewell)
                        .await
                })
            })
            .await
    }

    async fn purge_deleted(
        &self,
        cutoff: DateTime<Utc>,
        limit: i64,
        consent_salt: String,
    ) -> Result<usize, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    let due = purge::due(conn, cutoff, limit).await.map_err(db_error)?;
                    let mut purged = 0;
                    for user in due {
                        if purge::purge_one(conn, user, &consent_salt)
                            .await
                            .map_err(db_error)?
                        {
                            tracing::info!(user_id = %user, "deleted account purged");
                            purged += 1;
                        }
                    }
                    Ok(purged)
                })
            })
            .await
    }
}

/// How a sign-in or credential check finds its user.
enum LoginKey {
    Email(String),
    Id(UserId),
}

/// The live user found by `key`, with their password hash.
async fn find_login_record(db: &Db, key: LoginKey) -> Result<Option<LoginRecord>, RepoError> {
    db.read(|conn| {
        Box::pin(async move {
            let query = users::table
                .filter(users::deleted_at.is_null())
                .select((UserRow::as_select(), users::password_hash))
                .into_boxed();
            let query = match &key {
                LoginKey::Email(email) => query.filter(users::email.eq(email.clone())),
                LoginKey::Id(id) => query.filter(users::id.eq(id.as_uuid())),
            };
            let found: Option<(UserRow, Option<String>)> =
                query.first(conn).await.optional().map_err(db_error)?;
            Ok(found.map(|(row, password_hash)| LoginRecord {
                user: row.into(),
                password_hash,
            }))
        })
    })
    .await
}
