//! Avatars and group icons: upload (docs/IMAGES.md, The pipeline), delete, read with an ETag, and the
//! command that moves every picture from one store to the other.
//!
//! The bytes live in an [`ImageStore`]; the owner's row ([`ImageRefs`]) points at them.
//! Writes put the blob first and then the row, so a failed store write leaves no row
//! pointing at nothing. Deletes clear the row first, so a failed blob delete leaves at
//! worst an unreferenced blob, never a row pointing at nothing.

mod migrate;
mod prune;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_migrate;

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::GroupAction;
use pursue_ports::error::RepoError;
use pursue_ports::groups::GroupRepository;
use pursue_ports::images::{
    FetchError, IconRecord, ImageError, ImageKey, ImageProcessor, ImageRefs, ImageStore,
    PictureFetcher, StoreError, StoredImage, WEBP_MIME,
};
use pursue_ports::users::UserRecord;

pub use migrate::{MigrationOptions, MigrationReport, migrate_images};
pub use prune::{PruneReport, remove_unreferenced, unreferenced_keys};

use crate::errors::CoreError;
use crate::groups::authorize_write;

/// Why an image operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ImageFailure {
    /// The upload was refused by the pipeline (or broke its output guard).
    #[error(transparent)]
    Rejected(#[from] ImageError),
    /// The image store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The group is missing, the caller may not change its icon, or the database failed.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// A remote picture (Google profile picture) could not be downloaded.
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

impl From<RepoError> for ImageFailure {
    fn from(e: RepoError) -> Self {
        ImageFailure::Core(CoreError::Repo(e))
    }
}

/// The answer to a picture read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PictureRead {
    /// No picture: unknown or soft-deleted owner, or no picture stored.
    Missing,
    /// The client's cached copy (by ETag) is current.
    NotModified {
        /// The entity tag, without quotes.
        etag: String,
    },
    /// The picture.
    Found {
        /// The entity tag, without quotes.
        etag: String,
        /// Media type to serve.
        mime: String,
        /// The bytes.
        bytes: Bytes,
    },
}

/// The contract's entity tag of a picture (without quotes):
/// `avatar-<user_id>-<updated_at epoch ms>` or `icon-<group_id>-<updated_at epoch ms>`.
pub fn etag(key: &ImageKey, updated_at: DateTime<Utc>) -> String {
    let kind = match key {
        ImageKey::Avatar(_) => "avatar",
        ImageKey::GroupIcon(_) => "icon",
    };
    format!(
        "{kind}-{}-{}",
        key.owner().hyphenated(),
        updated_at.timestamp_millis()
    )
}

/// Avatar and icon use cases.
#[derive(Clone)]
pub struct ImageService {
    processor: Arc<dyn ImageProcessor>,
    store: Arc<dyn ImageStore>,
    other: Option<Arc<dyn ImageStore>>,
    refs: Arc<dyn ImageRefs>,
    groups: Arc<dyn GroupRepository>,
    fetcher: Option<Arc<dyn PictureFetcher>>,
}

impl ImageService {
    /// Wires the ports; `store` is where new pictures go.
    pub fn new(
        processor: Arc<dyn ImageProcessor>,
        store: Arc<dyn ImageStore>,
        refs: Arc<dyn ImageRefs>,
        groups: Arc<dyn GroupRepository>,
    ) -> Self {
        Self {
            processor,
            store,
            other: None,
            refs,
            groups,
            fetcher: None,
        }
    }

    /// Enables [`ImageService::import_avatar`] (profile pictures of Google sign-ins).
    pub fn with_fetcher(mut self, fetcher: Arc<dyn PictureFetcher>) -> Self {
        self.fetcher = Some(fetcher);
        self
    }

