//! argon2id hashing on a bounded pool of threads with reused memory; bcrypt hashes from the
//! Node era and argon2 hashes of any earlier setting still verify, and are replaced on the
//! next successful sign-in (see docs/OPERATIONS.md, Password hashing).

use std::sync::Arc;

use anyhow::anyhow;
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use async_trait::async_trait;
use pursue_ports::auth::{CryptoError, PasswordCheck, PasswordHasher};

use crate::pool::{HashPool, PoolSettings, PoolStats};

/// Length of the hash output, in bytes.
const OUTPUT_LEN: usize = 32;
/// Largest argon2 memory cost (KiB) a stored hash may ask for; beyond it the hash is
/// treated as a mismatch rather than letting one row allocate without bound.
const MAX_VERIFY_KIB: u32 = 256 * 1024;
/// Salt of the work done for an unknown account (its result is thrown away).
const DUMMY_SALT: [u8; 16] = *b"pursue-no-user-!";

/// The argon2id cost and the pool it runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HasherSettings {
    /// Memory cost in KiB.
    pub memory_kib: u32,
    /// Iterations (time cost).
    pub iterations: u32,
    /// Threads, queue and wait of the hashing pool.
    pub pool: PoolSettings,
}

impl HasherSettings {
    /// The default argon2id cost: the fastest OWASP setting on the reference machine (see
    /// docs/BENCHMARKS.md, Password hashing).
    pub const DEFAULT_MEMORY_KIB: u32 = 7 * 1024;
    /// Iterations paired with [`Self::DEFAULT_MEMORY_KIB`].
    pub const DEFAULT_ITERATIONS: u32 = 5;
}

impl Default for HasherSettings {
    fn default() -> Self {
        Self {
            memory_kib: Self::DEFAULT_MEMORY_KIB,
            iterations: Self::DEFAULT_ITERATIONS,
            pool: PoolSettings::from_cores(),
        }
    }
}

/// argon2id (one lane) on a bounded pool; see the module documentation.
#[derive(Clone)]
pub struct Argon2Hasher {
    params: Params,
    pool: Arc<HashPool>,
}

impl std::fmt::Debug for Argon2Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Argon2Hasher")
            .field("m_cost", &self.params.m_cost())
            .field("t_cost", &self.params.t_cost())
            .finish_non_exhaustive()
    }
}

fn crypto(e: impl std::fmt::Display) -> CryptoError {
    CryptoError(anyhow!("{e}"))
}

impl Argon2Hasher {
    /// The default cost on a pool sized from the cores.
    pub fn new() -> Result<Self, CryptoError> {
        Self::with_settings(HasherSettings::default())
    }

    /// A hasher with the given cost and pool; starts the pool's threads.
    pub fn with_settings(settings: HasherSettings) -> Result<Self, CryptoError> {
        let params = Params::new(
            settings.memory_kib,
            settings.iterations,
            1,
            Some(OUTPUT_LEN),
        )
        .map_err(crypto)?;
        let pool = HashPool::start(settings.pool, params.block_count())?;
        Ok(Self {
            params,
            pool: Arc::new(pool),
        })
    }

    /// The pool's counters.
    pub fn stats(&self) -> PoolStats {
        self.pool.stats()
    }
}

/// Computes argon2 into `out` with `blocks` as memory, or with a buffer of its own when the
/// parameters need more than `blocks` holds (hashes of an older, larger setting).
fn compute(
    argon: &Argon2<'_>,
    password: &str,
    salt: &[u8],
    out: &mut [u8],
    blocks: &mut [Block],
) -> Result<(), argon2::Error> {
    let needed = argon.params().block_count();
    match blocks.get_mut(..needed) {
        Some(memory) => {
            argon.hash_password_into_with_memory(password.as_bytes(), salt, out, memory)
        }
        None => {
            let mut own = vec![Block::default(); needed];
            argon.hash_password_into_with_memory(password.as_bytes(), salt, out, own.as_mut_slice())
        }
    }
}

