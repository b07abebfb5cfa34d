//! End-to-end tests of the server over real HTTP against real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod accounts;
mod health;
mod shutdown;
