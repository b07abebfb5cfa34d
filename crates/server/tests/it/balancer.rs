//! A client behind a load balancer that follows `/ready`, for rolling-restart tests: it
//! keeps sending `GET /api/users/me` to the instances in rotation that last answered
//! `/ready` with 200, and records every request that did not get a 200.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;

/// Instances in rotation: base URL and whether `/ready` last said yes.
type Rotation = Arc<Mutex<Vec<(String, bool)>>>;

/// The running balancer and its client.
pub struct Balancer {
    rotation: Rotation,
    stop: Arc<AtomicBool>,
    checker: JoinHandle<()>,
    sender: JoinHandle<(usize, Vec<String>)>,
}

impl Balancer {
    /// Starts with `bases` in rotation (taken as ready), sending with `tokens` in turn.
    pub fn start(bases: Vec<String>, tokens: Vec<String>) -> Self {
        let client = reqwest::Client::new();
        let rotation: Rotation = Arc::new(Mutex::new(
            bases.into_iter().map(|base| (base, true)).collect(),
        ));
        let stop = Arc::new(AtomicBool::new(false));
        let checker = tokio::spawn(check(rotation.clone(), stop.clone(), client.clone()));
        let sender = tokio::spawn(send(rotation.clone(), stop.clone(), client, tokens));
        Self {
            rotation,
            stop,
            checker,
            sender,
        }
    }

    /// Puts `base` in rotation; it gets traffic once its `/ready` says yes.
    pub fn add(&self, base: &str) {
        self.rotation.lock().unwrap().push((base.to_owned(), false));
    }

    /// Takes `base` out of rotation.
    pub fn remove(&self, base: &str) {
        self.rotation.lock().unwrap().retain(|(b, _)| b != base);
    }

    /// Stops the client; answers how many requests it sent and the failed ones.
    pub async fn finish(self) -> (usize, Vec<String>) {
        self.stop.store(true, Ordering::SeqCst);
        let result = self.sender.await.unwrap();
        self.checker.await.unwrap();
        result
    }
}

async fn check(rotation: Rotation, stop: Arc<AtomicBool>, client: reqwest::Client) {
    while !stop.load(Ordering::SeqCst) {
        let bases: Vec<String> = rotation
            .lock()
            .unwrap()
            .iter()
            .map(|e| e.0.clone())
            .collect();
        for base in bases {
            let ready = client
                .get(format!("{base}/ready"))
                .timeout(Duration::from_millis(500))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            for entry in rotation.lock().unwrap().iter_mut() {
                if entry.0 == base {
                    entry.1 = ready;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn send(
    rotation: Rotation,
    stop: Arc<AtomicBool>,
    client: reqwest::Client,
    tokens: Vec<String>,
) -> (usize, Vec<String>) {
    let (mut sent, mut failures) = (0usize, Vec::new());
    while !stop.load(Ordering::SeqCst) {
        let target = {
            let live: Vec<String> = rotation
                .lock()
                .unwrap()
                .iter()
                .filter(|e| e.1)
                .map(|e| e.0.clone())
                .collect();
            live.get(sent % live.len().max(1)).cloned()
        };
        let Some(base) = target else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let token = &tokens[sent % tokens.len()];
        match client
            .get(format!("{base}/api/users/me"))
            .bearer_auth(token)
            .send()
            .await
        {
            Ok(r) if r.status() == 200 => {}
            Ok(r) => failures.push(format!("{base}: {}", r.status())),
            Err(e) => failures.push(format!("{base}: {e}")),
        }
        sent += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (sent, failures)
}
