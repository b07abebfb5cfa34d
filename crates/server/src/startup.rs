//! Wiring: adapters into use cases, use cases into the HTTP server, and graceful shutdown.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, web};
use anyhow::Context;
use pursue_app::accounts::{AccountService, AccountSettings};
use pursue_app::devices::DeviceService;
use pursue_app::goals::GoalService;
use pursue_app::groups::GroupService;
use pursue_app::health::HealthService;
use pursue_app::insights::InsightService;
use pursue_app::progress::ProgressService;
use pursue_auth::{Argon2Hasher, JwtTokens};
use pursue_google::{GoogleConfig, GoogleIdTokens};
use pursue_postgres::{
    PgDevices, PgGoals, PgGroups, PgPool, PgProbe, PgProgress, PgTiers, PgUsers, PgViews,
};
use tokio::sync::{Notify, watch};

use crate::config::Config;
use crate::database::Database;
use crate::extract::{json_config, path_config, query_config};
use crate::middleware::{
    RequestDeadline, cors, http_metrics, json_errors, rate_limits, request_context,
    request_deadline, security_headers,
};
use crate::routes;
use crate::state::{AppState, DeliveryModes};
use crate::worker::Worker;

/// `/health`'s probe timeout (contract §3.7).
const HEALTH_TIMEOUT: Duration = Duration::from_secs(5);
/// `/health` reuses a database probe younger than this (see docs/OPERATIONS.md, Probes).
const HEALTH_PROBE_REUSE: Duration = Duration::from_secs(1);
/// `/ready` must fail fast for load balancers.
const READY_TIMEOUT: Duration = Duration::from_secs(2);
/// The whole shutdown — delay, draining in-flight requests, stopping the worker — ends
/// within this budget.
const DRAIN_TIMEOUT_SECS: u64 = 30;
/// Longest wait for a request's head (then `408`).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Starts a graceful shutdown from code (tests, embedding binaries) as SIGTERM would.
#[derive(Clone, Default)]
pub struct ShutdownHandle(Arc<Notify>);

impl ShutdownHandle {
    /// Begins draining: `/ready` turns 503, then the listener closes and in-flight
    /// requests get up to 30 s.
    pub fn trigger(&self) {
        self.0.notify_one();
    }
}

/// A built, listening server.
pub struct Application {
    server: Server,
    address: SocketAddr,
    state: AppState,
    shutdown: ShutdownHandle,
    shutdown_delay: Duration,
    worker: Option<Worker>,
    _database: Database,
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
pub fn subscription_service(
    config: &Config,
    pool: PgPool,
) -> anyhow::Result<pursue_app::subscriptions::SubscriptionService> {
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
    Ok(pursue_app::subscriptions::SubscriptionService::new(
        Arc::new(pursue_postgres::PgSubscriptions::new(pool)),
        play,
    ))
}

/// The data export, its `subscription` key filled from `subscriptions`.
fn export_service(
    pool: PgPool,
    subscriptions: pursue_app::subscriptions::SubscriptionService,
) -> pursue_app::export::DataExportService {
    pursue_app::export::DataExportService::new(Arc::new(pursue_postgres::PgDataExport::new(pool)))
        .with_subscription(Arc::new(move |user| {
            let subscriptions = subscriptions.clone();
            Box::pin(async move {
                let s = subscriptions.state(user).await?;
                Ok(crate::dto::subscriptions::subscription_body(&s))
            })
        }))
}

/// Runs only the worker (the `worker` subcommand) until SIGTERM/SIGINT.
pub async fn run_worker_only(config: &Config, database: Database) -> anyhow::Result<()> {
    database
        .migrate(pursue_postgres::migrations::MigrationAction::Run)
        .await?;
    let pool = database.pool_for(config)?;
    let accounts = account_service(config, pool.clone())?;
    let push = crate::worker::push_sender(config)?;
    let worker = Worker::build(config, pool, accounts, push)?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let task = tokio::spawn(worker.run(stop_rx));
    wait_for_stop(&Notify::new()).await;
    let _ = stop_tx.send(true);
    task.await.context("worker task failed")?;
    Ok(())
}

impl Application {
    /// Migrates the database, builds the adapters and binds the listener.
    pub async fn build(config: &Config, database: Database) -> anyhow::Result<Self> {
        let applied = database
            .migrate(pursue_postgres::migrations::MigrationAction::Run)
            .await?;
        if !applied.is_empty() {
            tracing::info!(?applied, "database migrated");
        }
        let pool = database.pool_for(config)?;
        let accounts = account_service(config, pool.clone())?;
        let push = crate::worker::push_sender(config)?;
        let deliveries = DeliveryModes {
            push: push.is_enabled(),
            email: config.resend_api_key.is_some(),
        };
        let worker = if config.run_worker {
            Some(Worker::build(config, pool.clone(), accounts.clone(), push)?)
        } else {
            None
        };
        let subscriptions = subscription_service(config, pool.clone())?;
        let groups: Arc<PgGroups> = Arc::new(PgGroups::new(pool.clone()));
        let goals: Arc<PgGoals> = Arc::new(PgGoals::new(pool.clone()));
        let social = pursue_app::social::SocialService::new(
            Arc::new(pursue_postgres::PgSocial::new(pool.clone())),
            groups.clone(),
            goals.clone(),
        );
        let store: Arc<pursue_postgres::PgSubscriptions> =
            Arc::new(pursue_postgres::PgSubscriptions::new(pool.clone()));
        let state = AppState {
            share_base_url: config.share_base_url.clone(),
            social,
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
            export: export_service(pool.clone(), subscriptions.clone()),
            subscriptions,
            deliveries,
            health: HealthService::new(Arc::new(PgProbe::new(pool.clone(), HEALTH_TIMEOUT)))
                .reusing_probes_for(HEALTH_PROBE_REUSE),
            readiness: HealthService::new(Arc::new(PgProbe::new(pool.clone(), READY_TIMEOUT))),
            limits: rate_limits_for(config).await?,
            trust_proxy: config.trust_proxy,
            draining: Arc::new(AtomicBool::new(false)),
            started: Instant::now(),
            cors: Arc::new(crate::middleware::CorsPolicy::new(
                config.cors_origins.clone(),
            )),
            monitoring: crate::monitoring::Monitoring::new(
                config.metrics_token.clone(),
                Some(pool.clone()),
            ),
        };
        let listener = TcpListener::bind((config.host, config.port))
            .with_context(|| format!("binding {}:{}", config.host, config.port))?;
        let address = listener.local_addr().context("reading the bound address")?;
        let data = web::Data::new(state.clone());
        let deadline = web::Data::new(RequestDeadline(Duration::from_secs(
            config.request_timeout_secs,
        )));
        let shutdown_delay =
            Duration::from_secs(config.shutdown_delay_secs.min(DRAIN_TIMEOUT_SECS - 1));
        let limits = crate::edge::HeadLimits {
            head_timeout: HEADER_READ_TIMEOUT,
            ..Default::default()
        };
        let server = crate::edge::serve(
            listener,
            move || http_app(data.clone(), routes::configure).app_data(deadline.clone()),
            crate::edge::ListenSettings {
                limits,
                shutdown_timeout: Duration::from_secs(
                    DRAIN_TIMEOUT_SECS - shutdown_delay.as_secs(),
                ),
            },
        )
        .context("starting the HTTP listener")?;
        Ok(Self {
            server,
            address,
            state,
            shutdown: ShutdownHandle::default(),
            shutdown_delay,
            worker,
            _database: database,
        })
    }

