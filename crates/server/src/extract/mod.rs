//! Request extractors and the framework extractor configuration: every extraction failure
//! becomes the contract's JSON envelope.

mod json;
mod request_id;

pub use json::{JSON_LIMIT, ValidJson, json_config, path_config, query_config};
pub use request_id::{REQUEST_ID_HEADER, RequestId};
