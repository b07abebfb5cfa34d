//! End-to-end tests of the server over real HTTP against real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod abuse;
mod accounts;
mod adoption;
mod approval;
mod auth_support;
mod deletion;
mod devices;
mod export;
mod goal_extensions;
mod faults;
mod goals;
mod google;
mod groups;
mod hashing;
mod health;
mod image_support;
mod images;
mod images_s3;
mod instances;
mod joining;
mod latency;
mod limits;
mod profile;
mod progress;
mod progress_views;
mod push;
mod query_count;
mod reset;
mod sessions;
mod shutdown;
mod support;
