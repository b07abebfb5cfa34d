//! Avatar and icon endpoints (docs/IMAGES.md) with the default BYTEA store.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::app::{TestApp, spawn_app};
use diesel::QueryableByName;
use diesel::sql_types::{Bool, Nullable, Text};
use image::ImageFormat;
use reqwest::Method;
use serde_json::{Value, json};

use crate::image_support::{
    BOUNDARY, assert_square_webp, encoded, fetch, jpeg, png_bomb, send_parts, upload_avatar,
    upload_icon, webp_lossy,
};
use crate::support::{User, call, cast, delete, get, register};

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

async fn has_avatar(app: &TestApp, user: &User) -> bool {
    let (status, me) = get(app, "/api/users/me", user).await;
    assert_eq!(status, 200, "{me}");
    assert!(me["updated_at"].is_string(), "D13: {me}");
    me["has_avatar"].as_bool().unwrap()
}

#[tokio::test]
async fn every_accepted_format_comes_back_as_a_256_webp() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    assert!(!has_avatar(&app, &ann).await);
    let path = format!("/api/users/{}/avatar", ann.id);

    let uploads = [
        (jpeg(640, 480), "image/jpeg"),
        (jpeg(3000, 2000), "image/jpeg"),
        (encoded(300, 500, ImageFormat::Png), "image/png"),
        (encoded(400, 400, ImageFormat::WebP), "image/webp"),
        (webp_lossy(320, 200), "image/webp"),
        (
            encoded(40, 30, ImageFormat::Png),
            "IMAGE/PNG; charset=binary",
        ),
    ];
    let mut etags = Vec::new();
    for (bytes, mime) in &uploads {
        let (status, body) = upload_avatar(&app, &ann, bytes, mime).await;
        assert_eq!(status, 200, "{mime}: {body}");
        assert_eq!(body, json!({"success": true, "has_avatar": true}));

        let (status, headers, served) = fetch(&app, &path, None).await;
        assert_eq!(status, 200, "{mime}");
        assert_square_webp(&served);
        assert_eq!(headers["content-type"], "image/webp");
        assert_eq!(headers["cache-control"], "public, max-age=86400");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let etag = headers["etag"].to_str().unwrap().to_owned();
        assert!(
            etag.starts_with(&format!("\"avatar-{}-", ann.id)) && etag.ends_with('"'),
            "{etag}"
        );
        etags.push(etag);
    }
    etags.dedup();
    assert_eq!(etags.len(), uploads.len(), "every upload changes the ETag");
    assert!(has_avatar(&app, &ann).await);

    // The ETag is the row's updated_at in epoch milliseconds.
    let (_, me) = get(&app, "/api/users/me", &ann).await;
    let updated_at = chrono::DateTime::parse_from_rfc3339(me["updated_at"].as_str().unwrap())
        .unwrap()
        .timestamp_millis();
    assert_eq!(
        etags.last().unwrap(),
        &format!("\"avatar-{}-{updated_at}\"", ann.id)
    );

    // Delete is idempotent and turns the flag and the GET off.
    for _ in 0..2 {
        let (status, body) = delete(&app, "/api/users/me/avatar", &ann).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body, json!({"success": true, "has_avatar": false}));
    }
    assert!(!has_avatar(&app, &ann).await);
    let (status, _, body) = fetch(&app, &path, None).await;
    assert_eq!(status, 404);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        body,
        json!({"error": {"message": "User has no avatar", "code": "NO_AVATAR"}})
    );

    // Both columns are NULL again.
    use diesel_async::RunQueryDsl;
    #[derive(QueryableByName)]
    struct Columns {
        #[diesel(sql_type = Bool)]
        data: bool,
        #[diesel(sql_type = Nullable<Text>)]
        mime: Option<String>,
    }
    let row: Columns = diesel::sql_query(format!(
        "SELECT avatar_data IS NOT NULL AS data, avatar_mime_type AS mime FROM users WHERE id = '{}'",
        ann.id
    ))
    .get_result(&mut app.db.connect().await)
    .await
    .unwrap();
    assert!(!row.data && row.mime.is_none());
}

