//! The response of the avatar and icon GETs: the bytes with caching headers, `304` on a
//! matching `If-None-Match`, or the endpoint's 404.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use pursue_app::images::{ImageService, PictureRead};
use pursue_ports::images::ImageKey;

use crate::error::ApiError;

/// `Cache-Control` of picture responses.
const CACHE_CONTROL: &str = "public, max-age=86400";

/// The entity tags of the request's `If-None-Match`, unquoted (weak ones included; `*`
/// kept as is).
fn cached_tags(req: &HttpRequest) -> Vec<String> {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| {
            tag.trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .to_owned()
        })
        .filter(|tag| !tag.is_empty())
        .collect()
}

/// Reads `key` and answers `200` with the picture, `304`, or `missing` (a 404).
pub async fn serve(
    images: &ImageService,
    req: &HttpRequest,
    key: Option<ImageKey>,
    missing: fn() -> ApiError,
) -> Result<HttpResponse, ApiError> {
    let Some(key) = key else {
        return Err(missing());
    };
    let tags = cached_tags(req);
    let read = images
        .read(&key, |etag| {
            tags.iter().any(|tag| tag == "*" || tag == etag)
        })
        .await
        .map_err(ApiError::from)?;
    let (mut response, etag) = match read {
        PictureRead::Missing => return Err(missing()),
        PictureRead::NotModified { etag } => (HttpResponse::NotModified().finish(), etag),
        PictureRead::Found { etag, mime, bytes } => (
            HttpResponse::Ok()
                .insert_header((header::CONTENT_TYPE, mime))
                .body(bytes),
            etag,
        ),
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&format!("\"{etag}\"")) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}
