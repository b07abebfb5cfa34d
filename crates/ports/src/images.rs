//! Uploaded pictures: the processing pipeline and the store for avatars and group icons.
//!
//! [`ImageProcessor`] turns an untrusted upload into a small, normalised WebP;
//! [`ImageStore`] keeps the result under an [`ImageKey`]; [`ImageRefs`] are the user and
//! group rows that point at a stored picture.

use std::fmt;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use pursue_domain::ids::{GroupId, UserId};
use uuid::Uuid;

use crate::error::RepoError;
use crate::groups::WriteGuard;

/// Media type of every image the processor produces.
pub const WEBP_MIME: &str = "image/webp";

/// A normalised picture ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedImage {
    /// Encoded image bytes.
    pub bytes: Bytes,
    /// Media type of `bytes` (always [`WEBP_MIME`] for the standard pipeline).
    pub mime: &'static str,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Why an upload could not be turned into a picture.
///
/// The first three variants are the client's fault (400 `FILE_TOO_LARGE`,
/// `INVALID_FILE_TYPE`, `INVALID_IMAGE`); the last two are ours (500).
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The upload is larger than the accepted input size.
    #[error("the file has {size} bytes, more than the limit of {limit}")]
    FileTooLarge {
        /// Size of the upload in bytes.
        size: usize,
        /// Largest accepted size in bytes.
        limit: usize,
    },
    /// The declared media type, or the format found in the bytes, is not an accepted one.
    #[error("unsupported file type: {0}")]
    InvalidFileType(String),
    /// The bytes cannot be decoded, or the picture is too large in pixels.
    #[error("invalid image: {0}")]
    InvalidImage(String),
    /// The encoded result exceeds the output guard (a server-side failure).
    #[error("the processed image has {size} bytes, more than the limit of {limit}")]
    OutputTooLarge {
        /// Size of the encoded result in bytes.
        size: usize,
        /// Largest allowed output in bytes.
        limit: usize,
    },
    /// Anything else (encoder failure, a worker that panicked, …).
    #[error("unexpected image processing failure: {0}")]
    Unexpected(#[source] anyhow::Error),
}

/// Turns an uploaded file into a square, metadata-free picture (docs/IMAGES.md, The pipeline).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ImageProcessor: Send + Sync {
    /// Validates, decodes, orients, crops, resizes and re-encodes an upload.
    ///
    /// `declared_mime` is the media type the client sent with the file part, if any; it is
    /// checked against the accepted types but never trusted for decoding.
    ///
    /// Errors: [`ImageError::FileTooLarge`] past the input limit,
    /// [`ImageError::InvalidFileType`] for a declared type or a detected format that is not
    /// accepted, [`ImageError::InvalidImage`] for undecodable bytes or too many pixels,
    /// [`ImageError::OutputTooLarge`] when the result breaks the output guard,
    /// [`ImageError::Unexpected`] otherwise.
    async fn process(
        &self,
        input: Bytes,
        declared_mime: Option<String>,
    ) -> Result<ProcessedImage, ImageError>;
}

/// What a stored picture belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImageKind {
    /// A user's avatar.
    Avatar,
    /// A group's icon.
    GroupIcon,
}

/// Identifies one stored picture: its kind and the id of the user or group it belongs to.
///
/// Keys are totally ordered: every avatar before every group icon, then by the id's bytes
/// (the order of PostgreSQL's `uuid` and of the lower-case hyphenated text form).
/// [`ImageStore::list_keys`] pages through keys in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImageKey {
    /// The avatar of the user with this id.
    Avatar(Uuid),
    /// The icon of the group with this id.
    GroupIcon(Uuid),
}

impl ImageKey {
    /// The kind of picture this key names.
    pub fn kind(&self) -> ImageKind {
        match self {
            ImageKey::Avatar(_) => ImageKind::Avatar,
            ImageKey::GroupIcon(_) => ImageKind::GroupIcon,
        }
    }

