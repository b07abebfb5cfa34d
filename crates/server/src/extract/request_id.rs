//! The request id: taken from `X-Request-Id` when the client sends a sane one, else a new
//! UUID; echoed in the response and attached to every log line of the request.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

/// Header carrying the request id in both directions.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The current request's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// Accepts a client-supplied id of 1–128 visible ASCII characters.
    pub fn from_header(value: &str) -> Option<Self> {
        let ok =
            !value.is_empty() && value.len() <= 128 && value.bytes().all(|b| b.is_ascii_graphic());
        ok.then(|| Self(value.to_string()))
    }

    /// A fresh random id.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }
}

impl FromRequest for RequestId {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = req
            .extensions()
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(RequestId::generate);
        ready(Ok(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_sane_client_ids_only() {
        assert!(RequestId::from_header("abc-123").is_some());
        assert!(RequestId::from_header("").is_none());
        assert!(RequestId::from_header("has space").is_none());
        assert!(RequestId::from_header(&"x".repeat(129)).is_none());
        assert_eq!(RequestId::generate().0.len(), 36);
    }
}
