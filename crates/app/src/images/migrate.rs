//! Moving every picture from one image store to the other (`pursue-server images migrate`).
//!
//! The source is listed page by page in [`ImageKey`] order. Each key that a row still
//! points at is copied to the target and read back; a key whose target copy already has
//! the same bytes is skipped, so the command is idempotent and an interrupted run is
//! resumed by running it again. Keys no row points at (left over by a failed delete or an
//! upload still in flight) are neither copied nor deleted.

use pursue_ports::images::{ImageKey, ImageRefs, ImageStore, StoreError, WEBP_MIME};

/// How a migration runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationOptions {
    /// Keys listed per page of the source.
    pub batch_size: usize,
    /// Stop after examining this many referenced pictures (`None`: all of them).
    pub limit: Option<u64>,
    /// Remove each picture from the source once its copy in the target is verified.
    pub delete_source: bool,
    /// The target is the store the server writes to: a target copy that differs from the
    /// source is newer, so it is kept (otherwise the source's copy overwrites it).
    pub target_is_main: bool,
}

impl Default for MigrationOptions {
    fn default() -> Self {
        Self {
            batch_size: 100,
            limit: None,
            delete_source: false,
            target_is_main: false,
        }
    }
}

/// What a migration did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationReport {
    /// Pictures written to the target and verified.
    pub copied: u64,
    /// Pictures the target already held (same bytes, or a newer copy in the main store).
    pub skipped: u64,
    /// Pictures that could not be read, written or verified (run again to retry).
    pub failed: u64,
    /// Blobs in the source that no row points at (left alone).
    pub unreferenced: u64,
    /// Pictures removed from the source (`delete_source`).
    pub deleted: u64,
    /// Whether the whole source was examined (`false` after `limit` or a listing failure).
    pub complete: bool,
}

/// The outcome for one key.
enum Outcome {
    Copied,
    Skipped,
}

/// Copies one referenced picture; `Ok(None)` when the source no longer has it.
async fn copy_one(
    source: &dyn ImageStore,
    target: &dyn ImageStore,
    key: &ImageKey,
    options: &MigrationOptions,
) -> Result<Option<Outcome>, StoreError> {
    let Some(original) = source.get(key).await? else {
        return Ok(None);
    };
    let outcome = match target.get(key).await? {
        Some(existing) if existing.bytes == original.bytes => Outcome::Skipped,
        Some(_) if options.target_is_main => Outcome::Skipped,
        _ => {
            let mime = original.mime.as_deref().unwrap_or(WEBP_MIME);
            target.put(key, original.bytes.clone(), mime).await?;
            match target.get(key).await? {
                Some(copy) if copy.bytes == original.bytes => Outcome::Copied,
                Some(_) => {
                    return Err(StoreError::Unexpected(anyhow::anyhow!(
                        "the copy of {key} differs from the original"
                    )));
                }
                None => {
                    return Err(StoreError::Unexpected(anyhow::anyhow!(
                        "the copy of {key} is missing after writing it"
                    )));
                }
            }
        }
    };
    Ok(Some(outcome))
}

/// Copies every picture that a row points at from `source` to `target`, verifying each
/// copy by reading it back; see the module documentation. Per-key failures are counted
/// and the run goes on; a failure to list the source or to read the rows ends the run
/// (`complete == false`, the error is logged).
pub async fn migrate_images(
    source: &dyn ImageStore,
    target: &dyn ImageStore,
    refs: &dyn ImageRefs,
    options: &MigrationOptions,
) -> MigrationReport {
    let mut report = MigrationReport::default();
    let mut after = None;
    let mut examined = 0u64;
    let batch = options.batch_size.max(1);
    loop {
        let page = match source.list_keys(after, batch).await {
            Ok(page) => page,
            Err(e) => {
                tracing::error!(error = %e, "listing the source store failed");
                return report;
            }
        };
        let Some(last) = page.last().copied() else {
            report.complete = true;
            return report;
        };
        let referenced = match refs.referenced(&page).await {
            Ok(keys) => keys,
            Err(e) => {
                tracing::error!(error = %e, "reading the picture rows failed");
                return report;
            }
        };
        for key in &page {
            if !referenced.contains(key) {
                tracing::info!(%key, "not referenced by any row: left in the source");
                report.unreferenced += 1;
                continue;
            }
            if options.limit.is_some_and(|limit| examined >= limit) {
                return report;
            }
            examined += 1;
            match copy_one(source, target, key, options).await {
                Ok(None) => report.skipped += 1,
                Ok(Some(outcome)) => {
                    match outcome {
                        Outcome::Copied => report.copied += 1,
                        Outcome::Skipped => report.skipped += 1,
                    }
                    if options.delete_source {
                        match source.delete(key).await {
                            Ok(()) => report.deleted += 1,
                            Err(e) => {
                                tracing::warn!(%key, error = %e, "could not delete from the source");
                                report.failed += 1;
                            }
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(%key, error = %e, "copy failed");
                    report.failed += 1;
                }
            }
        }
        after = Some(last);
    }
}
