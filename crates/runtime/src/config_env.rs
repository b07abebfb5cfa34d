//! Reading the environment: figment's environment provider, restricted to the variables
//! the configuration knows and keeping their values as raw text (see README.md,
//! Configuration).

use std::collections::HashMap;

/// Every environment variable the configuration reads (README.md, Configuration).
pub const VARIABLES: &[&str] = &[
    "ACCOUNT_PURGE_DAYS",
    "ACCOUNT_PURGE_INTERVAL_SECS",
    "CONSENT_HASH_SALT",
    "CORS_ORIGINS",
    "DATABASE_URL",
    "DB_POOL_SIZE",
    "DB_STATEMENT_TIMEOUT_MS",
    "FCM_BASE_URL",
    "FCM_PROJECT_ID",
    "FROM_EMAIL",
    "FRONTEND_URL",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_CLIENT_ID",
    "GOOGLE_JWKS_URL",
    "GOOGLE_PLAY_API_BASE_URL",
    "GOOGLE_PLAY_PACKAGE_NAME",
    "GOOGLE_PLAY_SERVICE_ACCOUNT",
    "HOST",
    "IMAGE_STORE",
    "JWT_REFRESH_SECRET",
    "JWT_SECRET",
    "LOG_FORMAT",
    "METRICS_TOKEN",
    "NOTIFICATION_RETENTION_DAYS",
    "NOTIFICATION_RETENTION_MAX",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OUTBOX_POLL_MS",
    "OUTBOX_RETRY_BASE_MS",
    "PASSWORD_HASH_CONCURRENCY",
    "PASSWORD_HASH_ITERATIONS",
    "PASSWORD_HASH_MEMORY_KIB",
    "PASSWORD_HASH_QUEUE",
    "PASSWORD_HASH_WAIT_MS",
    "POLICY_PRIVACY_VERSION",
    "POLICY_TERMS_VERSION",
    "PORT",
    "PURSUE_DATA_DIR",
    "PURSUE_ENV",
    "PURSUE_MILESTONE_ASSET_BASE_URL",
    "PURSUE_SHARE_BASE_URL",
    "PURSUE_WORKER",
    "RATE_LIMITS",
    "REDIS_URL",
    "REFERRAL_SECRET",
    "REQUEST_TIMEOUT_SECS",
    "RESEND_API_KEY",
    "RESEND_BASE_URL",
    "S3_ACCESS_KEY_ID",
    "S3_BUCKET",
    "S3_ENDPOINT",
    "S3_REGION",
    "S3_SECRET_ACCESS_KEY",
    "SHUTDOWN_DELAY_SECS",
    "SUBSCRIPTION_DOWNGRADE_INTERVAL_SECS",
    "SUBSCRIPTION_REVERIFY_INTERVAL_SECS",
    "TRUST_PROXY",
];

/// The [`VARIABLES`] set in the process environment, as raw text (names match exactly).
pub fn environment() -> HashMap<String, String> {
    // `lowercase(false)` must come last: figment's `filter` turns lowercasing back on.
    figment::providers::Env::raw()
        .filter(|name| VARIABLES.contains(&name.as_str()))
        .lowercase(false)
        .iter()
        .map(|(name, value)| (name.as_str().to_string(), value))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variable the parsers read is listed in [`VARIABLES`] (else the environment
    /// provider would drop it), and every listed one is read.
    #[test]
    fn every_variable_read_is_listed() {
        let mut read = std::collections::BTreeSet::new();
        for source in [
            include_str!("config.rs"),
            include_str!("config_accounts.rs"),
            include_str!("config_hashing.rs"),
            include_str!("config_http.rs"),
            include_str!("config_secrets.rs"),
            include_str!("config_storage.rs"),
        ] {
            let code = source.split("#[cfg(test)]").next().unwrap();
            for literal in code.split('"').skip(1).step_by(2) {
                let is_name = literal.len() > 2
                    && literal.starts_with(|c: char| c.is_ascii_uppercase())
                    && literal
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if is_name {
                    read.insert(literal);
                }
            }
        }
        let listed: std::collections::BTreeSet<&str> = VARIABLES.iter().copied().collect();
        assert_eq!(read, listed);
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's `Jail` closure signature
    fn the_environment_provider_reads_listed_variables_as_text() {
        // Values figment would otherwise parse (numbers, booleans) stay text, so the
        // messages quote them as given.
        let mut vars = HashMap::new();
        figment::Jail::expect_with(|jail| {
            jail.set_env("PORT", "0080");
            jail.set_env("RATE_LIMITS", "true");
            jail.set_env("PURSUE_UNRELATED", "x");
            jail.set_env("port", "1");
            vars = environment();
            Ok(())
        });
        assert_eq!(vars.get("PORT").map(String::as_str), Some("0080"));
        assert_eq!(vars.get("RATE_LIMITS").map(String::as_str), Some("true"));
        assert!(!vars.contains_key("PURSUE_UNRELATED") && !vars.contains_key("port"));
    }
}