    /// Imports a sign-in provider's profile picture as the avatar of `user` (docs/ACCOUNTS.md, Google sign-in):
    /// downloads it, runs the pipeline, stores it, points the row at it. Does nothing (and
    /// answers `false`) without a fetcher or when the user already has an avatar. Meant to
    /// run after the sign-in has answered: its failures are only logged by the caller.
    ///
    /// Errors: [`ImageFailure::Fetch`], [`ImageFailure::Rejected`], [`ImageFailure::Store`],
    /// [`ImageFailure::Core`].
    #[tracing::instrument(level = "debug", name = "images.import_avatar", skip_all)]
    pub async fn import_avatar(&self, user: UserId, url: &str) -> Result<bool, ImageFailure> {
        let Some(fetcher) = &self.fetcher else {
            return Ok(false);
        };
        let key = ImageKey::Avatar(user.as_uuid());
        if self.refs.find(&key).await?.is_some() {
            return Ok(false);
        }
        let picture = fetcher.fetch(url.to_owned()).await?;
        let mime = self.store_upload(&key, picture.bytes, picture.mime).await?;
        if self.refs.set_avatar(user, mime).await? {
            Ok(true)
        } else {
            let _ = self.store.delete(&key).await;
            Ok(false)
        }
    }

    /// Adds the other store while pictures move between stores: reads that miss in the
    /// main store are tried there, and writes and deletes remove the picture from it so it
    /// never keeps a copy older than the main store's.
    pub fn with_other_store(mut self, other: Arc<dyn ImageStore>) -> Self {
        self.other = Some(other);
        self
    }

