//! Removing blobs that no row points at (`pursue-server images prune`).
//!
//! Such blobs are left behind when a group is deleted, an account is purged, or a blob
//! delete failed — with the BYTEA store the row takes its bytes with it, with an S3 bucket
//! the object stays. Pruning runs in two passes separated by a grace period: an upload
//! stores its blob a moment before its row points at it, so a key is removed only if no row
//! referenced it in either pass.

use pursue_ports::images::{ImageKey, ImageRefs, ImageStore};

/// What a prune did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PruneReport {
    /// Blobs removed.
    pub deleted: u64,
    /// Candidates that a row pointed at by the second pass (kept).
    pub kept: u64,
    /// Candidates whose removal failed.
    pub failed: u64,
}

/// First pass: every key of `store` that no row points at.
///
/// Errors: the listing or row-read failure, as text (the run cannot go on without it).
pub async fn unreferenced_keys(
    store: &dyn ImageStore,
    refs: &dyn ImageRefs,
    batch_size: usize,
) -> Result<Vec<ImageKey>, String> {
    let mut candidates = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_keys(after, batch_size.max(1))
            .await
            .map_err(|e| format!("listing the store failed: {e}"))?;
        let Some(last) = page.last().copied() else {
            return Ok(candidates);
        };
        let referenced = refs
            .referenced(&page)
            .await
            .map_err(|e| format!("reading the picture rows failed: {e}"))?;
        candidates.extend(page.into_iter().filter(|k| !referenced.contains(k)));
        after = Some(last);
    }
}

/// Second pass (after the grace period): removes the `candidates` that are still
/// unreferenced.
///
/// Errors: the row-read failure, as text.
pub async fn remove_unreferenced(
    store: &dyn ImageStore,
    refs: &dyn ImageRefs,
    candidates: &[ImageKey],
    batch_size: usize,
) -> Result<PruneReport, String> {
    let mut report = PruneReport::default();
    for chunk in candidates.chunks(batch_size.max(1)) {
        let referenced = refs
            .referenced(chunk)
            .await
            .map_err(|e| format!("reading the picture rows failed: {e}"))?;
        for key in chunk {
            if referenced.contains(key) {
                report.kept += 1;
                continue;
            }
            match store.delete(key).await {
                Ok(()) => report.deleted += 1,
                Err(e) => {
                    tracing::warn!(%key, error = %e, "could not remove an unreferenced blob");
                    report.failed += 1;
                }
            }
        }
    }
    Ok(report)
}
