//! The profile-picture fetcher against a local HTTP server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use pursue_google::HttpPictureFetcher;
use pursue_ports::images::{FetchError, PictureFetcher};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ann.jpg"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "image/JPEG; charset=binary")
                .set_body_bytes(vec![7u8; 64]),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/slow.jpg"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_bytes(vec![7u8; 8])
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    server
}

fn fetcher() -> HttpPictureFetcher {
    HttpPictureFetcher::new(Duration::from_millis(500)).unwrap()
}

#[tokio::test]
async fn downloads_the_bytes_and_the_media_type() {
    let server = server().await;
    let got = fetcher()
        .fetch(format!("{}/ann.jpg", server.uri()))
        .await
        .unwrap();
    assert_eq!(got.bytes.len(), 64);
    assert_eq!(got.mime.as_deref(), Some("image/jpeg"));
}

#[tokio::test]
async fn refuses_errors_oversized_bodies_and_other_schemes() {
    let server = server().await;
    let missing = fetcher()
        .fetch(format!("{}/nope.jpg", server.uri()))
        .await
        .unwrap_err();
    assert!(
        matches!(missing, FetchError::Refused(ref m) if m == "HTTP 404"),
        "{missing}"
    );

    let big = fetcher()
        .with_max_bytes(10)
        .fetch(format!("{}/ann.jpg", server.uri()))
        .await
        .unwrap_err();
    assert!(matches!(big, FetchError::Refused(_)), "{big}");

    for url in ["file:///etc/passwd", "ftp://example.com/a.jpg", "not a url"] {
        let err = fetcher().fetch(url.into()).await.unwrap_err();
        assert!(matches!(err, FetchError::Refused(_)), "{url}: {err}");
    }
}

#[tokio::test]
async fn gives_up_after_the_time_limit() {
    let server = server().await;
    let started = std::time::Instant::now();
    let err = fetcher()
        .fetch(format!("{}/slow.jpg", server.uri()))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Unavailable(_)), "{err}");
    assert!(started.elapsed() < Duration::from_secs(4));
}
