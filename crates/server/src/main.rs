//! `pursue-server`: serves the Pursue API (default) or migrates the database.

use std::process::ExitCode;

use clap::Parser;
use pursue_postgres::migrations::MigrationAction;
use pursue_server::cli::{Cli, Command, ImagesCommand};
use pursue_server::config::{Config, Environment, ImageStoreKind};
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
    let telemetry = match telemetry::init_with(
        config.log_format,
        config.otel_exporter_otlp_endpoint.as_deref(),
    ) {
        Ok(telemetry) => telemetry,
        Err(e) => {
            eprintln!("pursue-server: OTEL_EXPORTER_OTLP_ENDPOINT: {e:#}");
            return ExitCode::from(2);
        }
    };
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
    let code = match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "fatal");
            eprintln!("pursue-server: {e:#}");
            ExitCode::FAILURE
        }
    };
    telemetry.shutdown();
    code
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
        Command::Worker => {
            let database = Database::open(&config).await?;
            pursue_server::startup::run_worker_only(&config, database).await
        }
        Command::ConsentHash { email } => {
            let salt = pursue_server::secrets::consent_salt(&config)?;
            println!(
                "{}",
                pursue_domain::user::consent_email_hash(&email, salt.expose())
            );
            Ok(())
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
        Command::Images {
            command:
                ImagesCommand::Migrate {
                    to,
                    delete_source,
                    limit,
                    batch_size,
                },
        } => {
            let target = ImageStoreKind::from(to);
            let database = Database::open(&config).await?;
            database.migrate(MigrationAction::Run).await?;
            let pool = database.pool(config.db_pool_size)?;
            let options = pursue_app::images::MigrationOptions {
                batch_size,
                limit,
                delete_source,
                ..Default::default()
            };
            let report = pursue_server::images::migrate(&config, pool, target, options).await?;
            println!("{}", pursue_server::images::summary(target, &report));
            if report.failed > 0 {
                anyhow::bail!("{} picture(s) failed; run the command again", report.failed);
            }
            if !report.complete && limit.is_none() {
                anyhow::bail!("the source could not be listed to the end; run the command again");
            }
            Ok(())
        }
        Command::Images {
            command:
                ImagesCommand::Prune {
                    store,
                    grace_secs,
                    batch_size,
                },
        } => {
            let store = ImageStoreKind::from(store);
            let database = Database::open(&config).await?;
            database.migrate(MigrationAction::Run).await?;
            let pool = database.pool(config.db_pool_size)?;
            let report = pursue_server::images::prune(
                &config,
                pool,
                store,
                std::time::Duration::from_secs(grace_secs),
                batch_size,
            )
            .await?;
            println!(
                "images prune {}: deleted {}, kept {}, failed {}",
                match store {
                    ImageStoreKind::Postgres => "postgres",
                    ImageStoreKind::S3 => "s3",
                },
                report.deleted,
                report.kept,
                report.failed
            );
            if report.failed > 0 {
                anyhow::bail!(
                    "{} blob(s) could not be removed; run the command again",
                    report.failed
                );
            }
            Ok(())
        }
    }
}
