//! JWT signing secrets: given by the environment, or in development generated once and
//! kept in the data folder so tokens survive restarts.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use anyhow::Context;
use rand::RngCore;

use crate::config::{Config, Environment, Secret};

/// The two signing keys.
#[derive(Debug, Clone)]
pub struct JwtSecrets {
    /// Signs access tokens.
    pub access: Secret,
    /// Signs refresh tokens.
    pub refresh: Secret,
}

/// Takes the secrets from the configuration; in development, missing ones are read from
/// (or generated into) `<data_dir>/secrets/`.
pub fn resolve(config: &Config) -> anyhow::Result<JwtSecrets> {
    let dir = config.data_dir.join("secrets");
    let pick = |given: &Option<Secret>, file: &str| -> anyhow::Result<Secret> {
        match given {
            Some(secret) => Ok(secret.clone()),
            None if config.environment == Environment::Production => {
                anyhow::bail!("{file} must be configured in production")
            }
            None => load_or_generate(&dir.join(file)),
        }
    };
    Ok(JwtSecrets {
        access: pick(&config.jwt_secret, "jwt_secret")?,
        refresh: pick(&config.jwt_refresh_secret, "jwt_refresh_secret")?,
    })
}

/// The consent e-mail hash salt: `CONSENT_HASH_SALT`, or in development generated once
/// into `<data_dir>/secrets/consent_hash_salt` (production refuses to start without it).
pub fn consent_salt(config: &Config) -> anyhow::Result<Secret> {
    match &config.accounts.consent_hash_salt {
        Some(salt) => Ok(salt.clone()),
        None if config.environment == Environment::Production => {
            anyhow::bail!("CONSENT_HASH_SALT must be configured in production")
        }
        None => load_or_generate(&config.data_dir.join("secrets").join("consent_hash_salt")),
    }
}

/// `REFERRAL_SECRET`, or in development the one kept in (or generated into)
/// `<data_dir>/secrets/referral_secret`; production refuses to start without it.
pub fn referral_secret(config: &Config) -> anyhow::Result<Secret> {
    match &config.referral_secret {
        Some(secret) => Ok(secret.clone()),
        None if config.environment == Environment::Production => {
            anyhow::bail!("REFERRAL_SECRET must be configured in production")
        }
        None => load_or_generate(&config.data_dir.join("secrets").join("referral_secret")),
    }
}

fn load_or_generate(path: &Path) -> anyhow::Result<Secret> {
    if let Ok(existing) = fs::read_to_string(path) {
        let existing = existing.trim();
        if existing.len() >= crate::config::MIN_SECRET_LEN {
            return Ok(Secret::new(existing));
        }
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    writeln!(file, "{secret}").with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a development signing secret");
    Ok(Secret::new(secret))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn development_generates_once_and_reuses() {
        let dir = tempfile::tempdir().unwrap();
        let vars: HashMap<String, String> = [(
            "PURSUE_DATA_DIR".to_string(),
            dir.path().display().to_string(),
        )]
        .into();
        let config = Config::from_vars(&vars).unwrap();
        let first = resolve(&config).unwrap();
        let second = resolve(&config).unwrap();
        assert_eq!(first.access, second.access);
        assert_eq!(first.refresh, second.refresh);
        assert_ne!(first.access, first.refresh);
        assert!(first.access.expose().len() >= 32);
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("secrets/jwt_secret"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "secret file must be private");
        let salt = consent_salt(&config).unwrap();
        assert_eq!(salt, consent_salt(&config).unwrap());
        assert_ne!(salt, first.access);
        assert!(dir.path().join("secrets/consent_hash_salt").exists());
    }
}
