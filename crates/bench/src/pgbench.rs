//! The PostgreSQL ceiling of the goals-with-progress read: `pgbench` running the same SQL
//! as the server (authenticate, members, goals, entries of the current periods) at the same
//! connection count.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{Datelike, Duration as Days, NaiveDate, Utc};

/// The statements of one goals-with-progress request for `user` in `group` with `goals`.
pub fn script(user: &str, group: &str, goals: &[String]) -> String {
    let today = Utc::now().date_naive();
    let monday = today - Days::days(i64::from(today.weekday().num_days_from_monday()));
    let month_start = today.with_day(1).unwrap_or(today);
    let next_month = if month_start.month() == 12 {
        NaiveDate::from_ymd_opt(month_start.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(month_start.year(), month_start.month() + 1, 1)
    };
    let month_end = next_month.map_or(today, |d| d - Days::days(1));
    let sunday = monday + Days::days(6);
    let from = monday.min(month_start);
    let to = sunday.max(month_end);
    let ids = goals.join(",");
    format!(
        "SELECT id, email, display_name, created_at FROM users \
         WHERE id = '{user}' AND deleted_at IS NULL LIMIT 1;\n\
         SELECT users.id, users.display_name, users.avatar_mime_type IS NOT NULL, \
         group_memberships.role, group_memberships.joined_at FROM group_memberships \
         INNER JOIN users ON group_memberships.user_id = users.id \
         WHERE group_memberships.group_id = '{group}' AND users.deleted_at IS NULL;\n\
         SELECT id, group_id, title, description, cadence, metric_type, target_value, unit, \
         created_by_user_id, created_at, deleted_at FROM goals WHERE group_id = '{group}' \
         AND deleted_at IS NULL ORDER BY deleted_at ASC NULLS FIRST, created_at DESC, id ASC;\n\
         SELECT id, goal_id, user_id, value, note, period_start, logged_at FROM progress_entries \
         WHERE goal_id = ANY('{{{ids}}}'::uuid[]) AND period_start >= '{from}' \
         AND period_start <= '{to}' ORDER BY period_start ASC, logged_at ASC, id ASC;\n"
    )
}

/// Runs `pgbench` with `script` against `url`; answers transactions per second.
pub fn ceiling(
    pgbench: &Path,
    url: &str,
    script: &str,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<f64> {
    let file = std::env::temp_dir().join(format!("pursue-bench-{}.sql", std::process::id()));
    std::fs::write(&file, script).context("writing the pgbench script")?;
    let out = Command::new(pgbench)
        .args(["-n", "-M", "prepared", "-j", "2"])
        .arg("-c")
        .arg(connections.to_string())
        .arg("-T")
        .arg(duration.as_secs().max(1).to_string())
        .arg("-f")
        .arg(&file)
        .arg(url)
        .output()
        .with_context(|| format!("running {}", pgbench.display()))?;
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "pgbench failed: {}\n{}",
            text,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    text.lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.trim_start_matches("tps = ").split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("no `tps = ` line in pgbench's output")
}
