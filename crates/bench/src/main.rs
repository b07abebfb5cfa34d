//! `pursue-bench`: load harness for the Pursue API (see docs/BENCHMARKS.md).
//!
//! Talks only HTTP to the base URL it is given, so the same run can be pointed at any
//! implementation of the API: seeds through the public API, runs fixed-duration scenarios
//! after a warm-up, a login storm with `/health` and `/api/users/me` probes, the PostgreSQL
//! ceiling of the goals-with-progress read (`pgbench`), and the goal-list latency for groups
//! of 1, 10 and 100 goals. Prints a Markdown report.

mod http;
mod load;
mod pgbench;
mod report;
mod scenarios;
mod seed;
mod storm;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;

/// Command line.
#[derive(Debug, Parser)]
#[command(name = "pursue-bench", about = "HTTP load harness for the Pursue API")]
struct Args {
    /// Base URL of the server, e.g. http://127.0.0.1:8080 (loopback recommended).
    base_url: String,
    /// PID of the server process, to report its resident memory.
    #[arg(long)]
    pid: Option<u32>,
    /// Concurrent connections of each scenario.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Measured seconds per scenario.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Unmeasured warm-up seconds before each scenario.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Groups to seed (five accounts and five goals each).
    #[arg(long, default_value_t = 40)]
    groups: usize,
    /// Days of history to seed.
    #[arg(long, default_value_t = 30)]
    days: i64,
    /// Scenarios to run (comma-separated; default all).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Seconds of the login storm (0 skips it).
    #[arg(long, default_value_t = 60)]
    storm: u64,
    /// Quiet seconds watched after the storm.
    #[arg(long, default_value_t = 30)]
    storm_after: u64,
    /// Connections of the login storm.
    #[arg(long, default_value_t = 64)]
    storm_connections: usize,
    /// PostgreSQL URL for the pgbench ceiling (skipped when absent).
    #[arg(long)]
    pg_url: Option<String>,
    /// The pgbench binary.
    #[arg(long, default_value = "/usr/lib/postgresql/15/bin/pgbench")]
    pgbench: PathBuf,
    /// Also write the report to this file.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let api = http::Api::new(&args.base_url, args.connections)?;
    api.expect(200, "GET", "/health", None, None)
        .await
        .context("the server does not answer /health with 200")?;
    let warmup = Duration::from_secs(args.warmup);
    let duration = Duration::from_secs(args.duration);

    eprintln!("seeding {} groups through the API…", args.groups);
    let seed = Arc::new(seed::seed(&api, args.groups, 5, args.days).await?);
    eprintln!(
        "seeded {} accounts, {} entries in {:.0} s",
        seed.users.len(),
        seed.entries,
        seed.seconds
    );
    let mut report = report::Report::new(&args.base_url, &seed, args.pid);

    let names: Vec<String> = if args.only.is_empty() {
        scenarios::ALL.iter().map(|s| s.to_string()).collect()
    } else {
        args.only.clone()
    };
    for name in &names {
        let step = scenarios::step(name, &api, &seed)
            .with_context(|| format!("unknown scenario `{name}`"))?;
        eprintln!("running {name}…");
        let outcome = load::run(name, step, args.connections, warmup, duration, args.pid).await?;
        eprintln!("{}", report::line(&outcome));
        report.scenario(outcome);
    }

    if let Some(url) = &args.pg_url
        && let Some((group, goals)) = seed.group_goals.first()
        && let Some(user) = seed.users.first()
    {
        eprintln!("running pgbench…");
        let script = pgbench::script(&user.id, group, goals);
        match pgbench::ceiling(&args.pgbench, url, &script, args.connections, duration) {
            Ok(tps) => report.ceiling(tps, args.connections),
            Err(e) => eprintln!("pgbench skipped: {e:#}"),
        }
    }

    for group in &seed.goal_groups {
        eprintln!("goal list of {} goals…", group.goals);
        let step = scenarios::goal_list_step(&api, &group.id, &group.token);
        let short = Duration::from_secs(args.duration.div_ceil(2).max(1));
        let one = load::run("goal_list", step.clone(), 1, warmup, short, None).await?;
        let many = load::run("goal_list", step, args.connections, warmup, short, None).await?;
        report.goal_list(group.goals, one, many);
    }

    if args.storm > 0 {
        eprintln!(
            "login storm: {} s at {} connections…",
            args.storm, args.storm_connections
        );
        let s = storm::storm(
            &api,
            &seed,
            args.storm_connections,
            Duration::from_secs(args.storm),
            Duration::from_secs(args.storm_after),
            args.pid,
        )
        .await?;
        report.storm(s);
    }

    let text = report.render();
    println!("{text}");
    if let Some(out) = &args.out {
        std::fs::write(out, &text).with_context(|| format!("writing {}", out.display()))?;
    }
    Ok(())
}
