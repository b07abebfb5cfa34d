//! Pursue use cases. Each use case orchestrates the driven ports under the domain's rules;
//! this crate, `pursue-domain` and `pursue-ports` are what another binary embeds.

pub mod accounts;
pub mod devices;
pub mod errors;
pub mod export;
pub mod goals;
pub mod groups;
pub mod health;
pub mod images;
pub mod insights;
mod notify;
pub mod outbox;
pub mod progress;
pub mod push;
pub mod social;
pub mod subscriptions;
