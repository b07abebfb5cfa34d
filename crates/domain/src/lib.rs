//! Pursue domain: entities, validated values and business rules, free of I/O.
//!
//! Everything here is plain, synchronous Rust: validated newtypes (private fields,
//! `parse`/`new` constructors returning `thiserror` errors), the role and permission
//! table, periods per cadence and timezone, progress aggregation with exact fixed-point
//! arithmetic, resource caps, activity types and push texts. No serde, no async, no
//! framework or driver types.

#[macro_use]
mod macros;

pub mod activity;
pub mod caps;
pub mod decimal;
pub mod device;
pub mod goal;
pub mod group;
pub mod ids;
pub mod milestone;
pub mod notification;
pub mod period;
pub mod progress;
pub mod purchase;
pub mod push;
pub mod role;
pub mod social;
pub mod subscription;
pub mod subscription_state;
pub mod text;
pub mod user;
