//! [`SubscriptionStore`] over PostgreSQL (docs/API.md, Subscriptions). The membership
//! `status` and the group `is_challenge` columns are optional (present on databases of the
//! upstream server and once the approval queue and challenges are built): their presence
//! is read once per process.

use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::{OptionalExtension, QueryResult, QueryableByName};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::purchase::RowStatus;
use pursue_domain::subscription_state::{
    KeptSelection, PremiumRow, SubscriptionFacts, SubscriptionState,
};
use pursue_ports::error::RepoError;
use pursue_ports::subscription_store::{
    DowngradeCandidate, GroupName, NewPurchase, SelectOutcome, StoreOutcome, StoredPurchase,
    SubscriptionStore,
};
use uuid::Uuid;

use crate::db::Db;
use crate::errors::db_error;
use crate::pool::PgPool;
use crate::prepared::prepared;

/// Which optional columns exist.
#[derive(Debug, Clone, Copy)]
struct Columns {
    membership_status: bool,
    is_challenge: bool,
}

/// Subscriptions in `user_subscriptions`, `subscription_transactions`,
/// `subscription_downgrade_history` and the users cache columns.
#[derive(Clone)]
pub struct PgSubscriptions {
    db: Db,
    columns: Arc<OnceLock<Columns>>,
}

impl PgSubscriptions {
    /// A store over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self {
            db: Db::new(pool),
            columns: Arc::new(OnceLock::new()),
        }
    }
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    flag: bool,
}

/// Whether `table.column` exists in the current schema.
pub(crate) async fn column_exists(
    conn: &mut AsyncPgConnection,
    table: &str,
    column: &str,
) -> QueryResult<bool> {
    let f: Flag = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = \
         current_schema() AND table_name = $1 AND column_name = $2) AS flag",
    )
    .bind::<Text, _>(table)
    .bind::<Text, _>(column)
    .get_result(conn)
    .await?;
    Ok(f.flag)
}

async fn columns(cache: &OnceLock<Columns>, conn: &mut AsyncPgConnection) -> QueryResult<Columns> {
    if let Some(c) = cache.get() {
        return Ok(*c);
    }
    let c = Columns {
        membership_status: column_exists(conn, "group_memberships", "status").await?,
        is_challenge: column_exists(conn, "groups", "is_challenge").await?,
    };
    Ok(*cache.get_or_init(|| c))
}

impl Columns {
    /// SQL conditions on `m` (membership) and `g` (group): active, non-challenge,
    /// group not deleted.
    fn active_non_challenge(self) -> String {
        let mut sql = String::from("g.deleted_at IS NULL");
        if self.membership_status {
            sql.push_str(" AND m.status = 'active'");
        }
        if self.is_challenge {
            sql.push_str(" AND COALESCE(g.is_challenge, FALSE) = FALSE");
        }
        sql
    }
}

const ENTITLED: &str =
    "tier = 'premium' AND status IN ('active', 'cancelled', 'grace_period') AND expires_at > $2";

#[derive(QueryableByName)]
struct PremiumSql {
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Timestamptz)]
    expires_at: DateTime<Utc>,
    #[diesel(sql_type = Bool)]
    auto_renew: bool,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct KeptSql {
    #[diesel(sql_type = SqlUuid)]
    group_id: Uuid,
    #[diesel(sql_type = Timestamptz)]
    downgrade_date: DateTime<Utc>,
}

/// The four statements of [`facts`], their texts built once per shape of the schema (the
/// optional `group_memberships.status` and `groups.is_challenge` columns), so that each is
/// a prepared statement under its own marker (see [`crate::prepared`]).
struct FactsSql {
    premium: String,
    expired: String,
    count: String,
    kept: String,
}

