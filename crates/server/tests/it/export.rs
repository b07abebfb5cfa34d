//! Group progress export: range check and the `.xlsx` workbook (docs/API.md, Export).

use std::io::Cursor;

use crate::app::{spawn_app, spawn_app_with};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::*;

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

async fn download(app: &crate::app::TestApp, path: &str, user: &User) -> reqwest::Response {
    app.client
        .request(Method::GET, app.url(path))
        .bearer_auth(&user.token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn validate_range_answers_flat_bodies() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let t = today();
    let base = format!("/api/groups/{}/export-progress/validate-range", c.group);
    let (status, body) = get(
        &app,
        &format!("{base}?start_date={}&end_date={t}", t - Duration::days(29)),
        &c.member,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"valid": true, "max_days_allowed": 30, "requested_days": 30, "subscription_tier": "free"})
    );
    let (status, body) = get(
        &app,
        &format!("{base}?start_date={}&end_date={t}", t - Duration::days(30)),
        &c.member,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"valid": false, "max_days_allowed": 30, "requested_days": 31, "subscription_tier": "free",
               "error": "date_range_exceeds_tier_limit",
               "message": "Free tier users can export up to 30 days of data. Upgrade to Premium for up to 12 months."})
    );
    let (status, body) = get(
        &app,
        &format!("{base}?start_date={}&end_date={t}", t - Duration::days(730)),
        &c.member,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "absolute_maximum_exceeded");
    assert_eq!(body["max_days_allowed"], 730);
    assert_eq!(body["message"], "Export range cannot exceed 24 months.");
    for bad in [
        format!("?start_date={t}"),
        format!("?start_date={t}&end_date={}", t - Duration::days(1)),
        "?start_date=2026-02-30&end_date=2026-03-01".into(),
    ] {
        let (status, body) = get(&app, &format!("{base}{bad}"), &c.member).await;
        assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{bad}");
    }
    let (status, body) = get(
        &app,
        &format!("{base}?start_date={t}&end_date={t}"),
        &c.outsider,
    )
    .await;
    assert_eq!((status, code(&body)), (403, "FORBIDDEN"));
}

#[tokio::test]
async fn the_workbook_has_a_sheet_per_member_with_goal_rows() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, _) = patch(
        &app,
        &format!("/api/groups/{}", c.group),
        &c.creator,
        json!({"name": "Run Club!"}),
    )
    .await;
    let t = today();
    let start = t - Duration::days(6);
    let daily = create_goal(
        &app,
        &c.group,
        &c.admin,
        json!({"title": "Run", "cadence": "daily", "metric_type": "binary"}),
    )
    .await;
    let yearly = create_goal(
        &app,
        &c.group,
        &c.admin,
        json!({"title": "Marathon", "cadence": "yearly", "metric_type": "binary"}),
    )
    .await;
    let _monthly = create_goal(&app, &c.group, &c.admin, json!({"title": "Books", "cadence": "monthly", "metric_type": "numeric", "target_value": 2})).await;
    for back in [0, 2, 4] {
        assert_eq!(
            log(
                &app,
                &c.member,
                &daily,
                1.0,
                &(t - Duration::days(back)).to_string()
            )
            .await
            .0,
            201
        );
    }
    assert_eq!(
        log(&app, &c.member, &yearly, 1.0, &t.to_string()).await.0,
        201
    );
    let path = format!(
        "/api/groups/{}/export-progress?start_date={start}&end_date={t}&user_timezone=UTC",
        c.group
    );
    let res = download(&app, &path, &c.admin).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        res.headers()["content-disposition"].to_str().unwrap(),
        format!("attachment; filename=\"Run_Club__Progress_{start}_to_{t}.xlsx\"")
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["admin", "creator", "member"]);
    let sheet = book.worksheet_range("member").unwrap();
    let cell = |r: u32, c: u32| match sheet.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        other => format!("{other:?}"),
    };
    assert_eq!(cell(0, 0), "MEMBER - PROGRESS SUMMARY");
    let fmt = |d: chrono::NaiveDate| d.format("%b %-d, %Y").to_string();
    assert_eq!(
        cell(1, 0),
        format!("Run Club! | {} - {}", fmt(start), fmt(t))
    );
    assert_eq!(
        [cell(3, 0), cell(3, 1), cell(3, 2), cell(3, 3)],
        ["Goal", "Cadence", "Completion", "Days/Times"]
    );
    assert_eq!(
        [cell(4, 0), cell(4, 1), cell(4, 2), cell(4, 3)],
        ["Run", "Daily", "42.9%", "3/7"]
    );
    let months = if start.format("%m").to_string() == t.format("%m").to_string() {
        1
    } else {
        2
    };
    assert_eq!(
        [cell(5, 0), cell(5, 1), cell(5, 2)],
        ["Books".to_string(), "Monthly".into(), "0.0%".into()]
    );
    assert_eq!(cell(5, 3), format!("0/{months}"));
    assert_eq!(cell(7, 0), "YEARLY GOALS");
    assert_eq!(
        [cell(8, 0), cell(8, 1), cell(8, 2), cell(8, 3)],
        ["Marathon", "Yearly", "Complete", "✓"]
    );
    let admin = book.worksheet_range("admin").unwrap();
    assert_eq!(
        admin.get_value((8, 2)),
        Some(&Data::String("Pending".into()))
    );
    assert_eq!(admin.get_value((8, 3)), Some(&Data::String("-".into())));

    let (_, feed) = get(&app, &format!("/api/groups/{}/activity", c.group), &c.admin).await;
    assert_eq!(feed["activities"][0]["activity_type"], "export_progress");
    assert_eq!(
        feed["activities"][0]["metadata"],
        json!({"start_date": start.to_string(), "end_date": t.to_string()})
    );
}

