//! End-to-end tests of the server over real HTTP against real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod accounts;
mod auth_support;
mod deletion;
mod devices;
mod goals;
mod google;
mod groups;
mod health;
mod image_support;
mod images;
mod images_s3;
mod joining;
mod latency;
mod limits;
mod observability;
mod profile;
mod progress;
mod push;
mod query_count;
mod reset;
mod sessions;
mod shutdown;
mod support;
