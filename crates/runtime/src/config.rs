//! Configuration from the environment (decision D12). Only start-up reads the environment;
//! everything else receives these typed values.
//!
//! The variables are collected with figment's environment provider, restricted to the
//! names in `config_env::VARIABLES` and kept as raw text; [`Config::from_vars`] parses each one
//! into its typed value, collecting one message per bad variable before failing (a serde
//! extraction would stop at the first bad field).

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;

pub use crate::config_secrets::MIN_SECRET_LEN;
pub use crate::config_storage::{ImageStoreKind, S3Settings};

/// Deployment environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// Local development: generated secrets, `.env` file, embedded database.
    Development,
    /// Production: every secret must be given and strong.
    Production,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Pretty,
}

/// A secret value: never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The secret itself, for the adapter that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Every setting of the server.
#[derive(Debug, Clone)]
pub struct Config {
    /// External database; `None` runs the private local cluster.
    pub database_url: Option<Secret>,
    /// Folder for the private cluster, development e-mails and secrets.
    pub data_dir: PathBuf,
    /// Listen address.
    pub host: IpAddr,
    /// Listen port (0 picks a free one).
    pub port: u16,
    /// Deployment environment.
    pub environment: Environment,
    /// Access-token signing key (explicit or generated in development).
    pub jwt_secret: Option<Secret>,
    /// Refresh-token signing key (explicit or generated in development).
    pub jwt_refresh_secret: Option<Secret>,
    /// `REFERRAL_SECRET`: keys milestone referral tokens (generated in development).
    pub referral_secret: Option<Secret>,
    /// `PURSUE_SHARE_BASE_URL`: base of milestone share links.
    pub share_base_url: String,
    /// `PURSUE_MILESTONE_ASSET_BASE_URL`: base of milestone preview images.
    pub milestone_asset_base_url: String,
    /// Connections per instance.
    pub db_pool_size: usize,
    /// Accepted Google audiences; empty disables Google sign-in.
    pub google_client_ids: Vec<String>,
    /// Google's JWKS endpoint.
    pub google_jwks_url: String,
    /// Service-account JSON for FCM; `None` logs pushes instead.
    pub google_application_credentials: Option<PathBuf>,
    /// Firebase project (defaults to the service account's).
    pub fcm_project_id: Option<String>,
    /// FCM base URL.
    pub fcm_base_url: String,
    /// Resend API key; `None` writes e-mails to files / the log.
    pub resend_api_key: Option<Secret>,
    /// Resend base URL.
    pub resend_base_url: String,
    /// Sender address of e-mails.
    pub from_email: String,
    /// Base URL of links in e-mails.
    pub frontend_url: String,
    /// Image store.
    pub image_store: ImageStoreKind,
    /// S3-compatible storage.
    pub s3: S3Settings,
    /// Whether rate limits apply.
    pub rate_limits: bool,
    /// Days before a soft-deleted account is purged.
    pub account_purge_days: u32,
    /// `NOTIFICATION_RETENTION_DAYS`: inbox rows older than this are deleted daily.
    pub notification_retention_days: u32,
    /// `NOTIFICATION_RETENTION_MAX`: inbox rows kept per user.
    pub notification_retention_max: u32,
    /// Seconds between two runs of the purge job.
    pub account_purge_interval_secs: u64,
    /// Whether `serve` also runs the outbox/purge worker.
    pub run_worker: bool,
    /// Log output format.
    pub log_format: LogFormat,
    /// OTLP collector endpoint; `None` exports no traces.
    pub otel_exporter_otlp_endpoint: Option<String>,
    /// Browser origins allowed by CORS (`CORS_ORIGINS`, comma-separated).
    pub cors_origins: Vec<String>,
    /// Bearer token `/metrics` requires (`METRICS_TOKEN`); `None` leaves it open.
    pub metrics_token: Option<Secret>,
    /// Seconds `/ready` reports 503 before the listener closes on SIGTERM.
    pub shutdown_delay_secs: u64,
    /// Trusted reverse proxies in front of the server: `0` takes the client IP from the TCP
    /// peer; `n` takes it `n` hops from the right of `Forwarded` / `X-Forwarded-For`.
    pub trust_proxy: u8,
    /// Longest time one request may take (head, body and handler) before `503`.
    pub request_timeout_secs: u64,
    /// PostgreSQL `statement_timeout` of the pool's connections, in milliseconds.
    pub statement_timeout_ms: u64,
    /// Redis for rate-limit state shared by every instance; `None` keeps it in memory.
    pub redis_url: Option<Secret>,
    /// Milliseconds between two outbox polls when the worker is idle.
    pub outbox_poll_ms: u64,
    /// Milliseconds before the first retry of a failed delivery (doubles per attempt).
    pub outbox_retry_base_ms: u64,
    /// Password hashing: argon2id cost and the bounded pool it runs on.
    pub password_hashing: pursue_auth::HasherSettings,
    /// Policy versions, consent hash salt, Google Play verification.
    pub accounts: crate::config_accounts::AccountConfig,
}

