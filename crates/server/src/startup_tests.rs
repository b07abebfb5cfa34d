//! Handler-level tests of the middleware stack and extractor configuration: every
//! framework error kind comes out in the contract's envelope.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, test, web};
use async_trait::async_trait;
use pursue_app::health::HealthService;
use pursue_ports::health::{DatabaseProbe, ProbeError};
use serde::Deserialize;
use serde_json::Value;

use crate::extract::ValidJson;
use crate::startup::http_app;
use crate::state::AppState;

struct AlwaysUp;

#[async_trait]
impl DatabaseProbe for AlwaysUp {
    async fn ping(&self) -> Result<(), ProbeError> {
        Ok(())
    }
}

#[derive(Debug, Deserialize, garde::Validate)]
struct Echo {
    #[garde(length(chars, min = 1, max = 5))]
    name: String,
    #[garde(range(min = 1, max = 10))]
    count: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct Search {
    #[allow(dead_code)]
    limit: u32,
}

async fn echo(body: ValidJson<Echo>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"name": body.0.name, "count": body.0.count}))
}

async fn item(id: web::Path<uuid::Uuid>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"id": id.into_inner()}))
}

async fn search(_q: web::Query<Search>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/echo", web::post().to(echo))
        .route("/items/{id}", web::get().to(item))
        .route("/search", web::get().to(search));
    crate::routes::configure(cfg);
}

pub(crate) fn state() -> web::Data<AppState> {
    let health = HealthService::new(Arc::new(AlwaysUp));
    let accounts = pursue_app::accounts::AccountService::new(
        Arc::new(pursue_ports::users::MockUserRepository::new()),
        Arc::new(pursue_ports::auth::MockPasswordHasher::new()),
        Arc::new(pursue_ports::auth::MockTokenService::new()),
    );
    let groups = Arc::new(pursue_ports::groups::MockGroupRepository::new());
    let goals = Arc::new(pursue_ports::goals::MockGoalRepository::new());
    web::Data::new(AppState {
        share_base_url: "https://getpursue.app".into(),
        accounts,
        social: pursue_app::social::SocialService::new(
            Arc::new(pursue_ports::social::MockSocialRepository::new()),
            groups.clone(),
            goals.clone(),
        ),
        groups: pursue_app::groups::GroupService::new(groups.clone()),
        goals: pursue_app::goals::GoalService::new(groups.clone(), goals.clone()),
        insights: pursue_app::insights::InsightService::new(
            groups.clone(),
            goals.clone(),
            Arc::new(pursue_ports::views::MockProgressViews::new()),
            Arc::new(pursue_ports::subscriptions::MockTierSource::new()),
        ),
        images: pursue_app::images::ImageService::new(
            Arc::new(pursue_ports::images::MockImageProcessor::new()),
            Arc::new(pursue_ports::images::MockImageStore::new()),
            Arc::new(pursue_ports::images::MockImageRefs::new()),
            groups.clone(),
        ),
        progress: pursue_app::progress::ProgressService::new(
            groups,
            goals,
            Arc::new(pursue_ports::progress::MockProgressRepository::new()),
        ),
        devices: pursue_app::devices::DeviceService::new(Arc::new(
            pursue_ports::devices::MockDeviceRepo::new(),
        )),
        subscriptions: pursue_app::subscriptions::SubscriptionService::new(
            Arc::new(pursue_ports::subscription_store::MockSubscriptionStore::new()),
            Arc::new(pursue_ports::purchases::MockPurchaseVerifier::new()),
        ),
        export: pursue_app::export::DataExportService::new(Arc::new(
            pursue_ports::export::MockDataExport::new(),
        )),
        deliveries: crate::state::DeliveryModes {
            push: false,
            email: false,
        },
        health: health.clone(),
        readiness: health,
        limits: None,
        trust_proxy: 0,
        draining: Arc::new(AtomicBool::new(false)),
        started: Instant::now(),
        cors: Arc::new(crate::middleware::CorsPolicy::default()),
        monitoring: crate::monitoring::Monitoring::new(None, None),
    })
}

async fn call(req: test::TestRequest) -> (StatusCode, actix_web::http::header::HeaderMap, Value) {
    let app = test::init_service(http_app(state(), routes)).await;
    let res = test::call_service(&app, req.to_request()).await;
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = test::read_body(res).await;
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, headers, body)
}

fn assert_envelope(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].is_string(), "{body}");
}

