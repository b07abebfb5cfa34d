//! Runs Pursue's domain without the HTTP server: starts the runtime on the embedded
//! PostgreSQL cluster (no `DATABASE_URL`), registers a user, creates a group and a goal,
//! logs progress through the use cases, prints what it did and stops cleanly.
//!
//! ```text
//! cargo run -p pursue-runtime --example embedded
//! ```
//!
//! The cluster and its data live in a temporary folder removed at the end.

use std::collections::HashMap;

use anyhow::Context;
use pursue_app::accounts::Registration;
use pursue_app::groups::CreateGroup;
use pursue_app::progress::LogProgress;
use pursue_domain::goal::{Cadence, GoalTitle, MetricType, NewGoalSpec};
use pursue_domain::group::GroupName;
use pursue_domain::period::{Timezone, UserDate};
use pursue_domain::user::{BirthDate, DisplayName, Email, Password};
use pursue_runtime::{Config, Runtime};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir().context("creating a data folder")?;
    // The configuration is given here rather than read from the environment, so a
    // `DATABASE_URL` in the shell or a `.env` file cannot point the example elsewhere.
    let vars: HashMap<String, String> = [
        ("PURSUE_DATA_DIR", data_dir.path().display().to_string()),
        ("LOG_FORMAT", "pretty".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = Config::from_vars(&vars)?;

    println!("starting the runtime on the embedded database…");
    let mut runtime = Runtime::start(config).await?;
    let worker = runtime.spawn_worker();
    let services = runtime.services().clone();

    let today = chrono::Utc::now().date_naive();
    let registration = Registration {
        email: Email::parse("ada@example.org")?,
        password: Password::parse("Correct-horse-battery-7")?,
        display_name: DisplayName::parse("Ada")?,
        birth_date: BirthDate::parse("1990-12-10")?,
    };
    let session = services.accounts.register(registration, None).await?;
    let user = session.user;
    println!("registered {} ({})", user.display_name, user.id);

    let (group, invite_code) = services
        .groups
        .create_group(
            &user,
            CreateGroup {
                name: GroupName::parse("Morning runners")?,
                description: None,
                icon_emoji: None,
                icon_color: None,
                icon_url: None,
                initial_goals: Vec::new(),
            },
        )
        .await?;
    println!(
        "created the group \"{}\" ({}), invite code {invite_code}",
        group.name, group.id
    );

    let spec = NewGoalSpec::new(
        GoalTitle::parse("Run 5 km")?,
        None,
        Cadence::Daily,
        MetricType::Binary,
        None,
        None,
    )?;
    let goal = services.goals.create_goal(&user, group.id, spec).await?;
    println!("created the daily goal \"{}\" ({})", goal.title, goal.id);

    let (entry, _) = services
        .progress
        .log_progress(
            &user,
            LogProgress {
                goal_id: goal.id,
                value: 1.0,
                note: None,
                log_title: None,
                user_date: UserDate::parse(&today.to_string())?,
                user_timezone: Timezone::parse("UTC")?,
                idempotency_key: None,
            },
        )
        .await?;
    println!(
        "logged {} on {} for \"{}\" (entry {})",
        entry.value, today, goal.title, entry.id
    );

    runtime.shutdown(worker).await;
    println!("stopped cleanly");
    Ok(())
}
