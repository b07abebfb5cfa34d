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

/// The client's IP address as text: from `Forwarded` / `X-Forwarded-For` with
/// `TRUST_PROXY=on`, else the TCP peer; `None` when unknown.
pub fn client_ip(req: &actix_web::HttpRequest, state: &crate::state::AppState) -> Option<String> {
    if state.trust_proxy {
        req.connection_info()
            .realip_remote_addr()
            .map(str::to_owned)
    } else {
        req.peer_addr().map(|a| a.ip().to_string())
    }
}
