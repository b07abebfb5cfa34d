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

/// Where uploaded images are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageStoreKind {
    /// BYTEA columns of the v1 schema.
    Postgres,
    /// An S3-compatible bucket.
    S3,
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

/// S3-compatible storage settings.
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    /// Bucket name.
    pub bucket: Option<String>,
    /// Endpoint URL (R2, MinIO, a local server); AWS when unset.
    pub endpoint: Option<String>,
    /// Region (`auto` for R2).
    pub region: Option<String>,
    /// Access key id.
    pub access_key_id: Option<String>,
    /// Secret access key.
    pub secret_access_key: Option<Secret>,
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

/// Minimum length of the JWT secrets.
pub const MIN_SECRET_LEN: usize = 32;

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
        let run_worker = match get("PURSUE_WORKER").as_deref() {
            None | Some("on") | Some("true") | Some("1") => true,
            Some("off") | Some("false") | Some("0") => false,
            Some(other) => {
                errors.push(format!(
                    "PURSUE_WORKER must be `on` or `off`, not `{other}`"
                ));
                true
            }
        };
        let shutdown_delay_secs = parse_num(&get, "SHUTDOWN_DELAY_SECS", 1u64, &mut errors);
        let trust_proxy = match get("TRUST_PROXY").as_deref() {
            None | Some("off") | Some("false") => 0,
            Some("on") | Some("true") => 1,
            Some(n) => match n.parse::<u8>() {
                Ok(hops) if hops <= 10 => hops,
                _ => {
                    errors.push(format!(
                        "TRUST_PROXY must be `off`, `on` or a number of proxies 0-10, not `{n}`"
                    ));
                    0
                }
            },
        };
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
        let rate_limits = match get("RATE_LIMITS").as_deref() {
            None | Some("on") | Some("true") | Some("1") => true,
            Some("off") | Some("false") | Some("0") => false,
            Some(other) => {
                errors.push(format!("RATE_LIMITS must be `on` or `off`, not `{other}`"));
                true
            }
        };
        let log_format = match get("LOG_FORMAT").as_deref() {
            None | Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => {
                errors.push(format!(
                    "LOG_FORMAT must be `json` or `pretty`, not `{other}`"
                ));
                LogFormat::Json
            }
        };
        let image_store = match get("IMAGE_STORE").as_deref() {
            None | Some("postgres") => ImageStoreKind::Postgres,
            Some("s3") => ImageStoreKind::S3,
            Some(other) => {
                errors.push(format!(
                    "IMAGE_STORE must be `postgres` or `s3`, not `{other}`"
                ));
                ImageStoreKind::Postgres
            }
        };
        let s3 = S3Settings {
            bucket: get("S3_BUCKET"),
            endpoint: get("S3_ENDPOINT"),
            region: get("S3_REGION"),
            access_key_id: get("S3_ACCESS_KEY_ID"),
            secret_access_key: get("S3_SECRET_ACCESS_KEY").map(Secret::new),
        };
        if image_store == ImageStoreKind::S3 && s3.bucket.is_none() {
            errors.push("IMAGE_STORE=s3 needs S3_BUCKET".into());
        }
        if s3.bucket.is_some() {
            for (name, missing) in [
                ("S3_ACCESS_KEY_ID", s3.access_key_id.is_none()),
                ("S3_SECRET_ACCESS_KEY", s3.secret_access_key.is_none()),
            ] {
                if missing {
                    errors.push(format!("S3_BUCKET is set, so {name} is needed"));
                }
            }
        }
        if let Some(endpoint) = &s3.endpoint
            && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
        {
            errors.push(format!(
                "S3_ENDPOINT must be an http(s) URL, not `{endpoint}`"
            ));
        }

        let jwt_secret = get("JWT_SECRET").map(Secret::new);
        let jwt_refresh_secret = get("JWT_REFRESH_SECRET").map(Secret::new);
        for (name, secret) in [
            ("JWT_SECRET", &jwt_secret),
            ("JWT_REFRESH_SECRET", &jwt_refresh_secret),
        ] {
            match secret {
                Some(s) => {
                    if let Some(problem) = weak_secret(s.expose()) {
                        errors.push(format!("{name} {problem}"));
                    }
                }
                None if environment == Environment::Production => {
                    errors.push(format!(
                        "{name} is required in production (at least {MIN_SECRET_LEN} random characters)"
                    ));
                }
                None => {}
            }
        }
        if let (Some(a), Some(b)) = (&jwt_secret, &jwt_refresh_secret)
            && a == b
        {
            errors.push("JWT_SECRET and JWT_REFRESH_SECRET must differ".into());
        }

        let google_client_ids = get("GOOGLE_CLIENT_ID")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let referral_secret = get("REFERRAL_SECRET").map(Secret::new);
        match &referral_secret {
            Some(s) => {
                if let Some(problem) = weak_secret(s.expose()) {
                    errors.push(format!("REFERRAL_SECRET {problem}"));
                }
            }
            None if environment == Environment::Production => errors.push(format!(
                "REFERRAL_SECRET is required in production (at least {MIN_SECRET_LEN} random characters)"
            )),
            None => {}
        }
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
        let cors_origins = cors_origins(get("CORS_ORIGINS"), &frontend_url, &mut errors);

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

