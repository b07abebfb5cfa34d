//! `pursue-server`: serves the Pursue API (default) or runs one of the runtime's commands.

use std::process::ExitCode;

use clap::Parser;
use pursue_runtime::Config;
use pursue_server::cli::{Cli, Command};
use pursue_server::telemetry;

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
    let code = match runtime.block_on(cli.command.unwrap_or(Command::Serve).run(config)) {
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
