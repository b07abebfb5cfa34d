//! The image pipeline against real encoders and decoders.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accepted;
mod fixtures;
mod orientation;
mod rejected;