#[tokio::test]
async fn refusals_use_the_contract_codes() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let gif = encoded(20, 20, ImageFormat::Gif);
    let too_large = vec![0xFFu8; 5 * 1024 * 1024 + 1];
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("over 5 MB", too_large, "image/jpeg", "FILE_TOO_LARGE"),
        (
            "declared GIF",
            gif.clone(),
            "image/gif",
            "INVALID_FILE_TYPE",
        ),
        (
            "declared text",
            jpeg(64, 64),
            "text/plain",
            "INVALID_FILE_TYPE",
        ),
        ("GIF behind a PNG label", gif, "image/png", "INVALID_IMAGE"),
        (
            "garbage",
            b"definitely not a picture".to_vec(),
            "image/jpeg",
            "INVALID_IMAGE",
        ),
        ("empty", Vec::new(), "image/png", "INVALID_IMAGE"),
        (
            "5000x10",
            encoded(5000, 10, ImageFormat::Png),
            "image/png",
            "INVALID_IMAGE",
        ),
        ("PNG bomb", png_bomb(), "image/png", "INVALID_IMAGE"),
    ];
    for (what, bytes, mime, expected) in cases {
        let started = Instant::now();
        let (status, body) = upload_avatar(&app, &ann, &bytes, mime).await;
        assert_eq!((status, code(&body)), (400, expected), "{what}: {body}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{what} took {:?}",
            started.elapsed()
        );
    }

    // Exactly the contract's single file part.
    let picture = jpeg(64, 64);
    let (status, body) = send_parts(
        &app,
        Method::POST,
        "/api/users/me/avatar",
        &ann,
        &[("caption", None, b"hello")],
    )
    .await;
    assert_eq!((status, code(&body)), (400, "MISSING_FILE"), "{body}");
    let (status, body) = send_parts(
        &app,
        Method::POST,
        "/api/users/me/avatar",
        &ann,
        &[("photo", Some(("a.jpg", "image/jpeg")), &picture)],
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{body}");
    let twice = [
        ("avatar", Some(("a.jpg", "image/jpeg")), &picture[..]),
        ("avatar", Some(("b.jpg", "image/jpeg")), &picture[..]),
    ];
    let (status, body) = send_parts(&app, Method::POST, "/api/users/me/avatar", &ann, &twice).await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{body}");
    // A JSON body is no upload at all.
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/users/me/avatar",
        Some(&ann.token),
        Some(json!({"avatar": "x"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "MISSING_FILE"), "{body}");
    // Text fields beside the file are ignored.
    let (status, body) = send_parts(
        &app,
        Method::POST,
        "/api/users/me/avatar",
        &ann,
        &[
            ("caption", None, b"hello"),
            ("avatar", Some(("a.jpg", "image/jpeg")), &picture),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // No token: 401 before anything is read.
    let res = app
        .client
        .post(app.url("/api/users/me/avatar"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(crate::image_support::multipart(&[(
            "avatar",
            Some(("a.jpg", "image/jpeg")),
            &picture,
        )]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_100_mb_upload_is_refused_early_and_the_connection_closed() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    const TOTAL: usize = 100 * 1024 * 1024;
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let token = ann.token.clone();
    let (sent_total, sent_at_response, response) = tokio::task::spawn_blocking(move || {
        let head = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"big.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        );
        let mut stream = TcpStream::connect(&address).unwrap();
        stream
            .set_write_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let request = format!(
            "POST /api/users/me/avatar HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n{head}",
            head.len() + TOTAL
        );
        stream.write_all(request.as_bytes()).unwrap();
        let sent = Arc::new(AtomicUsize::new(0));
        let responded = Arc::new(AtomicBool::new(false));
        let mut reader = stream.try_clone().unwrap();
        let read = std::thread::spawn({
            let (sent, responded) = (sent.clone(), responded.clone());
            move || {
                let mut response = Vec::new();
                let mut buffer = [0u8; 4096];
                loop {
                    match reader.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            response.extend_from_slice(&buffer[..n]);
                            if response.ends_with(b"}") {
                                break;
                            }
                        }
                    }
                }
                let at = sent.load(Ordering::SeqCst);
                responded.store(true, Ordering::SeqCst);
                (at, String::from_utf8_lossy(&response).into_owned())
            }
        });
        // Send at most 64 KB a millisecond (about 64 MB/s) until the answer arrives, then
        // about 12 MB/s: the server discards what it still receives for at most a second,
        // then hangs up. The cap keeps "how much was sent before the answer" a measure of
        // the server, not of how late a loaded machine schedules the reading thread (at
        // loopback speed, 20 ms of delay alone is 20 MB).
        let chunk = vec![0xFFu8; 64 * 1024];
        while sent.load(Ordering::SeqCst) < TOTAL {
            let pause = if responded.load(Ordering::SeqCst) { 5 } else { 1 };
            std::thread::sleep(Duration::from_millis(pause));
            match stream.write(&chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    sent.fetch_add(n, Ordering::SeqCst);
                }
            }
        }
        let (at, response) = read.join().unwrap();
        (sent.load(Ordering::SeqCst), at, response)
    })
    .await
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(response.contains("FILE_TOO_LARGE"), "{response}");
    assert!(
        sent_at_response < 20 * 1024 * 1024,
        "refused after {sent_at_response} bytes"
    );
    assert!(
        sent_total < TOTAL,
        "the connection stayed open for the whole {sent_total} bytes"
    );
    assert!(!has_avatar(&app, &ann).await);
}

#[tokio::test]
async fn etags_answer_304_until_the_picture_changes() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let path = format!("/api/users/{}/avatar", ann.id);
    assert_eq!(
        upload_avatar(&app, &ann, &jpeg(300, 300), "image/jpeg")
            .await
            .0,
        200
    );
    let (_, headers, _) = fetch(&app, &path, None).await;
    let etag = headers["etag"].to_str().unwrap().to_owned();

    for tag in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"other\", {etag}"),
        "*".into(),
    ] {
        let (status, headers, body) = fetch(&app, &path, Some(&tag)).await;
        assert_eq!(status, 304, "{tag}");
        assert!(body.is_empty());
        assert_eq!(headers["etag"], etag.as_str());
        assert_eq!(headers["cache-control"], "public, max-age=86400");
    }
    assert_eq!(fetch(&app, &path, Some("\"stale\"")).await.0, 200);

    assert_eq!(
        upload_avatar(&app, &ann, &jpeg(200, 300), "image/jpeg")
            .await
            .0,
        200
    );
    let (status, headers, body) = fetch(&app, &path, Some(&etag)).await;
    assert_eq!(status, 200, "a re-upload invalidates the old ETag");
    assert_ne!(headers["etag"], etag.as_str());
    assert_square_webp(&body);
}

#[tokio::test]
async fn avatar_gets_of_missing_users_are_no_avatar() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    assert_eq!(
        upload_avatar(&app, &bob, &jpeg(300, 300), "image/jpeg")
            .await
            .0,
        200
    );
    // With a token it works as well.
    let (status, _) = get(&app, &format!("/api/users/{}/avatar", bob.id), &ann).await;
    assert_eq!(status, 200);

    let (status, body) = call(
        &app,
        Method::DELETE,
        "/api/users/me",
        Some(&bob.token),
        Some(json!({"password": "Secret123"})),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    for path in [
        format!("/api/users/{}/avatar", bob.id),
        format!("/api/users/{}/avatar", ann.id),
        format!("/api/users/{}/avatar", uuid::Uuid::new_v4()),
        "/api/users/not-a-uuid/avatar".to_owned(),
        "/api/users/me/avatar".to_owned(),
    ] {
        let (status, _, body) = fetch(&app, &path, None).await;
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!((status, code(&body)), (404, "NO_AVATAR"), "{path}: {body}");
    }
}

#[tokio::test]
async fn icons_need_admin_clear_emoji_and_flip_has_icon() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let path = format!("/api/groups/{}/icon", c.group);
    let (status, body) = crate::support::patch(
        &app,
        &format!("/api/groups/{}", c.group),
        &c.creator,
        json!({"icon_emoji": "🏃", "icon_color": "#112233"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let png = encoded(500, 300, ImageFormat::Png);

    // Members and outsiders may not; unknown groups are 404.
    for user in [&c.member, &c.outsider] {
        let (status, body) = upload_icon(&app, &c.group, user, &png, "image/png").await;
        assert_eq!((status, code(&body)), (403, "FORBIDDEN"), "{body}");
        let (status, body) = delete(&app, &path, user).await;
        assert_eq!((status, code(&body)), (403, "FORBIDDEN"), "{body}");
    }
    let unknown = uuid::Uuid::new_v4();
    let (status, body) = upload_icon(&app, &unknown.to_string(), &c.admin, &png, "image/png").await;
    assert_eq!((status, code(&body)), (404, "NOT_FOUND"), "{body}");
    let (status, body) = upload_icon(&app, &c.group, &c.admin, b"junk", "image/png").await;
    assert_eq!((status, code(&body)), (400, "INVALID_IMAGE"), "{body}");

    // Admin and creator may; the emoji and colour are cleared.
    for user in [&c.admin, &c.creator] {
        let (status, body) = upload_icon(&app, &c.group, user, &png, "image/png").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["id"], c.group.as_str());
        assert_eq!(body["has_icon"], true);
        assert_eq!(body["icon_emoji"], Value::Null);
        assert_eq!(body["icon_color"], Value::Null);
        assert!(body["updated_at"].is_string());
    }
    let (status, group) = get(&app, &format!("/api/groups/{}", c.group), &c.member).await;
    assert_eq!(status, 200);
    assert_eq!(group["has_icon"], true);
    assert_eq!(group["icon_emoji"], Value::Null);
    let (_, mine) = get(&app, "/api/users/me/groups", &c.member).await;
    assert_eq!(mine["groups"][0]["has_icon"], true, "{mine}");

    // Anyone can read it (token optional), with the icon ETag.
    let (status, headers, bytes) = fetch(&app, &path, None).await;
    assert_eq!(status, 200);
    assert_square_webp(&bytes);
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let updated_at = chrono::DateTime::parse_from_rfc3339(group["updated_at"].as_str().unwrap())
        .unwrap()
        .timestamp_millis();
    assert_eq!(etag, format!("\"icon-{}-{updated_at}\"", c.group));
    assert_eq!(fetch(&app, &path, Some(&etag)).await.0, 304);

    // Delete is idempotent and keeps emoji/colour as they are (null after the upload).
    for _ in 0..2 {
        let (status, body) = delete(&app, &path, &c.admin).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["has_icon"], false);
        assert_eq!(body["id"], c.group.as_str());
        assert_eq!(body["icon_emoji"], Value::Null);
        assert!(body["updated_at"].is_string());
    }
    let (_, group) = get(&app, &format!("/api/groups/{}", c.group), &c.member).await;
    assert_eq!(group["has_icon"], false);
    let (_, mine) = get(&app, "/api/users/me/groups", &c.member).await;
    assert_eq!(mine["groups"][0]["has_icon"], false);
    for path in [
        path.clone(),
        format!("/api/groups/{unknown}/icon"),
        "/api/groups/nope/icon".to_owned(),
    ] {
        let (status, _, body) = fetch(&app, &path, None).await;
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            body,
            json!({"error": {"message": "Group has no icon image", "code": "NO_ICON"}}),
            "{path}"
        );
        assert_eq!(status, 404);
    }
}

#[tokio::test]
async fn has_avatar_flips_in_member_lists_and_sessions() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let members_path = format!("/api/groups/{}/members", c.group);
    let flag = |members: &Value, id: &str| {
        members["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["user_id"] == id)
            .unwrap()["has_avatar"]
            .as_bool()
            .unwrap()
    };
    let (_, members) = get(&app, &members_path, &c.creator).await;
    assert!(!flag(&members, &c.member.id));

    assert_eq!(
        upload_avatar(&app, &c.member, &jpeg(400, 300), "image/jpeg")
            .await
            .0,
        200
    );
    let (_, members) = get(&app, &members_path, &c.creator).await;
    assert!(flag(&members, &c.member.id));
    assert!(!flag(&members, &c.admin.id));

    let (status, login) = call(
        &app,
        Method::POST,
        "/api/auth/login",
        None,
        Some(json!({"email": "member@example.com", "password": "Secret123"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(login["user"]["has_avatar"], true);
    assert!(login["user"]["updated_at"].is_string(), "D13: {login}");

    assert_eq!(delete(&app, "/api/users/me/avatar", &c.member).await.0, 200);
    let (_, members) = get(&app, &members_path, &c.creator).await;
    assert!(!flag(&members, &c.member.id));
}
