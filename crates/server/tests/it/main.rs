//! End-to-end tests of the server over real HTTP against real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod accounts;
mod auth_support;
mod consents;
mod data_export;
mod deletion;
mod deletion_flow;
mod devices;
mod goals;
mod google;
mod google_consent;
mod groups;
mod health;
mod image_support;
mod images;
mod images_s3;
mod joining;
mod latency;
mod limits;
mod newcomer;
mod profile;
mod progress;
mod push;
mod query_count;
mod reset;
mod routing;
mod sessions;
mod shutdown;
mod subscriptions;
mod support;
