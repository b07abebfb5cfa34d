//! Progress logging (D2), idempotency (D3), reading and deleting entries over HTTP.

use crate::app::{TestApp, spawn_app};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_domain::period::Timezone;
use serde_json::{Value, json};

use crate::support::*;

async fn entry_count(app: &TestApp) -> i64 {
    use pursue_postgres::schema::progress_entries;
    let mut conn = app.db.connect().await;
    progress_entries::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

async fn log_with_key(app: &TestApp, user: &User, key: &str, body: Value) -> (u16, Value) {
    let res = app
        .client
        .post(app.url("/api/progress"))
        .bearer_auth(&user.token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn binary_goal(app: &TestApp, c: &Cast) -> String {
    create_goal(
        app,
        &c.group,
        &c.creator,
        json!({"title": "Meditate", "cadence": "daily", "metric_type": "binary"}),
    )
    .await
}

#[tokio::test]
async fn log_binary_once_per_day() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let goal = binary_goal(&app, &c).await;
    let d = today().to_string();
    let (status, body) = post(
        &app,
        "/api/progress",
        &c.member,
        json!({"goal_id": goal, "value": 1, "note": " felt good ", "user_date": d, "user_timezone": "Europe/Berlin", "log_title": "ignored"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["goal_id"], goal.as_str());
    assert_eq!(body["user_id"], c.member.id.as_str());
    assert_eq!(body["value"], 1.0);
    assert_eq!(body["note"], "felt good");
    assert_eq!(body["period_start"], d);
    assert!(body["logged_at"].is_string());
    let (status, dup) = log(&app, &c.member, &goal, 0.0, &d).await;
    assert_eq!(
        (status, dup["error"]["code"].as_str()),
        (400, Some("DUPLICATE_ENTRY"))
    );
    let yesterday = (today() - Duration::days(1)).to_string();
    assert_eq!(log(&app, &c.member, &goal, 1.0, &yesterday).await.0, 201);
    let (status, last) = log(&app, &c.admin, &goal, 1.0, &d).await;
    assert_eq!(status, 201);
    assert_eq!(entry_count(&app).await, 3);

    // activity and push
    let (_, feed) = get(
        &app,
        &format!("/api/groups/{}/activity?limit=1", c.group),
        &c.member,
    )
    .await;
    assert_eq!(feed["activities"][0]["activity_type"], "progress_logged");
    assert_eq!(
        feed["activities"][0]["metadata"],
        json!({"goal_id": goal, "goal_title": "Meditate", "value": 1.0,
               "progress_entry_id": last["id"],
               "log_title": null})
    );
    use pursue_postgres::schema::outbox;
    let mut conn = app.db.connect().await;
    let pushes: Vec<Value> = outbox::table
        .filter(outbox::topic.eq("push"))
        .order(outbox::created_at.asc())
        .select(outbox::payload)
        .load(&mut conn)
        .await
        .unwrap();
    let first = pushes
        .iter()
        .find(|p| p["data"]["type"] == "progress_logged")
        .unwrap();
    assert_eq!(first["body"], "member completed 'Meditate'");
    assert_eq!(first["title"], "Runners");
    assert_eq!(first["data"]["goal_id"], goal.as_str());
    assert_eq!(first["data"]["user_id"], c.member.id.as_str());
    assert_eq!(first["recipients"], json!([c.creator.id, c.admin.id]));
}

#[tokio::test]
async fn dates_zones_and_values_are_checked() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let binary = binary_goal(&app, &c).await;
    let numeric = create_goal(
        &app,
        &c.group,
        &c.creator,
        json!({"title": "km", "cadence": "weekly", "metric_type": "numeric", "target_value": 20}),
    )
    .await;
    let duration = create_goal(
        &app,
        &c.group,
        &c.creator,
        json!({"title": "t", "cadence": "monthly", "metric_type": "duration"}),
    )
    .await;
    let d = today().to_string();
    let send = |goal: &str, value: Value, date: &str, zone: &str| json!({"goal_id": goal, "value": value, "user_date": date, "user_timezone": zone});
    let far = Timezone::parse("Pacific/Kiritimati")
        .unwrap()
        .today(Utc::now());
    let behind = Timezone::parse("Pacific/Pago_Pago")
        .unwrap()
        .today(Utc::now());
    let cases = [
        (
            send(&numeric, json!(1), &far.to_string(), "Pacific/Kiritimati"),
            201,
        ),
        (
            send(
                &numeric,
                json!(1),
                &(far + Duration::days(1)).to_string(),
                "Pacific/Kiritimati",
            ),
            400,
        ),
        (
            send(&numeric, json!(1), &behind.to_string(), "Pacific/Pago_Pago"),
            201,
        ),
        (
            send(
                &numeric,
                json!(1),
                &(behind + Duration::days(1)).to_string(),
                "Pacific/Pago_Pago",
            ),
            400,
        ),
        (send(&numeric, json!(1), &d, "Mars/Olympus"), 400),
        (send(&numeric, json!(1), "2026-02-30", "UTC"), 400),
        (send(&numeric, json!(1), "20260101", "UTC"), 400),
        (send(&numeric, json!(-1), &d, "UTC"), 400),
        // More than two decimals are rounded (to 1.23), as NUMERIC(10,2) would.
        (send(&numeric, json!(1.234), &d, "UTC"), 201),
        (send(&numeric, json!(1000000), &d, "UTC"), 400),
        (send(&numeric, json!(999999.99), &d, "UTC"), 201),
        (send(&binary, json!(2), &d, "UTC"), 400),
        (send(&binary, json!(0.5), &d, "UTC"), 400),
        (send(&duration, json!(1.5), &d, "UTC"), 400),
        (send(&duration, json!(100000000), &d, "UTC"), 400),
        (send(&duration, json!(3600), &d, "UTC"), 201),
        (send("not-a-uuid", json!(1), &d, "UTC"), 400),
        (
            json!({"goal_id": numeric, "user_date": d, "user_timezone": "UTC"}),
            400,
        ),
        (
            send(&uuid::Uuid::new_v4().to_string(), json!(1), &d, "UTC"),
            404,
        ),
    ];
    for (body, expected) in cases {
        let (status, res) = post(&app, "/api/progress", &c.member, body.clone()).await;
        assert_eq!(status, expected, "{body} → {res}");
    }
    let (status, _) = log(&app, &c.outsider, &numeric, 1.0, &d).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn idempotent_replay_and_key_reuse() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let goal = create_goal(
        &app,
        &c.group,
        &c.creator,
        json!({"title": "km", "cadence": "daily", "metric_type": "numeric", "target_value": 5}),
    )
    .await;
    let body = json!({"goal_id": goal, "value": 2.5, "user_date": today().to_string(), "user_timezone": "UTC"});
    let (s1, first) = log_with_key(&app, &c.member, "retry-1", body.clone()).await;
    let (s2, second) = log_with_key(&app, &c.member, "retry-1", body.clone()).await;
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(first, second);
    assert_eq!(entry_count(&app).await, 1);
    let mut other = body.clone();
    other["value"] = json!(3);
    let (status, err) = log_with_key(&app, &c.member, "retry-1", other).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (422, Some("IDEMPOTENCY_KEY_REUSED"))
    );
    // keys are per user
    assert_eq!(
        log_with_key(&app, &c.admin, "retry-1", body.clone())
            .await
            .0,
        201
    );
    assert_eq!(
        log_with_key(&app, &c.member, "has space", body.clone())
            .await
            .0,
        400
    );
    assert_eq!(
        log_with_key(&app, &c.member, &"k".repeat(256), body)
            .await
            .0,
        400
    );
    assert_eq!(entry_count(&app).await, 2);
}

#[tokio::test]
async fn fifty_concurrent_retries_create_one_entry() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let goal = create_goal(
        &app,
        &c.group,
        &c.creator,
        json!({"title": "km", "cadence": "daily", "metric_type": "numeric", "target_value": 5}),
    )
    .await;
    let body = json!({"goal_id": goal, "value": 1, "user_date": today().to_string(), "user_timezone": "UTC"});
    let calls = (0..50).map(|_| log_with_key(&app, &c.member, "offline-42", body.clone()));
    let results = futures_util::future::join_all(calls).await;
    let ids: std::collections::HashSet<String> = results
        .iter()
        .map(|(s, b)| {
            assert_eq!(*s, 201, "{b}");
            b["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(entry_count(&app).await, 1);
}

#[tokio::test]
async fn entries_are_read_by_members_and_deleted_by_owners() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let goal = binary_goal(&app, &c).await;
    let (_, entry) = log(&app, &c.member, &goal, 1.0, &today().to_string()).await;
    let id = entry["id"].as_str().unwrap();
    let path = format!("/api/progress/{id}");
    for user in [&c.member, &c.admin, &c.creator] {
        let (status, body) = get(&app, &path, user).await;
        assert_eq!(status, 200);
        assert_eq!(body, entry);
    }
    assert_eq!(get(&app, &path, &c.outsider).await.0, 403);
    for user in [&c.admin, &c.creator, &c.outsider] {
        assert_eq!(delete(&app, &path, user).await.0, 403);
    }
    assert_eq!(delete(&app, &path, &c.member).await.0, 204);
    assert_eq!(get(&app, &path, &c.member).await.0, 404);
    assert_eq!(delete(&app, &path, &c.member).await.0, 404);
    // entries of archived goals are hidden
    let (_, entry) = log(&app, &c.member, &goal, 1.0, &today().to_string()).await;
    assert_eq!(
        delete(&app, &format!("/api/goals/{goal}"), &c.creator)
            .await
            .0,
        204
    );
    assert_eq!(
        get(
            &app,
            &format!("/api/progress/{}", entry["id"].as_str().unwrap()),
            &c.member
        )
        .await
        .0,
        404
    );
}

#[tokio::test]
async fn keys_expire_after_a_day() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let goal = create_goal(
        &app,
        &c.group,
        &c.creator,
        json!({"title": "km", "cadence": "daily", "metric_type": "numeric", "target_value": 5}),
    )
    .await;
    let body = json!({"goal_id": goal, "value": 1, "user_date": today().to_string(), "user_timezone": "UTC"});
    let (_, first) = log_with_key(&app, &c.member, "day-old", body.clone()).await;
    {
        use pursue_postgres::schema::idempotency_keys;
        let mut conn = app.db.connect().await;
        diesel::update(idempotency_keys::table)
            .set(idempotency_keys::created_at.eq(Utc::now() - Duration::hours(25)))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let (status, second) = log_with_key(&app, &c.member, "day-old", body).await;
    assert_eq!(status, 201);
    assert_ne!(first["id"], second["id"]);
    assert_eq!(entry_count(&app).await, 2);
}