impl FactsSql {
    fn new(cols: Columns) -> Self {
        let active = cols.active_non_challenge();
        Self {
            premium: format!(
                "SELECT status, expires_at, COALESCE(auto_renew, FALSE) AS auto_renew \
                 FROM user_subscriptions WHERE user_id = $1 AND {ENTITLED} \
                 ORDER BY started_at DESC LIMIT 1"
            ),
            expired: format!(
                "SELECT COUNT(*) AS n FROM user_subscriptions WHERE user_id = $1 \
                 AND tier = 'premium' AND NOT ({ENTITLED})"
            ),
            count: format!(
                "SELECT COUNT(*) AS n FROM group_memberships m JOIN groups g ON g.id = m.group_id \
                 WHERE m.user_id = $1 AND {active}"
            ),
            kept: format!(
                "SELECT h.kept_group_id AS group_id, h.downgrade_date \
                 FROM subscription_downgrade_history h \
                 JOIN group_memberships m ON m.group_id = h.kept_group_id AND m.user_id = h.user_id \
                 JOIN groups g ON g.id = m.group_id \
                 WHERE h.user_id = $1 AND {active} AND h.downgrade_date > COALESCE(( \
                     SELECT s.expires_at FROM user_subscriptions s WHERE s.user_id = $1 \
                     AND s.tier = 'premium' ORDER BY s.started_at DESC LIMIT 1), '-infinity') \
                 ORDER BY h.downgrade_date DESC LIMIT 1"
            ),
        }
    }

    /// The texts for `cols`, built on first use.
    fn of(cols: Columns) -> &'static FactsSql {
        static SHAPES: [OnceLock<FactsSql>; 4] = [const { OnceLock::new() }; 4];
        let shape = usize::from(cols.membership_status) * 2 + usize::from(cols.is_challenge);
        SHAPES[shape].get_or_init(|| FactsSql::new(cols))
    }
}

/// Markers of the facts statements, one per statement and schema shape.
struct PremiumStatement<const STATUS: bool, const CHALLENGE: bool>;
struct ExpiredStatement<const STATUS: bool, const CHALLENGE: bool>;
struct CountStatement<const STATUS: bool, const CHALLENGE: bool>;
struct KeptStatement<const STATUS: bool, const CHALLENGE: bool>;

