//! The load generator: `connections` loops sending one request (or flow) after another for
//! a fixed time after a warm-up, with latency histograms and the server's memory.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use hdrhistogram::Histogram;

/// One iteration of a scenario: sends its request(s) and answers the (last) HTTP status,
/// 0 for a transport error.
pub type Step = Arc<dyn Fn(u64) -> BoxFuture<'static, u16> + Send + Sync>;

/// Resident memory of a process, from `/proc/<pid>/status`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rss {
    /// Before the run (KiB).
    pub before: u64,
    /// Highest sample during the run (KiB).
    pub max: u64,
    /// After the run (KiB).
    pub after: u64,
}

/// What one scenario measured.
pub struct Outcome {
    /// Scenario name.
    pub name: String,
    /// Concurrent connections.
    pub connections: usize,
    /// Length of the measured window.
    pub window: Duration,
    /// Latencies in microseconds.
    pub latency: Histogram<u64>,
    /// Answers by status (0: transport error).
    pub statuses: BTreeMap<u16, u64>,
    /// Server memory, when its PID was given.
    pub rss: Option<Rss>,
}

impl Outcome {
    /// Completed iterations per second in the measured window.
    pub fn rate(&self) -> f64 {
        self.latency.len() as f64 / self.window.as_secs_f64()
    }

    /// Non-2xx answers, e.g. `503×12 0×1`, or `–`.
    pub fn errors(&self) -> String {
        let bad: Vec<String> = self
            .statuses
            .iter()
            .filter(|(s, _)| !(200..300).contains(*s))
            .map(|(s, n)| format!("{s}×{n}"))
            .collect();
        if bad.is_empty() {
            "–".into()
        } else {
            bad.join(" ")
        }
    }
}

/// An empty histogram for 1 µs … 120 s at 3 significant digits.
pub fn histogram() -> anyhow::Result<Histogram<u64>> {
    Ok(Histogram::new_with_bounds(1, 120_000_000, 3)?)
}

/// Milliseconds at `quantile` of `h`.
pub fn ms(h: &Histogram<u64>, quantile: f64) -> f64 {
    h.value_at_quantile(quantile) as f64 / 1000.0
}

/// Resident set size of `pid` in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// Samples the RSS of `pid` every 100 ms until `stop`; answers the highest sample.
pub fn sample_rss(pid: u32, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<u64> {
    tokio::spawn(async move {
        let mut max = 0;
        while !stop.load(Ordering::Relaxed) {
            max = max.max(rss_kib(pid).unwrap_or(0));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        max.max(rss_kib(pid).unwrap_or(0))
    })
}

/// Runs `step` from `connections` loops: `warmup` unmeasured, then `duration` measured.
pub async fn run(
    name: &str,
    step: Step,
    connections: usize,
    warmup: Duration,
    duration: Duration,
    pid: Option<u32>,
) -> anyhow::Result<Outcome> {
    let empty = histogram()?;
    let counter = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let measure_from = start + warmup;
    let end = measure_from + duration;
    let before = pid.and_then(rss_kib).unwrap_or(0);
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = pid.map(|p| sample_rss(p, stop.clone()));
    let loops: Vec<_> = (0..connections)
        .map(|_| {
            let (step, counter) = (step.clone(), counter.clone());
            let mut latency = empty.clone();
            tokio::spawn(async move {
                let mut statuses = BTreeMap::new();
                loop {
                    let began = Instant::now();
                    if began >= end {
                        break;
                    }
                    let status = step(counter.fetch_add(1, Ordering::Relaxed)).await;
                    if began >= measure_from {
                        let _ = latency.record(began.elapsed().as_micros().max(1) as u64);
                        *statuses.entry(status).or_insert(0) += 1;
                    }
                }
                (latency, statuses)
            })
        })
        .collect();
    let mut latency = empty;
    let mut statuses = BTreeMap::new();
    for l in loops {
        if let Ok((h, s)) = l.await {
            let _ = latency.add(&h);
            for (k, v) in s {
                *statuses.entry(k).or_insert(0) += v;
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let rss = match (pid, sampler) {
        (Some(p), Some(sampler)) => Some(Rss {
            before,
            max: sampler.await.unwrap_or(0),
            after: rss_kib(p).unwrap_or(0),
        }),
        _ => None,
    };
    Ok(Outcome {
        name: name.to_string(),
        connections,
        window: duration,
        latency,
        statuses,
        rss,
    })
}