/// `CORS_ORIGINS` (comma-separated origins), by default the web site's two origins and
/// `FRONTEND_URL` (see docs/OPERATIONS.md, CORS).
fn cors_origins(
    value: Option<String>,
    frontend_url: &str,
    errors: &mut Vec<String>,
) -> Vec<String> {
    let listed = value.unwrap_or_else(|| {
        format!("https://getpursue.app,https://www.getpursue.app,{frontend_url}")
    });
    let mut origins: Vec<String> = Vec::new();
    for origin in listed.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let origin = origin.trim_end_matches('/');
        let scheme_ok = origin.starts_with("http://") || origin.starts_with("https://");
        let host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
        if !scheme_ok || host.is_empty() || host.contains('/') {
            errors.push(format!(
                "CORS_ORIGINS must list origins like `https://example.org`, not `{origin}`"
            ));
        } else if !origins.iter().any(|o| o == origin) {
            origins.push(origin.to_string());
        }
    }
    origins
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

/// Why a secret is too weak to use, if it is.
fn weak_secret(secret: &str) -> Option<String> {
    let length = secret.chars().count();
    if length < MIN_SECRET_LEN {
        return Some(format!(
            "must be at least {MIN_SECRET_LEN} characters (got {length})"
        ));
    }
    let distinct: std::collections::HashSet<char> = secret.chars().collect();
    if distinct.len() < 8 {
        return Some("is too repetitive to be a secret (fewer than 8 distinct characters)".into());
    }
    let lower = secret.to_ascii_lowercase();
    for placeholder in [
        "changeme",
        "change-me",
        "change_me",
        "your-secret",
        "your_secret",
        "example",
    ] {
        if lower.contains(placeholder) {
            return Some(format!(
                "looks like a placeholder (contains `{placeholder}`)"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const GOOD_A: &str = "q8Zr4mWc1Ls9Vb2Nx7Pt5Hy3Kd6Jf0Ga1Bc";
    const GOOD_B: &str = "t4Yp9Qw2Ez7Rx1Uc8Io3Ka6Sd5Fg0Hj2Lm";

    #[test]
    fn defaults_follow_d12() {
        let c = Config::from_vars(&vars(&[])).unwrap();
        assert_eq!(c.environment, Environment::Development);
        assert_eq!(c.host, IpAddr::from([127, 0, 0, 1]));
        assert_eq!(c.port, 8080);
        assert_eq!(c.db_pool_size, 10);
        assert_eq!(c.data_dir, PathBuf::from("./.data"));
        assert!(c.database_url.is_none());
        assert!(c.rate_limits);
        assert_eq!(c.account_purge_days, 30);
        assert_eq!(c.log_format, LogFormat::Json);
        assert_eq!(c.image_store, ImageStoreKind::Postgres);
        assert!(c.google_client_ids.is_empty());
        assert!(c.jwt_secret.is_none());
    }

    #[test]
    fn parses_every_variable() {
        let c = Config::from_vars(&vars(&[
            ("DATABASE_URL", "postgres://u:p@db/pursue"),
            ("PURSUE_DATA_DIR", "/var/lib/pursue"),
            ("HOST", "0.0.0.0"),
            ("PORT", "9000"),
            ("PURSUE_ENV", "production"),
            ("JWT_SECRET", GOOD_A),
            ("JWT_REFRESH_SECRET", GOOD_B),
            ("DB_POOL_SIZE", "25"),
            ("GOOGLE_CLIENT_ID", "web.apps, android.apps"),
            ("RATE_LIMITS", "off"),
            ("ACCOUNT_PURGE_DAYS", "7"),
            ("LOG_FORMAT", "pretty"),
            ("IMAGE_STORE", "s3"),
            ("S3_BUCKET", "pursue-images"),
            ("S3_ENDPOINT", "https://acct.r2.cloudflarestorage.com"),
            ("S3_REGION", "auto"),
            ("S3_ACCESS_KEY_ID", "AKID"),
            ("S3_SECRET_ACCESS_KEY", "s3-secret-value"),
            ("FRONTEND_URL", "https://example.org/"),
            ("CONSENT_HASH_SALT", "a-production-salt-0123456789"),
            ("REFERRAL_SECRET", "w3Ne8Rb5Tc2Ym7Ua4Io9Pd1Sf6Gh0Jk3Zx"),
            ("PURSUE_SHARE_BASE_URL", "https://share.example.org/"),
            (
                "PURSUE_MILESTONE_ASSET_BASE_URL",
                "https://assets.example.org",
            ),
        ]))
        .unwrap();
        assert_eq!(c.share_base_url, "https://share.example.org");
        assert_eq!(c.milestone_asset_base_url, "https://assets.example.org");
        assert!(c.referral_secret.is_some());
        assert_eq!(c.database_url.unwrap().expose(), "postgres://u:p@db/pursue");
        assert_eq!(c.host, IpAddr::from([0, 0, 0, 0]));
        assert_eq!(c.port, 9000);
        assert_eq!(c.environment, Environment::Production);
        assert_eq!(c.db_pool_size, 25);
        assert_eq!(c.google_client_ids, vec!["web.apps", "android.apps"]);
        assert!(!c.rate_limits);
        assert_eq!(c.account_purge_days, 7);
        assert_eq!(c.log_format, LogFormat::Pretty);
        assert_eq!(c.image_store, ImageStoreKind::S3);
        assert_eq!(c.s3.bucket.as_deref(), Some("pursue-images"));
        assert_eq!(
            c.s3.endpoint.as_deref(),
            Some("https://acct.r2.cloudflarestorage.com")
        );
        assert_eq!(c.s3.region.as_deref(), Some("auto"));
        assert_eq!(c.s3.access_key_id.as_deref(), Some("AKID"));
        assert!(!format!("{:?}", c.s3).contains("s3-secret-value"));
        assert_eq!(c.frontend_url, "https://example.org");
    }

    #[test]
    fn production_refuses_missing_secrets() {
        let err = Config::from_vars(&vars(&[("PURSUE_ENV", "production")])).unwrap_err();
        assert_eq!(err.0.len(), 4, "{err}");
        assert!(
            err.to_string()
                .contains("CONSENT_HASH_SALT is required in production")
        );
        assert!(
            err.to_string()
                .contains("REFERRAL_SECRET is required in production")
        );
        assert!(
            err.to_string()
                .contains("JWT_SECRET is required in production")
        );
        assert!(
            err.to_string()
                .contains("JWT_REFRESH_SECRET is required in production")
        );
    }

    #[test]
    fn weak_secrets_are_refused_everywhere() {
        for (secret, expected) in [
            ("short", "at least 32 characters"),
            (&"a".repeat(40)[..], "too repetitive"),
            ("changeme-changeme-changeme-0123456789", "placeholder"),
        ] {
            let err = Config::from_vars(&vars(&[
                ("JWT_SECRET", secret),
                ("JWT_REFRESH_SECRET", GOOD_B),
            ]))
            .unwrap_err();
            assert!(err.to_string().contains(expected), "{secret}: {err}");
        }
        let err = Config::from_vars(&vars(&[
            ("JWT_SECRET", GOOD_A),
            ("JWT_REFRESH_SECRET", GOOD_A),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("must differ"));
    }

    #[test]
    fn bad_values_name_their_variable() {
        let err = Config::from_vars(&vars(&[
            ("PORT", "eighty"),
            ("HOST", "not-an-ip"),
            ("PURSUE_ENV", "staging"),
            ("RATE_LIMITS", "maybe"),
            ("LOG_FORMAT", "xml"),
            ("IMAGE_STORE", "ftp"),
            ("DB_POOL_SIZE", "0"),
        ]))
        .unwrap_err();
        let text = err.to_string();
        for name in [
            "PORT",
            "HOST",
            "PURSUE_ENV",
            "RATE_LIMITS",
            "LOG_FORMAT",
            "IMAGE_STORE",
            "DB_POOL_SIZE",
        ] {
            assert!(text.contains(name), "{name} missing from {text}");
        }
    }

    #[test]
    fn proxy_hops_are_trusted_only_when_asked() {
        let hops = |v: &str| Config::from_vars(&vars(&[("TRUST_PROXY", v)])).map(|c| c.trust_proxy);
        assert_eq!(Config::from_vars(&vars(&[])).unwrap().trust_proxy, 0);
        assert_eq!(hops("on"), Ok(1));
        assert_eq!(hops("off"), Ok(0));
        assert_eq!(hops("2"), Ok(2));
        let err = hops("sometimes").unwrap_err();
        assert!(err.to_string().contains("TRUST_PROXY"));
        assert!(hops("99").is_err());
    }

    #[test]
    fn timeouts_and_redis_have_defaults_and_bounds() {
        let c = Config::from_vars(&vars(&[])).unwrap();
        assert_eq!(
            (c.request_timeout_secs, c.statement_timeout_ms),
            (30, 25_000)
        );
        assert!(c.redis_url.is_none());
        let c = Config::from_vars(&vars(&[("REDIS_URL", "redis://127.0.0.1:6379")])).unwrap();
        assert!(c.redis_url.is_some());
        let err = Config::from_vars(&vars(&[
            ("REQUEST_TIMEOUT_SECS", "0"),
            ("DB_STATEMENT_TIMEOUT_MS", "x"),
            ("REDIS_URL", "localhost"),
        ]))
        .unwrap_err()
        .to_string();
        for name in [
            "REQUEST_TIMEOUT_SECS",
            "DB_STATEMENT_TIMEOUT_MS",
            "REDIS_URL",
        ] {
            assert!(err.contains(name), "{name} missing from {err}");
        }
    }

    #[test]
    fn outbox_timings_have_defaults_and_bounds() {
        let c = Config::from_vars(&vars(&[])).unwrap();
        assert_eq!((c.outbox_poll_ms, c.outbox_retry_base_ms), (500, 2000));
        let c = Config::from_vars(&vars(&[
            ("OUTBOX_POLL_MS", "50"),
            ("OUTBOX_RETRY_BASE_MS", "20"),
        ]))
        .unwrap();
        assert_eq!((c.outbox_poll_ms, c.outbox_retry_base_ms), (50, 20));
        let err = Config::from_vars(&vars(&[
            ("OUTBOX_POLL_MS", "0"),
            ("OUTBOX_RETRY_BASE_MS", "soon"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("OUTBOX_POLL_MS") && err.contains("OUTBOX_RETRY_BASE_MS"),
            "{err}"
        );
    }

    #[test]
    fn s3_store_needs_a_bucket() {
        let err = Config::from_vars(&vars(&[("IMAGE_STORE", "s3")])).unwrap_err();
        assert!(
            err.to_string().contains("IMAGE_STORE=s3 needs S3_BUCKET"),
            "{err}"
        );
    }

    #[test]
    fn a_bucket_needs_its_keys_and_a_url_endpoint() {
        for store in ["s3", "postgres"] {
            let err = Config::from_vars(&vars(&[
                ("IMAGE_STORE", store),
                ("S3_BUCKET", "b"),
                ("S3_ENDPOINT", "r2.example"),
            ]))
            .unwrap_err();
            let text = err.to_string();
            for name in ["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_ENDPOINT"] {
                assert!(text.contains(name), "{name} missing from {text}");
            }
        }
        // Without a bucket the S3 store is simply not configured.
        let c = Config::from_vars(&vars(&[("S3_REGION", "auto")])).unwrap();
        assert_eq!(c.image_store, ImageStoreKind::Postgres);
        assert!(c.s3.bucket.is_none());
    }

    #[test]
    fn secrets_do_not_leak_through_debug() {
        let c = Config::from_vars(&vars(&[
            ("JWT_SECRET", GOOD_A),
            ("JWT_REFRESH_SECRET", GOOD_B),
        ]))
        .unwrap();
        let printed = format!("{c:?}");
        assert!(!printed.contains(GOOD_A) && !printed.contains(GOOD_B));
    }
}
