//! Guarantees the contract's JSON envelope on every error response, including those the
//! framework produces itself (unknown route, wrong method, malformed request line, …).

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};

use crate::error::ApiError;

/// Marks a response whose non-JSON error body is intentional (e.g. `/ready`'s
/// `text/plain` 503).
#[derive(Debug, Clone, Copy)]
pub struct RawBody;

/// Replaces the body of any error response that is not already JSON with the envelope for
/// its status.
pub async fn json_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, Error> {
    let response = next.call(req).await?;
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let raw = response.response().extensions().get::<RawBody>().is_some();
    if !(status.is_client_error() || status.is_server_error()) || is_json || raw {
        return Ok(response.map_into_left_body());
    }
    let api_error = ApiError::for_status(status);
    let (request, old) = response.into_parts();
    let mut replacement = api_error.error_response();
    for (name, value) in old.headers() {
        if name != CONTENT_TYPE && name != actix_web::http::header::CONTENT_LENGTH {
            replacement
                .headers_mut()
                .insert(name.clone(), value.clone());
        }
    }
    Ok(ServiceResponse::new(request, replacement).map_into_right_body())
}
