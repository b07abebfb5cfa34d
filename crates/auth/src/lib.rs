//! Credential adapter for Pursue: argon2id password hashing with transparent upgrade of
//! legacy bcrypt hashes (decision D4), and HS256 access/refresh tokens (decision D5).

mod hasher;
mod pool;
mod tokens;

pub use hasher::{Argon2Hasher, HasherSettings};
pub use pool::{PoolSettings, PoolStats};
pub use tokens::{ACCESS_TTL, JwtTokens, REFRESH_TTL};
