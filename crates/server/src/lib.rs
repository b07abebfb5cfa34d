//! Pursue's HTTP delivery layer: actix-web routes, DTOs, extractors, middleware and the
//! error table. Configuration, adapters and the worker come from `pursue-runtime`.

pub mod cli;
pub mod dto;
pub mod edge;
pub mod error;
mod error_map;
pub mod extract;
pub mod middleware;
pub mod monitoring;
pub mod openapi;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;
mod xlsx;

pub use pursue_runtime::Config;
pub use startup::{Application, ShutdownHandle};

#[cfg(test)]
mod startup_tests;

#[cfg(test)]
mod auth_once_tests;
