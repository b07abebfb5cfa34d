//! PostgreSQL adapter tests against real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod cluster;
mod images;
mod inbox;
mod migrations;
mod outbox;
