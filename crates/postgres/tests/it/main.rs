//! PostgreSQL adapter tests against real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod caps;
mod cluster;
mod fixtures;
mod goals;
mod groups;
mod images;
mod inbox;
mod migrations;
mod outbox;
mod progress;