/// Why the configuration was refused. Each message names the variable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid configuration:\n  - {}", .0.join("\n  - "))]
pub struct ConfigError(pub Vec<String>);

impl Config {
    /// What a binary starts from: outside production, first loads a `.env` file (a
    /// development convenience) into the environment, then reads the environment.
    pub fn load() -> Result<Self, ConfigError> {
        if std::env::var("PURSUE_ENV")
            .map(|v| v != "production")
            .unwrap_or(true)
        {
            let _ = dotenvy::dotenv();
        }
        Self::from_env()
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(&crate::config_env::environment())
    }

    /// Parses a variable map; collects every problem before failing.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let mut errors = Vec::new();
        let get = |name: &str| {
            vars.get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };

        let environment = match get("PURSUE_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                errors.push(format!(
                    "PURSUE_ENV must be `development` or `production`, not `{other}`"
                ));
                Environment::Development
            }
        };
        let host = match get("HOST") {
            None => IpAddr::from([127, 0, 0, 1]),
            Some(h) if h == "localhost" => IpAddr::from([127, 0, 0, 1]),
            Some(h) => h.parse().unwrap_or_else(|_| {
                errors.push(format!("HOST must be an IP address, not `{h}`"));
                IpAddr::from([127, 0, 0, 1])
            }),
        };
        let port = parse_num(&get, "PORT", 8080u16, &mut errors);
        let db_pool_size = parse_num(&get, "DB_POOL_SIZE", 10usize, &mut errors);
        if db_pool_size == 0 {
            errors.push("DB_POOL_SIZE must be at least 1".into());
        }
        let account_purge_days = parse_num(&get, "ACCOUNT_PURGE_DAYS", 30u32, &mut errors);
        let notification_retention_days =
            parse_num(&get, "NOTIFICATION_RETENTION_DAYS", 90u32, &mut errors).max(1);
        let notification_retention_max =
            parse_num(&get, "NOTIFICATION_RETENTION_MAX", 200u32, &mut errors).max(1);
        let account_purge_interval_secs =
            parse_num(&get, "ACCOUNT_PURGE_INTERVAL_SECS", 3600u64, &mut errors).max(1);
        let run_worker = switch(&get, "PURSUE_WORKER", &mut errors);
        let shutdown_delay_secs = parse_num(&get, "SHUTDOWN_DELAY_SECS", 1u64, &mut errors);
        let trust_proxy = crate::config_http::trust_proxy(get("TRUST_PROXY"), &mut errors);
        let request_timeout_secs = parse_num(&get, "REQUEST_TIMEOUT_SECS", 30u64, &mut errors);
        if !(1..=300).contains(&request_timeout_secs) {
            errors.push("REQUEST_TIMEOUT_SECS must be between 1 and 300".into());
        }
        let statement_timeout_ms =
            parse_num(&get, "DB_STATEMENT_TIMEOUT_MS", 25_000u64, &mut errors);
        if !(100..=600_000).contains(&statement_timeout_ms) {
            errors.push("DB_STATEMENT_TIMEOUT_MS must be between 100 and 600000".into());
        }
        let redis_url = get("REDIS_URL").map(Secret::new);
        if let Some(url) = &redis_url
            && !(url.expose().starts_with("redis://") || url.expose().starts_with("rediss://"))
        {
            errors.push("REDIS_URL must start with redis:// or rediss://".into());
        }
        let outbox_poll_ms = parse_num(&get, "OUTBOX_POLL_MS", 500u64, &mut errors);
        if !(10..=60_000).contains(&outbox_poll_ms) {
            errors.push("OUTBOX_POLL_MS must be between 10 and 60000".into());
        }
        let outbox_retry_base_ms = parse_num(&get, "OUTBOX_RETRY_BASE_MS", 2000u64, &mut errors);
        if !(1..=600_000).contains(&outbox_retry_base_ms) {
            errors.push("OUTBOX_RETRY_BASE_MS must be between 1 and 600000".into());
        }
        let password_hashing = crate::config_hashing::password_hashing(&get, &mut errors);
        let rate_limits = switch(&get, "RATE_LIMITS", &mut errors);
        let log_format = choice(
            &get,
            "LOG_FORMAT",
            [("json", LogFormat::Json), ("pretty", LogFormat::Pretty)],
            &mut errors,
        );
        let (image_store, s3) = crate::config_storage::image_store(&get, &mut errors);

        let (jwt_secret, jwt_refresh_secret, referral_secret) =
            crate::config_secrets::signing_secrets(&get, environment, &mut errors);
        let google_client_ids = get("GOOGLE_CLIENT_ID")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let share_base_url =
            get("PURSUE_SHARE_BASE_URL").unwrap_or_else(|| "https://getpursue.app".into());
        let milestone_asset_base_url = get("PURSUE_MILESTONE_ASSET_BASE_URL")
            .unwrap_or_else(|| "https://storage.googleapis.com/pursue-assets".into());
        let frontend_url = get("FRONTEND_URL").unwrap_or_else(|| "https://getpursue.app".into());
        for (name, value) in [
            ("FRONTEND_URL", Some(&frontend_url)),
            ("PURSUE_SHARE_BASE_URL", Some(&share_base_url)),
            (
                "PURSUE_MILESTONE_ASSET_BASE_URL",
                Some(&milestone_asset_base_url),
            ),
        ] {
            if let Some(v) = value
                && !(v.starts_with("http://") || v.starts_with("https://"))
            {
                errors.push(format!("{name} must be an http(s) URL, not `{v}`"));
            }
        }

        let accounts =
            crate::config_accounts::AccountConfig::from_vars(vars, environment, &mut errors);
        let cors_origins =
            crate::config_http::cors_origins(get("CORS_ORIGINS"), &frontend_url, &mut errors);

        if !errors.is_empty() {
            return Err(ConfigError(errors));
        }
        Ok(Self {
            database_url: get("DATABASE_URL").map(Secret::new),
            data_dir: get("PURSUE_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("./.data")),
            host,
            port,
            environment,
            jwt_secret,
            jwt_refresh_secret,
            db_pool_size,
            google_client_ids,
            google_jwks_url: get("GOOGLE_JWKS_URL")
                .unwrap_or_else(|| "https://www.googleapis.com/oauth2/v3/certs".into()),
            google_application_credentials: get("GOOGLE_APPLICATION_CREDENTIALS")
                .map(PathBuf::from),
            fcm_project_id: get("FCM_PROJECT_ID"),
            fcm_base_url: get("FCM_BASE_URL")
                .unwrap_or_else(|| "https://fcm.googleapis.com".into()),
            resend_api_key: get("RESEND_API_KEY").map(Secret::new),
            resend_base_url: get("RESEND_BASE_URL")
                .unwrap_or_else(|| "https://api.resend.com".into()),
            from_email: get("FROM_EMAIL")
                .unwrap_or_else(|| "Pursue <noreply@getpursue.app>".into()),
            frontend_url: frontend_url.trim_end_matches('/').to_string(),
            referral_secret,
            share_base_url: share_base_url.trim_end_matches('/').to_string(),
            milestone_asset_base_url: milestone_asset_base_url.trim_end_matches('/').to_string(),
            image_store,
            s3,
            rate_limits,
            account_purge_days,
            notification_retention_days,
            notification_retention_max,
            account_purge_interval_secs,
            run_worker,
            log_format,
            otel_exporter_otlp_endpoint: get("OTEL_EXPORTER_OTLP_ENDPOINT"),
            cors_origins,
            metrics_token: get("METRICS_TOKEN").map(Secret::new),
            shutdown_delay_secs,
            trust_proxy,
            request_timeout_secs,
            statement_timeout_ms,
            redis_url,
            outbox_poll_ms,
            outbox_retry_base_ms,
            password_hashing,
            accounts,
        })
    }
}

