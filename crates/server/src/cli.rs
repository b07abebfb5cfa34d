//! Command line: `pursue-server [serve | worker | migrate [--revert-all | --redo] |
//! images migrate --to s3|postgres [--delete-source] [--limit N] [--batch-size N] |
//! images prune --store s3|postgres [--grace-secs N] [--batch-size N] |
//! consent-hash <email>]`.

use clap::{Parser, Subcommand, ValueEnum};

/// Pursue API server.
#[derive(Debug, Parser)]
#[command(
    name = "pursue-server",
    version,
    about = "Pursue group goal-accountability API server"
)]
pub struct Cli {
    /// What to run (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, then serve the API (the default).
    Serve,
    /// Run only the background worker (outbox delivery, account purge) until SIGTERM.
    Worker,
    /// Apply pending migrations and exit.
    Migrate {
        /// Revert every migration instead (destroys all data).
        #[arg(long, conflicts_with = "redo")]
        revert_all: bool,
        /// Revert every migration, then apply them again (destroys all data).
        #[arg(long)]
        redo: bool,
    },
    /// Print the consent e-mail hash of an address (`hex(SHA-256(lower(email) ‖ salt))`,
    /// the `email_hash` kept on a deleted user's consent rows).
    ConsentHash {
        /// The e-mail address.
        email: String,
    },
    /// Manage stored avatars and group icons.
    Images {
        /// What to do.
        #[command(subcommand)]
        command: ImagesCommand,
    },
}

/// `images` subcommands.
#[derive(Debug, Subcommand)]
pub enum ImagesCommand {
    /// Copy every avatar and icon from the other store into `--to`, verifying each copy.
    /// Idempotent and resumable: run it again to continue or to retry failures.
    Migrate {
        /// The store to copy into (the other one is the source).
        #[arg(long, value_enum)]
        to: StoreArg,
        /// Remove each picture from the source once its copy is verified.
        #[arg(long)]
        delete_source: bool,
        /// Stop after this many pictures (migrate in slices).
        #[arg(long)]
        limit: Option<u64>,
        /// Keys listed per page of the source.
        #[arg(long, default_value_t = 100)]
        batch_size: usize,
    },
    /// Remove the blobs of a store that no user or group row points at (left by deleted
    /// groups, purged accounts or failed deletes).
    Prune {
        /// The store to clean.
        #[arg(long, value_enum)]
        store: StoreArg,
        /// Seconds between finding the candidates and removing those still unreferenced
        /// (covers uploads in flight).
        #[arg(long, default_value_t = 60)]
        grace_secs: u64,
        /// Keys listed per page.
        #[arg(long, default_value_t = 100)]
        batch_size: usize,
    },
}

/// A store named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreArg {
    /// PostgreSQL BYTEA columns.
    Postgres,
    /// The S3-compatible bucket.
    S3,
}

impl From<StoreArg> for pursue_runtime::config::ImageStoreKind {
    fn from(store: StoreArg) -> Self {
        match store {
            StoreArg::Postgres => Self::Postgres,
            StoreArg::S3 => Self::S3,
        }
    }
}

impl Command {
    /// Runs the command: `serve` builds the HTTP server on a started runtime; the others
    /// are the runtime's command functions.
    pub async fn run(self, config: pursue_runtime::Config) -> anyhow::Result<()> {
        use pursue_runtime::commands;
        use pursue_runtime::config::Environment;
        match self {
            Command::Serve => {
                if config.environment == Environment::Production && config.database_url.is_none() {
                    tracing::warn!(
                        "production without DATABASE_URL: using the private local cluster"
                    );
                }
                let runtime = pursue_runtime::Runtime::start(config).await?;
                crate::Application::build(runtime)
                    .await?
                    .run_until_stopped()
                    .await
            }
            Command::Worker => commands::run_worker(&config).await,
            Command::ConsentHash { email } => commands::consent_hash(&config, &email),
            Command::Migrate { revert_all, redo } => {
                commands::migrate(&config, Command::migration_action(revert_all, redo)).await
            }
            Command::Images {
                command:
                    ImagesCommand::Migrate {
                        to,
                        delete_source,
                        limit,
                        batch_size,
                    },
            } => {
                let options = pursue_app::images::MigrationOptions {
                    batch_size,
                    limit,
                    delete_source,
                    ..Default::default()
                };
                commands::images_migrate(&config, to.into(), options).await
            }
            Command::Images {
                command:
                    ImagesCommand::Prune {
                        store,
                        grace_secs,
                        batch_size,
                    },
            } => {
                let grace = std::time::Duration::from_secs(grace_secs);
                commands::images_prune(&config, store.into(), grace, batch_size).await
            }
        }
    }

    /// The migration `migrate [--revert-all | --redo]` asks for.
    pub fn migration_action(
        revert_all: bool,
        redo: bool,
    ) -> pursue_runtime::commands::MigrationAction {
        use pursue_runtime::commands::MigrationAction;
        match (revert_all, redo) {
            (true, _) => MigrationAction::RevertAll,
            (_, true) => MigrationAction::Redo,
            _ => MigrationAction::Run,
        }
    }
}
