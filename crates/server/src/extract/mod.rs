//! Request extractors and the framework extractor configuration: every extraction failure
//! becomes the contract's JSON envelope.

mod auth;
mod json;
mod request_id;
mod upload;

pub use auth::{AuthUser, VerifiedToken, bearer_token, verified_subject};
pub use json::{JSON_LIMIT, ValidJson, garde_error, json_config, path_config, query_config};
pub use request_id::{REQUEST_ID_HEADER, RequestId};
pub use upload::{MAX_UPLOAD_BYTES, Upload, read_upload};

/// The client's IP address as text, under the configured proxy trust (`TRUST_PROXY`
/// hops from the right of `Forwarded` / `X-Forwarded-For`, else the TCP peer); `None`
/// when unknown.
pub fn client_ip(req: &actix_web::HttpRequest, state: &crate::state::AppState) -> Option<String> {
    crate::middleware::client_ip(
        req.peer_addr().map(|a| a.ip()),
        req.headers(),
        state.trust_proxy,
    )
    .map(|ip| ip.to_string())
}