/// A variable naming one of two `options`; the first is the default.
pub(crate) fn choice<T: Copy>(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    options: [(&str, T); 2],
    errors: &mut Vec<String>,
) -> T {
    let [(first, default), (second, _)] = options;
    let Some(value) = get(name) else {
        return default;
    };
    match options.iter().find(|(option, _)| *option == value) {
        Some((_, chosen)) => *chosen,
        None => {
            errors.push(format!(
                "{name} must be `{first}` or `{second}`, not `{value}`"
            ));
            default
        }
    }
}

/// An `on`/`off` variable that is on unless set to `off` (`false`, `0`).
fn switch(get: &impl Fn(&str) -> Option<String>, name: &str, errors: &mut Vec<String>) -> bool {
    match get(name).as_deref() {
        None | Some("on") | Some("true") | Some("1") => true,
        Some("off") | Some("false") | Some("0") => false,
        Some(other) => {
            errors.push(format!("{name} must be `on` or `off`, not `{other}`"));
            true
        }
    }
}

fn parse_num<T: std::str::FromStr + Copy>(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: T,
    errors: &mut Vec<String>,
) -> T {
    match get(name) {
        None => default,
        Some(v) => v.parse().unwrap_or_else(|_| {
            errors.push(format!(
                "{name} must be a non-negative whole number, not `{v}`"
            ));
            default
        }),
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
