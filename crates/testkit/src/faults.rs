//! A private PostgreSQL cluster for one test, which the test may kill, freeze and restart
//! (database-fault tests). Only this cluster is touched, never the shared one.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use pursue_postgres::migrations::{MigrationAction, migrate};
use pursue_postgres::{ClusterOptions, LocalCluster, ensure_database};

use crate::db::TestDatabase;

/// A cluster owned by one test, with one migrated database.
pub struct FaultyCluster {
    cluster: Option<LocalCluster>,
    /// Connection URL of the migrated database.
    pub url: String,
}

const DATABASE: &str = "pursue_faults";

impl FaultyCluster {
    /// Starts a new cluster and migrates its database.
    pub async fn start() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let root = crate::db::clusters_dir().join(format!("faults-{}-{nanos}", std::process::id()));
        // Durable: an immediate kill must not lose commits the test relies on afterwards
        // (with `synchronous_commit=off` the last ~200 ms of commits may vanish).
        let options = ClusterOptions {
            durable: true,
            ..ClusterOptions::new(root)
        };
        let cluster = tokio::task::spawn_blocking(move || LocalCluster::start(options))
            .await
            .unwrap()
            .expect("starting a private cluster");
        ensure_database(&cluster.url("postgres"), DATABASE)
            .await
            .unwrap();
        let url = cluster.url(DATABASE);
        migrate(&url, MigrationAction::Run).await.unwrap();
        Self {
            cluster: Some(cluster),
            url,
        }
    }

    /// A database handle for [`crate::spawn_app_on`].
    pub fn database(&self) -> TestDatabase {
        TestDatabase::borrowed(DATABASE, &self.url)
    }

    fn postmaster(&self) -> i32 {
        let pid = self
            .cluster
            .as_ref()
            .and_then(LocalCluster::pid)
            .expect("cluster running");
        i32::try_from(pid).unwrap()
    }

    /// The postmaster and every process below it.
    fn processes(&self) -> Vec<i32> {
        let root = self.postmaster();
        let mut found = vec![root];
        let mut i = 0;
        while i < found.len() {
            let parent = found[i];
            for entry in std::fs::read_dir("/proc").unwrap().filter_map(Result::ok) {
                let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                    continue;
                };
                let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                    continue;
                };
                // `pid (comm) state ppid …`; comm may hold spaces, so split after ')'.
                let ppid = stat
                    .rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                    .and_then(|p| p.parse::<i32>().ok());
                if ppid == Some(parent) && !found.contains(&pid) {
                    found.push(pid);
                }
            }
            i += 1;
        }
        found
    }

    /// `pg_ctl stop -m immediate`: the postmaster is told to quit at once (SIGQUIT), every
    /// connection drops mid-query.
    pub fn kill_immediately(&self) {
        let _ = kill(Pid::from_raw(self.postmaster()), Signal::SIGQUIT);
    }

    /// Freezes the postmaster and its backends (SIGSTOP): queries hang.
    pub fn freeze(&self) {
        for pid in self.processes() {
            let _ = kill(Pid::from_raw(pid), Signal::SIGSTOP);
        }
    }

    /// Undoes [`FaultyCluster::freeze`].
    pub fn thaw(&self) {
        for pid in self.processes() {
            let _ = kill(Pid::from_raw(pid), Signal::SIGCONT);
        }
    }

    /// Starts the server again after [`FaultyCluster::kill_immediately`] (same port when
    /// free; the URL is updated otherwise).
    pub async fn restart(&mut self) {
        let mut cluster = self.cluster.take().expect("cluster");
        let cluster = tokio::task::spawn_blocking(move || {
            // Give the old postmaster a moment to release its port.
            std::thread::sleep(Duration::from_millis(300));
            cluster.restart().map(|()| cluster)
        })
        .await
        .unwrap()
        .expect("restarting the cluster");
        self.url = cluster.url(DATABASE);
        self.cluster = Some(cluster);
    }
}

impl Drop for FaultyCluster {
    fn drop(&mut self) {
        if self.cluster.is_some() {
            self.thaw();
        }
    }
}
