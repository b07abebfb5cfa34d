//! Pursue image pipeline adapter: decode with limits, orient, crop, resize, encode WebP.
//!
//! This adapter is not implemented yet; the crate reserves its place in the workspace.
