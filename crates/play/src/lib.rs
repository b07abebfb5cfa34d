//! Google Play adapter: verifies subscription purchases with the Android Publisher API
//! (`purchases.subscriptionsv2.get`, `purchases.subscriptions.cancel`), authenticated by a
//! service account's JWT-bearer grant (cached until 60 s before expiry). See docs/API.md,
//! Subscriptions.

mod token;
mod verifier;

pub use token::ANDROID_PUBLISHER_SCOPE;
pub use verifier::{GooglePlay, PlayConfig, UnconfiguredPlay};
