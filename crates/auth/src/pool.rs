//! A fixed set of hashing threads behind a bounded wait queue (see docs/OPERATIONS.md,
//! Password hashing).
//!
//! At most `size` hashes run at once (one per thread) and at most `queue` more wait; a
//! request beyond that, or one that waited longer than `wait`, is refused with
//! [`HasherBusy`] instead of piling up threads and memory. Each thread owns one argon2 block
//! buffer for its whole life, so a burst of logins does not allocate per hash.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::Block;
use pursue_ports::auth::{CryptoError, HasherBusy};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

/// Sizes of the hashing pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// Hashing threads, i.e. the most hashes running at once (at least 1).
    pub size: usize,
    /// Requests that may wait for a thread beyond those running.
    pub queue: usize,
    /// Longest time a request may wait in the queue before it is refused.
    pub wait: Duration,
}

/// Hashing threads for `cores` cores: all but one, at least one.
fn default_threads(cores: usize) -> usize {
    cores.saturating_sub(1).max(1)
}

impl PoolSettings {
    /// One thread per core but one (at least one thread), room for 64 waiting requests,
    /// 5 s of waiting at most. The core left over keeps other requests fast during a
    /// sign-in storm (docs/BENCHMARKS.md: on 2 cores, `/api/users/me` p99 18 ms with two
    /// hashing threads, 1.8 ms with one).
    pub fn from_cores() -> Self {
        Self {
            size: default_threads(std::thread::available_parallelism().map_or(1, usize::from)),
            queue: 64,
            wait: Duration::from_secs(5),
        }
    }
}

/// Counters of the pool, for tests and diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Hashing threads.
    pub size: usize,
    /// Jobs running right now.
    pub running: usize,
    /// Requests admitted and waiting for a thread.
    pub waiting: usize,
    /// The most jobs that ever ran at once.
    pub peak_running: usize,
    /// Jobs completed.
    pub completed: u64,
    /// Requests refused (queue full or waited too long).
    pub rejected: u64,
}

/// The work a thread does with its block buffer; returns the job's answer.
pub(crate) type Work<T> = Box<dyn FnOnce(&mut [Block]) -> Result<T, CryptoError> + Send>;

/// A job erased of its answer type.
trait Task: Send {
    /// Whether the caller still waits for the answer.
    fn wanted(&self) -> bool;
    /// Does the work, calls `finished`, then sends the answer.
    fn run(self: Box<Self>, blocks: &mut [Block], finished: &dyn Fn());
    /// Answers [`HasherBusy`] without doing the work.
    fn refuse(self: Box<Self>);
}

struct Typed<T> {
    work: Work<T>,
    reply: oneshot::Sender<Result<T, CryptoError>>,
}

impl<T: Send + 'static> Task for Typed<T> {
    fn wanted(&self) -> bool {
        !self.reply.is_closed()
    }
    fn run(self: Box<Self>, blocks: &mut [Block], finished: &dyn Fn()) {
        let answer = (self.work)(blocks);
        finished();
        let _ = self.reply.send(answer);
    }
    fn refuse(self: Box<Self>) {
        let _ = self.reply.send(Err(busy()));
    }
}

struct Job {
    task: Box<dyn Task>,
    /// When the job entered the queue (for `password_hash_wait_seconds`).
    queued_at: Instant,
    deadline: Instant,
    /// Held until the job's answer is ready: the queue's bound. Released before the answer
    /// is sent, so a caller that got its answer can be admitted again at once.
    slot: OwnedSemaphorePermit,
}

#[derive(Default)]
struct Counters {
    running: AtomicUsize,
    /// Jobs sent and not yet taken by a thread (`password_hash_queue_depth`).
    queued: AtomicUsize,
    peak: AtomicUsize,
    completed: AtomicU64,
    rejected: AtomicU64,
}

/// The pool. Dropping every handle lets the threads finish their jobs and exit.
pub(crate) struct HashPool {
    jobs: Mutex<mpsc::Sender<Job>>,
    slots: Arc<Semaphore>,
    counters: Arc<Counters>,
    settings: PoolSettings,
}

/// Seconds a refused client is told to wait.
const RETRY_AFTER_SECS: u64 = 1;

impl HashPool {
    /// Starts `settings.size` threads, each with a buffer of `blocks` argon2 blocks.
    pub(crate) fn start(settings: PoolSettings, blocks: usize) -> Result<Self, CryptoError> {
        let settings = PoolSettings {
            size: settings.size.max(1),
            ..settings
        };
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let counters = Arc::new(Counters::default());
        for n in 0..settings.size {
            let rx = rx.clone();
            let counters = counters.clone();
            std::thread::Builder::new()
                .name(format!("pwhash-{n}"))
                .spawn(move || worker(&rx, &counters, blocks))
                .map_err(|e| CryptoError(e.into()))?;
        }
        Ok(Self {
            jobs: Mutex::new(tx),
            slots: Arc::new(Semaphore::new(settings.size + settings.queue)),
            counters,
            settings,
        })
    }

