//! argon2id hashing on the blocking pool; bcrypt hashes from the Node era still verify.

use std::sync::Arc;

use anyhow::anyhow;
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use async_trait::async_trait;
use pursue_ports::auth::{CryptoError, PasswordCheck, PasswordHasher};

/// argon2id with the OWASP minimum: 19 MiB memory, 2 iterations, 1 lane.
#[derive(Clone)]
pub struct Argon2Hasher {
    params: Params,
    /// A real hash of a random password, verified against when there is no account, so
    /// unknown e-mails cost the same time as wrong passwords.
    dummy: Arc<String>,
}

impl std::fmt::Debug for Argon2Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Argon2Hasher").finish_non_exhaustive()
    }
}

fn crypto(e: impl std::fmt::Display) -> CryptoError {
    CryptoError(anyhow!("{e}"))
}

impl Argon2Hasher {
    /// The OWASP-minimum argon2id configuration.
    pub fn new() -> Result<Self, CryptoError> {
        let params = Params::new(19 * 1024, 2, 1, None).map_err(crypto)?;
        let seed: [u8; 16] = rand::random();
        let dummy = hash_with(&params, &hex::encode(seed))?;
        Ok(Self {
            params,
            dummy: Arc::new(dummy),
        })
    }
}

fn argon(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn hash_with(params: &Params, password: &str) -> Result<String, CryptoError> {
    argon(params)
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(crypto)
}

fn is_bcrypt(hash: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"]
        .iter()
        .any(|prefix| hash.starts_with(prefix))
}

fn verify_blocking(
    params: &Params,
    dummy: &str,
    password: &str,
    stored: Option<&str>,
) -> Result<PasswordCheck, CryptoError> {
    let Some(stored) = stored else {
        let _ = argon(params).verify_password(password.as_bytes(), dummy);
        return Ok(PasswordCheck::Mismatch);
    };
    if is_bcrypt(stored) {
        // Unknown-format or corrupt hashes count as a mismatch, never as an error.
        return match bcrypt::verify(password, stored) {
            Ok(true) => Ok(PasswordCheck::Match {
                rehash: Some(hash_with(params, password)?),
            }),
            _ => Ok(PasswordCheck::Mismatch),
        };
    }
    match argon(params).verify_password(password.as_bytes(), stored) {
        Ok(()) => Ok(PasswordCheck::Match { rehash: None }),
        Err(_) => Ok(PasswordCheck::Mismatch),
    }
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &str) -> Result<String, CryptoError> {
        let params = self.params.clone();
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_with(&params, &password))
            .await
            .map_err(crypto)?
    }

    async fn verify(
        &self,
        password: &str,
        stored: Option<String>,
    ) -> Result<PasswordCheck, CryptoError> {
        let params = self.params.clone();
        let dummy = self.dummy.clone();
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || {
            verify_blocking(&params, &dummy, &password, stored.as_deref())
        })
        .await
        .map_err(crypto)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn argon2id_round_trip() {
        let h = Argon2Hasher::new().unwrap();
        let hash = h.hash("Secret123").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert_eq!(
            h.verify("Secret123", Some(hash.clone())).await.unwrap(),
            PasswordCheck::Match { rehash: None }
        );
        assert_eq!(
            h.verify("Secret124", Some(hash)).await.unwrap(),
            PasswordCheck::Mismatch
        );
    }

    #[tokio::test]
    async fn bcrypt_hashes_verify_and_ask_for_an_upgrade() {
        let h = Argon2Hasher::new().unwrap();
        for prefix in ["$2a$", "$2b$", "$2y$"] {
            let legacy = bcrypt::hash("Secret123", 4)
                .unwrap()
                .replacen("$2b$", prefix, 1);
            match h.verify("Secret123", Some(legacy.clone())).await.unwrap() {
                PasswordCheck::Match { rehash: Some(new) } => {
                    assert!(new.starts_with("$argon2id$"));
                    assert_eq!(
                        h.verify("Secret123", Some(new)).await.unwrap(),
                        PasswordCheck::Match { rehash: None }
                    );
                }
                other => panic!("{prefix}: {other:?}"),
            }
            assert_eq!(
                h.verify("Wrong1234", Some(legacy)).await.unwrap(),
                PasswordCheck::Mismatch
            );
        }
    }

    #[tokio::test]
    async fn missing_or_garbage_hashes_are_mismatches() {
        let h = Argon2Hasher::new().unwrap();
        assert_eq!(
            h.verify("Secret123", None).await.unwrap(),
            PasswordCheck::Mismatch
        );
        assert_eq!(
            h.verify("Secret123", Some("not-a-hash".into()))
                .await
                .unwrap(),
            PasswordCheck::Mismatch
        );
        assert_eq!(
            h.verify("Secret123", Some("$2b$garbage".into()))
                .await
                .unwrap(),
            PasswordCheck::Mismatch
        );
    }
}
