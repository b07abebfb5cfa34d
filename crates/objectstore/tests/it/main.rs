//! The S3 image store against a real S3-compatible server (in-process, `pursue-testkit`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod store;
