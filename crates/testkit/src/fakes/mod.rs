//! Local fakes of external HTTP services, served over real HTTP on loopback ports.

pub mod fcm;
mod fcm_respond;
pub mod google;
pub mod keys;
pub mod play;
pub mod resend;

pub use fcm::{FcmFake, FcmReply, ReceivedMessage};
pub use play::PlayFake;

#[cfg(test)]
mod fcm_tests;
