//! Connection settings of the S3-compatible store.

use std::fmt;
use std::time::Duration;

/// Where and how to reach the bucket. Built by the server's start-up from `S3_*`
/// variables; the secret never appears in `Debug` output.
#[derive(Clone)]
pub struct S3Config {
    /// Bucket name.
    pub bucket: String,
    /// Endpoint URL (R2: `https://<account>.r2.cloudflarestorage.com`, MinIO:
    /// `http://host:9000`); `None` for AWS S3 itself.
    pub endpoint: Option<String>,
    /// Region (`auto` for R2, `us-east-1` for most local servers).
    pub region: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Prepended to every object name, e.g. `pursue/` to share a bucket (empty by default).
    pub key_prefix: String,
    /// Time limit of one operation including its retries.
    pub request_timeout: Duration,
    /// Time limit for opening a connection.
    pub connect_timeout: Duration,
    /// Retries of a failed request (server errors, dropped connections).
    pub max_retries: usize,
}

impl S3Config {
    /// Settings with the default prefix (none), time limits (10 s per operation, 3 s to
    /// connect) and 2 retries.
    pub fn new(
        bucket: impl Into<String>,
        endpoint: Option<String>,
        region: impl Into<String>,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> Self {
        Self {
            bucket: bucket.into(),
            endpoint,
            region: region.into(),
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            key_prefix: String::new(),
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(3),
            max_retries: 2,
        }
    }
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("key_prefix", &self.key_prefix)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .finish()
    }
}
