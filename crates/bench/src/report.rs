//! The Markdown report.

use std::fmt::Write as _;

use crate::load::{Outcome, ms};
use crate::scenarios::describe;
use crate::seed::Seed;
use crate::storm::Storm;

fn mib(kib: u64) -> String {
    format!("{:.0}", kib as f64 / 1024.0)
}

/// One line for the progress log.
pub fn line(o: &Outcome) -> String {
    format!(
        "{:<15} {:>9.0} req/s  p50 {:>7.2}  p90 {:>7.2}  p99 {:>7.2}  max {:>8.2} ms  errors {}",
        o.name,
        o.rate(),
        ms(&o.latency, 0.5),
        ms(&o.latency, 0.9),
        ms(&o.latency, 0.99),
        o.latency.max() as f64 / 1000.0,
        o.errors()
    )
}

fn row(o: &Outcome, label: &str) -> String {
    let rss = o.rss.map_or("–".to_string(), |r| {
        format!("{} / {} / {}", mib(r.before), mib(r.max), mib(r.after))
    });
    format!(
        "| {label} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {rss} |",
        describe(&o.name),
        o.connections,
        o.rate(),
        ms(&o.latency, 0.5),
        ms(&o.latency, 0.9),
        ms(&o.latency, 0.99),
        o.latency.max() as f64 / 1000.0,
        o.errors(),
    )
}

/// Collected results.
pub struct Report {
    header: String,
    scenarios: Vec<Outcome>,
    ceiling: Option<(f64, usize)>,
    goal_lists: Vec<(usize, Outcome, Outcome)>,
    storm: Option<Storm>,
}

impl Report {
    /// A report about `base` with `seed`.
    pub fn new(base: &str, seed: &Seed, pid: Option<u32>) -> Self {
        let header = format!(
            "Target {base}{}; seeded through the API: {} accounts in {} groups of 5, \
             5 goals each, {} progress entries, {} reactions ({:.0} s).",
            pid.map_or(String::new(), |p| format!(" (pid {p})")),
            seed.users.len(),
            seed.group_goals.len(),
            seed.entries,
            seed.reactions,
            seed.seconds
        );
        Self {
            header,
            scenarios: Vec::new(),
            ceiling: None,
            goal_lists: Vec::new(),
            storm: None,
        }
    }

    /// Adds a fixed-duration scenario.
    pub fn scenario(&mut self, o: Outcome) {
        self.scenarios.push(o);
    }

    /// Records the pgbench ceiling.
    pub fn ceiling(&mut self, tps: f64, connections: usize) {
        self.ceiling = Some((tps, connections));
    }

    /// Adds the goal-list latency of a group of `goals` goals.
    pub fn goal_list(&mut self, goals: usize, one: Outcome, many: Outcome) {
        self.goal_lists.push((goals, one, many));
    }

    /// Records the login storm.
    pub fn storm(&mut self, s: Storm) {
        self.storm = Some(s);
    }

    /// The Markdown text.
    pub fn render(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "{}\n", self.header);
        let _ = writeln!(
            t,
            "| scenario | request | conns | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | RSS MiB before / max / after |"
        );
        let _ = writeln!(t, "|---|---|---:|---:|---:|---:|---:|---:|---|---|");
        for o in &self.scenarios {
            let _ = writeln!(t, "{}", row(o, &o.name));
        }
        if let Some((tps, conns)) = self.ceiling {
            let _ = writeln!(
                t,
                "\nPostgreSQL ceiling of the goals-with-progress read (pgbench, same 4 statements, {conns} connections): **{tps:.0} tx/s**."
            );
            if let Some(o) = self.scenarios.iter().find(|o| o.name == "goals_progress") {
                let _ = writeln!(
                    t,
                    "Server / ceiling: {:.0} / {tps:.0} = **{:.0} %**.",
                    o.rate(),
                    100.0 * o.rate() / tps
                );
            }
        }
        if !self.goal_lists.is_empty() {
            let _ = writeln!(t, "\nGoal list with progress by group size:\n");
            let _ = writeln!(
                t,
                "| goals | 1 conn p50 ms | 1 conn p99 ms | conns | req/s | p50 ms | p99 ms | errors |"
            );
            let _ = writeln!(t, "|---:|---:|---:|---:|---:|---:|---:|---|");
            for (goals, one, many) in &self.goal_lists {
                let _ = writeln!(
                    t,
                    "| {goals} | {:.2} | {:.2} | {} | {:.0} | {:.2} | {:.2} | {} |",
                    ms(&one.latency, 0.5),
                    ms(&one.latency, 0.99),
                    many.connections,
                    many.rate(),
                    ms(&many.latency, 0.5),
                    ms(&many.latency, 0.99),
                    many.errors()
                );
            }
        }
        if let Some(s) = &self.storm {
            let _ = writeln!(
                t,
                "\nLogin storm: {} s at {} connections, probes every 50 ms on their own connections:\n",
                s.login.window.as_secs(),
                s.login.connections
            );
            let _ = writeln!(t, "| measure | value |\n|---|---|");
            let _ = writeln!(
                t,
                "| sign-ins | {:.1} req/s, p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms, errors {} |",
                s.login.rate(),
                ms(&s.login.latency, 0.5),
                ms(&s.login.latency, 0.99),
                s.login.latency.max() as f64 / 1000.0,
                s.login.errors()
            );
            for (name, h) in [("GET /health", &s.health), ("GET /api/users/me", &s.me)] {
                let _ = writeln!(
                    t,
                    "| {name} during the storm | p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} requests) |",
                    ms(h, 0.5),
                    ms(h, 0.99),
                    h.max() as f64 / 1000.0,
                    h.len()
                );
            }
            let _ = writeln!(t, "| probe errors | {} |", s.probe_errors);
            if let Some([before, during, after, end]) = s.rss {
                let _ = writeln!(
                    t,
                    "| server RSS MiB | before {}, max during {}, max in the {} s after {}, at the end {} |",
                    mib(before),
                    mib(during),
                    s.after.as_secs(),
                    mib(after),
                    mib(end)
                );
            }
        }
        t
    }
}
