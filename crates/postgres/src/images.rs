//! Pictures in PostgreSQL: the BYTEA [`ImageStore`] over the v1 columns
//! (`users.avatar_data`, `groups.icon_data`) and the [`ImageRefs`] over their media-type
//! columns (`users.avatar_mime_type`, `groups.icon_mime_type`).
//!
//! The media-type column is the row's pointer and the one source of truth for
//! `has_avatar` / `has_icon`, whichever store holds the bytes: with the S3 store the BYTEA
//! columns stay `NULL` while the media type is set. The BYTEA store therefore writes and
//! clears only the data column; the pointer is written by the use case after the bytes are
//! stored (blob first, then the row).

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_domain::ids::{GroupId, UserId};
use pursue_ports::error::RepoError;
use pursue_ports::groups::WriteGuard;
use pursue_ports::images::{
    IconRecord, ImageKey, ImageKind, ImageRef, ImageRefs, ImageStore, StoreError, StoredImage,
};
use uuid::Uuid;

use crate::db::Db;
use crate::errors::db_error;
use crate::pool::PgPool;
use crate::schema::{groups, users};

/// An [`ImageStore`] in the BYTEA columns of the v1 schema (the default store).
///
/// A picture can only be stored for an existing user or group row: `put` for a missing
/// owner is [`StoreError::Unexpected`]. Writing or clearing the bytes changes the row's
/// `updated_at` (the v1 trigger), hence the picture's ETag.
#[derive(Clone)]
pub struct PgImageStore {
    db: Db,
}

impl PgImageStore {
    /// A store over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { db: Db::new(pool) }
    }
}

/// Pool and driver failures as store failures.
fn store_error(e: RepoError) -> StoreError {
    match e {
        RepoError::Unavailable(cause) => StoreError::Unavailable(cause),
        RepoError::Unexpected(cause) => StoreError::Unexpected(cause),
        // Image stores take no guard; a refusal here would be a bug.
        RepoError::Denied(denied) => StoreError::Unexpected(anyhow::anyhow!("{denied}")),
    }
}

/// One page of owners of `kind` holding bytes, after `after`, in uuid order.
async fn list_kind(
    conn: &mut diesel_async::AsyncPgConnection,
    kind: ImageKind,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Uuid>> {
    match kind {
        ImageKind::Avatar => {
            let mut query = users::table
                .filter(users::avatar_data.is_not_null())
                .select(users::id)
                .order(users::id.asc())
                .limit(limit)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(users::id.gt(after));
            }
            query.load(conn).await
        }
        ImageKind::GroupIcon => {
            let mut query = groups::table
                .filter(groups::icon_data.is_not_null())
                .select(groups::id)
                .order(groups::id.asc())
                .limit(limit)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(groups::id.gt(after));
            }
            query.load(conn).await
        }
    }
}

#[async_trait]
impl ImageStore for PgImageStore {
    async fn put(&self, key: &ImageKey, bytes: Bytes, _mime: &str) -> Result<(), StoreError> {
        let mut conn = self.db.conn().await.map_err(store_error)?;
        let data: &[u8] = &bytes;
        let updated = match key {
            ImageKey::Avatar(id) => {
                diesel::update(users::table.filter(users::id.eq(id)))
                    .set(users::avatar_data.eq(data))
                    .execute(&mut conn)
                    .await
            }
            ImageKey::GroupIcon(id) => {
                diesel::update(groups::table.filter(groups::id.eq(id)))
                    .set(groups::icon_data.eq(data))
                    .execute(&mut conn)
                    .await
            }
        }
        .map_err(|e| store_error(db_error(e)))?;
        if updated == 0 {
            return Err(StoreError::Unexpected(anyhow::anyhow!(
                "no row to hold the {key}"
            )));
        }
        Ok(())
    }