    /// Runs `work` on a hashing thread and waits for its answer.
    ///
    /// Errors: [`HasherBusy`] (inside [`CryptoError`]) when the queue is full or the wait
    /// ran out; whatever `work` returns.
    pub(crate) async fn run<T: Send + 'static>(&self, work: Work<T>) -> Result<T, CryptoError> {
        let Ok(slot) = self.slots.clone().try_acquire_owned() else {
            return Err(self.refused());
        };
        let (reply, answer) = oneshot::channel();
        let now = Instant::now();
        let job = Job {
            task: Box::new(Typed { work, reply }),
            queued_at: now,
            deadline: now + self.settings.wait,
            slot,
        };
        // Counted before sending, so a thread taking the job never sees the count at zero.
        let depth = self.counters.queued.fetch_add(1, Ordering::SeqCst) + 1;
        record_queue_depth(depth);
        let sent = match self.jobs.lock() {
            Ok(jobs) => jobs
                .send(job)
                .map_err(|_| CryptoError(anyhow::anyhow!("hashing threads are gone"))),
            Err(_) => Err(CryptoError(anyhow::anyhow!("hashing pool lock poisoned"))),
        };
        if let Err(e) = sent {
            self.counters.queued.fetch_sub(1, Ordering::SeqCst);
            return Err(e);
        }
        answer
            .await
            .map_err(|_| CryptoError(anyhow::anyhow!("a hashing thread dropped its job")))?
    }

    fn refused(&self) -> CryptoError {
        self.counters.rejected.fetch_add(1, Ordering::Relaxed);
        busy()
    }

    /// The pool's counters.
    pub(crate) fn stats(&self) -> PoolStats {
        let running = self.counters.running.load(Ordering::Relaxed);
        let admitted = (self.settings.size + self.settings.queue)
            .saturating_sub(self.slots.available_permits());
        PoolStats {
            size: self.settings.size,
            running,
            waiting: admitted.saturating_sub(running),
            peak_running: self.counters.peak.load(Ordering::Relaxed),
            completed: self.counters.completed.load(Ordering::Relaxed),
            rejected: self.counters.rejected.load(Ordering::Relaxed),
        }
    }
}

/// Gauge of the jobs waiting for a thread (see docs/OPERATIONS.md, Metrics).
const HASH_QUEUE_DEPTH: &str = "password_hash_queue_depth";
/// Histogram of how long a job waited for a thread.
const HASH_WAIT: &str = "password_hash_wait_seconds";

fn record_queue_depth(depth: usize) {
    metrics::gauge!(HASH_QUEUE_DEPTH).set(depth as f64);
}

fn busy() -> CryptoError {
    CryptoError::busy(HasherBusy {
        retry_after_secs: RETRY_AFTER_SECS,
    })
}

fn worker(rx: &Mutex<mpsc::Receiver<Job>>, counters: &Counters, blocks: usize) {
    let mut buffer = vec![Block::default(); blocks];
    loop {
        let job = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(Job {
            task,
            queued_at,
            deadline,
            slot,
        }) = job
        else {
            return;
        };
        let depth = counters
            .queued
            .fetch_sub(1, Ordering::SeqCst)
            .saturating_sub(1);
        record_queue_depth(depth);
        metrics::histogram!(HASH_WAIT).record(queued_at.elapsed().as_secs_f64());
        if !task.wanted() {
            continue; // the caller went away (client disconnected)
        }
        if Instant::now() > deadline {
            counters.rejected.fetch_add(1, Ordering::Relaxed);
            drop(slot);
            task.refuse();
            continue;
        }
        let now = counters.running.fetch_add(1, Ordering::SeqCst) + 1;
        counters.peak.fetch_max(now, Ordering::SeqCst);
        let slot = Cell::new(Some(slot));
        task.run(&mut buffer, &|| {
            counters.running.fetch_sub(1, Ordering::SeqCst);
            counters.completed.fetch_add(1, Ordering::SeqCst);
            drop(slot.take());
        });
    }
}

#[cfg(test)]
mod default_tests {
    #[test]
    fn one_core_is_left_to_the_requests_but_one_thread_always_hashes() {
        assert_eq!(super::default_threads(1), 1);
        assert_eq!(super::default_threads(2), 1);
        assert_eq!(super::default_threads(8), 7);
    }
}
