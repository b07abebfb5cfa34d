//! Configuration of the image store (`IMAGE_STORE`, `S3_*`; see README, Configuration).

use crate::config::Secret;

/// Where uploaded images are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageStoreKind {
    /// BYTEA columns of the v1 schema.
    Postgres,
    /// An S3-compatible bucket.
    S3,
}

/// S3-compatible storage settings.
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    /// Bucket name.
    pub bucket: Option<String>,
    /// Endpoint URL (R2, MinIO, a local server); AWS when unset.
    pub endpoint: Option<String>,
    /// Region (`auto` for R2).
    pub region: Option<String>,
    /// Access key id.
    pub access_key_id: Option<String>,
    /// Secret access key.
    pub secret_access_key: Option<Secret>,
}

/// `IMAGE_STORE` and the `S3_*` settings, with one message per problem in `errors`.
pub(crate) fn image_store(
    get: &impl Fn(&str) -> Option<String>,
    errors: &mut Vec<String>,
) -> (ImageStoreKind, S3Settings) {
    let image_store = crate::config::choice(
        get,
        "IMAGE_STORE",
        [
            ("postgres", ImageStoreKind::Postgres),
            ("s3", ImageStoreKind::S3),
        ],
        errors,
    );
    let s3 = S3Settings {
        bucket: get("S3_BUCKET"),
        endpoint: get("S3_ENDPOINT"),
        region: get("S3_REGION"),
        access_key_id: get("S3_ACCESS_KEY_ID"),
        secret_access_key: get("S3_SECRET_ACCESS_KEY").map(Secret::new),
    };
    if image_store == ImageStoreKind::S3 && s3.bucket.is_none() {
        errors.push("IMAGE_STORE=s3 needs S3_BUCKET".into());
    }
    if s3.bucket.is_some() {
        for (name, missing) in [
            ("S3_ACCESS_KEY_ID", s3.access_key_id.is_none()),
            ("S3_SECRET_ACCESS_KEY", s3.secret_access_key.is_none()),
        ] {
            if missing {
                errors.push(format!("S3_BUCKET is set, so {name} is needed"));
            }
        }
    }
    if let Some(endpoint) = &s3.endpoint
        && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
    {
        errors.push(format!(
            "S3_ENDPOINT must be an http(s) URL, not `{endpoint}`"
        ));
    }
    (image_store, s3)
}
