//! Pursue's HTTP delivery layer: actix-web routes, DTOs, extractors, middleware, and the
//! start-up wiring of every adapter into the use cases.

pub mod cli;
pub mod config;
pub mod config_accounts;
mod config_hashing;
pub mod database;
pub mod dto;
pub mod error;
mod error_map;
pub mod extract;
pub mod images;
pub mod middleware;
pub mod monitoring;
pub mod openapi;
pub mod routes;
pub mod secrets;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod worker;
mod xlsx;

pub use config::Config;
pub use startup::{Application, ShutdownHandle};

#[cfg(test)]
mod startup_tests;

#[cfg(test)]
mod auth_once_tests;