#[tokio::test]
async fn export_checks_query_membership_and_tier() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let t = today();
    let base = format!("/api/groups/{}/export-progress", c.group);
    for bad in [
        format!("?start_date={t}&end_date={t}"),
        format!("?start_date={t}&end_date={t}&user_timezone=Mars/Base"),
        format!(
            "?start_date={t}&end_date={}&user_timezone=UTC",
            t + Duration::days(2)
        ),
        format!(
            "?start_date={}&end_date={t}&user_timezone=UTC",
            t - Duration::days(730)
        ),
    ] {
        let (status, body) = get(&app, &format!("{base}{bad}"), &c.member).await;
        assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{bad}");
    }
    let ok = format!(
        "?start_date={}&end_date={t}&user_timezone=UTC",
        t - Duration::days(29)
    );
    let (status, body) = get(&app, &format!("{base}{ok}"), &c.outsider).await;
    assert_eq!((status, code(&body)), (403, "FORBIDDEN"));
    let (status, body) = get(
        &app,
        &format!("/api/groups/{}/export-progress{ok}", uuid::Uuid::new_v4()),
        &c.member,
    )
    .await;
    assert_eq!((status, code(&body)), (404, "NOT_FOUND"));
    let over = format!(
        "?start_date={}&end_date={t}&user_timezone=UTC",
        t - Duration::days(30)
    );
    let (status, body) = get(&app, &format!("{base}{over}"), &c.member).await;
    assert_eq!((status, code(&body)), (403, "SUBSCRIPTION_REQUIRED"));
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Free tier users can export up to 30 days")
    );
}

#[tokio::test]
async fn exports_are_limited_to_ten_per_hour() {
    let app = spawn_app_with(|c| c.rate_limits = true).await;
    let c = cast(&app).await;
    let t = today();
    let path = format!(
        "/api/groups/{}/export-progress?start_date={t}&end_date={t}&user_timezone=UTC",
        c.group
    );
    for _ in 0..10 {
        assert_eq!(
            download(&app, &path, &c.member).await.status().as_u16(),
            200
        );
    }
    let (status, body) = get(&app, &path, &c.member).await;
    assert_eq!((status, code(&body)), (429, "EXPORT_RATE_LIMIT_EXCEEDED"));
    assert_eq!(download(&app, &path, &c.admin).await.status().as_u16(), 200);
}

/// Makes `user` premium with an active subscription row.
pub async fn make_premium(app: &crate::app::TestApp, user: &User) {
    use diesel_async::RunQueryDsl;
    let mut conn = app.db.connect().await;
    diesel::sql_query(format!(
        "INSERT INTO user_subscriptions (user_id, tier, status, expires_at, platform) \
         VALUES ('{}', 'premium', 'active', now() + interval '30 days', 'google_play')",
        user.id
    ))
    .execute(&mut conn)
    .await
    .unwrap();
}

#[tokio::test]
async fn premium_callers_get_a_year_of_export_and_history() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    make_premium(&app, &c.member).await;
    let t = today();
    let base = format!("/api/groups/{}/export-progress", c.group);
    let (status, body) = get(
        &app,
        &format!(
            "{base}/validate-range?start_date={}&end_date={t}",
            t - Duration::days(364)
        ),
        &c.member,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"valid": true, "max_days_allowed": 365, "requested_days": 365, "subscription_tier": "premium"})
    );
    let (status, body) = get(
        &app,
        &format!(
            "{base}/validate-range?start_date={}&end_date={t}",
            t - Duration::days(365)
        ),
        &c.member,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        (body["error"].as_str(), body["message"].as_str()),
        (
            Some("date_range_exceeds_tier_limit"),
            Some("Export range exceeds 12 months.")
        )
    );
    let res = download(
        &app,
        &format!(
            "{base}?start_date={}&end_date={t}&user_timezone=UTC",
            t - Duration::days(200)
        ),
        &c.member,
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let (status, body) = get(
        &app,
        &format!(
            "{base}?start_date={}&end_date={t}&user_timezone=UTC",
            t - Duration::days(365)
        ),
        &c.member,
    )
    .await;
    assert_eq!((status, code(&body)), (403, "SUBSCRIPTION_REQUIRED"));
    assert_eq!(body["error"]["message"], "Export range exceeds 12 months.");

    let history = format!("/api/groups/{}/members/{}/progress", c.group, c.admin.id);
    let (status, _) = get(
        &app,
        &format!(
            "{history}?start_date={}&end_date={t}",
            t - Duration::days(729)
        ),
        &c.member,
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = get(
        &app,
        &format!(
            "{history}?start_date={}&end_date={t}",
            t - Duration::days(730)
        ),
        &c.member,
    )
    .await;
    assert_eq!((status, code(&body)), (400, "INVALID_DATE_RANGE"));
}
