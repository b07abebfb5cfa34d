//! Test support for Pursue's integration tests: what the adapters' tests and the server's
//! tests share. It depends on no delivery crate (the server's `spawn_app` lives with the
//! server's tests, `crates/server/tests/it/app.rs`).
//!
//! - [`db::fresh_database`]: a new, migrated database per test, cloned from a template
//!   inside one private PostgreSQL cluster per test process (or on the server named by
//!   `DATABASE_URL` when that is set).
//! - [`s3::start_s3`]: an in-process S3-compatible server on a random loopback port.
//! - [`faults::FaultyCluster`]: a private cluster a test may kill, freeze and restart.
//! - [`redis::TestRedis`]: a private `redis-server` on a free loopback port.
//! - [`fakes`]: local stand-ins for external services (FCM and its OAuth2 token endpoint).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

pub mod db;
pub mod fakes;
pub mod faults;
pub mod redis;
pub mod s3;

pub use db::{TestDatabase, fresh_database};
