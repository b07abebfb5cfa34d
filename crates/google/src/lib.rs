//! Pursue Google adapter: ID-token verification against Google's JWKS.
//!
//! This adapter is not implemented yet; the crate reserves its place in the workspace.