#[actix_web::test]
async fn valid_json_passes() {
    let (status, _, body) = call(
        test::TestRequest::post()
            .uri("/echo")
            .set_json(serde_json::json!({"name": "abc", "extra": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "unknown keys are ignored (D11)");
    assert_eq!(body["name"], "abc");
}

#[actix_web::test]
async fn malformed_json_is_a_validation_error() {
    let req = test::TestRequest::post()
        .uri("/echo")
        .insert_header(("content-type", "application/json"))
        .set_payload("{\"name\": ");
    let (status, _, body) = call(req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_envelope(&body, "VALIDATION_ERROR");
}

#[actix_web::test]
async fn wrong_content_type_is_a_validation_error() {
    let req = test::TestRequest::post()
        .uri("/echo")
        .insert_header(("content-type", "text/plain"))
        .set_payload("{\"name\": \"abc\"}");
    let (status, _, body) = call(req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_envelope(&body, "VALIDATION_ERROR");
}

#[actix_web::test]
async fn oversized_body_is_413_in_the_envelope() {
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(150 * 1024));
    let req = test::TestRequest::post()
        .uri("/echo")
        .insert_header(("content-type", "application/json"))
        .set_payload(big);
    let (status, _, body) = call(req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_envelope(&body, "PAYLOAD_TOO_LARGE");
}

#[actix_web::test]
async fn missing_and_mistyped_fields_name_their_path() {
    let (status, _, body) = call(
        test::TestRequest::post()
            .uri("/echo")
            .set_json(serde_json::json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_envelope(&body, "VALIDATION_ERROR");
    assert_eq!(
        body["error"]["details"][0]["path"],
        serde_json::json!(["name"])
    );
    assert_eq!(body["error"]["details"][0]["code"], "required");

    let (status, _, body) = call(
        test::TestRequest::post()
            .uri("/echo")
            .set_json(serde_json::json!({"name": 5})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"]["details"][0]["path"],
        serde_json::json!(["name"])
    );
}

#[actix_web::test]
async fn garde_failures_list_every_field() {
    let (status, _, body) = call(
        test::TestRequest::post()
            .uri("/echo")
            .set_json(serde_json::json!({"name": "toolong", "count": 99})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_envelope(&body, "VALIDATION_ERROR");
    let details = body["error"]["details"].as_array().unwrap();
    let paths: Vec<&Value> = details.iter().map(|d| &d["path"]).collect();
    assert!(paths.contains(&&serde_json::json!(["name"])), "{body}");
    assert!(paths.contains(&&serde_json::json!(["count"])), "{body}");
}

#[actix_web::test]
async fn malformed_path_ids_are_404() {
    let (status, _, body) = call(test::TestRequest::get().uri("/items/not-a-uuid")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_envelope(&body, "NOT_FOUND");
}

#[actix_web::test]
async fn bad_query_is_a_validation_error() {
    let (status, _, body) = call(test::TestRequest::get().uri("/search?limit=abc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_envelope(&body, "VALIDATION_ERROR");
}

#[actix_web::test]
async fn unknown_routes_and_methods_are_404() {
    let (status, _, body) = call(test::TestRequest::get().uri("/api/nothing-here")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_envelope(&body, "ROUTE_NOT_FOUND");
    let (status, _, body) = call(test::TestRequest::delete().uri("/health")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_envelope(&body, "ROUTE_NOT_FOUND");
}

#[actix_web::test]
async fn request_id_is_echoed_or_generated() {
    let (_, headers, _) = call(
        test::TestRequest::get()
            .uri("/health")
            .insert_header(("x-request-id", "client-abc-1")),
    )
    .await;
    assert_eq!(headers.get("x-request-id").unwrap(), "client-abc-1");
    let (_, headers, _) = call(test::TestRequest::get().uri("/health")).await;
    let generated = headers.get("x-request-id").unwrap().to_str().unwrap();
    assert!(uuid::Uuid::parse_str(generated).is_ok(), "{generated}");
    let (_, headers, _) = call(
        test::TestRequest::get()
            .uri("/nope")
            .insert_header(("x-request-id", "bad id")),
    )
    .await;
    assert_ne!(
        headers.get("x-request-id").unwrap(),
        "bad id",
        "invalid ids are replaced"
    );
}

#[actix_web::test]
async fn security_headers_are_set() {
    let (_, headers, _) = call(test::TestRequest::get().uri("/health")).await;
    assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
    assert!(headers.get("strict-transport-security").is_some());
    assert_eq!(
        headers.get("referrer-policy").unwrap(),
        "strict-origin-when-cross-origin"
    );
}

#[actix_web::test]
async fn ready_is_plain_text_and_503_while_draining() {
    let st = state();
    let app = test::init_service(http_app(st.clone(), routes)).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/ready").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(test::read_body(res).await, "OK");
    st.draining.store(true, std::sync::atomic::Ordering::SeqCst);
    let res = test::call_service(&app, test::TestRequest::get().uri("/ready").to_request()).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        res.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(test::read_body(res).await, "NOT READY");
}
