//! The one-file multipart upload of the avatar and icon endpoints (docs/IMAGES.md, The pipeline, step 1),
//! read as a stream with a hard byte cap: an oversized upload is refused as soon as the cap
//! is passed, without buffering the rest of it.

use actix_multipart::{Multipart, MultipartError};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

use crate::error::{ApiError, FieldError};

/// Largest accepted file: 5 MB (5 242 880 bytes).
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// Bytes of non-file form fields tolerated beside the file.
const MAX_OTHER_FIELD_BYTES: usize = 64 * 1024;

/// The uploaded file.
#[derive(Debug)]
pub struct Upload {
    /// The file's bytes (at most [`MAX_UPLOAD_BYTES`]).
    pub bytes: Bytes,
    /// The media type the client declared for the part, if any.
    pub declared_mime: Option<String>,
}

/// `400 FILE_TOO_LARGE`.
fn too_large() -> ApiError {
    ApiError::bad_request("FILE_TOO_LARGE", "File is too large. Maximum size is 5MB")
}

/// `400 MISSING_FILE`.
fn missing(part: &str) -> ApiError {
    ApiError::bad_request("MISSING_FILE", format!("No file uploaded in part `{part}`"))
}

/// A multipart syntax problem: `400 VALIDATION_ERROR`.
fn malformed(e: &MultipartError) -> ApiError {
    ApiError::validation(
        "Invalid multipart body",
        vec![FieldError {
            path: Vec::new(),
            message: e.to_string(),
            code: "invalid_multipart".into(),
        }],
    )
}

/// Non-file form fields over their 64 KiB allowance: `400 VALIDATION_ERROR` on that field
/// (the file itself was not too large).
fn field_too_large(name: &str) -> ApiError {
    ApiError::validation(
        "Invalid multipart body",
        vec![FieldError::field(
            name,
            "too_large",
            "form fields beside the file may hold at most 64 KB",
        )],
    )
}

/// A file part other than the expected one: `400 VALIDATION_ERROR`.
fn unexpected_file(name: &str, message: &str) -> ApiError {
    ApiError::validation(
        "Invalid multipart body",
        vec![FieldError::field(name, "unexpected_file", message)],
    )
}

/// Reads exactly one file from part `part` of a `multipart/form-data` body.
///
/// Refusals: a body that is not multipart, or has no `part` file → `400 MISSING_FILE`;
/// more than [`MAX_UPLOAD_BYTES`] in the file → `400 FILE_TOO_LARGE` (the rest of the body
/// is never read); another file part, a second `part`, or broken multipart syntax →
/// `400 VALIDATION_ERROR`. Non-file fields are read and ignored (at most 64 KiB, else
/// `400 VALIDATION_ERROR` naming the field).
pub async fn read_upload(mut multipart: Multipart, part: &str) -> Result<Upload, ApiError> {
    let mut file: Option<Upload> = None;
    let mut other_bytes = 0usize;
    while let Some(field) = multipart.next().await {
        let mut field = match field {
            Ok(field) => field,
            Err(
                MultipartError::ContentTypeMissing
                | MultipartError::ContentTypeParse
                | MultipartError::ContentTypeIncompatible,
            ) => return Err(missing(part)),
            Err(e) => return Err(malformed(&e)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = field
            .content_disposition()
            .is_some_and(|cd| cd.get_filename().is_some());
        if name == part {
            if file.is_some() {
                return Err(unexpected_file(&name, "exactly one file is accepted"));
            }
            let declared_mime = field.content_type().map(|m| m.essence_str().to_owned());
            let mut buffer = BytesMut::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|e| malformed(&e))?;
                if buffer.len() + chunk.len() > MAX_UPLOAD_BYTES {
                    return Err(too_large());
                }
                buffer.extend_from_slice(&chunk);
            }
            file = Some(Upload {
                bytes: buffer.freeze(),
                declared_mime,
            });
        } else if is_file {
            return Err(unexpected_file(
                &name,
                &format!("only the `{part}` file part is accepted"),
            ));
        } else {
            while let Some(chunk) = field.next().await {
                other_bytes += chunk.map_err(|e| malformed(&e))?.len();
                if other_bytes > MAX_OTHER_FIELD_BYTES {
                    return Err(field_too_large(&name));
                }
            }
        }
    }
    file.ok_or_else(|| missing(part))
}
