//! Pursue FCM adapter: push notifications over FCM HTTP v1.
//!
//! This adapter is not implemented yet; the crate reserves its place in the workspace.