    /// The id of the user or group that owns the picture.
    pub fn owner(&self) -> Uuid {
        match self {
            ImageKey::Avatar(id) | ImageKey::GroupIcon(id) => *id,
        }
    }

    /// Builds the key of `kind` for `owner`.
    pub fn new(kind: ImageKind, owner: Uuid) -> Self {
        match kind {
            ImageKind::Avatar => ImageKey::Avatar(owner),
            ImageKind::GroupIcon => ImageKey::GroupIcon(owner),
        }
    }
}

impl fmt::Display for ImageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageKey::Avatar(id) => write!(f, "avatar {id}"),
            ImageKey::GroupIcon(id) => write!(f, "group icon {id}"),
        }
    }
}

/// A picture read back from a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    /// Encoded image bytes, as they were put.
    pub bytes: Bytes,
    /// Media type recorded with the bytes; `None` when the store kept none (serve as
    /// [`WEBP_MIME`]).
    pub mime: Option<String>,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store could not be reached or did not answer in time (a 503, worth retrying).
    #[error("the image store is unavailable: {0}")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else (refused credentials, a malformed answer, …).
    #[error("unexpected image store failure: {0}")]
    Unexpected(#[source] anyhow::Error),
}

/// Keeps avatars and group icons, one blob per [`ImageKey`].
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ImageStore: Send + Sync {
    /// Stores `bytes` with media type `mime` under `key`, replacing any previous picture
    /// atomically (a reader sees the old or the new picture, never a mix).
    ///
    /// Errors: [`StoreError::Unavailable`] when the store cannot be reached,
    /// [`StoreError::Unexpected`] otherwise.
    async fn put(&self, key: &ImageKey, bytes: Bytes, mime: &str) -> Result<(), StoreError>;

    /// Reads the picture under `key`; `Ok(None)` when there is none.
    ///
    /// Errors: [`StoreError::Unavailable`] when the store cannot be reached,
    /// [`StoreError::Unexpected`] otherwise.
    async fn get(&self, key: &ImageKey) -> Result<Option<StoredImage>, StoreError>;

    /// Removes the picture under `key`; removing a missing picture succeeds.
    ///
    /// Errors: [`StoreError::Unavailable`] when the store cannot be reached,
    /// [`StoreError::Unexpected`] otherwise.
    async fn delete(&self, key: &ImageKey) -> Result<(), StoreError>;

    /// Returns up to `limit` keys of stored pictures, in [`ImageKey`] order, strictly after
    /// `after` (from the first key when `None`). An empty page means the listing is done.
    ///
    /// Errors: [`StoreError::Unavailable`] when the store cannot be reached,
    /// [`StoreError::Unexpected`] otherwise.
    async fn list_keys(
        &self,
        after: Option<ImageKey>,
        limit: usize,
    ) -> Result<Vec<ImageKey>, StoreError>;
}

/// What the owner's row says about its picture: the row is the pointer, the store holds
/// the bytes. `has_avatar` / `has_icon` everywhere mean "the row has a media type".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Media type recorded on the row (`*_mime_type`).
    pub mime: String,
    /// The owner's `updated_at` (the ETag is derived from it).
    pub updated_at: DateTime<Utc>,
}

/// A group's icon fields after the icon changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IconRecord {
    /// The group.
    pub id: GroupId,
    /// Whether an uploaded icon exists.
    pub has_icon: bool,
    /// Emoji icon.
    pub icon_emoji: Option<pursue_domain::group::IconEmoji>,
    /// `#RRGGBB` icon colour.
    pub icon_color: Option<pursue_domain::group::IconColor>,
    /// Last change of the group.
    pub updated_at: DateTime<Utc>,
}