    /// Runs the pipeline on an upload, stores the result under `key`, and removes any older
    /// copy from the other store. Nothing points at the new blob yet.
    async fn store_upload(
        &self,
        key: &ImageKey,
        input: Bytes,
        declared_mime: Option<String>,
    ) -> Result<&'static str, ImageFailure> {
        let image = self.processor.process(input, declared_mime).await?;
        self.store.put(key, image.bytes, image.mime).await?;
        self.drop_other_copy(key).await;
        Ok(image.mime)
    }

    /// Removes the copy of `key` in the other store, if there is one (a failure is only
    /// logged: the main store's picture is the one served first).
    async fn drop_other_copy(&self, key: &ImageKey) {
        if let Some(other) = &self.other
            && let Err(e) = other.delete(key).await
        {
            tracing::warn!(%key, error = %e, "could not remove the copy in the other image store");
        }
    }

    /// Removes the blob of `key` from the main store and the other one.
    async fn remove_blobs(&self, key: &ImageKey) -> Result<(), ImageFailure> {
        self.drop_other_copy(key).await;
        self.store.delete(key).await?;
        Ok(())
    }

    /// `POST /users/me/avatar`: processes the upload, stores it, then points the caller's
    /// row at it (`updated_at`, hence the ETag, changes).
    ///
    /// Errors: [`ImageFailure::Rejected`] for a refused upload, [`ImageFailure::Store`],
    /// [`ImageFailure::Core`] (`NotFound` if the account vanished meanwhile, `Repo`).
    #[tracing::instrument(level = "debug", name = "images.upload_avatar", skip_all)]
    pub async fn upload_avatar(
        &self,
        caller: &UserRecord,
        input: Bytes,
        declared_mime: Option<String>,
    ) -> Result<(), ImageFailure> {
        let key = ImageKey::Avatar(caller.id.as_uuid());
        let mime = self.store_upload(&key, input, declared_mime).await?;
        if self.refs.set_avatar(caller.id, mime).await? {
            Ok(())
        } else {
            // The account disappeared between authentication and now: drop the orphan.
            let _ = self.store.delete(&key).await;
            Err(CoreError::NotFound.into())
        }
    }

    /// `DELETE /users/me/avatar`: clears the row, then the blob (idempotent).
    ///
    /// Errors: [`ImageFailure::Store`] when the blob could not be removed (the avatar is
    /// already gone for readers; a retry removes the blob), [`ImageFailure::Core`].
    #[tracing::instrument(level = "debug", name = "images.delete_avatar", skip_all)]
    pub async fn delete_avatar(&self, caller: &UserRecord) -> Result<(), ImageFailure> {
        self.refs.clear_avatar(caller.id).await?;
        self.remove_blobs(&ImageKey::Avatar(caller.id.as_uuid()))
            .await
    }

    /// `PATCH /groups/:id/icon` (admin or creator): processes the upload, stores it, then
    /// points the group at it, clearing its emoji and colour, in a transaction that checks
    /// the caller's right again first. No network call happens inside that transaction, so
    /// the bytes are written before it: when it refuses (the caller was demoted or removed
    /// meanwhile), the previous picture is put back and nothing the caller sent remains.
    ///
    /// Errors: [`CoreError::NotFound`] / [`CoreError::Forbidden`] (checked before the
    /// upload is decoded, and again in the transaction), [`ImageFailure::Rejected`],
    /// [`ImageFailure::Store`].
    #[tracing::instrument(level = "debug", name = "images.upload_icon", skip_all)]
    pub async fn upload_icon(
        &self,
        caller: &UserRecord,
        group: GroupId,
        input: Bytes,
        declared_mime: Option<String>,
    ) -> Result<IconRecord, ImageFailure> {
        let guard =
            authorize_write(&*self.groups, group, caller.id, GroupAction::ManageIcon).await?;
        let key = ImageKey::GroupIcon(group.as_uuid());
        let image = self.processor.process(input, declared_mime).await?;
        let previous = self.store.get(&key).await?;
        self.store.put(&key, image.bytes, image.mime).await?;
        match self.refs.set_group_icon(guard, image.mime).await {
            Ok(Some(icon)) => {
                self.drop_other_copy(&key).await;
                Ok(icon)
            }
            Ok(None) => {
                let _ = self.store.delete(&key).await;
                Err(CoreError::NotFound.into())
            }
            Err(refused) => {
                self.restore(&key, previous).await;
                Err(refused.into())
            }
        }
    }

    /// Puts `previous` back under `key` (or removes the key when there was none) after a
    /// refused or failed row switch; a failure is only logged.
    async fn restore(&self, key: &ImageKey, previous: Option<StoredImage>) {
        let restored = match previous {
            Some(old) => {
                let mime = old.mime.as_deref().unwrap_or(WEBP_MIME);
                self.store.put(key, old.bytes, mime).await
            }
            None => self.store.delete(key).await,
        };
        if let Err(e) = restored {
            tracing::warn!(%key, error = %e, "could not restore the previous picture");
        }
    }

    /// `DELETE /groups/:id/icon` (admin or creator): clears the icon columns, then the
    /// blob; emoji and colour stay as they are (idempotent).
    ///
    /// Errors: [`CoreError::NotFound`], [`CoreError::Forbidden`], [`ImageFailure::Store`].
    #[tracing::instrument(level = "debug", name = "images.delete_icon", skip_all)]
    pub async fn delete_icon(
        &self,
        caller: &UserRecord,
        group: GroupId,
    ) -> Result<IconRecord, ImageFailure> {
        let guard =
            authorize_write(&*self.groups, group, caller.id, GroupAction::ManageIcon).await?;
        let icon = self
            .refs
            .clear_group_icon(guard)
            .await?
            .ok_or(CoreError::NotFound)?;
        self.remove_blobs(&ImageKey::GroupIcon(group.as_uuid()))
            .await?;
        Ok(icon)
    }

    /// `GET /users/:id/avatar` and `GET /groups/:id/icon`: the picture of `key`, or
    /// [`PictureRead::NotModified`] when `is_cached` accepts its ETag (the blob is then
    /// not read at all).
    ///
    /// Errors: [`ImageFailure::Store`], [`ImageFailure::Core`] (`Repo`).
    #[tracing::instrument(level = "debug", name = "images.read", skip_all)]
    pub async fn read(
        &self,
        key: &ImageKey,
        is_cached: impl Fn(&str) -> bool + Send,
    ) -> Result<PictureRead, ImageFailure> {
        let Some(pointer) = self.refs.find(key).await? else {
            return Ok(PictureRead::Missing);
        };
        let etag = etag(key, pointer.updated_at);
        if is_cached(&etag) {
            return Ok(PictureRead::NotModified { etag });
        }
        let mut stored = self.store.get(key).await?;
        if stored.is_none()
            && let Some(other) = &self.other
        {
            stored = other.get(key).await?;
        }
        let Some(stored) = stored else {
            tracing::warn!(%key, "the row points at a picture that no store holds");
            return Ok(PictureRead::Missing);
        };
        let mime = if pointer.mime.is_empty() {
            stored.mime.unwrap_or_else(|| WEBP_MIME.to_owned())
        } else {
            pointer.mime
        };
        Ok(PictureRead::Found {
            etag,
            mime,
            bytes: stored.bytes,
        })
    }
}