    /// The bound address (useful with `PORT=0`).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A handle that starts a graceful shutdown.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Serves until SIGTERM/SIGINT (or [`ShutdownHandle::trigger`]), then drains: `/ready`
    /// answers 503 for the shutdown delay, the listener closes, in-flight requests finish
    /// (≤ 30 s), and the private cluster, if any, stops when this returns.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let handle = self.server.handle();
        let draining = self.state.draining.clone();
        let trigger = self.shutdown.0.clone();
        let delay = self.shutdown_delay;
        tracing::info!(address = %self.address, "listening");
        let (stop_worker, stop_rx) = watch::channel(false);
        let worker = self.worker.map(|w| tokio::spawn(w.run(stop_rx)));
        let stop_started = Arc::new(std::sync::OnceLock::<Instant>::new());
        let started = stop_started.clone();
        let watcher = tokio::spawn(async move {
            wait_for_stop(&trigger).await;
            let _ = started.set(Instant::now());
            draining.store(true, Ordering::SeqCst);
            tracing::info!(delay_s = delay.as_secs(), "shutdown requested, draining");
            tokio::time::sleep(delay).await;
            handle.stop(true).await;
        });
        let result = self.server.await.context("HTTP server failed");
        watcher.abort();
        let _ = stop_worker.send(true);
        // The worker gets what is left of the shutdown budget (at least a second).
        let budget = Duration::from_secs(DRAIN_TIMEOUT_SECS);
        let left = stop_started
            .get()
            .map(|at| budget.saturating_sub(at.elapsed()))
            .unwrap_or(budget)
            .max(Duration::from_secs(1));
        if let Some(worker) = worker
            && tokio::time::timeout(left, worker).await.is_err()
        {
            tracing::warn!("the worker did not stop in time");
        }
        tracing::info!("server stopped");
        result
    }
}

/// The limiters `config` asks for: none with `RATE_LIMITS=off`, in Redis with
/// `REDIS_URL`, else in memory.
async fn rate_limits_for(
    config: &Config,
) -> anyhow::Result<Option<Arc<crate::middleware::RateLimits>>> {
    use crate::middleware::{RateLimits, RedisStore};
    if !config.rate_limits {
        return Ok(None);
    }
    let limits = match &config.redis_url {
        Some(url) => RateLimits::with_store(
            config.trust_proxy,
            Arc::new(RedisStore::connect(url.expose()).await?),
        ),
        None => RateLimits::new(config.trust_proxy),
    };
    Ok(Some(Arc::new(limits)))
}

/// The actix application: state, extractor configuration, middleware stack, `routes`, and
/// the JSON 404 fallback. Shared by the server and handler tests.
pub fn http_app(
    state: web::Data<AppState>,
    routes: fn(&mut web::ServiceConfig),
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .app_data(json_config())
        .app_data(path_config())
        .app_data(query_config())
        .wrap(from_fn(rate_limits))
        .wrap(from_fn(crate::edge::edge_errors))
        .wrap(from_fn(request_deadline))
        .wrap(from_fn(json_errors))
        .wrap(security_headers())
        .wrap(from_fn(cors))
        .wrap(from_fn(request_context))
        .wrap(from_fn(http_metrics))
        .configure(routes)
        .default_service(web::to(routes::not_found))
}

async fn wait_for_stop(trigger: &Notify) {
    use tokio::signal::unix::{SignalKind, signal};
    let terminate = async {
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = terminate => {},
        _ = tokio::signal::ctrl_c() => {},
        _ = trigger.notified() => {},
    }
}
