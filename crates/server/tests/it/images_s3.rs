//! The S3-compatible store selected by configuration, and `images migrate` between the
//! stores, against real PostgreSQL and the in-process S3 server.

use std::collections::BTreeSet;
use std::process::Command;

use crate::app::{TEST_JWT_REFRESH_SECRET, TEST_JWT_SECRET};
use crate::app::{TestApp, spawn_app, spawn_app_with};
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use image::ImageFormat;
use pursue_objectstore::{S3Config, S3ImageStore};
use pursue_ports::images::{ImageKey, ImageStore};
use pursue_runtime::config::{Config, ImageStoreKind, S3Settings, Secret};
use pursue_testkit::s3::{ACCESS_KEY, BUCKET, REGION, SECRET_KEY, TestS3, start_s3};
use uuid::Uuid;

use crate::image_support::{
    Server, assert_square_webp, encoded, fetch, jpeg, upload_avatar, upload_icon,
};
use crate::support::{create_group, delete, get, register};

fn s3_settings(server: &TestS3) -> S3Settings {
    S3Settings {
        bucket: Some(BUCKET.to_owned()),
        endpoint: Some(server.endpoint.clone()),
        region: Some(REGION.to_owned()),
        access_key_id: Some(ACCESS_KEY.to_owned()),
        secret_access_key: Some(Secret::new(SECRET_KEY)),
    }
}

fn use_s3(server: &TestS3) -> impl FnOnce(&mut Config) + use<> {
    let settings = s3_settings(server);
    move |config: &mut Config| {
        config.image_store = ImageStoreKind::S3;
        config.s3 = settings;
    }
}

