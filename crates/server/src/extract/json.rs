//! JSON bodies: size limit, content type, typed deserialisation and garde validation.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError, PathSegment};

/// Largest accepted JSON body (docs/API.md, Conventions: 100 KB).
pub const JSON_LIMIT: usize = 100 * 1024;

/// Configuration for actix's `web::Json` (limit, envelope errors).
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT)
        .error_handler(|err, _req| json_error(err).into())
}

/// Path extraction failures are unknown resources (malformed ids are 404, never 500).
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|_err: PathError, _req| ApiError::not_found("Resource not found").into())
}

/// Query extraction failures are validation errors.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        ApiError::validation(
            "Invalid query parameters",
            vec![FieldError {
                path: vec![],
                message: err.to_string(),
                code: "invalid_query".into(),
            }],
        )
        .into()
    })
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError::for_status(StatusCode::PAYLOAD_TOO_LARGE)
        }
        JsonPayloadError::ContentType => ApiError::validation(
            "Content-Type must be application/json",
            vec![FieldError {
                path: vec![],
                message: "expected application/json".into(),
                code: "invalid_content_type".into(),
            }],
        ),
        JsonPayloadError::Deserialize(e) => syntax_error(&e),
        other => ApiError::validation(
            "Invalid request body",
            vec![FieldError {
                path: vec![],
                message: other.to_string(),
                code: "invalid_body".into(),
            }],
        ),
    }
}

fn syntax_error(e: &serde_json::Error) -> ApiError {
    ApiError::validation(
        "Invalid JSON body",
        vec![FieldError {
            path: vec![],
            message: e.to_string(),
            code: "invalid_json".into(),
        }],
    )
}

/// A JSON body deserialised into `T` and validated with garde; failures are
/// `400 VALIDATION_ERROR` with one detail per field.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T> FromRequest for ValidJson<T>
where
    T: DeserializeOwned + garde::Validate + 'static,
    T::Context: Default,
{
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let web::Json(value) = bytes.await?;
            // Every body is a JSON object; serde would also read a struct from an array of
            // its fields in order, which the API never offers (see docs/API.md, Errors).
            if !value.is_object() {
                return Err(ApiError::validation(
                    "Invalid request body",
                    vec![FieldError {
                        path: Vec::new(),
                        message: "must be a JSON object".to_string(),
                        code: "invalid_type".to_string(),
                    }],
                )
                .into());
            }
            let parsed: T = serde_path_to_error::deserialize(value).map_err(type_error)?;
            parsed.validate().map_err(|report| garde_error(&report))?;
            Ok(ValidJson(parsed))
        })
    }
}

fn type_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path: Vec<PathSegment> = e
        .path()
        .iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => Some(PathSegment::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(PathSegment::Key(key.clone())),
            serde_path_to_error::Segment::Enum { variant } => {
                Some(PathSegment::Key(variant.clone()))
            }
            serde_path_to_error::Segment::Unknown => None,
        })
        .collect();
    let inner = e.inner().to_string();
    // serde reports a missing field at the parent; name the field itself.
    let (path, code) = match inner
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        Some(field) => {
            let mut p = path;
            p.push(PathSegment::Key(field.to_string()));
            (p, "required")
        }
        None => (path, "invalid_type"),
    };
    let message = if code == "required" {
        "Required".to_string()
    } else {
        strip_position(&inner)
    };
    ApiError::validation(
        "Invalid request body",
        vec![FieldError {
            path,
            message,
            code: code.into(),
        }],
    )
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Converts a garde report into the envelope's details.
pub fn garde_error(report: &garde::Report) -> ApiError {
    let details = report
        .iter()
        .map(|(path, error)| {
            let path_text = path.to_string();
            let segments = path_text
                .split('.')
                .filter(|s| !s.is_empty())
                .flat_map(|s| {
                    // garde prints indices as `items[0]`.
                    let mut out = Vec::new();
                    let mut rest = s;
                    if let Some(open) = rest.find('[') {
                        out.push(PathSegment::Key(rest[..open].to_string()));
                        rest = &rest[open..];
                        for part in rest.split('[').filter(|p| !p.is_empty()) {
                            let index = part.trim_end_matches(']');
                            match index.parse() {
                                Ok(i) => out.push(PathSegment::Index(i)),
                                Err(_) => out.push(PathSegment::Key(index.to_string())),
                            }
                        }
                    } else {
                        out.push(PathSegment::Key(rest.to_string()));
                    }
                    out
                })
                .collect();
            FieldError {
                path: segments,
                message: error.message().to_string(),
                code: "invalid".into(),
            }
        })
        .collect();
    ApiError::validation("Invalid request body", details)
}
