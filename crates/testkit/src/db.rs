//! One private cluster per test process, one fresh database per test.

use std::fs;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use pursue_postgres::migrations::{MigrationAction, migrate};
use pursue_postgres::{ClusterOptions, LocalCluster};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

/// Where the test databases live.
enum Server {
    /// A private cluster owned by this process.
    Local(Mutex<LocalCluster>),
    /// `DATABASE_URL`: `(base URL without database, original URL)`.
    External { base: String },
}

impl Server {
    fn url(&self, database: &str) -> String {
        match self {
            Server::Local(cluster) => cluster.lock().unwrap().url(database),
            Server::External { base } => format!("{base}/{database}"),
        }
    }
}

static SERVER: OnceLock<Server> = OnceLock::new();
static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// Folder of this user's test clusters (under the system temp folder, reachable by the
/// `postgres` OS user).
pub(crate) fn clusters_dir() -> PathBuf {
    let uid = nix_uid();
    std::env::temp_dir().join(format!("pursue-test-pg-{uid}"))
}

fn nix_uid() -> u32 {
    fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap_or(0)
}

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.trim().is_empty()
        {
            let base = match url.rfind('/') {
                Some(i) if i > "postgres://".len() => url[..i].to_string(),
                _ => url.clone(),
            };
            return Server::External { base };
        }
        let dir = clusters_dir();
        remove_stale_clusters(&dir);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let root = dir.join(format!("{}-{nanos}", std::process::id()));
        let options = ClusterOptions {
            durable: false,
            max_connections: 400,
            ..ClusterOptions::new(root)
        };
        let cluster = LocalCluster::start(options).expect("starting the private test cluster");
        Server::Local(Mutex::new(cluster))
    })
}

/// Clusters of test processes that have exited: nobody holds their lock any more.
fn remove_stale_clusters(dir: &PathBuf) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let lock = entry.path().join("postgres.lock");
        let free = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&lock)
            .map(|f| f.try_lock().is_ok())
            .unwrap_or(true);
        if free {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// A hash of every migration file, so a template built from other migrations is never
/// reused.
fn migrations_fingerprint() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)
            .expect("reading migrations")
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path)
            } else {
                files.push(path)
            }
        }
    }
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(fs::read(&file).expect("reading a migration"));
    }
    hex::encode(&hasher.finalize()[..6])
}

async fn admin() -> AsyncPgConnection {
    let url = server().url("postgres");
    AsyncPgConnection::establish(&url)
        .await
        .expect("connecting to the test server")
}

#[derive(diesel::QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    exists: bool,
}

async fn database_exists(conn: &mut AsyncPgConnection, name: &str) -> bool {
    diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
        .bind::<Text, _>(name)
        .get_result::<Exists>(conn)
        .await
        .expect("looking up a database")
        .exists
}

/// The migrated template database, built once per server and migrations fingerprint.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("pursue_tpl_{}", migrations_fingerprint());
            let mut conn = admin().await;
            if database_exists(&mut conn, &name).await {
                return name;
            }
            // Several test processes may share an external server: build under a lock.
            diesel::sql_query("SELECT pg_advisory_lock(727271)")
                .execute(&mut conn)
                .await
                .unwrap();
            if !database_exists(&mut conn, &name).await {
                let building = format!("{name}_b{}", std::process::id());
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {building}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                diesel::sql_query(format!("CREATE DATABASE {building}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                migrate(&server().url(&building), MigrationAction::Run)
                    .await
                    .expect("migrating the template");
                diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
            diesel::sql_query("SELECT pg_advisory_unlock(727271)")
                .execute(&mut conn)
                .await
                .unwrap();
            name
        })
        .await
}

/// A fresh, migrated database for one test.
#[derive(Debug)]
pub struct TestDatabase {
    /// Database name.
    pub name: String,
    /// Connection URL (superuser).
    pub url: String,
    external: bool,
}

impl TestDatabase {
    /// A handle on database `name` at `url` that never drops it (e.g. in a private
    /// cluster of one test).
    pub fn borrowed(name: &str, url: &str) -> TestDatabase {
        TestDatabase {
            name: name.to_owned(),
            url: url.to_owned(),
            external: false,
        }
    }

    /// Another handle on the same database that never drops it (for a second server or
    /// worker on one database); the original handle keeps ownership.
    pub fn alias(&self) -> TestDatabase {
        TestDatabase {
            name: self.name.clone(),
            url: self.url.clone(),
            external: false,
        }
    }

    /// Opens a direct connection (for assertions on rows).
    pub async fn connect(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(&self.url)
            .await
            .expect("connecting to the test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // The private cluster disappears with the process; on an external server, drop
        // the database so nothing accumulates.
        if !self.external {
            return;
        }
        let admin_url = server().url("postgres");
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(mut conn) = AsyncPgConnection::establish(&admin_url).await {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn)
                            .await;
                }
            });
        })
        .join();
    }
}

/// Creates a new database from the migrated template.
pub async fn fresh_database() -> TestDatabase {
    let template = template().await;
    let name = format!("pursue_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = admin().await;
    diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .execute(&mut conn)
        .await
        .expect("creating a test database");
    let external = matches!(server(), Server::External { .. });
    TestDatabase {
        url: server().url(&name),
        name,
        external,
    }
}

/// An empty (unmigrated) database, for migration tests.
pub async fn empty_database() -> TestDatabase {
    let name = format!("pursue_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = admin().await;
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("creating a database");
    let external = matches!(server(), Server::External { .. });
    TestDatabase {
        url: server().url(&name),
        name,
        external,
    }
}

impl TestDatabase {
    /// A small pool on this database whose statements are counted (query-count tests).
    pub fn counting_pool(&self) -> (pursue_postgres::PgPool, pursue_postgres::QueryCounter) {
        let counter = pursue_postgres::QueryCounter::default();
        let pool = pursue_postgres::build_counting_pool(
            &self.url,
            &pursue_postgres::PoolSettings::default(),
            counter.clone(),
        )
        .expect("counting pool");
        (pool, counter)
    }
}
