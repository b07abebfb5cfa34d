//! Pursue Resend adapter: transactional e-mail over the Resend HTTP API.
//!
//! This adapter is not implemented yet; the crate reserves its place in the workspace.
