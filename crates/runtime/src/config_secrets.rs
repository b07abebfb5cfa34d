//! Configuration of the signing secrets (`JWT_SECRET`, `JWT_REFRESH_SECRET`,
//! `REFERRAL_SECRET`): required and strong in production, generated in development.

use crate::config::{Environment, Secret};

/// Minimum length of the JWT secrets.
pub const MIN_SECRET_LEN: usize = 32;

/// The three signing secrets `(access, refresh, referral)`, with one message per problem
/// in `errors`.
pub(crate) fn signing_secrets(
    get: &impl Fn(&str) -> Option<String>,
    environment: Environment,
    errors: &mut Vec<String>,
) -> (Option<Secret>, Option<Secret>, Option<Secret>) {
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
    (jwt_secret, jwt_refresh_secret, referral_secret)
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
