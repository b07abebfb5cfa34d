//! Local fakes of external services, served over real HTTP on loopback ports.

pub mod fcm;
mod fcm_respond;
pub mod keys;

pub use fcm::{FcmFake, FcmReply, ReceivedMessage};

#[cfg(test)]
mod fcm_tests;
