//! Shared application state handed to handlers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use pursue_app::accounts::AccountService;
use pursue_app::devices::DeviceService;
use pursue_app::goals::GoalService;
use pursue_app::groups::GroupService;
use pursue_app::health::HealthService;
use pursue_app::images::ImageService;
use pursue_app::insights::InsightService;
use pursue_app::progress::ProgressService;
use pursue_app::social::SocialService;
pub use pursue_runtime::DeliveryModes;

/// Use cases and process-wide flags, shared by every worker.
#[derive(Clone)]
pub struct AppState {
    /// Accounts: registration, sign-in, authentication.
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
    pub subscriptions: pursue_app::subscriptions::SubscriptionService,
    /// The right-of-access export.
    pub export: pursue_app::export::DataExportService,
    /// Push devices.
    pub devices: DeviceService,
    /// Reactions, nudges and the notification inbox.
    pub social: SocialService,
    /// Whether pushes and e-mails really leave the server (for `/health`).
    pub deliveries: DeliveryModes,
    /// Avatars and group icons.
    pub images: ImageService,
    /// Dependency health checks.
    pub health: HealthService,
    /// Readiness probe without the `/health` timeout (fails fast).
    pub readiness: HealthService,
    /// Rate limiters (docs/API.md, Rate limits); `None` with `RATE_LIMITS=off`.
    pub limits: Option<Arc<crate::middleware::RateLimits>>,
    /// `TRUST_PROXY=on`: the client IP comes from `Forwarded` / `X-Forwarded-For`.
    pub trust_proxy: u8,
    /// Set once shutdown starts; `/ready` then answers 503.
    pub draining: Arc<AtomicBool>,
    /// Process start, for `uptime`.
    pub started: Instant,
    /// Base URL of invite share links.
    pub share_base_url: String,
    /// Browser origins allowed by CORS.
    pub cors: Arc<crate::middleware::CorsPolicy>,
    /// `/metrics`: the recorder, its token, the pool it samples.
    pub monitoring: crate::monitoring::Monitoring,
}

impl AppState {
    /// Whether shutdown has begun.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
}
