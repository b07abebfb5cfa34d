//! Test support for Pursue's integration tests.
//!
//! - [`db::fresh_database`]: a new, migrated database per test, cloned from a template
//!   inside one private PostgreSQL cluster per test process (or on the server named by
//!   `DATABASE_URL` when that is set).
//! - [`spawn_app`]: the real HTTP server on a random loopback port against such a database.
//! - [`s3::start_s3`]: an in-process S3-compatible server on a random loopback port.
//! - [`faults::FaultyCluster`]: a private cluster a test may kill, freeze and restart.
//! - [`redis::TestRedis`]: a private `redis-server` on a free loopback port.
//! - [`fakes`]: local stand-ins for external services (FCM and its OAuth2 token endpoint).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

pub mod app;
pub mod db;
pub mod fakes;
pub mod faults;
pub mod redis;
pub mod s3;

pub use app::{TEST_CONSENT_SALT, TestApp, spawn_app, spawn_app_on, spawn_app_with};
pub use db::{TestDatabase, fresh_database};
