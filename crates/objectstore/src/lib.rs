//! Pursue object-store adapter: avatars and group icons in S3-compatible storage
//! (Cloudflare R2, AWS S3, MinIO, …), implementing [`ImageStore`].
//!
//! Layout in the bucket: `<key_prefix>avatars/<user uuid>` and
//! `<key_prefix>group-icons/<group uuid>`, each object carrying its media type as
//! `Content-Type`. Uuids are written lower-case and hyphenated, so the bucket's
//! lexicographic order is the [`ImageKey`] order and [`ImageStore::list_keys`] pages with
//! S3's own `start-after` and `max-keys`.
//!
//! Requests are path-style (`<endpoint>/<bucket>/<key>`), which every S3-compatible server
//! accepts; plain `http://` endpoints are allowed for local servers. Each request has a time
//! limit and a small number of retries, so a store that is down surfaces quickly as
//! [`StoreError::Unavailable`] instead of holding the request.

mod config;

use async_trait::async_trait;
use bytes::Bytes;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::list::{PaginatedListOptions, PaginatedListStore};
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions, PutPayload,
    RetryConfig,
};
use pursue_ports::images::{ImageKey, ImageKind, ImageStore, StoreError, StoredImage};
use uuid::Uuid;

pub use config::S3Config;

/// Largest page S3 returns from one listing request.
const MAX_KEYS_PER_REQUEST: usize = 1000;

/// An [`ImageStore`] over an S3-compatible bucket.
#[derive(Debug)]
pub struct S3ImageStore {
    s3: AmazonS3,
    prefix: String,
}

impl S3ImageStore {
    /// Connects lazily to the bucket described by `config` (no request is made here).
    ///
    /// Errors: [`StoreError::Unexpected`] for a configuration the client refuses (for
    /// example a malformed endpoint URL).
    pub fn new(config: &S3Config) -> Result<Self, StoreError> {
        let mut client = ClientOptions::new()
            .with_timeout(config.request_timeout)
            .with_connect_timeout(config.connect_timeout);
        if let Some(endpoint) = &config.endpoint {
            client = client.with_allow_http(endpoint.starts_with("http://"));
        }
        let retry = RetryConfig {
            max_retries: config.max_retries,
            retry_timeout: config.request_timeout,
            ..RetryConfig::default()
        };
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key)
            .with_virtual_hosted_style_request(false)
            .with_client_options(client)
            .with_retry(retry);
        if let Some(endpoint) = &config.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        let s3 = builder
            .build()
            .map_err(|e| StoreError::Unexpected(anyhow::Error::new(e).context("S3 client")))?;
        Ok(Self {
            s3,
            prefix: config.key_prefix.clone(),
        })
    }

    /// The folder (with trailing slash) that holds the pictures of `kind`.
    fn folder(&self, kind: ImageKind) -> String {
        let name = match kind {
            ImageKind::Avatar => "avatars/",
            ImageKind::GroupIcon => "group-icons/",
        };
        format!("{}{name}", self.prefix)
    }

    /// The object name of `key`.
    fn object_name(&self, key: &ImageKey) -> String {
        format!("{}{}", self.folder(key.kind()), key.owner().hyphenated())
    }

    fn path(&self, key: &ImageKey) -> Path {
        Path::from(self.object_name(key))
    }

    /// One page of keys of `kind`, after `offset` (an object name) when given.
    async fn list_kind(
        &self,
        kind: ImageKind,
        offset: Option<String>,
        limit: usize,
    ) -> Result<Vec<ImageKey>, StoreError> {
        let folder = self.folder(kind);
        let mut keys = Vec::new();
        let mut page_token = None;
        loop {
            let options = PaginatedListOptions {
                offset: offset.clone(),
                max_keys: Some((limit - keys.len()).min(MAX_KEYS_PER_REQUEST)),
                page_token: page_token.take(),
                ..PaginatedListOptions::default()
            };
            let page = self
                .s3
                .list_paginated(Some(&folder), options)
                .await
                .map_err(store_error)?;
            for object in page.result.objects {
                let name = object.location.as_ref();
                match name.strip_prefix(&folder).map(Uuid::try_parse) {
                    Some(Ok(id)) => keys.push(ImageKey::new(kind, id)),
                    _ => tracing::warn!(
                        object = name,
                        "ignoring a foreign object in the image store"
                    ),
                }
            }
            match page.page_token {
                Some(token) if keys.len() < limit => page_token = Some(token),
                _ => break,
            }
        }
        keys.sort();
        keys.truncate(limit);
        Ok(keys)
    }
}

/// Maps an object-store failure: transport problems and server errors are worth retrying
/// later; everything else (refused credentials, bad requests, …) is unexpected.
fn store_error(error: object_store::Error) -> StoreError {
    match error {
        object_store::Error::Generic { .. } => StoreError::Unavailable(error.into()),
        other => StoreError::Unexpected(other.into()),
    }
}

#[async_trait]
impl ImageStore for S3ImageStore {
    async fn put(&self, key: &ImageKey, bytes: Bytes, mime: &str) -> Result<(), StoreError> {
        let options = PutOptions {
            attributes: Attributes::from_iter([(Attribute::ContentType, mime.to_owned())]),
            ..PutOptions::default()
        };
        self.s3
            .put_opts(&self.path(key), PutPayload::from(bytes), options)
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn get(&self, key: &ImageKey) -> Result<Option<StoredImage>, StoreError> {
        let result = match self.s3.get(&self.path(key)).await {
            Ok(result) => result,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(other) => return Err(store_error(other)),
        };
        let mime = result
            .attributes
            .get(&Attribute::ContentType)
            .map(|value| value.to_string());
        let bytes = result.bytes().await.map_err(store_error)?;
        Ok(Some(StoredImage { bytes, mime }))
    }

    async fn delete(&self, key: &ImageKey) -> Result<(), StoreError> {
        match self.s3.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(other) => Err(store_error(other)),
        }
    }

    async fn list_keys(
        &self,
        after: Option<ImageKey>,
        limit: usize,
    ) -> Result<Vec<ImageKey>, StoreError> {
        let mut keys = Vec::new();
        for kind in [ImageKind::Avatar, ImageKind::GroupIcon] {
            let offset = match after {
                Some(after) if after.kind() > kind => continue,
                Some(after) if after.kind() == kind => Some(self.object_name(&after)),
                _ => None,
            };
            if keys.len() >= limit {
                break;
            }
            let page = self.list_kind(kind, offset, limit - keys.len()).await?;
            keys.extend(page);
        }
        Ok(keys)
    }
}
