//! Request and response bodies. Requests validate with garde, delegating every business
//! rule to the domain's constructors so each rule lives in one place.

pub mod auth;
pub mod devices;
pub mod fields;
pub mod goals;
pub mod group_fields;
pub mod groups;
pub mod insights;
pub mod patch;
pub mod query;
pub mod responses;
pub mod rules;
pub mod schema;
pub mod social;
pub mod subscriptions;
pub mod users;
