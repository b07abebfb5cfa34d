//! Lifecycle of the private cluster (decision D9).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use pursue_postgres::{ClusterError, ClusterOptions, LocalCluster};

fn reachable_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // When the tests run as root, the cluster runs as `postgres`, which must enter it.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn options(root: &Path) -> ClusterOptions {
    ClusterOptions {
        durable: false,
        ..ClusterOptions::new(root)
    }
}

async fn start(root: &Path) -> Result<LocalCluster, ClusterError> {
    let opts = options(root);
    tokio::task::spawn_blocking(move || LocalCluster::start(opts))
        .await
        .unwrap()
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_then_reuses_the_cluster_and_its_data() {
    let dir = reachable_tempdir();
    let root = dir.path().join("data");
    let cluster = start(&root).await.unwrap();
    assert!(root.join("postgres/PG_VERSION").exists());
    let mut conn = AsyncPgConnection::establish(&cluster.url("postgres"))
        .await
        .unwrap();
    diesel::sql_query("CREATE TABLE kept (x int)")
        .execute(&mut conn)
        .await
        .unwrap();
    diesel::sql_query("INSERT INTO kept VALUES (1), (2)")
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);
    let first_pid = cluster.pid().unwrap();
    tokio::task::spawn_blocking(move || drop(cluster))
        .await
        .unwrap();
    assert!(
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(first_pid as i32), None).is_err(),
        "postgres stops when the cluster is dropped"
    );

    let cluster = start(&root).await.unwrap();
    let mut conn = AsyncPgConnection::establish(&cluster.url("postgres"))
        .await
        .unwrap();
    let rows: Vec<Count> = diesel::sql_query("SELECT COUNT(*) AS n FROM kept")
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows[0].n, 2, "a second start reuses the same data");
    drop(conn);
    tokio::task::spawn_blocking(move || drop(cluster))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_on_the_same_folder_is_refused() {
    let dir = reachable_tempdir();
    let cluster = start(dir.path()).await.unwrap();
    let err = start(dir.path()).await.unwrap_err();
    assert!(matches!(err, ClusterError::InUse { .. }), "{err}");
    assert!(err.to_string().contains("already in use"), "{err}");
    assert!(
        err.to_string().contains(&std::process::id().to_string()),
        "names the holder: {err}"
    );
    tokio::task::spawn_blocking(move || drop(cluster))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_and_restart_keep_the_port() {
    let dir = reachable_tempdir();
    let mut cluster = start(dir.path()).await.unwrap();
    let port = cluster.port();
    let mut cluster = tokio::task::spawn_blocking(move || {
        cluster.stop();
        assert!(cluster.pid().is_none());
        cluster.restart().unwrap();
        cluster
    })
    .await
    .unwrap();
    assert_eq!(cluster.port(), port);
    AsyncPgConnection::establish(&cluster.url("postgres"))
        .await
        .unwrap();
    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap();
}

#[test]
fn missing_binaries_give_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let opts = ClusterOptions {
        bin_dir: Some(dir.path().join("nowhere")),
        ..options(dir.path())
    };
    let err = LocalCluster::start(opts).unwrap_err();
    assert!(matches!(err, ClusterError::BinariesNotFound));
    let text = err.to_string();
    assert!(
        text.contains("install") && text.contains("DATABASE_URL"),
        "{text}"
    );
    assert!(!text.contains('\n'), "one line: {text}");
}

#[test]
fn finds_the_machine_binaries() {
    let bin = pursue_postgres::cluster::find_bin_dir(None).unwrap();
    assert!(bin.join("initdb").is_file() && bin.join("postgres").is_file());
}
