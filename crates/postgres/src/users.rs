//! [`UserRepository`] over PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
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
use crate::errors::{db_error, is_unique_violation, pool_error};
use crate::pool::PgPool;
use crate::purge;
use crate::schema::{auth_providers, refresh_tokens, users};

/// Users and sessions in the `users`, `auth_providers` and `refresh_tokens` tables.
#[derive(Clone)]
pub struct PgUsers {
    pool: PgPool,
}

impl PgUsers {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

/// The columns every user read selects.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub(crate) struct UserRow {
    id: Uuid,
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
            email: r.email,
            display_name: r.display_name,
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

#[async_trait]
impl UserRepository for PgUsers {
    async fn email_taken(&self, email: &Email) -> Result<bool, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        diesel::select(diesel::dsl::exists(
            users::table.filter(users::email.eq(email.as_str())),
        ))
        .get_result(&mut conn)
        .await
        .map_err(db_error)
    }

    async fn create_account(
        &self,
        account: NewAccount,
        session: NewRefreshToken,
    ) -> Result<UserRecord, CreateAccountError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let result = conn
            .transaction::<_, diesel::result::Error, _>(async move |conn| {
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
            .await;
        match result {
            Ok(row) => Ok(row.into()),
            Err(e) if is_unique_violation(&e, None) => Err(CreateAccountError::EmailTaken),
            Err(e) => Err(CreateAccountError::Repo(db_error(e))),
        }
    }

    async fn find_login(&self, email: &Email) -> Result<Option<LoginRecord>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let found: Option<(UserRow, Option<String>)> = users::table
            .filter(users::email.eq(email.as_str()))
            .filter(users::deleted_at.is_null())
            .select((UserRow::as_select(), users::password_hash))
            .first(&mut conn)
            .await
            .optional()
            .map_err(db_error)?;
        Ok(found.map(|(row, password_hash)| LoginRecord {
            user: row.into(),
            password_hash,
        }))
    }

