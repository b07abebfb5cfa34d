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
use pursue_runtime::signals::wait_for_stop;
use pursue_runtime::{Config, Runtime, Services};
use tokio::sync::Notify;

use crate::extract::{json_config, path_config, query_config};
use crate::middleware::{
    RequestDeadline, cors, http_metrics, json_errors, rate_limits, request_context,
    request_deadline, security_headers,
};
use crate::routes;
use crate::state::AppState;

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
    runtime: Runtime,
}

/// The data export, its `subscription` key filled in the API's shape.
fn export_service(services: &Services) -> pursue_app::export::DataExportService {
    let subscriptions = services.subscriptions.clone();
    services
        .export
        .clone()
        .with_subscription(Arc::new(move |user| {
            let subscriptions = subscriptions.clone();
            Box::pin(async move {
                let s = subscriptions.state(user).await?;
                Ok(crate::dto::subscriptions::subscription_body(&s))
            })
        }))
}

impl Application {
    /// Binds the listener and serves `runtime`'s use cases (started by
    /// [`Runtime::start`], which migrated the database and built the adapters).
    pub async fn build(runtime: Runtime) -> anyhow::Result<Self> {
        let config = runtime.config();
        let services = runtime.services().clone();
        let state = AppState {
            share_base_url: config.share_base_url.clone(),
            export: export_service(&services),
            social: services.social,
            groups: services.groups,
            goals: services.goals,
            insights: services.insights,
            images: services.images,
            progress: services.progress,
            accounts: services.accounts,
            devices: services.devices,
            subscriptions: services.subscriptions,
            deliveries: services.deliveries,
            health: services.health,
            readiness: services.readiness,
            limits: rate_limits_for(config).await?,
            trust_proxy: config.trust_proxy,
            draining: Arc::new(AtomicBool::new(false)),
            started: Instant::now(),
            cors: Arc::new(crate::middleware::CorsPolicy::new(
                config.cors_origins.clone(),
            )),
            monitoring: crate::monitoring::Monitoring::new(
                config.metrics_token.clone(),
                Some(runtime.pool().clone()),
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
            runtime,
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
    pub async fn run_until_stopped(mut self) -> anyhow::Result<()> {
        let handle = self.server.handle();
        let draining = self.state.draining.clone();
        let trigger = self.shutdown.0.clone();
        let delay = self.shutdown_delay;
        tracing::info!(address = %self.address, "listening");
        let worker = self.runtime.spawn_worker();
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
        // The worker gets what is left of the shutdown budget (at least a second).
        let budget = Duration::from_secs(DRAIN_TIMEOUT_SECS);
        let left = stop_started
            .get()
            .map(|at| budget.saturating_sub(at.elapsed()))
            .unwrap_or(budget)
            .max(Duration::from_secs(1));
        if let Some(worker) = worker {
            worker.stop(left).await;
        }
        drop(self.runtime);
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
