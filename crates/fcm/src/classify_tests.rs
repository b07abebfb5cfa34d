use super::*;

fn fcm_error(http: u16, status: &str, error_code: Option<&str>, message: &str) -> String {
    let mut details = Vec::new();
    if let Some(code) = error_code {
        details.push(serde_json::json!({
            "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
            "errorCode": code,
        }));
    }
    serde_json::json!({"error": {"code": http, "message": message, "status": status,
        "details": details}})
    .to_string()
}

fn classify(http: u16, body: &str) -> PushError {
    FcmFailure::parse(http, body).into_error(None)
}

#[test]
fn unregistered_and_not_found_blame_the_token() {
    let body = fcm_error(
        404,
        "NOT_FOUND",
        Some("UNREGISTERED"),
        "Requested entity was not found.",
    );
    assert!(
        matches!(classify(404, &body), PushError::InvalidToken(r) if r.contains("UNREGISTERED"))
    );
    let body = fcm_error(404, "NOT_FOUND", None, "Requested entity was not found.");
    assert!(matches!(classify(404, &body), PushError::InvalidToken(_)));
}

#[test]
fn invalid_argument_blames_the_token_only_when_fcm_says_so() {
    let token = serde_json::json!({"error": {"code": 400, "status": "INVALID_ARGUMENT",
        "message": "The registration token is not a valid FCM registration token",
        "details": [
            {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
             "errorCode": "INVALID_ARGUMENT"},
            {"@type": "type.googleapis.com/google.rpc.BadRequest",
             "fieldViolations": [{"field": "message.token",
                                  "description": "Invalid registration token"}]}]}})
    .to_string();
    assert!(matches!(classify(400, &token), PushError::InvalidToken(_)));

    let payload = fcm_error(
        400,
        "INVALID_ARGUMENT",
        Some("INVALID_ARGUMENT"),
        "Invalid JSON payload received. Unknown name \"colour\"",
    );
    assert!(matches!(classify(400, &payload), PushError::Rejected(r) if r.contains("colour")));
}

#[test]
fn overload_and_server_errors_are_retryable_with_retry_after() {
    let quota = fcm_error(
        429,
        "RESOURCE_EXHAUSTED",
        Some("QUOTA_EXCEEDED"),
        "Quota exceeded.",
    );
    let err = FcmFailure::parse(429, &quota).into_error(Some(Duration::from_secs(7)));
    assert!(matches!(
        err,
        PushError::Retryable { retry_after: Some(d), .. } if d == Duration::from_secs(7)
    ));
    for (http, status, code) in [
        (503, "UNAVAILABLE", Some("UNAVAILABLE")),
        (500, "INTERNAL", Some("INTERNAL")),
        (502, "", None),
        (408, "", None),
    ] {
        let err = classify(http, &fcm_error(http, status, code, "try later"));
        assert!(err.is_retryable(), "{http}: {err:?}");
    }
    assert!(classify(503, "<html>Service Unavailable</html>").is_retryable());
}

#[test]
fn other_client_errors_are_rejected_and_keep_the_device() {
    for (http, status, code) in [
        (403, "PERMISSION_DENIED", Some("SENDER_ID_MISMATCH")),
        (401, "UNAUTHENTICATED", Some("THIRD_PARTY_AUTH_ERROR")),
        (403, "PERMISSION_DENIED", None),
        (413, "", None),
    ] {
        let err = classify(http, &fcm_error(http, status, code, "no"));
        assert!(matches!(err, PushError::Rejected(_)), "{http}: {err:?}");
    }
}

#[test]
fn a_bare_404_is_a_configuration_problem_not_a_dead_token() {
    let err = classify(404, "Not Found");
    assert!(matches!(err, PushError::Unexpected(e) if e.to_string().contains("FCM_BASE_URL")));
}

#[test]
fn only_our_own_authentication_failures_ask_for_a_new_access_token() {
    let ours = FcmFailure::parse(401, &fcm_error(401, "UNAUTHENTICATED", None, "expired"));
    assert!(ours.wants_new_access_token());
    assert!(matches!(ours.into_error(None), PushError::Unexpected(_)));
    let apns = FcmFailure::parse(
        401,
        &fcm_error(
            401,
            "UNAUTHENTICATED",
            Some("THIRD_PARTY_AUTH_ERROR"),
            "apns",
        ),
    );
    assert!(!apns.wants_new_access_token());
}

#[test]
fn reasons_are_short_and_name_the_code() {
    let long = "x".repeat(1000);
    let failure = FcmFailure::parse(400, &fcm_error(400, "INVALID_ARGUMENT", None, &long));
    assert_eq!(failure.code.as_deref(), Some("INVALID_ARGUMENT"));
    let PushError::Rejected(reason) = failure.into_error(None) else {
        panic!("expected a rejection");
    };
    assert!(reason.starts_with("HTTP 400 INVALID_ARGUMENT: xxx"));
    assert!(reason.chars().count() < 250);
}

#[test]
fn retry_after_accepts_seconds_and_http_dates() {
    let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert_eq!(
        parse_retry_after("120", now),
        Some(Duration::from_secs(120))
    );
    assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
    assert_eq!(
        parse_retry_after("Thu, 01 Jan 2026 00:01:30 GMT", now),
        Some(Duration::from_secs(90))
    );
    assert_eq!(
        parse_retry_after("Wed, 31 Dec 2025 23:00:00 GMT", now),
        Some(Duration::ZERO)
    );
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(parse_retry_after("-5", now), None);
}
