//! Configuration of consents and subscriptions (see README, Configuration): policy
//! versions, the consent e-mail hash salt, Google Play verification.

use std::collections::HashMap;
use std::path::PathBuf;

use pursue_domain::user::PolicyVersion;

use crate::config::{Environment, Secret};

/// Account-policy and purchase settings.
#[derive(Debug, Clone)]
pub struct AccountConfig {
    /// Terms version recorded by sign-ups (`POLICY_TERMS_VERSION`).
    pub terms_version: PolicyVersion,
    /// Privacy-policy version recorded by sign-ups (`POLICY_PRIVACY_VERSION`).
    pub privacy_version: PolicyVersion,
    /// Salt of the consent e-mail hash; `None` in development means "generated once into
    /// the data folder".
    pub consent_hash_salt: Option<Secret>,
    /// Android package of the Play subscriptions.
    pub google_play_package_name: String,
    /// Play Developer API base URL.
    pub google_play_api_base_url: String,
    /// Service-account JSON for the Play Developer API; `None` makes purchase
    /// verification answer 503.
    pub google_play_service_account: Option<PathBuf>,
    /// Seconds between two re-verifications of expiring purchases.
    pub reverify_interval_secs: u64,
    /// Seconds between two runs of the downgrade job
    /// (`SUBSCRIPTION_DOWNGRADE_INTERVAL_SECS`).
    pub downgrade_interval_secs: u64,
}

impl AccountConfig {
    /// Reads the variables; pushes one message per bad variable onto `errors`.
    pub fn from_vars(
        vars: &HashMap<String, String>,
        environment: Environment,
        errors: &mut Vec<String>,
    ) -> Self {
        let get = |name: &str| {
            vars.get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut version = |name: &str, default: fn() -> PolicyVersion| match get(name) {
            None => default(),
            Some(v) => PolicyVersion::parse(&v).unwrap_or_else(|| {
                errors.push(format!(
                    "{name} must look like `Feb 11, 2026` (Mmm d, yyyy), not `{v}`"
                ));
                default()
            }),
        };
        let terms_version = version("POLICY_TERMS_VERSION", PolicyVersion::default_terms);
        let privacy_version = version("POLICY_PRIVACY_VERSION", PolicyVersion::default_privacy);
        let consent_hash_salt = get("CONSENT_HASH_SALT").map(Secret::new);
        match &consent_hash_salt {
            None if environment == Environment::Production => {
                errors.push("CONSENT_HASH_SALT is required in production".into());
            }
            Some(s) if s.expose().len() < 16 => {
                errors.push("CONSENT_HASH_SALT must be at least 16 characters".into());
            }
            _ => {}
        }
        let google_play_api_base_url = get("GOOGLE_PLAY_API_BASE_URL")
            .unwrap_or_else(|| "https://androidpublisher.googleapis.com".into());
        if !(google_play_api_base_url.starts_with("http://")
            || google_play_api_base_url.starts_with("https://"))
        {
            errors.push(format!(
                "GOOGLE_PLAY_API_BASE_URL must be an http(s) URL, not `{google_play_api_base_url}`"
            ));
        }
        let reverify_interval_secs = match get("SUBSCRIPTION_REVERIFY_INTERVAL_SECS") {
            None => 3600,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| *n >= 1)
                .unwrap_or_else(|| {
                    errors.push(format!(
                        "SUBSCRIPTION_REVERIFY_INTERVAL_SECS must be a positive number, not `{v}`"
                    ));
                    3600
                }),
        };
        let downgrade_interval_secs = match get("SUBSCRIPTION_DOWNGRADE_INTERVAL_SECS") {
            None => 86_400,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| *n >= 1)
                .unwrap_or_else(|| {
                    errors.push(format!(
                        "SUBSCRIPTION_DOWNGRADE_INTERVAL_SECS must be a positive number, not `{v}`"
                    ));
                    86_400
                }),
        };
        Self {
            reverify_interval_secs,
            downgrade_interval_secs,
            terms_version,
            privacy_version,
            consent_hash_salt,
            google_play_package_name: get("GOOGLE_PLAY_PACKAGE_NAME")
                .unwrap_or_else(|| "app.getpursue".into()),
            google_play_api_base_url: google_play_api_base_url.trim_end_matches('/').to_string(),
            google_play_service_account: get("GOOGLE_PLAY_SERVICE_ACCOUNT")
                .or_else(|| get("GOOGLE_APPLICATION_CREDENTIALS"))
                .map(PathBuf::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)], env: Environment) -> (AccountConfig, Vec<String>) {
        let vars = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut errors = Vec::new();
        let c = AccountConfig::from_vars(&vars, env, &mut errors);
        (c, errors)
    }

    #[test]
    fn defaults() {
        let (c, errors) = parse(&[], Environment::Development);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(c.terms_version.as_str(), "Feb 11, 2026");
        assert_eq!(c.privacy_version.as_str(), "Mar 3, 2026");
        assert!(c.consent_hash_salt.is_none());
        assert_eq!(c.google_play_package_name, "app.getpursue");
        assert_eq!(
            c.google_play_api_base_url,
            "https://androidpublisher.googleapis.com"
        );
        assert!(c.google_play_service_account.is_none());
        assert_eq!(c.downgrade_interval_secs, 86_400);
    }

    #[test]
    fn a_bad_downgrade_interval_is_refused() {
        let (_, errors) = parse(
            &[("SUBSCRIPTION_DOWNGRADE_INTERVAL_SECS", "0")],
            Environment::Development,
        );
        assert_eq!(
            errors,
            ["SUBSCRIPTION_DOWNGRADE_INTERVAL_SECS must be a positive number, not `0`"]
        );
    }

    #[test]
    fn badly_shaped_versions_are_refused_one_message_each() {
        let (_, errors) = parse(
            &[
                ("POLICY_TERMS_VERSION", "2026-02-11"),
                ("POLICY_PRIVACY_VERSION", "march 3 2026"),
            ],
            Environment::Development,
        );
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("POLICY_TERMS_VERSION"));
        assert!(errors[1].starts_with("POLICY_PRIVACY_VERSION"));
    }

    #[test]
    fn production_needs_a_salt() {
        let (_, errors) = parse(&[], Environment::Production);
        assert_eq!(errors, ["CONSENT_HASH_SALT is required in production"]);
        let (c, errors) = parse(
            &[
                ("CONSENT_HASH_SALT", "0123456789abcdef0123"),
                ("GOOGLE_APPLICATION_CREDENTIALS", "/sa.json"),
                ("GOOGLE_PLAY_API_BASE_URL", "http://127.0.0.1:9/"),
            ],
            Environment::Production,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            c.google_play_service_account,
            Some(PathBuf::from("/sa.json"))
        );
        assert_eq!(c.google_play_api_base_url, "http://127.0.0.1:9");
    }
}