    async fn get(&self, key: &ImageKey) -> Result<Option<StoredImage>, StoreError> {
        let mut conn = self.db.conn().await.map_err(store_error)?;
        let row: Option<(Option<Vec<u8>>, Option<String>)> = match key {
            ImageKey::Avatar(id) => {
                users::table
                    .filter(users::id.eq(id))
                    .select((users::avatar_data, users::avatar_mime_type))
                    .first(&mut conn)
                    .await
            }
            ImageKey::GroupIcon(id) => {
                groups::table
                    .filter(groups::id.eq(id))
                    .select((groups::icon_data, groups::icon_mime_type))
                    .first(&mut conn)
                    .await
            }
        }
        .optional()
        .map_err(|e| store_error(db_error(e)))?;
        Ok(match row {
            Some((Some(data), mime)) => Some(StoredImage {
                bytes: Bytes::from(data),
                mime,
            }),
            _ => None,
        })
    }

    async fn delete(&self, key: &ImageKey) -> Result<(), StoreError> {
        let mut conn = self.db.conn().await.map_err(store_error)?;
        let none: Option<&[u8]> = None;
        match key {
            ImageKey::Avatar(id) => {
                diesel::update(
                    users::table
                        .filter(users::id.eq(id))
                        .filter(users::avatar_data.is_not_null()),
                )
                .set(users::avatar_data.eq(none))
                .execute(&mut conn)
                .await
            }
            ImageKey::GroupIcon(id) => {
                diesel::update(
                    groups::table
                        .filter(groups::id.eq(id))
                        .filter(groups::icon_data.is_not_null()),
                )
                .set(groups::icon_data.eq(none))
                .execute(&mut conn)
                .await
            }
        }
        .map_err(|e| store_error(db_error(e)))?;
        Ok(())
    }

    async fn list_keys(
        &self,
        after: Option<ImageKey>,
        limit: usize,
    ) -> Result<Vec<ImageKey>, StoreError> {
        let mut conn = self.db.conn().await.map_err(store_error)?;
        let mut keys = Vec::new();
        for kind in [ImageKind::Avatar, ImageKind::GroupIcon] {
            let offset = match after {
                Some(after) if after.kind() > kind => continue,
                Some(after) if after.kind() == kind => Some(after.owner()),
                _ => None,
            };
            let wanted = limit.saturating_sub(keys.len());
            if wanted == 0 {
                break;
            }
            let ids = list_kind(
                &mut conn,
                kind,
                offset,
                i64::try_from(wanted).unwrap_or(i64::MAX),
            )
            .await
            .map_err(|e| store_error(db_error(e)))?;
            keys.extend(ids.into_iter().map(|id| ImageKey::new(kind, id)));
        }
        Ok(keys)
    }
}

/// The [`ImageRefs`] in the `users` and `groups` rows.
#[derive(Clone)]
pub struct PgImageRefs {
    db: Db,
}

impl PgImageRefs {
    /// Rows over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { db: Db::new(pool) }
    }
}

type IconRow = (Uuid, Option<String>, Option<String>, bool, DateTime<Utc>);

fn icon_record((id, icon_emoji, icon_color, has_icon, updated_at): IconRow) -> IconRecord {
    IconRecord {
        id: GroupId::from_uuid(id),
        has_icon,
        icon_emoji: icon_emoji.map(pursue_domain::group::IconEmoji::stored),
        icon_color: icon_color.map(pursue_domain::group::IconColor::stored),
        updated_at,
    }
}