    async fn find_active(&self, id: UserId) -> Result<Option<UserRecord>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        users::table
            .filter(users::id.eq(id.as_uuid()))
            .filter(users::deleted_at.is_null())
            .select(UserRow::as_select())
            .first(&mut conn)
            .await
            .optional()
            .map(|r| r.map(UserRow::into))
            .map_err(db_error)
    }

    async fn open_session(
        &self,
        user: UserId,
        session: NewRefreshToken,
        upgraded_hash: Option<String>,
    ) -> Result<(), RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
            insert_session(conn, user.as_uuid(), &session).await?;
            if let Some(hash) = upgraded_hash {
                diesel::update(users::table.find(user.as_uuid()))
                    .set(users::password_hash.eq(hash))
                    .execute(conn)
                    .await?;
            }
            Ok(())
        })
        .await
        .map_err(db_error)
    }

    async fn rotate_session(
        &self,
        user: UserId,
        old_id: Uuid,
        fingerprint: String,
        next: NewRefreshToken,
    ) -> Result<RotateOutcome, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        ops::rotate(&mut conn, user.as_uuid(), old_id, fingerprint, next)
            .await
            .map_err(db_error)
    }

    async fn revoke_session(
        &self,
        user: UserId,
        token_id: Uuid,
        fingerprint: String,
    ) -> Result<(), RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        ops::revoke_one(&mut conn, user.as_uuid(), token_id, fingerprint)
            .await
            .map_err(db_error)
    }

    async fn find_credentials(&self, id: UserId) -> Result<Option<LoginRecord>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let found: Option<(UserRow, Option<String>)> = users::table
            .filter(users::id.eq(id.as_uuid()))
            .filter(users::deleted_at.is_null())
            .select((UserRow::as_select(), users::password_hash))
            .first(&mut conn)
            .await
            .optional()
            .map_err(db_error)?;
        Ok(found.map(|(row, password_hash)| LoginRecord {
            user: row.into(),
            password_hash,
        }))
    }

    async fn update_profile(
        &self,
        id: UserId,
        display_name: Option<DisplayName>,
        verify_age: bool,
    ) -> Result<Option<UserRecord>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        consents::update_profile(&mut conn, id.as_uuid(), display_name, verify_age)
            .await
            .map_err(db_error)
    }

    async fn find_deleted(
        &self,
        sub: String,
        email: &Email,
    ) -> Result<Option<DateTime<Utc>>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        consents::find_deleted(&mut conn, &sub, email.as_str())
            .await
            .map_err(db_error)
    }

    async fn record_consents(&self, id: UserId, c: NewConsents) -> Result<bool, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        consents::record(&mut conn, id.as_uuid(), &c)
            .await
            .map_err(db_error)
    }

    async fn list_consents(&self, id: UserId, limit: i64) -> Result<Vec<ConsentRecord>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        consents::list(&mut conn, id.as_uuid(), limit)
            .await
            .map_err(db_error)
    }

    async fn latest_consents(&self, id: UserId) -> Result<Vec<ConsentRecord>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        consents::latest(&mut conn, id.as_uuid())
            .await
            .map_err(db_error)
    }

    async fn set_password(&self, id: UserId, password_hash: String) -> Result<(), RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        ops::set_password(&mut conn, id.as_uuid(), password_hash)
            .await
            .map_err(db_error)
    }

    async fn list_providers(&self, id: UserId) -> Result<Vec<ProviderRecord>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        ops::providers(&mut conn, id.as_uuid())
            .await
            .map_err(db_error)
    }

    async fn unlink_provider(
        &self,
        id: UserId,
        provider: AuthProvider,
    ) -> Result<UnlinkOutcome, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        ops::unlink(&mut conn, id.as_uuid(), provider)
            .await
            .map_err(db_error)
    }

    async fn create_reset_token(
        &self,
        user: UserId,
        token: NewResetToken,
        email: EmailMessage,
    ) -> Result<(), RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        ops::create_reset(&mut conn, user.as_uuid(), token, email)
            .await
            .map_err(db_error)
    }

    async fn find_reset_token(&self, token_hash: String) -> Result<Option<UserRecord>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        ops::reset_owner(&mut conn, token_hash)
            .await
            .map_err(db_error)
    }

    async fn reset_password(
        &self,
        user: UserId,
        token_hash: String,
        password_hash: String,
        session: NewRefreshToken,
    ) -> Result<bool, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        ops::consume_reset(
            &mut conn,
            user.as_uuid(),
            token_hash,
            password_hash,
            session,
        )
        .await
        .map_err(db_error)
    }

    async fn find_by_google(&self, sub: String) -> Result<Option<UserRecord>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        ops::by_google(&mut conn, sub).await.map_err(db_error)
    }

    async fn link_google(
        &self,
        user: UserId,
        google: GoogleLink,
        session: Option<NewRefreshToken>,
    ) -> Result<(), LinkError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        match ops::link_google(&mut conn, user.as_uuid(), google, session).await {
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
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let result = conn
            .transaction::<_, diesel::result::Error, _>(async move |conn| {
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
            .await;
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
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        crate::deletion::soft_delete(&mut conn, id.as_uuid(), &consent_email_hash, farewell)
            .await
            .map_err(db_error)
    }

    async fn purge_deleted(
        &self,
        cutoff: DateTime<Utc>,
        limit: i64,
        consent_salt: String,
    ) -> Result<usize, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let due = purge::due(&mut conn, cutoff, limit)
            .await
            .map_err(db_error)?;
        let mut purged = 0;
        for user in due {
            if purge::purge_one(&mut conn, user, &consent_salt)
                .await
                .map_err(db_error)?
            {
                tracing::info!(user_id = %user, "deleted account purged");
                purged += 1;
            }
        }
        Ok(purged)
    }
}
