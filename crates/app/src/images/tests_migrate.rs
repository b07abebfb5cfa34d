//! The store-to-store migration against in-memory stores with failure injection.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use async_trait::async_trait;
use bytes::Bytes;
use pursue_domain::ids::UserId;
use pursue_ports::error::RepoError;
use pursue_ports::groups::WriteGuard;
use pursue_ports::images::{
    IconRecord, ImageKey, ImageRef, ImageRefs, ImageStore, StoreError, StoredImage,
};
use uuid::Uuid;

use super::{
    MigrationOptions, MigrationReport, PruneReport, migrate_images, remove_unreferenced,
    unreferenced_keys,
};

/// A store in a map; `fail_puts` names keys whose writes fail.
#[derive(Default)]
struct MemStore {
    blobs: Mutex<BTreeMap<ImageKey, Bytes>>,
    fail_puts: Mutex<BTreeSet<ImageKey>>,
}

impl MemStore {
    fn with(keys: &[ImageKey]) -> Self {
        let store = Self::default();
        for key in keys {
            store
                .blobs
                .lock()
                .unwrap()
                .insert(*key, Bytes::from(key.to_string()));
        }
        store
    }

    fn keys(&self) -> Vec<ImageKey> {
        self.blobs.lock().unwrap().keys().copied().collect()
    }
}

#[async_trait]
impl ImageStore for MemStore {
    async fn put(&self, key: &ImageKey, bytes: Bytes, _mime: &str) -> Result<(), StoreError> {
        if self.fail_puts.lock().unwrap().contains(key) {
            return Err(StoreError::Unavailable(anyhow::anyhow!("injected")));
        }
        self.blobs.lock().unwrap().insert(*key, bytes);
        Ok(())
    }

    async fn get(&self, key: &ImageKey) -> Result<Option<StoredImage>, StoreError> {
        Ok(self.blobs.lock().unwrap().get(key).map(|b| StoredImage {
            bytes: b.clone(),
            mime: Some("image/webp".into()),
        }))
    }

    async fn delete(&self, key: &ImageKey) -> Result<(), StoreError> {
        self.blobs.lock().unwrap().remove(key);
        Ok(())
    }

    async fn list_keys(
        &self,
        after: Option<ImageKey>,
        limit: usize,
    ) -> Result<Vec<ImageKey>, StoreError> {
        Ok(self
            .blobs
            .lock()
            .unwrap()
            .keys()
            .filter(|k| after.is_none_or(|a| **k > a))
            .take(limit)
            .copied()
            .collect())
    }
}

/// Rows pointing at `live` keys only.
struct Rows(BTreeSet<ImageKey>);

#[async_trait]
impl ImageRefs for Rows {
    async fn find(&self, _: &ImageKey) -> Result<Option<ImageRef>, RepoError> {
        unimplemented!()
    }
    async fn set_avatar(&self, _: UserId, _: &str) -> Result<bool, RepoError> {
        unimplemented!()
    }
    async fn clear_avatar(&self, _: UserId) -> Result<(), RepoError> {
        unimplemented!()
    }
    async fn set_group_icon(
        &self,
        _: WriteGuard,
        _: &str,
    ) -> Result<Option<IconRecord>, RepoError> {
        unimplemented!()
    }
    async fn clear_group_icon(&self, _: WriteGuard) -> Result<Option<IconRecord>, RepoError> {
        unimplemented!()
    }
    async fn referenced(&self, keys: &[ImageKey]) -> Result<Vec<ImageKey>, RepoError> {
        Ok(keys
            .iter()
            .filter(|k| self.0.contains(k))
            .copied()
            .collect())
    }
}

fn keys() -> Vec<ImageKey> {
    (1..=5)
        .map(|n| ImageKey::Avatar(Uuid::from_u128(n)))
        .chain((1..=4).map(|n| ImageKey::GroupIcon(Uuid::from_u128(n))))
        .collect()
}

fn options(batch_size: usize) -> MigrationOptions {
    MigrationOptions {
        batch_size,
        ..MigrationOptions::default()
    }
}

#[tokio::test]
async fn copies_everything_then_skips_it_all_on_a_second_run() {
    let source = MemStore::with(&keys());
    let target = MemStore::default();
    let rows = Rows(keys().into_iter().collect());
    let report = migrate_images(&source, &target, &rows, &options(2)).await;
    assert_eq!(
        report,
        MigrationReport {
            copied: 9,
            complete: true,
            ..MigrationReport::default()
        }
    );
    assert_eq!(target.keys(), keys());
    let again = migrate_images(&source, &target, &rows, &options(4)).await;
    assert_eq!((again.copied, again.skipped, again.complete), (0, 9, true));
    assert_eq!(source.keys(), keys(), "the source is kept by default");
}

