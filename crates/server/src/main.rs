//! `pursue-server`: serves the Pursue API (default) or migrates the database.

use std::process::ExitCode;

use clap::Parser;
use pursue_postgres::migrations::MigrationAction;
use pursue_server::cli::{Cli, Command};
use pursue_server::config::{Config, Environment};
use pursue_server::database::Database;
use pursue_server::{Application, telemetry};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `.env` is a development convenience; production reads the real environment only.
    if std::env::var("PURSUE_ENV")
        .map(|v| v != "production")
        .unwrap_or(true)
    {
        let _ = dotenvy::dotenv();
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("pursue-server: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("pursue-server: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "fatal");
            eprintln!("pursue-server: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            if config.environment == Environment::Production && config.database_url.is_none() {
                tracing::warn!("production without DATABASE_URL: using the private local cluster");
            }
            let database = Database::open(&config).await?;
            let app = Application::build(&config, database).await?;
            app.run_until_stopped().await
        }
        Command::Migrate { revert_all, redo } => {
            let action = match (revert_all, redo) {
                (true, _) => MigrationAction::RevertAll,
                (_, true) => MigrationAction::Redo,
                _ => MigrationAction::Run,
            };
            let database = Database::open(&config).await?;
            let touched = database.migrate(action).await?;
            println!(
                "{action:?}: {} migration(s) {}",
                touched.len(),
                touched.join(", ")
            );
            Ok(())
        }
    }
}
