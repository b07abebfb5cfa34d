//! Command line: `pursue-server [serve | migrate [--revert-all | --redo]]`.

use clap::{Parser, Subcommand};

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
}
