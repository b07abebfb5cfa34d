//! The statement counter behind the query-count tests: a pool whose connections report
//! every statement they run.

use diesel_async::pooled_connection::ManagerConfig;
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::pool::{PgPool, PoolSettings, build_with};

/// Counts the SQL statements run on a pool's connections (the pool's ping excluded),
/// so tests can prove that heavy reads issue a bounded number of queries.
#[derive(Debug, Clone, Default)]
pub struct QueryCounter(
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
);

impl QueryCounter {
    /// Statements counted so far.
    pub fn get(&self) -> usize {
        std::sync::atomic::AtomicUsize::load(&self.0, std::sync::atomic::Ordering::SeqCst)
    }

    /// Starts counting from zero again.
    pub fn reset(&self) {
        self.0.store(0, std::sync::atomic::Ordering::SeqCst);
        if let Ok(mut seen) = self.1.lock() {
            seen.clear();
        }
    }

    /// The statements counted since the last reset.
    pub fn statements(&self) -> Vec<String> {
        self.1.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl diesel::connection::Instrumentation for QueryCounter {
    fn on_connection_event(&mut self, event: diesel::connection::InstrumentationEvent<'_>) {
        if let diesel::connection::InstrumentationEvent::StartQuery { query, .. } = event {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if let Ok(mut seen) = self.1.lock() {
                seen.push(query.to_string());
            }
        }
    }
}

/// Builds a pool like [`crate::build_pool`] whose connections report every statement to
/// `counter` (for query-count tests).
pub fn build_counting_pool(
    url: &str,
    settings: &PoolSettings,
    counter: QueryCounter,
) -> anyhow::Result<PgPool> {
    let mut config = ManagerConfig::default();
    config.custom_setup = Box::new(move |url| {
        let url = url.to_string();
        let counter = counter.clone();
        Box::pin(async move {
            let mut conn = AsyncPgConnection::establish(&url).await?;
            conn.set_instrumentation(counter);
            Ok(conn)
        })
    });
    build_with(url, settings, config)
}