fn bucket(server: &TestS3) -> S3ImageStore {
    S3ImageStore::new(&S3Config::new(
        BUCKET,
        Some(server.endpoint.clone()),
        REGION,
        ACCESS_KEY,
        SECRET_KEY,
    ))
    .unwrap()
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(&mut app.db.connect().await)
        .await
        .unwrap()
        .n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_s3_store_serves_the_same_endpoints() {
    let s3 = start_s3();
    let app = spawn_app_with(use_s3(&s3)).await;
    let ann = register(&app, "ann").await;
    let group = create_group(&app, &ann, "Runners").await;
    let avatar_path = format!("/api/users/{}/avatar", ann.id);
    let icon_path = format!("/api/groups/{group}/icon");

    assert_eq!(
        upload_avatar(&app, &ann, &jpeg(640, 480), "image/jpeg")
            .await
            .0,
        200
    );
    let (status, body) = upload_icon(
        &app,
        &group,
        &ann,
        &encoded(300, 300, ImageFormat::Png),
        "image/png",
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // The bytes are in the bucket; the BYTEA columns stay NULL, the flags are on.
    let store = bucket(&s3);
    let ann_id: Uuid = ann.id.parse().unwrap();
    let group_id: Uuid = group.parse().unwrap();
    assert_eq!(
        store.list_keys(None, 10).await.unwrap(),
        vec![ImageKey::Avatar(ann_id), ImageKey::GroupIcon(group_id)]
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM users WHERE avatar_data IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM groups WHERE icon_data IS NOT NULL"
        )
        .await,
        0
    );
    let (_, me) = get(&app, "/api/users/me", &ann).await;
    assert_eq!(me["has_avatar"], true);
    let (_, g) = get(&app, &format!("/api/groups/{group}"), &ann).await;
    assert_eq!(g["has_icon"], true);

    for path in [&avatar_path, &icon_path] {
        let (status, headers, bytes) = fetch(&app, path, None).await;
        assert_eq!(status, 200, "{path}");
        assert_square_webp(&bytes);
        let etag = headers["etag"].to_str().unwrap().to_owned();
        assert_eq!(fetch(&app, path, Some(&etag)).await.0, 304);
    }

    // Deletes remove the objects.
    assert_eq!(delete(&app, "/api/users/me/avatar", &ann).await.0, 200);
    assert_eq!(delete(&app, &icon_path, &ann).await.0, 200);
    assert!(store.list_keys(None, 10).await.unwrap().is_empty());
    let (_, me) = get(&app, "/api/users/me", &ann).await;
    assert_eq!(me["has_avatar"], false);
    assert_eq!(fetch(&app, &avatar_path, None).await.0, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_removes_the_icons_of_deleted_groups() {
    let s3 = start_s3();
    let app = spawn_app_with(use_s3(&s3)).await;
    let ann = register(&app, "ann").await;
    crate::support::make_premium(&app, &ann).await;
    let kept = create_group(&app, &ann, "Kept").await;
    let gone = create_group(&app, &ann, "Gone").await;
    let png = encoded(300, 300, ImageFormat::Png);
    for group in [&kept, &gone] {
        assert_eq!(
            upload_icon(&app, group, &ann, &png, "image/png").await.0,
            200
        );
    }
    assert_eq!(
        upload_avatar(&app, &ann, &jpeg(300, 300), "image/jpeg")
            .await
            .0,
        200
    );
    assert_eq!(
        delete(&app, &format!("/api/groups/{gone}"), &ann).await.0,
        204
    );
    let store = bucket(&s3);
    assert_eq!(
        store.list_keys(None, 10).await.unwrap().len(),
        3,
        "the object outlives its group"
    );

    let (ok, summary) = images_cli(&app, &s3, &["prune", "--store", "s3", "--grace-secs", "0"]);
    assert!(ok, "{summary}");
    assert_eq!(summary, "images prune s3: deleted 1, kept 0, failed 0");
    let mut expected = vec![
        ImageKey::Avatar(ann.id.parse().unwrap()),
        ImageKey::GroupIcon(kept.parse().unwrap()),
    ];
    expected.sort();
    assert_eq!(store.list_keys(None, 10).await.unwrap(), expected);
    let (ok, summary) = images_cli(
        &app,
        &s3,
        &["prune", "--store", "postgres", "--grace-secs", "0"],
    );
    assert!(ok, "{summary}");
    assert_eq!(
        summary,
        "images prune postgres: deleted 0, kept 0, failed 0"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_bucket_is_a_503_and_leaves_no_row_pointing_at_nothing() {
    let s3 = start_s3();
    let configure = use_s3(&s3);
    drop(s3);
    let app = spawn_app_with(configure).await;
    let ann = register(&app, "ann").await;
    let (status, body) = upload_avatar(&app, &ann, &jpeg(300, 300), "image/jpeg").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("SERVICE_UNAVAILABLE")),
        "{body}"
    );
    let (_, me) = get(&app, "/api/users/me", &ann).await;
    assert_eq!(me["has_avatar"], false);
}

/// Runs `pursue-server images migrate` against the app's database and `s3`; returns the
/// exit status and the summary line.
fn migrate_cli(app: &TestApp, s3: &TestS3, args: &[&str]) -> (bool, String) {
    let mut all = vec!["migrate"];
    all.extend_from_slice(args);
    images_cli(app, s3, &all)
}

/// Runs `pursue-server images <args>`; returns the exit status and the summary line.
fn images_cli(app: &TestApp, s3: &TestS3, args: &[&str]) -> (bool, String) {
    let data_dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_pursue-server"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &app.db.url)
        .env("PURSUE_DATA_DIR", data_dir.path())
        .env("JWT_SECRET", TEST_JWT_SECRET)
        .env("JWT_REFRESH_SECRET", TEST_JWT_REFRESH_SECRET)
        .env("RUST_LOG", "warn")
        .env("S3_BUCKET", BUCKET)
        .env("S3_ENDPOINT", &s3.endpoint)
        .env("S3_REGION", REGION)
        .env("S3_ACCESS_KEY_ID", ACCESS_KEY)
        .env("S3_SECRET_ACCESS_KEY", SECRET_KEY)
        .arg("images")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("images "))
        .unwrap_or_else(|| {
            panic!(
                "no summary; stdout: {stdout}; stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
        .to_owned();
    (output.status.success(), summary)
}

/// Reads `copied N, skipped N, failed N, unreferenced N, deleted N` from a summary.
fn counts(summary: &str) -> [u64; 5] {
    let mut out = [0u64; 5];
    for (i, name) in ["copied", "skipped", "failed", "unreferenced", "deleted"]
        .iter()
        .enumerate()
    {
        let rest = &summary[summary.find(&format!("{name} ")).unwrap() + name.len() + 1..];
        out[i] = rest
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap();
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrating_between_stores_is_verified_resumable_and_idempotent() {
    let s3 = start_s3();
    // The server keeps the default BYTEA store; S3 is only configured for the command.
    let app = spawn_app().await;
    let mut expected = BTreeSet::new();
    let mut served = Vec::new();
    for name in ["ann", "bob", "cat"] {
        let user = register(&app, name).await;
        assert_eq!(
            upload_avatar(&app, &user, &jpeg(320, 240), "image/jpeg")
                .await
                .0,
            200
        );
        expected.insert(ImageKey::Avatar(user.id.parse().unwrap()));
        served.push(format!("/api/users/{}/avatar", user.id));
        let group = create_group(&app, &user, &format!("{name}'s group")).await;
        if name != "cat" {
            let png = encoded(200, 260, ImageFormat::Png);
            assert_eq!(
                upload_icon(&app, &group, &user, &png, "image/png").await.0,
                200
            );
            expected.insert(ImageKey::GroupIcon(group.parse().unwrap()));
            served.push(format!("/api/groups/{group}/icon"));
        }
    }
    // An unreferenced blob (bytes whose row no longer points at them) is left alone.
    let dan = register(&app, "dan").await;
    diesel::sql_query(format!(
        "UPDATE users SET avatar_data = '\\x00'::bytea WHERE id = '{}'",
        dan.id
    ))
    .execute(&mut app.db.connect().await)
    .await
    .unwrap();
    let mut originals = Vec::new();
    for path in &served {
        originals.push(fetch(&app, path, None).await.2);
    }

    // A server switched to S3 before anything is copied serves every picture from the
    // BYTEA columns (reads that miss fall back to the other store).
    let switched = serve_on(&app, use_s3(&s3)).await;
    for (path, original) in served.iter().zip(&originals) {
        let (status, _, bytes) = fetch(&switched, path, None).await;
        assert_eq!((status, &bytes), (200, original), "{path}");
    }

    // Interrupted after two pictures, then resumed, then a no-op.
    let (ok, summary) = migrate_cli(
        &app,
        &s3,
        &["--to", "s3", "--limit", "2", "--batch-size", "2"],
    );
    assert!(ok, "{summary}");
    assert_eq!(counts(&summary)[..3], [2, 0, 0], "{summary}");
    assert!(summary.contains("incomplete"), "{summary}");
    let (ok, summary) = migrate_cli(&app, &s3, &["--to", "s3", "--batch-size", "2"]);
    assert!(ok, "{summary}");
    assert_eq!(counts(&summary), [3, 2, 0, 1, 0], "{summary}");
    assert!(summary.contains("(complete)"), "{summary}");
    let (ok, summary) = migrate_cli(&app, &s3, &["--to", "s3"]);
    assert!(ok, "{summary}");
    assert_eq!(counts(&summary), [0, 5, 0, 1, 0], "{summary}");

    // Every picture is in the bucket exactly once, byte for byte.
    let store = bucket(&s3);
    let listed = store.list_keys(None, 100).await.unwrap();
    assert_eq!(listed.iter().copied().collect::<BTreeSet<_>>(), expected);
    assert_eq!(listed.len(), expected.len());

    // The switched server now serves the bucket's copies: the same bytes.
    for (path, original) in served.iter().zip(&originals) {
        let (status, _, bytes) = fetch(&switched, path, None).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(&bytes, original, "{path}");
    }

    // Emptying the source: the BYTEA columns are cleared, the flags and pictures stay.
    let (ok, summary) = migrate_cli(&app, &s3, &["--to", "s3", "--delete-source"]);
    assert!(ok, "{summary}");
    assert_eq!(counts(&summary), [0, 5, 0, 1, 5], "{summary}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM users WHERE avatar_data IS NOT NULL"
        )
        .await,
        1,
        "only the unreferenced blob is left"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM users WHERE avatar_mime_type IS NOT NULL"
        )
        .await,
        3
    );
    for (path, original) in served.iter().zip(&originals) {
        assert_eq!(&fetch(&switched, path, None).await.2, original, "{path}");
    }

    // And back again.
    let (ok, summary) = migrate_cli(&app, &s3, &["--to", "postgres"]);
    assert!(ok, "{summary}");
    assert_eq!(counts(&summary)[..3], [5, 0, 0], "{summary}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM groups WHERE icon_data IS NOT NULL"
        )
        .await,
        2
    );
    for (path, original) in served.iter().zip(&originals) {
        assert_eq!(&fetch(&app, path, None).await.2, original, "{path}");
    }
    switched.shutdown.trigger();

    // Without S3 settings the command refuses clearly.
    let output = Command::new(env!("CARGO_BIN_EXE_pursue-server"))
        .env_clear()
        .env("DATABASE_URL", &app.db.url)
        .env("RUST_LOG", "off")
        .args(["images", "migrate", "--to", "s3"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("S3_BUCKET"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Another server on the database of `app`, configured by `customize`.
async fn serve_on(app: &TestApp, customize: impl FnOnce(&mut Config)) -> Served {
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = crate::app::test_config(&app.db, data_dir.path());
    customize(&mut config);
    let runtime = pursue_runtime::Runtime::start(config).await.unwrap();
    let server = pursue_server::Application::build(runtime).await.unwrap();
    let address = format!("http://{}", server.address());
    let shutdown = server.shutdown_handle();
    tokio::spawn(server.run_until_stopped());
    Served {
        address,
        shutdown,
        client: reqwest::Client::new(),
        _data_dir: data_dir,
    }
}

/// A server started by [`serve_on`].
struct Served {
    address: String,
    shutdown: pursue_server::ShutdownHandle,
    client: reqwest::Client,
    _data_dir: tempfile::TempDir,
}

impl Server for Served {
    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }
    fn http(&self) -> &reqwest::Client {
        &self.client
    }
}
