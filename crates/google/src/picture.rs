//! Downloads of Google profile pictures (the `picture` claim), for the avatar import of
//! docs/ACCOUNTS.md, Google sign-in: http(s) only, a time limit, and a hard size cap enforced while the body
//! streams in.

use std::time::Duration;

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use pursue_ports::images::{FetchError, FetchedPicture, PictureFetcher};

/// Largest picture accepted (the upload limit, docs/IMAGES.md).
pub const MAX_PICTURE_BYTES: usize = 5 * 1024 * 1024;

/// [`PictureFetcher`] over HTTP.
#[derive(Clone)]
pub struct HttpPictureFetcher {
    client: reqwest::Client,
    max_bytes: usize,
}

impl HttpPictureFetcher {
    /// A fetcher giving up after `timeout` (connection and body included) or past
    /// [`MAX_PICTURE_BYTES`]; redirects are followed at most 3 times.
    ///
    /// Errors: the HTTP client cannot be built (TLS set-up).
    pub fn new(timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()?;
        Ok(Self {
            client,
            max_bytes: MAX_PICTURE_BYTES,
        })
    }

    /// Lowers or raises the size cap (tests).
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }
}

#[async_trait]
impl PictureFetcher for HttpPictureFetcher {
    async fn fetch(&self, url: String) -> Result<FetchedPicture, FetchError> {
        let parsed = reqwest::Url::parse(&url)
            .map_err(|e| FetchError::Refused(format!("not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "https" | "http") {
            return Err(FetchError::Refused(format!(
                "scheme `{}` is not http(s)",
                parsed.scheme()
            )));
        }
        let mut response = self
            .client
            .get(parsed)
            .send()
            .await
            .map_err(|e| FetchError::Unavailable(e.into()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Refused(format!("HTTP {}", status.as_u16())));
        }
        if response
            .content_length()
            .is_some_and(|n| n > self.max_bytes as u64)
        {
            return Err(FetchError::Refused("larger than the size cap".into()));
        }
        let mime = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or(v).trim().to_ascii_lowercase());
        let mut body = BytesMut::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| FetchError::Unavailable(e.into()))?
        {
            if body.len() + chunk.len() > self.max_bytes {
                return Err(FetchError::Refused("larger than the size cap".into()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(FetchedPicture {
            bytes: Bytes::from(body),
            mime,
        })
    }
}
