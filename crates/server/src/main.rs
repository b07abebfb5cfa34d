//! `pursue-server`: serves the Pursue API (default) or runs one of the runtime's commands.

use std::process::ExitCode;

use clap::Parser;
use pursue_runtime::config::Environment;
use pursue_runtime::{Config, Runtime, commands};
use pursue_server::cli::{Cli, Command, ImagesCommand};
use pursue_server::{Application, telemetry};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load() {
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
            let app = Application::build(Runtime::start(config).await?).await?;
            app.run_until_stopped().await
        }
        Command::Worker => commands::run_worker(&config).await,
        Command::ConsentHash { email } => commands::consent_hash(&config, &email),
        Command::Migrate { revert_all, redo } => {
            commands::migrate(&config, Command::migration_action(revert_all, redo)).await
        }
        Command::Images { command } => match command {
            ImagesCommand::Migrate {
                to,
                delete_source,
                limit,
                batch_size,
            } => {
                let options = pursue_app::images::MigrationOptions {
                    batch_size,
                    limit,
                    delete_source,
                    ..Default::default()
                };
                commands::images_migrate(&config, to.into(), options).await
            }
            ImagesCommand::Prune {
                store,
                grace_secs,
                batch_size,
            } => {
                let grace = std::time::Duration::from_secs(grace_secs);
                commands::images_prune(&config, store.into(), grace, batch_size).await
            }
        },
    }
}