/// The facts of `user` at `now` on `conn`.
async fn facts(
    conn: &mut AsyncPgConnection,
    cols: Columns,
    user: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<SubscriptionFacts> {
    match (cols.membership_status, cols.is_challenge) {
        (true, true) => facts_in::<true, true>(conn, cols, user, now).await,
        (true, false) => facts_in::<true, false>(conn, cols, user, now).await,
        (false, true) => facts_in::<false, true>(conn, cols, user, now).await,
        (false, false) => facts_in::<false, false>(conn, cols, user, now).await,
    }
}

async fn facts_in<const STATUS: bool, const CHALLENGE: bool>(
    conn: &mut AsyncPgConnection,
    cols: Columns,
    user: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<SubscriptionFacts> {
    let sql = FactsSql::of(cols);
    let premium: Option<PremiumSql> = prepared::<PremiumStatement<STATUS, CHALLENGE>>(&sql.premium)
        .bind::<SqlUuid, _>(user)
        .bind::<Timestamptz, _>(now)
        .get_result(conn)
        .await
        .optional()?;
    let expired: Count = prepared::<ExpiredStatement<STATUS, CHALLENGE>>(&sql.expired)
        .bind::<SqlUuid, _>(user)
        .bind::<Timestamptz, _>(now)
        .get_result(conn)
        .await?;
    let count: Count = prepared::<CountStatement<STATUS, CHALLENGE>>(&sql.count)
        .bind::<SqlUuid, _>(user)
        .get_result(conn)
        .await?;
    let kept: Option<KeptSql> = prepared::<KeptStatement<STATUS, CHALLENGE>>(&sql.kept)
        .bind::<SqlUuid, _>(user)
        .get_result(conn)
        .await
        .optional()?;
    Ok(SubscriptionFacts {
        premium: premium.map(|p| PremiumRow {
            status: RowStatus::parse(&p.status).unwrap_or(RowStatus::Active),
            expires_at: p.expires_at,
            auto_renew: p.auto_renew,
        }),
        has_expired_premium: expired.n > 0,
        group_count: u32::try_from(count.n).unwrap_or(u32::MAX),
        kept: kept.map(|k| KeptSelection {
            group_id: k.group_id,
            downgrade_date: k.downgrade_date,
        }),
    })
}

/// Writes the users cache of `user` when a value changed (any users write moves
/// `updated_at`, the avatar cache key).
async fn refresh_cache(conn: &mut AsyncPgConnection, cols: Columns, user: Uuid) -> QueryResult<()> {
    let state = SubscriptionState::compute(&facts(conn, cols, user, Utc::now()).await?);
    let limit = i32::try_from(state.group_limit).unwrap_or(i32::MAX);
    let count = i32::try_from(state.group_count).unwrap_or(i32::MAX);
    diesel::sql_query(
        "UPDATE users SET current_subscription_tier = $2, subscription_status = $3, \
         group_limit = $4, current_group_count = $5 WHERE id = $1 AND \
         (current_subscription_tier, subscription_status, group_limit, current_group_count) \
         IS DISTINCT FROM ($2, $3, $4, $5)",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Text, _>(state.tier())
    .bind::<Text, _>(state.status.as_str())
    .bind::<diesel::sql_types::Integer, _>(limit)
    .bind::<diesel::sql_types::Integer, _>(count)
    .execute(conn)
    .await
    .map(drop)
}

#[derive(QueryableByName)]
struct RowSql {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    user_id: Uuid,
    #[diesel(sql_type = Text)]
    platform_purchase_token: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Timestamptz)]
    expires_at: DateTime<Utc>,
}

impl From<RowSql> for StoredPurchase {
    fn from(r: RowSql) -> Self {
        StoredPurchase {
            subscription_id: r.id,
            user: UserId::from_uuid(r.user_id),
            purchase_token: r.platform_purchase_token,
            status: RowStatus::parse(&r.status).unwrap_or(RowStatus::Expired),
            expires_at: r.expires_at,
        }
    }
}

const ROW_COLUMNS: &str = "id, user_id, platform_purchase_token, COALESCE(status, 'expired') AS status, \
     COALESCE(expires_at, '-infinity') AS expires_at";

async fn store(
    conn: &mut AsyncPgConnection,
    cols: Columns,
    user: Uuid,
    p: NewPurchase,
) -> QueryResult<StoreOutcome> {
    let holder: Option<RowSql> = diesel::sql_query(format!(
        "SELECT {ROW_COLUMNS} FROM user_subscriptions \
         WHERE platform = 'google_play' AND platform_purchase_token = $1 FOR UPDATE"
    ))
    .bind::<Text, _>(&p.purchase_token)
    .get_result(conn)
    .await
    .optional()?;
    let mut existing = match holder {
        Some(h) if h.user_id != user => return Ok(StoreOutcome::TokenInUse),
        Some(h) => Some(h.id),
        None => None,
    };
    if existing.is_none()
        && let Some(linked) = &p.linked_purchase_token
    {
        let moved: Option<RowSql> = diesel::sql_query(format!(
            "UPDATE user_subscriptions SET platform_purchase_token = $3, updated_at = NOW() \
             WHERE user_id = $1 AND platform = 'google_play' AND platform_purchase_token = $2 \
             RETURNING {ROW_COLUMNS}"
        ))
        .bind::<SqlUuid, _>(user)
        .bind::<Text, _>(linked)
        .bind::<Text, _>(&p.purchase_token)
        .get_result(conn)
        .await
        .optional()?;
        existing = moved.map(|m| m.id);
    }
    let row = &p.row;
    let status = row.status.as_str();
    let stored: RowSql = match existing {
        Some(id) => {
            diesel::sql_query(format!(
                "UPDATE user_subscriptions SET tier = 'premium', status = $2, expires_at = $3, \
                 auto_renew = $4, platform_subscription_id = COALESCE($5, platform_subscription_id), \
                 cancelled_at = CASE WHEN $2 = 'cancelled' THEN COALESCE(cancelled_at, NOW()) \
                 ELSE cancelled_at END, updated_at = NOW() WHERE id = $1 RETURNING {ROW_COLUMNS}"
            ))
            .bind::<SqlUuid, _>(id)
            .bind::<Text, _>(status)
            .bind::<Timestamptz, _>(row.expires_at)
            .bind::<Bool, _>(row.auto_renew)
            .bind::<Nullable<Text>, _>(row.order_id.as_deref())
            .get_result(conn)
            .await?
        }
        None => {
            diesel::sql_query(format!(
                "INSERT INTO user_subscriptions (user_id, tier, status, started_at, expires_at, \
                 cancelled_at, platform, platform_subscription_id, platform_purchase_token, auto_renew) \
                 VALUES ($1, 'premium', $2, $3, $4, CASE WHEN $2 = 'cancelled' THEN NOW() END, \
                 'google_play', $5, $6, $7) RETURNING {ROW_COLUMNS}"
            ))
            .bind::<SqlUuid, _>(user)
            .bind::<Text, _>(status)
            .bind::<Timestamptz, _>(row.started_at)
            .bind::<Timestamptz, _>(row.expires_at)
            .bind::<Nullable<Text>, _>(row.order_id.as_deref())
            .bind::<Text, _>(&p.purchase_token)
            .bind::<Bool, _>(row.auto_renew)
            .get_result(conn)
            .await?
        }
    };
    if let Some(order) = &row.order_id {
        diesel::sql_query(
            "INSERT INTO subscription_transactions (subscription_id, transaction_type, platform, \
             platform_transaction_id, transaction_date, raw_receipt) \
             SELECT $1, CASE WHEN EXISTS (SELECT 1 FROM subscription_transactions \
                 WHERE subscription_id = $1) THEN 'renewal' ELSE 'purchase' END, \
             'google_play', $2, NOW(), $3 \
             ON CONFLICT (platform, platform_transaction_id) DO NOTHING",
        )
        .bind::<SqlUuid, _>(stored.id)
        .bind::<Text, _>(order)
        .bind::<Text, _>(&p.raw)
        .execute(conn)
        .await?;
    }
    refresh_cache(conn, cols, user).await?;
    Ok(StoreOutcome::Stored(stored.into()))
}

#[derive(QueryableByName)]
struct GroupSql {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    name: String,
}

async fn select(
    conn: &mut AsyncPgConnection,
    cols: Columns,
    user: Uuid,
    keep: Uuid,
) -> QueryResult<SelectOutcome> {
    let groups: Vec<GroupSql> = diesel::sql_query(format!(
        "SELECT g.id, g.name FROM group_memberships m JOIN groups g ON g.id = m.group_id \
         WHERE m.user_id = $1 AND {} ORDER BY m.joined_at ASC, g.id ASC LIMIT 1000",
        cols.active_non_challenge()
    ))
    .bind::<SqlUuid, _>(user)
    .load(conn)
    .await?;
    let Some(kept) = groups.iter().find(|g| g.id == keep) else {
        return Ok(SelectOutcome::InvalidGroup);
    };
    let kept = GroupName {
        id: kept.id,
        name: pursue_domain::group::GroupName::stored(kept.name.clone()),
    };
    let removed: Vec<GroupName> = groups
        .iter()
        .filter(|g| g.id != keep)
        .map(|g| GroupName {
            id: g.id,
            name: pursue_domain::group::GroupName::stored(g.name.clone()),
        })
        .collect();
    #[derive(QueryableByName)]
    struct Date {
        #[diesel(sql_type = Timestamptz)]
        downgrade_date: DateTime<Utc>,
    }
    let removed_ids: Vec<Uuid> = removed.iter().map(|g| g.id).collect();
    let d: Date = diesel::sql_query(
        "INSERT INTO subscription_downgrade_history (user_id, previous_tier, \
         groups_before_downgrade, kept_group_id, removed_group_ids) \
         VALUES ($1, CASE WHEN EXISTS (SELECT 1 FROM user_subscriptions WHERE user_id = $1 \
         AND tier = 'premium') THEN 'premium' ELSE 'free' END, $2, $3, $4) \
         RETURNING downgrade_date",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<diesel::sql_types::Integer, _>(i32::try_from(groups.len()).unwrap_or(i32::MAX))
    .bind::<SqlUuid, _>(keep)
    .bind::<Array<SqlUuid>, _>(removed_ids)
    .get_result(conn)
    .await?;
    refresh_cache(conn, cols, user).await?;
    Ok(SelectOutcome::Selected {
        kept,
        removed,
        downgrade_date: d.downgrade_date,
    })
}

#[async_trait]
impl SubscriptionStore for PgSubscriptions {
    async fn facts(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<SubscriptionFacts, RepoError> {
        let mut conn = self.db.conn().await?;
        let cols = columns(&self.columns, &mut conn).await.map_err(db_error)?;
        facts(&mut conn, cols, user.as_uuid(), now)
            .await
            .map_err(db_error)
    }

    async fn is_challenge_group(&self, group: GroupId) -> Result<bool, RepoError> {
        let mut conn = self.db.conn().await?;
        let cols = columns(&self.columns, &mut conn).await.map_err(db_error)?;
        if !cols.is_challenge {
            return Ok(false);
        }
        let f: Flag = diesel::sql_query(
            "SELECT EXISTS (SELECT 1 FROM groups WHERE id = $1 \
             AND COALESCE(is_challenge, FALSE)) AS flag",
        )
        .bind::<SqlUuid, _>(group.as_uuid())
        .get_result(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(f.flag)
    }

    async fn token_held_by_other(&self, user: UserId, token: &str) -> Result<bool, RepoError> {
        let mut conn = self.db.conn().await?;
        let f: Flag = diesel::sql_query(
            "SELECT EXISTS (SELECT 1 FROM user_subscriptions WHERE platform = 'google_play' \
             AND platform_purchase_token = $2 AND user_id <> $1) AS flag",
        )
        .bind::<SqlUuid, _>(user.as_uuid())
        .bind::<Text, _>(token)
        .get_result(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(f.flag)
    }

    async fn store_purchase(
        &self,
        user: UserId,
        p: NewPurchase,
    ) -> Result<StoreOutcome, RepoError> {
        let mut conn = self.db.conn().await?;
        let cols = columns(&self.columns, &mut conn).await.map_err(db_error)?;
        conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
            store(conn, cols, user.as_uuid(), p).await
        })
        .await
        .map_err(db_error)
    }

    async fn premium_purchase(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredPurchase>, RepoError> {
        let mut conn = self.db.conn().await?;
        let row: Option<RowSql> = diesel::sql_query(format!(
            "SELECT {ROW_COLUMNS} FROM user_subscriptions WHERE user_id = $1 AND {ENTITLED} \
             AND platform_purchase_token IS NOT NULL ORDER BY started_at DESC LIMIT 1"
        ))
        .bind::<SqlUuid, _>(user.as_uuid())
        .bind::<Timestamptz, _>(now)
        .get_result(&mut conn)
        .await
        .optional()
        .map_err(db_error)?;
        Ok(row.map(Into::into))
    }

    async fn mark_cancelled(&self, id: Uuid) -> Result<(), RepoError> {
        let mut conn = self.db.conn().await?;
        let cols = columns(&self.columns, &mut conn).await.map_err(db_error)?;
        conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
            let row: RowSql = diesel::sql_query(format!(
                "UPDATE user_subscriptions SET status = 'cancelled', auto_renew = FALSE, \
                 cancelled_at = COALESCE(cancelled_at, NOW()), updated_at = NOW() \
                 WHERE id = $1 RETURNING {ROW_COLUMNS}"
            ))
            .bind::<SqlUuid, _>(id)
            .get_result(conn)
            .await?;
            diesel::sql_query(
                "INSERT INTO subscription_transactions (subscription_id, transaction_type, \
                 platform, platform_transaction_id, transaction_date) \
                 VALUES ($1, 'cancellation', 'google_play', $2, NOW()) \
                 ON CONFLICT (platform, platform_transaction_id) DO NOTHING",
            )
            .bind::<SqlUuid, _>(id)
            .bind::<Text, _>(format!("cancel:{id}"))
            .execute(conn)
            .await?;
            refresh_cache(conn, cols, row.user_id).await
        })
        .await
        .map_err(db_error)
    }

    async fn select_group(&self, user: UserId, keep: GroupId) -> Result<SelectOutcome, RepoError> {
        let mut conn = self.db.conn().await?;
        let cols = columns(&self.columns, &mut conn).await.map_err(db_error)?;
        conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
            select(conn, cols, user.as_uuid(), keep.as_uuid()).await
        })
        .await
        .map_err(db_error)
    }

    async fn expiring(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<StoredPurchase>, RepoError> {
        let mut conn = self.db.conn().await?;
        let rows: Vec<RowSql> = diesel::sql_query(format!(
            "SELECT {ROW_COLUMNS} FROM user_subscriptions WHERE platform = 'google_play' \
             AND platform_purchase_token IS NOT NULL \
             AND status IN ('active', 'cancelled', 'grace_period') AND expires_at < $1 \
             ORDER BY expires_at ASC LIMIT $2"
        ))
        .bind::<Timestamptz, _>(before)
        .bind::<BigInt, _>(limit)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn expire(&self, id: Uuid) -> Result<(), RepoError> {
        let mut conn = self.db.conn().await?;
        let cols = columns(&self.columns, &mut conn).await.map_err(db_error)?;
        conn.transaction::<_, diesel::result::Error, _>(async move |conn| {
            let row: Option<RowSql> = diesel::sql_query(format!(
                "UPDATE user_subscriptions SET status = 'expired', updated_at = NOW() \
                 WHERE id = $1 AND expires_at <= NOW() RETURNING {ROW_COLUMNS}"
            ))
            .bind::<SqlUuid, _>(id)
            .get_result(conn)
            .await
            .optional()?;
            match row {
                Some(r) => refresh_cache(conn, cols, r.user_id).await,
                None => Ok(()),
            }
        })
        .await
        .map_err(db_error)
    }

    async fn downgrade_candidates(
        &self,
        selected_before: DateTime<Utc>,
        now: DateTime<Utc>,
        after: Option<UserId>,
        limit: i64,
    ) -> Result<Vec<DowngradeCandidate>, RepoError> {
        #[derive(QueryableByName)]
        struct CandidateSql {
            #[diesel(sql_type = SqlUuid)]
            id: Uuid,
            #[diesel(sql_type = Text)]
            display_name: String,
            #[diesel(sql_type = Array<SqlUuid>)]
            groups: Vec<Uuid>,
        }
        let mut conn = self.db.conn().await?;
        let cols = columns(&self.columns, &mut conn).await.map_err(db_error)?;
        let active = cols.active_non_challenge();
        let rows: Vec<CandidateSql> = diesel::sql_query(format!(
            "SELECT u.id, u.display_name, ARRAY(SELECT m.group_id FROM group_memberships m \
                 JOIN groups g ON g.id = m.group_id WHERE m.user_id = u.id AND {active} \
                 ORDER BY m.joined_at ASC, g.id ASC LIMIT 1000) AS groups \
             FROM users u WHERE u.deleted_at IS NULL AND u.id > $3 \
             AND EXISTS (SELECT 1 FROM subscription_downgrade_history h WHERE h.user_id = u.id \
                 AND h.kept_group_id IS NOT NULL AND h.downgrade_date < $1) \
             AND NOT EXISTS (SELECT 1 FROM user_subscriptions WHERE user_id = u.id AND {ENTITLED}) \
             AND (SELECT COUNT(*) FROM group_memberships m JOIN groups g ON g.id = m.group_id \
                 WHERE m.user_id = u.id AND {active}) > 1 \
             ORDER BY u.id ASC LIMIT $4"
        ))
        .bind::<Timestamptz, _>(selected_before)
        .bind::<Timestamptz, _>(now)
        .bind::<SqlUuid, _>(after.map(|u| u.as_uuid()).unwrap_or(Uuid::nil()))
        .bind::<BigInt, _>(limit)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|r| DowngradeCandidate {
                user: UserId::from_uuid(r.id),
                display_name: pursue_domain::user::DisplayName::stored(r.display_name),
                groups: r.groups.into_iter().map(GroupId::from_uuid).collect(),
            })
            .collect())
    }

    async fn refresh_cache(&self, user: UserId) -> Result<(), RepoError> {
        let mut conn = self.db.conn().await?;
        let cols = columns(&self.columns, &mut conn).await.map_err(db_error)?;
        refresh_cache(&mut conn, cols, user.as_uuid())
            .await
            .map_err(db_error)
    }
}
