//! Pursue object-store adapter: images in S3-compatible storage (R2, S3, MinIO).
//!
//! This adapter is not implemented yet; the crate reserves its place in the workspace.
