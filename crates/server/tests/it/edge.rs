//! Parser-level refusals answer with the JSON envelope, and framing of ordinary requests
//! (kept-alive, pipelined, chunked) is untouched by the guarded listener.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::app::{TestApp, spawn_app};
use serde_json::Value;

/// Sends `request` raw and reads until the server closes or `idle` passes without data.
fn exchange(address: &str, request: &[u8], idle: Duration) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(idle)).unwrap();
    // A refused head may be cut off while it is still being written; the answer counts.
    let _ = stream.write_all(request);
    read_all(&mut stream)
}

fn read_all(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

/// Status and JSON body of the first response in `raw`.
fn first_response(raw: &str) -> (u16, Value, String) {
    let (head, rest) = raw
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("{raw}"));
    let status = head[9..12].parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or_else(|| panic!("no content-length: {head}"));
    let body = serde_json::from_str(&rest[..length]).unwrap_or(Value::Null);
    (status, body, head.to_ascii_lowercase())
}

async fn address() -> (TestApp, String) {
    let app = spawn_app().await;
    let address = app.address.trim_start_matches("http://").to_owned();
    (app, address)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test]
async fn an_oversized_url_gets_414_in_the_envelope() {
    let (_app, address) = address().await;
    for size in [20 * 1024, 100 * 1024, 1024 * 1024] {
        let address = address.clone();
        let answer = blocking(move || {
            let request = format!(
                "GET /api/users/me?q={} HTTP/1.1\r\nHost: x\r\n\r\n",
                "a".repeat(size)
            );
            exchange(&address, request.as_bytes(), Duration::from_secs(5))
        })
        .await;
        let (status, body, head) = first_response(&answer);
        assert_eq!(status, 414, "{size}: {answer:.300}");
        assert_eq!(body["error"]["code"], "URI_TOO_LONG", "{size}");
        assert_eq!(body["error"]["message"], "The request URL is too long");
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(head.contains("connection: close"), "{head}");
    }
}

#[tokio::test]
async fn too_many_or_too_large_headers_get_431_in_the_envelope() {
    let (_app, address) = address().await;
    let many: String = (0..100).map(|i| format!("X-H{i}: v\r\n")).collect();
    let big = format!("X-Big: {}\r\n", "b".repeat(40 * 1024));
    for headers in [many, big] {
        let address = address.clone();
        let answer = blocking(move || {
            let request = format!("GET /health HTTP/1.1\r\nHost: x\r\n{headers}\r\n");
            exchange(&address, request.as_bytes(), Duration::from_secs(5))
        })
        .await;
        let (status, body, _) = first_response(&answer);
        assert_eq!(status, 431, "{answer:.300}");
        assert_eq!(body["error"]["code"], "HEADERS_TOO_LARGE");
    }
}

#[tokio::test]
async fn malformed_heads_and_ambiguous_framing_get_400_in_the_envelope() {
    let (_app, address) = address().await;
    let requests: [&[u8]; 4] = [
        b"NOT AN HTTP REQUEST\r\n\r\n",
        b"GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
        b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\
          Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\
          Content-Length: 3\r\n\r\n{}",
    ];
    for request in requests {
        let address = address.clone();
        let answer = blocking(move || exchange(&address, request, Duration::from_secs(5))).await;
        let (status, body, _) = first_response(&answer);
        assert_eq!(
            status,
            400,
            "{:?}: {answer:.300}",
            String::from_utf8_lossy(request)
        );
        assert_eq!(body["error"]["code"], "MALFORMED_REQUEST");
    }
}

#[tokio::test]
async fn a_head_that_never_completes_gets_408_in_the_envelope() {
    let (_app, address) = address().await;
    let (took, answer) = blocking(move || {
        let started = Instant::now();
        let answer = exchange(
            &address,
            b"GET /health HTTP/1.1\r\nHost: x\r\n",
            Duration::from_secs(15),
        );
        (started.elapsed(), answer)
    })
    .await;
    let (status, body, _) = first_response(&answer);
    assert_eq!(status, 408, "{answer:.300}");
    assert_eq!(body["error"]["code"], "REQUEST_TIMEOUT");
    assert!(took < Duration::from_secs(9), "took {took:?}");
}

#[tokio::test]
async fn a_forged_refusal_marker_is_ignored() {
    let (_app, address) = address().await;
    let answer = blocking(move || {
        exchange(
            &address,
            b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
              x-pursue-edge-refusal: 0123456789abcdef0123456789abcdef 414\r\n\r\n",
            Duration::from_secs(5),
        )
    })
    .await;
    let (status, body, _) = first_response(&answer);
    assert_eq!(status, 200, "{answer:.300}");
    assert_eq!(body["status"], "healthy", "{body}");
}

#[tokio::test]
async fn pipelined_sized_and_chunked_requests_keep_their_framing() {
    let (_app, address) = address().await;
    let answer = blocking(move || {
        let login = br#"{"email":"nobody@example.com","password":"wrong-password"}"#;
        let mut request = Vec::new();
        request.extend_from_slice(
            format!(
                "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\n\r\n",
                login.len()
            )
            .as_bytes(),
        );
        request.extend_from_slice(login);
        request.extend_from_slice(
            b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Transfer-Encoding: chunked\r\n\r\n",
        );
        let (a, b) = login.split_at(10);
        request.extend_from_slice(format!("{:x};ext=1\r\n", a.len()).as_bytes());
        request.extend_from_slice(a);
        request.extend_from_slice(format!("\r\n{:x}\r\n", b.len()).as_bytes());
        request.extend_from_slice(b);
        request.extend_from_slice(b"\r\n0\r\nX-Trailer: t\r\n\r\n");
        request.extend_from_slice(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        exchange(&address, &request, Duration::from_secs(10))
    })
    .await;
    let statuses: Vec<&str> = answer
        .match_indices("HTTP/1.1 ")
        .map(|(i, _)| &answer[i + 9..i + 12])
        .collect();
    assert_eq!(statuses, ["401", "401", "200"], "{answer}");
    assert_eq!(answer.matches("INVALID_CREDENTIALS").count(), 2, "{answer}");
}

#[tokio::test]
async fn a_connection_kept_alive_after_a_body_serves_the_next_request() {
    let (app, address) = address().await;
    // Through a real client too: many requests with bodies over one pooled connection.
    for _ in 0..20 {
        let response = app
            .client
            .post(app.url("/api/auth/login"))
            .json(&serde_json::json!({"email": "a@example.com", "password": "x".repeat(3000)}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    let answer = blocking(move || {
        let mut stream = TcpStream::connect(&address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut first = [0u8; 4096];
        let n = stream.read(&mut first).unwrap();
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let rest = read_all(&mut stream);
        format!("{}{rest}", String::from_utf8_lossy(&first[..n]))
    })
    .await;
    assert_eq!(answer.matches("HTTP/1.1 200").count(), 2, "{answer}");
}
