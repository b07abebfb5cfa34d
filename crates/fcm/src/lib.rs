//! Pursue FCM adapter: push notifications over Firebase Cloud Messaging HTTP v1.
//!
//! - [`FcmSender`] implements [`pursue_ports::push::PushSender`]: it signs a JWT with the
//!   service account's key, exchanges it at the account's `token_uri` for an access token
//!   (cached until a minute before expiry, renewed once when FCM answers 401), and POSTs
//!   one message per device to `{base_url}/v1/projects/{project}/messages:send`.
//! - Responses are classified for the outbox worker: unregistered or invalid tokens →
//!   `InvalidToken` (delete the device); 429, 5xx, timeouts, network errors → `Retryable`
//!   with the server's `Retry-After`; other 4xx → `Rejected` (record and drop).
//! - A semaphore bounds concurrent sends; a [`CircuitBreaker`] stops calling FCM after
//!   repeated transient failures and lets a single probe through after a cool-down.
//!   The adapter never retries by itself: re-scheduling with
//!   [`pursue_ports::backoff`] is the worker's job.
//! - [`LogPushSender`] stands in when no credentials are configured: it logs the push
//!   (token shortened) and reports push as disabled.

pub mod breaker;
pub mod config;
pub mod credentials;
pub mod log_sender;
pub mod sender;

mod classify;
mod token;
mod transport;

pub use breaker::{BreakerConfig, BreakerState, CircuitBreaker, Clock, ManualClock, SystemClock};
pub use config::{DEFAULT_BASE_URL, FcmConfig, FcmSetupError};
pub use credentials::{CredentialsError, DEFAULT_TOKEN_URI, ServiceAccount};
pub use log_sender::LogPushSender;
pub use sender::FcmSender;
pub use token::FCM_SCOPE;
