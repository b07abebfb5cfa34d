//! Driven ports of Pursue: the traits the use cases call and the adapters implement.
//!
//! Every trait is `Send + Sync`, held as `Arc<dyn Trait>`, and gets a mockall mock
//! (`MockTrait`) with the `mocks` feature for unit tests of the use cases.

pub mod activity;
pub mod auth;
pub mod backoff;
pub mod clock;
pub mod devices;
pub mod error;
pub mod export;
pub mod goals;
pub mod google;
pub mod groups;
pub mod health;
pub mod images;
pub mod outbox;
pub mod progress;
pub mod purchases;
pub mod push;
pub mod social;
pub mod subscription_store;
pub mod subscriptions;
pub mod users;
pub mod views;

pub use backoff::{Backoff, backoff};