fn current(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

/// A fresh PHC string (`$argon2id$v=19$m=…,t=…,p=1$salt$hash`) with the current cost.
fn hash_with(params: &Params, password: &str, blocks: &mut [Block]) -> Result<String, CryptoError> {
    let salt: [u8; 16] = rand::random();
    let mut out = [0u8; OUTPUT_LEN];
    compute(&current(params), password, &salt, &mut out, blocks).map_err(crypto)?;
    Ok(PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(crypto)?,
        salt: Some(Salt::new(&salt).map_err(crypto)?),
        hash: Some(Output::new(&out).map_err(crypto)?),
    }
    .to_string())
}

fn is_bcrypt(hash: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"]
        .iter()
        .any(|prefix| hash.starts_with(prefix))
}

/// Checks an argon2 PHC string of any setting; `Some(outdated)` when it matches.
fn argon_matches(
    password: &str,
    stored: &str,
    current: &Params,
    blocks: &mut [Block],
) -> Option<bool> {
    let parsed = PasswordHash::new(stored).ok()?;
    let algorithm = Algorithm::new(parsed.algorithm.as_str()).ok()?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).ok()?,
        None => Version::V0x10,
    };
    let params = Params::try_from(&parsed).ok()?;
    let (salt, expected) = (parsed.salt?, parsed.hash?);
    if params.m_cost() > MAX_VERIFY_KIB {
        tracing::warn!(
            m_cost = params.m_cost(),
            "stored argon2 hash asks for too much memory"
        );
        return None;
    }
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params.clone());
    compute(&argon, password, &salt, &mut out, blocks).ok()?;
    if Output::new(&out).ok()? != expected {
        return None;
    }
    let outdated = algorithm != Algorithm::Argon2id
        || version != Version::V0x13
        || params.m_cost() != current.m_cost()
        || params.t_cost() != current.t_cost()
        || params.p_cost() != current.p_cost()
        || expected.len() != OUTPUT_LEN;
    Some(outdated)
}

/// The whole check, on a hashing thread.
fn verify_blocking(
    params: &Params,
    password: &str,
    stored: Option<&str>,
    blocks: &mut [Block],
) -> Result<PasswordCheck, CryptoError> {
    let Some(stored) = stored else {
        // No account: the same work as checking a current hash, result discarded.
        let mut out = [0u8; OUTPUT_LEN];
        let _ = compute(&current(params), password, &DUMMY_SALT, &mut out, blocks);
        return Ok(PasswordCheck::Mismatch);
    };
    let outdated = if is_bcrypt(stored) {
        // Unknown-format or corrupt hashes count as a mismatch, never as an error.
        match bcrypt::verify(password, stored) {
            Ok(true) => true,
            _ => return Ok(PasswordCheck::Mismatch),
        }
    } else {
        match argon_matches(password, stored, params, blocks) {
            Some(outdated) => outdated,
            None => return Ok(PasswordCheck::Mismatch),
        }
    };
    let rehash = if outdated {
        Some(hash_with(params, password, blocks)?)
    } else {
        None
    };
    Ok(PasswordCheck::Match { rehash })
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &str) -> Result<String, CryptoError> {
        let params = self.params.clone();
        let password = password.to_owned();
        self.pool
            .run(Box::new(move |blocks: &mut [Block]| {
                hash_with(&params, &password, blocks)
            }))
            .await
    }

    async fn verify(
        &self,
        password: &str,
        stored: Option<String>,
    ) -> Result<PasswordCheck, CryptoError> {
        let params = self.params.clone();
        let password = password.to_owned();
        self.pool
            .run(Box::new(move |blocks: &mut [Block]| {
                verify_blocking(&params, &password, stored.as_deref(), blocks)
            }))
            .await
    }
}

#[cfg(test)]
#[path = "hasher_tests.rs"]
mod tests;
