//! Driven ports of Pursue: the traits the use cases call and the adapters implement.
//!
//! Every trait is `Send + Sync`, held as `Arc<dyn Trait>`, and gets a mockall mock
//! (`MockTrait`) with the `mocks` feature for unit tests of the use cases.

pub mod auth;
pub mod backoff;
pub mod error;
pub mod health;
pub mod outbox;
pub mod push;
pub mod users;

pub use backoff::{Backoff, backoff};
