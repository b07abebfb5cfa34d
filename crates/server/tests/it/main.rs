//! End-to-end tests of the server over real HTTP against real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod accounts;
mod deletion;
mod google;
mod health;
mod latency;
mod profile;
mod reset;
mod sessions;
mod shutdown;
mod support;