#[tokio::test]
async fn an_interrupted_run_resumes_and_failures_are_retried() {
    let source = MemStore::with(&keys());
    let target = MemStore::default();
    target.fail_puts.lock().unwrap().insert(keys()[1]);
    let rows = Rows(keys().into_iter().collect());

    // Stop after four pictures: one of them fails.
    let first = migrate_images(
        &source,
        &target,
        &rows,
        &MigrationOptions {
            limit: Some(4),
            ..options(3)
        },
    )
    .await;
    assert_eq!(
        (first.copied, first.failed, first.skipped, first.complete),
        (3, 1, 0, false)
    );

    // The store recovers; the next run copies the rest and retries the failure.
    target.fail_puts.lock().unwrap().clear();
    let second = migrate_images(&source, &target, &rows, &options(3)).await;
    assert_eq!(
        (
            second.copied,
            second.failed,
            second.skipped,
            second.complete
        ),
        (6, 0, 3, true)
    );
    assert_eq!(target.keys(), keys());
}

#[tokio::test]
async fn unreferenced_blobs_are_left_alone_and_sources_can_be_emptied() {
    let all = keys();
    let live: BTreeSet<ImageKey> = all
        .iter()
        .copied()
        .filter(|k| k.owner() != Uuid::from_u128(2))
        .collect();
    let source = MemStore::with(&all);
    let target = MemStore::default();
    let report = migrate_images(
        &source,
        &target,
        &Rows(live.clone()),
        &MigrationOptions {
            delete_source: true,
            ..options(100)
        },
    )
    .await;
    assert_eq!(
        report,
        MigrationReport {
            copied: 7,
            unreferenced: 2,
            deleted: 7,
            complete: true,
            ..MigrationReport::default()
        }
    );
    assert_eq!(target.keys(), live.iter().copied().collect::<Vec<_>>());
    // Only the unreferenced blobs stay in the source.
    assert_eq!(
        source.keys(),
        vec![
            ImageKey::Avatar(Uuid::from_u128(2)),
            ImageKey::GroupIcon(Uuid::from_u128(2))
        ]
    );
}

#[tokio::test]
async fn a_newer_copy_in_the_main_store_is_kept() {
    let key = ImageKey::Avatar(Uuid::from_u128(1));
    let source = MemStore::with(&[key]);
    let target = MemStore::default();
    target
        .blobs
        .lock()
        .unwrap()
        .insert(key, Bytes::from_static(b"newer upload"));
    let rows = Rows([key].into_iter().collect());

    let report = migrate_images(
        &source,
        &target,
        &rows,
        &MigrationOptions {
            target_is_main: true,
            ..options(10)
        },
    )
    .await;
    assert_eq!((report.copied, report.skipped), (0, 1));
    assert_eq!(
        target.get(&key).await.unwrap().unwrap().bytes,
        Bytes::from_static(b"newer upload")
    );

    // When the source is the main store, its copy wins.
    let report = migrate_images(&source, &target, &rows, &options(10)).await;
    assert_eq!((report.copied, report.skipped), (1, 0));
    assert_eq!(
        target.get(&key).await.unwrap().unwrap().bytes,
        Bytes::from(key.to_string())
    );
}

#[tokio::test]
async fn prune_removes_only_what_stayed_unreferenced_through_both_passes() {
    let all = keys();
    let store = MemStore::with(&all);
    let live: BTreeSet<ImageKey> = all[..6].iter().copied().collect();
    let candidates = unreferenced_keys(&store, &Rows(live.clone()), 2)
        .await
        .unwrap();
    assert_eq!(candidates, all[6..].to_vec());

    // Meanwhile an upload finished: its row now points at one candidate.
    let mut later = live.clone();
    later.insert(all[7]);
    let report = remove_unreferenced(&store, &Rows(later), &candidates, 2)
        .await
        .unwrap();
    assert_eq!(
        report,
        PruneReport {
            deleted: 2,
            kept: 1,
            failed: 0
        }
    );
    let mut expected = all[..6].to_vec();
    expected.push(all[7]);
    assert_eq!(store.keys(), expected);
}
