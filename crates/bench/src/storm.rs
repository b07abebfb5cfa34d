//! The login storm: sign-ins at many connections for a minute while two probes measure
//! `/health` and `/api/users/me`, and the server's memory during and after.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use crate::http::Api;
use crate::load::{self, Outcome, histogram, rss_kib, sample_rss};
use crate::scenarios;
use crate::seed::Seed;

/// Pause between two probe requests.
const PROBE_PAUSE: Duration = Duration::from_millis(50);

/// What the storm measured.
pub struct Storm {
    /// The sign-ins.
    pub login: Outcome,
    /// `/health` latencies during the storm (µs).
    pub health: Histogram<u64>,
    /// `/api/users/me` latencies during the storm (µs).
    pub me: Histogram<u64>,
    /// Non-2xx probe answers.
    pub probe_errors: u64,
    /// RSS before, highest during, highest in the quiet period after, and at its end (KiB).
    pub rss: Option<[u64; 4]>,
    /// The quiet period after the storm.
    pub after: Duration,
}

async fn probe(
    api: Api,
    path: &'static str,
    token: Option<String>,
    until: Instant,
) -> anyhow::Result<(Histogram<u64>, u64)> {
    let mut h = histogram()?;
    let mut errors = 0;
    while Instant::now() < until {
        let began = Instant::now();
        let status = api.status("GET", path, token.as_deref(), None).await;
        let _ = h.record(began.elapsed().as_micros().max(1) as u64);
        if !(200..300).contains(&status) {
            errors += 1;
        }
        tokio::time::sleep(PROBE_PAUSE).await;
    }
    Ok((h, errors))
}

/// Runs the storm: `connections` sign-in loops for `duration`, then `after` of quiet.
pub async fn storm(
    api: &Api,
    seed: &Arc<Seed>,
    connections: usize,
    duration: Duration,
    after: Duration,
    pid: Option<u32>,
) -> anyhow::Result<Storm> {
    let step = scenarios::step("login", api, seed).ok_or_else(|| anyhow::anyhow!("no login"))?;
    let before = pid.and_then(rss_kib).unwrap_or(0);
    let stop = Arc::new(AtomicBool::new(false));
    let during = pid.map(|p| sample_rss(p, stop.clone()));
    let until = Instant::now() + duration;
    // Probes use their own connections so they never queue behind sign-ins client-side.
    let probe_api = Api::new(&api.base, 2)?;
    let token = seed.users.first().map(|u| u.token.clone());
    let health = tokio::spawn(probe(probe_api.clone(), "/health", None, until));
    let me = tokio::spawn(probe(probe_api, "/api/users/me", token, until));
    let login = load::run(
        "login_storm",
        step,
        connections,
        Duration::ZERO,
        duration,
        None,
    )
    .await?;
    stop.store(true, Ordering::Relaxed);
    let (health, health_errors) = health.await??;
    let (me, me_errors) = me.await??;
    let max_during = match during {
        Some(d) => d.await.unwrap_or(0),
        None => 0,
    };
    let rss = if let Some(p) = pid {
        let quiet_until = Instant::now() + after;
        let mut max_after = 0;
        while Instant::now() < quiet_until {
            max_after = u64::max(max_after, rss_kib(p).unwrap_or(0));
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        Some([before, max_during, max_after, rss_kib(p).unwrap_or(0)])
    } else {
        None
    };
    Ok(Storm {
        login,
        health,
        me,
        probe_errors: health_errors + me_errors,
        rss,
        after,
    })
}