/// The rows that point at pictures: `users.avatar_mime_type` and `groups.icon_mime_type`.
///
/// Writes here happen after the bytes are in the [`ImageStore`] (blob first, then the row),
/// so a row never points at a picture that was not stored.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ImageRefs: Send + Sync {
    /// The picture the owner's row points at; `None` when the owner does not exist, is
    /// soft-deleted, or has no picture.
    ///
    /// Errors: [`RepoError`].
    async fn find(&self, key: &ImageKey) -> Result<Option<ImageRef>, RepoError>;

    /// Points the user's row at a stored avatar of media type `mime` (`updated_at`
    /// changes); `false` when the user no longer exists.
    ///
    /// Errors: [`RepoError`].
    async fn set_avatar(&self, user: UserId, mime: &str) -> Result<bool, RepoError>;

    /// Clears both avatar columns of the user (idempotent).
    ///
    /// Errors: [`RepoError`].
    async fn clear_avatar(&self, user: UserId) -> Result<(), RepoError>;

    /// Checks `guard` first in the transaction, then points the group's row at a stored icon
    /// of media type `mime` and clears its emoji and colour; `None` when the group no
    /// longer exists.
    ///
    /// Errors: [`RepoError::Denied`] when the guard refuses (nothing written),
    /// [`RepoError`].
    async fn set_group_icon(
        &self,
        guard: WriteGuard,
        mime: &str,
    ) -> Result<Option<IconRecord>, RepoError>;

    /// Checks `guard` and clears both icon columns of the group in the same transaction
    /// (idempotent), keeping emoji and colour; `None` when the group no longer exists.
    ///
    /// Errors: [`RepoError::Denied`] when the guard refuses, [`RepoError`].
    async fn clear_group_icon(&self, guard: WriteGuard) -> Result<Option<IconRecord>, RepoError>;

    /// The keys among `keys` whose owner row points at a picture (soft-deleted owners
    /// included), in the order given.
    ///
    /// Errors: [`RepoError`].
    async fn referenced(&self, keys: &[ImageKey]) -> Result<Vec<ImageKey>, RepoError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_avatars_first_then_by_id_bytes() {
        let low = Uuid::from_u128(1);
        let high = Uuid::from_u128(u128::MAX - 1);
        let mut keys = vec![
            ImageKey::GroupIcon(low),
            ImageKey::Avatar(high),
            ImageKey::Avatar(low),
        ];
        keys.sort();
        assert_eq!(
            keys,
            vec![
                ImageKey::Avatar(low),
                ImageKey::Avatar(high),
                ImageKey::GroupIcon(low)
            ]
        );
        // The text form sorts the same way as the bytes.
        assert!(low.hyphenated().to_string() < high.hyphenated().to_string());
    }

    #[test]
    fn key_parts_round_trip() {
        let id = Uuid::from_u128(42);
        for kind in [ImageKind::Avatar, ImageKind::GroupIcon] {
            let key = ImageKey::new(kind, id);
            assert_eq!((key.kind(), key.owner()), (kind, id));
        }
    }
}

/// A picture downloaded from elsewhere (a Google profile picture), not yet processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedPicture {
    /// The raw bytes, at most the fetcher's size cap.
    pub bytes: Bytes,
    /// The `Content-Type` the server sent, if any (checked, never trusted).
    pub mime: Option<String>,
}

/// Why a remote picture could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL or the answer is unacceptable (scheme, status, size).
    #[error("picture refused: {0}")]
    Refused(String),
    /// The server could not be reached in time.
    #[error("picture unavailable: {0}")]
    Unavailable(#[source] anyhow::Error),
}

/// Downloads pictures by URL (sign-in providers' profile pictures, docs/ACCOUNTS.md, Google sign-in).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PictureFetcher: Send + Sync {
    /// Downloads `url` with a time limit and a size cap.
    ///
    /// Errors: [`FetchError::Refused`] for a non-http(s) URL, a non-2xx answer or a body
    /// over the cap; [`FetchError::Unavailable`] for network failures and time-outs.
    async fn fetch(&self, url: String) -> Result<FetchedPicture, FetchError>;
}
