//! Adapter construction: every use case wired to its PostgreSQL repositories and to the
//! external clients the configuration asks for (password hashing, JWT, Google, Play, image
//! stores).

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use pursue_app::accounts::{AccountService, AccountSettings};
use pursue_app::devices::DeviceService;
use pursue_app::export::DataExportService;
use pursue_app::goals::GoalService;
use pursue_app::groups::GroupService;
use pursue_app::health::HealthService;
use pursue_app::images::ImageService;
use pursue_app::insights::InsightService;
use pursue_app::progress::ProgressService;
use pursue_app::social::SocialService;
use pursue_app::subscriptions::SubscriptionService;
use pursue_auth::{Argon2Hasher, JwtTokens};
use pursue_google::{GoogleConfig, GoogleIdTokens};
use pursue_ports::push::PushSender;
use pursue_postgres::{
    PgDevices, PgGoals, PgGroups, PgPool, PgProbe, PgProgress, PgTiers, PgUsers, PgViews,
};

use crate::config::Config;

/// `/health`'s probe timeout (see docs/API.md, Health).
const HEALTH_TIMEOUT: Duration = Duration::from_secs(5);
/// `/health` reuses a database probe younger than this (see docs/OPERATIONS.md, Probes).
const HEALTH_PROBE_REUSE: Duration = Duration::from_secs(1);
/// `/ready` must fail fast for load balancers.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// How side effects are delivered (decision D6): for real, or to the log / files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryModes {
    /// FCM credentials are configured.
    pub push: bool,
    /// A Resend API key is configured.
    pub email: bool,
}

/// Every use case, wired to its adapters. Cheap to clone.
#[derive(Clone)]
pub struct Services {
    /// Accounts: registration, sign-in, authentication, deletion.
    pub accounts: AccountService,
    /// Groups, memberships, invites, feed.
    pub groups: GroupService,
    /// Goals and progress reads.
    pub goals: GoalService,
    /// Progress logging.
    pub progress: ProgressService,
    /// Progress views: members' pulse, member history, My Progress, export.
    pub insights: InsightService,
    /// Subscriptions and purchase verification.
    pub subscriptions: SubscriptionService,
    /// The right-of-access export, without its `subscription` key (the delivery layer adds
    /// it in its own shape with [`DataExportService::with_subscription`]).
    pub export: DataExportService,
    /// Push devices.
    pub devices: DeviceService,
    /// Reactions, nudges and the notification inbox.
    pub social: SocialService,
    /// Avatars and group icons.
    pub images: ImageService,
    /// Dependency health checks.
    pub health: HealthService,
    /// Readiness probe without the `/health` timeout (fails fast).
    pub readiness: HealthService,
    /// Whether pushes and e-mails really leave the process.
    pub deliveries: DeliveryModes,
}

impl Services {
    /// Builds every use case on `pool` as `config` says (no request is made); `push` is
    /// the push adapter the worker delivers with.
    pub fn build(config: &Config, pool: &PgPool, push: &dyn PushSender) -> anyhow::Result<Self> {
        let accounts = account_service(config, pool.clone())?;
        let subscriptions = subscription_service(config, pool.clone())?;
        let groups: Arc<PgGroups> = Arc::new(PgGroups::new(pool.clone()));
        let goals: Arc<PgGoals> = Arc::new(PgGoals::new(pool.clone()));
        let store: Arc<pursue_postgres::PgSubscriptions> =
            Arc::new(pursue_postgres::PgSubscriptions::new(pool.clone()));
        Ok(Self {
            social: SocialService::new(
                Arc::new(pursue_postgres::PgSocial::new(pool.clone())),
                groups.clone(),
                goals.clone(),
            ),
            groups: GroupService::new(groups.clone()).with_subscriptions(store.clone()),
            goals: GoalService::new(groups.clone(), goals.clone())
                .with_subscriptions(store.clone()),
            insights: InsightService::new(
                groups.clone(),
                goals.clone(),
                Arc::new(PgViews::new(pool.clone())),
                Arc::new(PgTiers::new(pool.clone())),
            ),
            images: crate::images::image_service(config, pool.clone(), groups.clone())?,
            progress: ProgressService::new(groups, goals, Arc::new(PgProgress::new(pool.clone())))
                .with_subscriptions(store),
            accounts,
            devices: DeviceService::new(Arc::new(PgDevices::new(pool.clone()))),
            export: DataExportService::new(Arc::new(pursue_postgres::PgDataExport::new(
                pool.clone(),
            ))),
            subscriptions,
            health: HealthService::new(Arc::new(PgProbe::new(pool.clone(), HEALTH_TIMEOUT)))
                .reusing_probes_for(HEALTH_PROBE_REUSE),
            readiness: HealthService::new(Arc::new(PgProbe::new(pool.clone(), READY_TIMEOUT))),
            deliveries: DeliveryModes {
                push: push.is_enabled(),
                email: config.resend_api_key.is_some(),
            },
        })
    }
}

/// The account use cases wired to their adapters as `config` says.
pub fn account_service(config: &Config, pool: PgPool) -> anyhow::Result<AccountService> {
    let secrets = crate::secrets::resolve(config)?;
    let hasher = Argon2Hasher::with_settings(config.password_hashing)
        .context("initialising password hashing")?;
    let tokens = JwtTokens::new(secrets.access.expose(), secrets.refresh.expose());
    let mut accounts = AccountService::new(
        Arc::new(PgUsers::new(pool)),
        Arc::new(hasher),
        Arc::new(tokens),
    )
    .with_settings(AccountSettings {
        frontend_url: config.frontend_url.clone(),
        purge_days: config.account_purge_days,
        terms_version: config.accounts.terms_version.clone(),
        privacy_version: config.accounts.privacy_version.clone(),
        consent_salt: crate::secrets::consent_salt(config)?.expose().to_string(),
    });
    if config.google_client_ids.is_empty() {
        tracing::warn!("GOOGLE_CLIENT_ID is not set: Google sign-in answers 503");
    } else {
        let google = GoogleIdTokens::new(GoogleConfig::new(
            config.google_jwks_url.clone(),
            config.google_client_ids.clone(),
        ))
        .context("building the Google ID-token verifier")?;
        accounts = accounts.with_google(Arc::new(google));
    }
    Ok(accounts)
}

/// The subscription use cases: PostgreSQL store and Google Play verifier (or, without a
/// service account, a verifier that answers 503 so nothing is granted unverified).
pub fn subscription_service(config: &Config, pool: PgPool) -> anyhow::Result<SubscriptionService> {
    let play: Arc<dyn pursue_ports::purchases::PurchaseVerifier> =
        match &config.accounts.google_play_service_account {
            Some(path) => Arc::new(
                pursue_play::GooglePlay::from_file(
                    pursue_play::PlayConfig {
                        base_url: config.accounts.google_play_api_base_url.clone(),
                        package_name: config.accounts.google_play_package_name.clone(),
                    },
                    path,
                )
                .context("loading GOOGLE_PLAY_SERVICE_ACCOUNT")?,
            ),
            None => {
                tracing::warn!(
                    "GOOGLE_PLAY_SERVICE_ACCOUNT is not set: purchase verification answers 503"
                );
                Arc::new(pursue_play::UnconfiguredPlay)
            }
        };
    Ok(SubscriptionService::new(
        Arc::new(pursue_postgres::PgSubscriptions::new(pool)),
        play,
    ))
}