#[async_trait]
impl ImageRefs for PgImageRefs {
    async fn find(&self, key: &ImageKey) -> Result<Option<ImageRef>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    let row: Option<(Option<String>, DateTime<Utc>)> = match key {
                        ImageKey::Avatar(id) => {
                            users::table
                                .filter(users::id.eq(id))
                                .filter(users::deleted_at.is_null())
                                .select((users::avatar_mime_type, users::updated_at))
                                .first(conn)
                                .await
                        }
                        ImageKey::GroupIcon(id) => {
                            groups::table
                                .filter(groups::id.eq(id))
                                .filter(groups::deleted_at.is_null())
                                .select((groups::icon_mime_type, groups::updated_at))
                                .first(conn)
                                .await
                        }
                    }
                    .optional()
                    .map_err(db_error)?;
                    Ok(match row {
                        Some((Some(mime), updated_at)) => Some(ImageRef { mime, updated_at }),
                        _ => None,
                    })
                })
            })
            .await
    }

    async fn set_avatar(&self, user: UserId, mime: &str) -> Result<bool, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    let updated = diesel::update(users::table.filter(users::id.eq(user.as_uuid())))
                        .set(users::avatar_mime_type.eq(mime))
                        .execute(conn)
                        .await
                        .map_err(db_error)?;
                    Ok(updated > 0)
                })
            })
            .await
    }

    async fn clear_avatar(&self, user: UserId) -> Result<(), RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    let none_data: Option<&[u8]> = None;
                    let none_mime: Option<&str> = None;
                    diesel::update(users::table.filter(users::id.eq(user.as_uuid())))
                        .set((
                            users::avatar_data.eq(none_data),
                            users::avatar_mime_type.eq(none_mime),
                        ))
                        .execute(conn)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                })
            })
            .await
    }

    async fn set_group_icon(
        &self,
        guard: WriteGuard,
        mime: &str,
    ) -> Result<Option<IconRecord>, RepoError> {
        let group = guard.group;
        self.db
            .guarded::<_, diesel::result::Error, _>(guard, move |conn| {
                Box::pin(async move {
                    let none: Option<&str> = None;
                    let row: Option<IconRow> = diesel::update(
                        groups::table
                            .filter(groups::id.eq(group.as_uuid()))
                            .filter(groups::deleted_at.is_null()),
                    )
                    .set((
                        groups::icon_mime_type.eq(mime),
                        groups::icon_emoji.eq(none),
                        groups::icon_color.eq(none),
                        groups::icon_url.eq(none),
                    ))
                    .returning((
                        groups::id,
                        groups::icon_emoji,
                        groups::icon_color,
                        groups::icon_mime_type.is_not_null(),
                        groups::updated_at,
                    ))
                    .get_result(conn)
                    .await
                    .optional()?;
                    Ok(row.map(icon_record))
                })
            })
            .await
    }

    async fn clear_group_icon(&self, guard: WriteGuard) -> Result<Option<IconRecord>, RepoError> {
        let group = guard.group;
        self.db
            .guarded::<_, diesel::result::Error, _>(guard, move |conn| {
                Box::pin(async move {
                    let none_data: Option<&[u8]> = None;
                    let none_mime: Option<&str> = None;
                    let row: Option<IconRow> = diesel::update(
                        groups::table
                            .filter(groups::id.eq(group.as_uuid()))
                            .filter(groups::deleted_at.is_null()),
                    )
                    .set((
                        groups::icon_data.eq(none_data),
                        groups::icon_mime_type.eq(none_mime),
                    ))
                    .returning((
                        groups::id,
                        groups::icon_emoji,
                        groups::icon_color,
                        groups::icon_mime_type.is_not_null(),
                        groups::updated_at,
                    ))
                    .get_result(conn)
                    .await
                    .optional()?;
                    Ok(row.map(icon_record))
                })
            })
            .await
    }

    async fn referenced(&self, keys: &[ImageKey]) -> Result<Vec<ImageKey>, RepoError> {
        let avatars: Vec<Uuid> = keys
            .iter()
            .filter(|k| k.kind() == ImageKind::Avatar)
            .map(ImageKey::owner)
            .collect();
        let icons: Vec<Uuid> = keys
            .iter()
            .filter(|k| k.kind() == ImageKind::GroupIcon)
            .map(ImageKey::owner)
            .collect();
        self.db
            .read(|conn| {
                Box::pin(async move {
                    let mut live = std::collections::HashSet::new();
                    if !avatars.is_empty() {
                        let ids: Vec<Uuid> = users::table
                            .filter(users::id.eq_any(&avatars))
                            .filter(users::avatar_mime_type.is_not_null())
                            .select(users::id)
                            .load(conn)
                            .await
                            .map_err(db_error)?;
                        live.extend(ids.into_iter().map(ImageKey::Avatar));
                    }
                    if !icons.is_empty() {
                        let ids: Vec<Uuid> = groups::table
                            .filter(groups::id.eq_any(&icons))
                            .filter(groups::icon_mime_type.is_not_null())
                            .select(groups::id)
                            .load(conn)
                            .await
                            .map_err(db_error)?;
                        live.extend(ids.into_iter().map(ImageKey::GroupIcon));
                    }
                    Ok(keys.iter().filter(|k| live.contains(k)).copied().collect())
                })
            })
            .await
    }
}
