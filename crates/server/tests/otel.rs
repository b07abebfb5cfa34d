//! Trace export: a request's span reaches an OTLP/HTTP collector with the parent given in
//! `traceparent`. A test binary of its own, because it installs the global subscriber.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};
use app::spawn_app;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use pursue_runtime::config::LogFormat;

#[allow(dead_code)]
#[path = "it/app.rs"]
mod app;

type Received = Arc<Mutex<Vec<Span>>>;

async fn collect(body: web::Bytes, received: web::Data<Received>) -> HttpResponse {
    let request = ExportTraceServiceRequest::decode(body.as_ref()).unwrap();
    let mut spans = received.lock().unwrap();
    for resource in request.resource_spans {
        for scope in resource.scope_spans {
            spans.extend(scope.spans);
        }
    }
    HttpResponse::Ok()
        .content_type("application/x-protobuf")
        .finish()
}

/// An OTLP/HTTP collector on a random port.
fn fake_collector() -> (String, Received) {
    let received: Received = Arc::default();
    let data = web::Data::new(received.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(16 * 1024 * 1024))
            .route("/v1/traces", web::post().to(collect))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let address = format!("http://{}", server.addrs()[0]);
    tokio::spawn(server.disable_signals().run());
    (address, received)
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|a| a.key == key)
        .and_then(|a| a.value.as_ref().map(|v| format!("{:?}", v.value)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_span_continues_the_incoming_trace() {
    let (collector, received) = fake_collector();
    let telemetry = pursue_server::telemetry::init_with(LogFormat::Json, Some(&collector)).unwrap();
    assert!(pursue_server::telemetry::exporting());
    let app = spawn_app().await;

    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let parent_id = "00f067aa0ba902b7";
    let res = app
        .client
        .get(app.url("/health"))
        .header("traceparent", format!("00-{trace_id}-{parent_id}-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let telemetry = Arc::new(telemetry);
    let mut found = None;
    for _ in 0..50 {
        let t = telemetry.clone();
        tokio::task::spawn_blocking(move || t.flush())
            .await
            .unwrap();
        found = received
            .lock()
            .unwrap()
            .iter()
            .find(|s| s.name == "GET /health")
            .cloned();
        if found.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let span = found.unwrap_or_else(|| {
        let seen: Vec<_> = received
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.name.clone())
            .collect();
        panic!("the request span did not reach the collector; spans seen: {seen:?}")
    });
    assert_eq!(hex(&span.trace_id), trace_id);
    assert_eq!(hex(&span.parent_span_id), parent_id);
    assert_eq!(
        attribute(&span, "http.route").as_deref(),
        Some("Some(StringValue(\"/health\"))")
    );
    assert!(attribute(&span, "http.response.status_code").is_some());

    // The health probe's SQL statement is a child span in the same trace.
    let spans = received.lock().unwrap().clone();
    let query = spans
        .iter()
        .find(|s| {
            s.name == "db.query"
                && s.trace_id == span.trace_id
                && attribute(s, "db.query.text").is_some_and(|q| q.contains("users"))
        })
        .unwrap_or_else(|| {
            let seen: Vec<_> = spans
                .iter()
                .map(|s| (s.name.clone(), hex(&s.trace_id), hex(&s.parent_span_id)))
                .collect();
            panic!("no database span in the request's trace: {seen:?}")
        });
    assert!(!attribute(query, "db.query.text").unwrap().contains("binds"));
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
