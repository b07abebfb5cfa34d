use std::time::{Duration, Instant};

use crate::app::spawn_app;
use pursue_postgres::{ClusterOptions, LocalCluster};
use pursue_runtime::{Config, Runtime};
use pursue_server::Application;
use serde_json::Value;

#[tokio::test]
async fn health_reports_the_contract_shape() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("x-request-id").is_some());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "healthy");
    assert!(body["timestamp"].as_str().unwrap().ends_with('Z'));
    assert!(body["uptime"].as_f64().unwrap() >= 0.0);
    assert_eq!(body["checks"]["database"], "healthy");
    assert!(body["checks"]["database_latency_ms"].is_u64());
    assert_eq!(body["checks"]["memory"], "healthy");
    assert!(body["checks"]["memory_usage_mb"].is_u64());

    let res = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "OK");
}

#[tokio::test]
async fn unknown_route_over_http_is_a_json_404() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/api/does-not-exist"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "ROUTE_NOT_FOUND");
}

async fn wait_for_status(
    client: &reqwest::Client,
    url: &str,
    want: u16,
    within: Duration,
) -> Duration {
    let started = Instant::now();
    loop {
        let status = client
            .get(url)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        if status == want {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "{url} did not answer {want} within {within:?} (last {status})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The database goes away and comes back: health follows within 5 s, and the server
/// neither crashes nor needs a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_follows_a_database_outage_and_recovery() {
    let root = tempfile::tempdir().unwrap();
    let options = ClusterOptions {
        durable: false,
        ..ClusterOptions::new(root.path().join("pg"))
    };
    let root_path = options.root.clone();
    let _ = std::fs::create_dir_all(&root_path);
    // The postgres OS user must reach the folder when the tests run as root.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let cluster = tokio::task::spawn_blocking(move || LocalCluster::start(options))
        .await
        .unwrap()
        .unwrap();
    let url = cluster.url("postgres");
    let cluster = std::sync::Arc::new(std::sync::Mutex::new(cluster));

    let data_dir = tempfile::tempdir().unwrap();
    let vars = [
        ("DATABASE_URL", url.as_str()),
        ("PORT", "0"),
        ("PURSUE_DATA_DIR", data_dir.path().to_str().unwrap()),
        ("JWT_SECRET", crate::app::TEST_JWT_SECRET),
        ("JWT_REFRESH_SECRET", crate::app::TEST_JWT_REFRESH_SECRET),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let config = Config::from_vars(&vars).unwrap();
    let app = Application::build(Runtime::start(config).await.unwrap())
        .await
        .unwrap();
    let base = format!("http://{}", app.address());
    let shutdown = app.shutdown_handle();
    let server = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    wait_for_status(
        &client,
        &format!("{base}/health"),
        200,
        Duration::from_secs(5),
    )
    .await;

    let c = cluster.clone();
    tokio::task::spawn_blocking(move || c.lock().unwrap().stop())
        .await
        .unwrap();
    let took = wait_for_status(
        &client,
        &format!("{base}/health"),
        503,
        Duration::from_secs(5),
    )
    .await;
    assert!(took < Duration::from_secs(5));
    let res = client.get(format!("{base}/health")).send().await.unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "unhealthy");
    assert_eq!(body["checks"]["database"], "unhealthy");
    assert!(body["error"].is_string());
    wait_for_status(
        &client,
        &format!("{base}/ready"),
        503,
        Duration::from_secs(5),
    )
    .await;

    let c = cluster.clone();
    tokio::task::spawn_blocking(move || c.lock().unwrap().restart())
        .await
        .unwrap()
        .unwrap();
    wait_for_status(
        &client,
        &format!("{base}/health"),
        200,
        Duration::from_secs(10),
    )
    .await;
    wait_for_status(
        &client,
        &format!("{base}/ready"),
        200,
        Duration::from_secs(5),
    )
    .await;

    shutdown.trigger();
    server.await.unwrap().unwrap();
}
