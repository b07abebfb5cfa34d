//! Wiring of the image pipeline and stores (`IMAGE_STORE`, `S3_*`), and the
//! `images migrate` command that moves every picture from one store to the other.

use std::sync::Arc;

use anyhow::Context;
use pursue_app::images::{
    ImageService, MigrationOptions, MigrationReport, PruneReport, migrate_images,
    remove_unreferenced, unreferenced_keys,
};
use pursue_google::HttpPictureFetcher;
use pursue_images::{ImagePipeline, PipelineConfig};
use pursue_objectstore::{S3Config, S3ImageStore};
use pursue_ports::groups::GroupRepository;
use pursue_ports::images::ImageStore;
use pursue_postgres::{PgImageRefs, PgImageStore, PgPool};

use crate::config::{Config, ImageStoreKind, S3Settings};

/// Time limit of a Google profile-picture download.
const PICTURE_FETCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Region used when `S3_REGION` is unset (accepted by R2, MinIO and AWS's default region).
pub const DEFAULT_S3_REGION: &str = "us-east-1";

/// The S3 adapter's settings, when `S3_BUCKET` is set.
pub fn s3_config(settings: &S3Settings) -> Option<S3Config> {
    let bucket = settings.bucket.clone()?;
    Some(S3Config::new(
        bucket,
        settings.endpoint.clone(),
        settings
            .region
            .clone()
            .unwrap_or_else(|| DEFAULT_S3_REGION.to_owned()),
        settings.access_key_id.clone().unwrap_or_default(),
        settings
            .secret_access_key
            .as_ref()
            .map(|s| s.expose().to_owned())
            .unwrap_or_default(),
    ))
}

/// A store shared by the use cases.
pub type SharedStore = Arc<dyn ImageStore>;

/// Both stores: the BYTEA store always, the S3 store when `S3_BUCKET` is set.
pub struct Stores {
    /// The BYTEA store.
    pub postgres: Arc<dyn ImageStore>,
    /// The S3-compatible store, if configured.
    pub s3: Option<Arc<dyn ImageStore>>,
}

impl Stores {
    /// Builds the stores `config` describes (no request is made).
    pub fn build(config: &Config, pool: PgPool) -> anyhow::Result<Self> {
        let s3 = match s3_config(&config.s3) {
            Some(s3) => Some(Arc::new(
                S3ImageStore::new(&s3).context("configuring the S3 image store")?,
            ) as Arc<dyn ImageStore>),
            None => None,
        };
        Ok(Self {
            postgres: Arc::new(PgImageStore::new(pool)),
            s3,
        })
    }

    /// `(main, other)`: `kind` receives new pictures; the other store, when configured, is
    /// read on a miss and loses its copy on writes (a migration in progress).
    pub fn split(
        &self,
        kind: ImageStoreKind,
    ) -> anyhow::Result<(SharedStore, Option<SharedStore>)> {
        match kind {
            ImageStoreKind::Postgres => Ok((self.postgres.clone(), self.s3.clone())),
            ImageStoreKind::S3 => {
                let s3 = self.s3.clone().context("IMAGE_STORE=s3 needs S3_BUCKET")?;
                Ok((s3, Some(self.postgres.clone())))
            }
        }
    }
}

/// The avatar and icon use cases wired as `config` says.
pub fn image_service(
    config: &Config,
    pool: PgPool,
    groups: Arc<dyn GroupRepository>,
) -> anyhow::Result<ImageService> {
    let stores = Stores::build(config, pool.clone())?;
    let (main, other) = stores.split(config.image_store)?;
    let mut service = ImageService::new(
        Arc::new(crate::metrics::MeteredProcessor(ImagePipeline::new(
            PipelineConfig::default(),
        ))),
        main,
        Arc::new(PgImageRefs::new(pool)),
        groups,
    );
    if let Some(other) = other {
        service = service.with_other_store(other);
    }
    if !config.google_client_ids.is_empty() {
        // Google sign-ins import the profile picture as the avatar (docs/ACCOUNTS.md, Google sign-in).
        let fetcher = HttpPictureFetcher::new(PICTURE_FETCH_TIMEOUT)
            .context("building the profile-picture fetcher")?;
        service = service.with_fetcher(Arc::new(fetcher));
    }
    tracing::info!(store = ?config.image_store, fallback = stores.s3.is_some(), "image store");
    Ok(service)
}

/// Runs `images migrate --to <target>`: copies every picture the rows point at from the
/// other store into `target`, verifying each copy.
pub async fn migrate(
    config: &Config,
    pool: PgPool,
    target: ImageStoreKind,
    options: MigrationOptions,
) -> anyhow::Result<MigrationReport> {
    let stores = Stores::build(config, pool.clone())?;
    let s3 = stores
        .s3
        .clone()
        .context("images migrate needs the S3 store: set S3_BUCKET and its S3_* settings")?;
    let (source, target_store) = match target {
        ImageStoreKind::S3 => (stores.postgres.clone(), s3),
        ImageStoreKind::Postgres => (s3, stores.postgres.clone()),
    };
    let options = MigrationOptions {
        target_is_main: target == config.image_store,
        ..options
    };
    let refs = PgImageRefs::new(pool);
    Ok(migrate_images(&*source, &*target_store, &refs, &options).await)
}

/// The one-line summary printed by `images migrate`.
pub fn summary(target: ImageStoreKind, report: &MigrationReport) -> String {
    let (from, to) = match target {
        ImageStoreKind::S3 => ("postgres", "s3"),
        ImageStoreKind::Postgres => ("s3", "postgres"),
    };
    let state = if report.complete {
        "complete"
    } else {
        "incomplete: run the command again to continue"
    };
    format!(
        "images migrate {from} -> {to}: copied {}, skipped {}, failed {}, unreferenced {}, deleted {} ({state})",
        report.copied, report.skipped, report.failed, report.unreferenced, report.deleted
    )
}

/// Runs `images prune --store <store>`: removes the blobs of `store` that no row points at,
/// in two passes `grace` apart.
pub async fn prune(
    config: &Config,
    pool: PgPool,
    store: ImageStoreKind,
    grace: std::time::Duration,
    batch_size: usize,
) -> anyhow::Result<PruneReport> {
    let stores = Stores::build(config, pool.clone())?;
    let store = match store {
        ImageStoreKind::Postgres => stores.postgres.clone(),
        ImageStoreKind::S3 => stores
            .s3
            .clone()
            .context("pruning the S3 store needs S3_BUCKET and its S3_* settings")?,
    };
    let refs = PgImageRefs::new(pool);
    let candidates = unreferenced_keys(&*store, &refs, batch_size)
        .await
        .map_err(anyhow::Error::msg)?;
    if candidates.is_empty() {
        return Ok(PruneReport::default());
    }
    tracing::info!(
        candidates = candidates.len(),
        grace_s = grace.as_secs(),
        "waiting before removing unreferenced blobs"
    );
    tokio::time::sleep(grace).await;
    remove_unreferenced(&*store, &refs, &candidates, batch_size)
        .await
        .map_err(anyhow::Error::msg)
}
