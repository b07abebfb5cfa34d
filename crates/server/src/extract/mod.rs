//! Request extractors and the framework extractor configuration: every extraction failure
//! becomes the contract's JSON envelope.

mod auth;
mod json;
mod request_id;
mod upload;

pub use auth::{AuthUser, bearer_token};
pub use json::{JSON_LIMIT, ValidJson, garde_error, json_config, path_config, query_config};
pub use request_id::{REQUEST_ID_HEADER, RequestId};
pub use upload::{MAX_UPLOAD_BYTES, Upload, read_upload};
