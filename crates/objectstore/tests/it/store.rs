use std::time::{Duration, Instant};

use bytes::Bytes;
use pursue_objectstore::{S3Config, S3ImageStore};
use pursue_ports::images::{ImageKey, ImageStore, StoreError};
use pursue_testkit::s3::{ACCESS_KEY, BUCKET, REGION, SECRET_KEY, TestS3, start_s3};
use uuid::Uuid;

fn config(server: &TestS3) -> S3Config {
    S3Config::new(
        BUCKET,
        Some(server.endpoint.clone()),
        REGION,
        ACCESS_KEY,
        SECRET_KEY,
    )
}

fn store(server: &TestS3) -> S3ImageStore {
    S3ImageStore::new(&config(server)).unwrap()
}

#[tokio::test]
async fn put_get_replace_delete() {
    let server = start_s3();
    let store = store(&server);
    let key = ImageKey::Avatar(Uuid::now_v7());

    assert_eq!(store.get(&key).await.unwrap(), None);

    store
        .put(&key, Bytes::from_static(b"first picture"), "image/webp")
        .await
        .unwrap();
    let stored = store.get(&key).await.unwrap().unwrap();
    assert_eq!(stored.bytes, Bytes::from_static(b"first picture"));
    assert_eq!(stored.mime.as_deref(), Some("image/webp"));

    store
        .put(&key, Bytes::from_static(b"second"), "image/png")
        .await
        .unwrap();
    let stored = store.get(&key).await.unwrap().unwrap();
    assert_eq!(stored.bytes, Bytes::from_static(b"second"));
    assert_eq!(stored.mime.as_deref(), Some("image/png"));

    store.delete(&key).await.unwrap();
    assert_eq!(store.get(&key).await.unwrap(), None);
    // Deleting again (or something that never existed) succeeds.
    store.delete(&key).await.unwrap();
    store
        .delete(&ImageKey::GroupIcon(Uuid::now_v7()))
        .await
        .unwrap();
}

#[tokio::test]
async fn avatars_and_icons_of_the_same_id_are_distinct() {
    let server = start_s3();
    let store = store(&server);
    let id = Uuid::now_v7();
    store
        .put(
            &ImageKey::Avatar(id),
            Bytes::from_static(b"avatar"),
            "image/webp",
        )
        .await
        .unwrap();
    store
        .put(
            &ImageKey::GroupIcon(id),
            Bytes::from_static(b"icon"),
            "image/webp",
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .get(&ImageKey::Avatar(id))
            .await
            .unwrap()
            .unwrap()
            .bytes,
        Bytes::from_static(b"avatar")
    );
    assert_eq!(
        store
            .get(&ImageKey::GroupIcon(id))
            .await
            .unwrap()
            .unwrap()
            .bytes,
        Bytes::from_static(b"icon")
    );
    // The objects are where the layout says.
    assert!(
        server
            .root()
            .join(BUCKET)
            .join("avatars")
            .join(id.to_string())
            .exists()
    );
    assert!(
        server
            .root()
            .join(BUCKET)
            .join("group-icons")
            .join(id.to_string())
            .exists()
    );
}

#[tokio::test]
async fn list_keys_pages_in_key_order() {
    let server = start_s3();
    let store = store(&server);
    let mut expected: Vec<ImageKey> = (0..7)
        .map(|_| ImageKey::Avatar(Uuid::new_v4()))
        .chain((0..5).map(|_| ImageKey::GroupIcon(Uuid::new_v4())))
        .collect();
    for key in &expected {
        store
            .put(key, Bytes::from(key.to_string()), "image/webp")
            .await
            .unwrap();
    }
    expected.sort();

    // Pages of 5 cross from avatars to icons in the middle of the second page.
    let mut listed = Vec::new();
    let mut after = None;
    loop {
        let page = store.list_keys(after, 5).await.unwrap();
        assert!(page.len() <= 5);
        if page.is_empty() {
            break;
        }
        after = page.last().copied();
        listed.extend(page);
    }
    assert_eq!(listed, expected);

    assert_eq!(store.list_keys(None, 100).await.unwrap(), expected);
    assert!(store.list_keys(None, 0).await.unwrap().is_empty());
    let last = *expected.last().unwrap();
    assert!(store.list_keys(Some(last), 10).await.unwrap().is_empty());
    // After an avatar that is not stored: continues with the next stored key.
    let page = store
        .list_keys(Some(ImageKey::Avatar(Uuid::max())), 3)
        .await
        .unwrap();
    assert_eq!(page, expected[7..10]);
}

#[tokio::test]
async fn key_prefix_separates_tenants_and_foreign_objects_are_skipped() {
    let server = start_s3();
    let plain = store(&server);
    let prefixed = S3ImageStore::new(&S3Config {
        key_prefix: "tenant-a/".to_owned(),
        ..config(&server)
    })
    .unwrap();
    let key = ImageKey::Avatar(Uuid::now_v7());
    prefixed
        .put(&key, Bytes::from_static(b"x"), "image/webp")
        .await
        .unwrap();
    assert_eq!(plain.get(&key).await.unwrap(), None);
    assert_eq!(prefixed.list_keys(None, 10).await.unwrap(), vec![key]);

    // An object that is not named by a uuid is not a key.
    std::fs::create_dir_all(server.root().join(BUCKET).join("avatars")).unwrap();
    std::fs::write(
        server.root().join(BUCKET).join("avatars").join("README"),
        b"hi",
    )
    .unwrap();
    let other = ImageKey::Avatar(Uuid::now_v7());
    plain
        .put(&other, Bytes::from_static(b"y"), "image/webp")
        .await
        .unwrap();
    assert_eq!(plain.list_keys(None, 10).await.unwrap(), vec![other]);
}

#[tokio::test]
async fn wrong_credentials_are_unexpected_not_missing() {
    let server = start_s3();
    let store = S3ImageStore::new(&S3Config {
        secret_access_key: "not-the-secret".to_owned(),
        ..config(&server)
    })
    .unwrap();
    let key = ImageKey::Avatar(Uuid::now_v7());
    let err = store
        .put(&key, Bytes::from_static(b"x"), "image/webp")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unexpected(_)), "{err:?}");
    let err = store.get(&key).await.unwrap_err();
    assert!(matches!(err, StoreError::Unexpected(_)), "{err:?}");
}

#[tokio::test]
async fn a_stopped_server_is_unavailable_quickly() {
    let server = start_s3();
    let config = S3Config {
        request_timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_millis(500),
        max_retries: 1,
        ..config(&server)
    };
    drop(server);
    let store = S3ImageStore::new(&config).unwrap();
    let start = Instant::now();
    let err = store
        .get(&ImageKey::Avatar(Uuid::now_v7()))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn debug_output_hides_the_secret() {
    let config = S3Config::new("b", None, "auto", "AKID", "super-secret-value");
    let shown = format!("{config:?}");
    assert!(shown.contains("AKID"));
    assert!(!shown.contains("super-secret-value"));
}
