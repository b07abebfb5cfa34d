//! Journal goals, active days, log titles and the user's zone (docs/API.md, Goals).

use crate::app::spawn_app;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use serde_json::{Value, json};

use crate::support::*;

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn goals_carry_active_days_prompt_and_labels() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let path = format!("/api/groups/{}/goals", c.group);
    let (status, g) = post(
        &app,
        &path,
        &c.admin,
        json!({"title": "Read", "cadence": "daily", "metric_type": "journal",
               "log_title_prompt": "What did you read?", "active_days": [5, 1, 3]}),
    )
    .await;
    assert_eq!(status, 201, "{g}");
    assert_eq!(g["metric_type"], "journal");
    assert_eq!(g["active_days"], json!([1, 3, 5]));
    assert_eq!(g["active_days_label"], "Mon, Wed, Fri");
    assert_eq!(g["active_days_count"], 3);
    assert_eq!(g["log_title_prompt"], "What did you read?");
    assert_eq!(g["target_value"], Value::Null);

    for (days, label, count) in [
        (json!([1, 2, 3, 4, 5]), "Weekdays only", 5),
        (json!([0, 6]), "Weekends only", 2),
        (json!([0, 1, 2, 3, 4, 5, 6]), "Every day", 7),
    ] {
        let (_, g) = post(
            &app,
            &path,
            &c.admin,
            json!({"title": "Run", "cadence": "daily", "metric_type": "binary", "active_days": days}),
        )
        .await;
        assert_eq!(
            (
                g["active_days_label"].as_str(),
                g["active_days_count"].as_i64()
            ),
            (Some(label), Some(count))
        );
    }
    let (_, g) = post(
        &app,
        &path,
        &c.admin,
        json!({"title": "Km", "cadence": "weekly", "metric_type": "numeric", "target_value": 50}),
    )
    .await;
    assert_eq!(g["target_value"], json!(50.0));
    assert!(g["target_value"].is_number());
    assert_eq!(
        (
            g["active_days"].clone(),
            g["active_days_label"].clone(),
            g["active_days_count"].clone()
        ),
        (Value::Null, json!("Every day"), json!(7))
    );

    let (status, got) = get(
        &app,
        &format!("/api/goals/{}", g["id"].as_str().unwrap()),
        &c.member,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(got["active_days_count"], 7);
    assert_eq!(got["log_title_prompt"], Value::Null);

    for bad in [
        json!({"title": "J", "cadence": "daily", "metric_type": "journal", "target_value": 1}),
        json!({"title": "W", "cadence": "weekly", "metric_type": "binary", "active_days": [1]}),
        json!({"title": "D", "cadence": "daily", "metric_type": "binary", "active_days": []}),
        json!({"title": "D", "cadence": "daily", "metric_type": "binary", "active_days": [7]}),
        json!({"title": "D", "cadence": "daily", "metric_type": "binary", "active_days": [1, 1]}),
        json!({"title": "D", "cadence": "daily", "metric_type": "binary", "log_title_prompt": "x".repeat(81)}),
    ] {
        let (status, body) = post(&app, &path, &c.admin, bad.clone()).await;
        assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{bad}");
    }
}

#[tokio::test]
async fn patch_active_days_keeps_resets_sets_and_records_the_change() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let goal = create_goal(
        &app,
        &c.group,
        &c.admin,
        json!({"title": "Run", "cadence": "daily", "metric_type": "binary", "active_days": [1, 2, 3, 4, 5]}),
    )
    .await;
    let path = format!("/api/goals/{goal}");
    let (status, body) = patch(&app, &path, &c.admin, json!({"title": "Run more"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"id": goal, "title": "Run more", "description": null,
               "active_days": [1, 2, 3, 4, 5], "active_days_label": "Weekdays only", "active_days_count": 5})
    );
    let (_, body) = patch(&app, &path, &c.admin, json!({"active_days": [0, 6]})).await;
    assert_eq!(body["active_days"], json!([0, 6]));
    assert_eq!(body["active_days_label"], "Weekends only");
    let (_, body) = patch(&app, &path, &c.admin, json!({"active_days": [0, 6]})).await;
    assert_eq!(body["active_days_count"], 2);
    let (_, body) = patch(&app, &path, &c.admin, json!({"active_days": null})).await;
    assert_eq!(
        (
            body["active_days"].clone(),
            body["active_days_count"].clone()
        ),
        (Value::Null, json!(7))
    );

    let (_, feed) = get(
        &app,
        &format!("/api/groups/{}/activity", c.group),
        &c.member,
    )
    .await;
    let updates: Vec<&Value> = feed["activities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["activity_type"] == "goal_updated")
        .collect();
    assert_eq!(updates.len(), 2, "{feed}");
    assert_eq!(
        updates[1]["metadata"],
        json!({"goal_id": goal, "field": "active_days", "old_value": [1, 2, 3, 4, 5], "new_value": [0, 6]})
    );
    assert_eq!(updates[0]["metadata"]["new_value"], Value::Null);

    let weekly = create_goal(
        &app,
        &c.group,
        &c.admin,
        json!({"title": "W", "cadence": "weekly", "metric_type": "binary"}),
    )
    .await;
    let (status, body) = patch(
        &app,
        &format!("/api/goals/{weekly}"),
        &c.admin,
        json!({"active_days": [1]}),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    let (status, _) = patch(
        &app,
        &format!("/api/goals/{weekly}"),
        &c.admin,
        json!({"active_days": null}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = patch(&app, &path, &c.member, json!({"active_days": [1]})).await;
    assert_eq!((status, code(&body)), (403, "FORBIDDEN"));
}

#[tokio::test]
async fn journal_logs_need_titles_once_a_day_and_store_the_zone() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let goal = create_goal(
        &app,
        &c.group,
        &c.admin,
        json!({"title": "Read", "cadence": "daily", "metric_type": "journal"}),
    )
    .await;
    let day = today().to_string();
    let entry = |value: f64, title: Value| json!({"goal_id": goal, "value": value, "user_date": day, "user_timezone": "Europe/Paris", "log_title": title});
    for (value, title) in [
        (1.0, Value::Null),
        (1.0, json!("   ")),
        (2.0, json!("Ch. 3")),
        (1.0, json!("x".repeat(121))),
    ] {
        let mut body = entry(value, title.clone());
        if title.is_null() {
            body.as_object_mut().unwrap().remove("log_title");
        }
        let (status, res) = post(&app, "/api/progress", &c.member, body).await;
        assert_eq!((status, code(&res)), (400, "VALIDATION_ERROR"), "{title}");
    }
    let (status, res) = post(
        &app,
        "/api/progress",
        &c.member,
        entry(1.0, json!(" Read ch. 3 ")),
    )
    .await;
    assert_eq!(status, 201, "{res}");
    assert_eq!(res["log_title"], "Read ch. 3");
    let id = res["id"].as_str().unwrap().to_string();
    let (status, res) = post(&app, "/api/progress", &c.member, entry(0.0, json!("again"))).await;
    assert_eq!((status, code(&res)), (400, "DUPLICATE_ENTRY"));

    let (_, got) = get(&app, &format!("/api/progress/{id}"), &c.admin).await;
    assert_eq!(got["log_title"], "Read ch. 3");
    let (_, hist) = get(&app, &format!("/api/goals/{goal}/progress"), &c.admin).await;
    assert_eq!(hist["goal"]["active_days_label"], "Every day");
    assert_eq!(hist["progress"][0]["entries"][0]["log_title"], "Read ch. 3");
    assert_eq!(hist["progress"][0]["entries"][0]["photo"], Value::Null);
    let (_, mine) = get(&app, &format!("/api/goals/{goal}/progress/me"), &c.member).await;
    assert_eq!(mine["active_days_count"], 7);
    assert_eq!(mine["entries"][0]["log_title"], "Read ch. 3");

    let (_, feed) = get(&app, &format!("/api/groups/{}/activity", c.group), &c.admin).await;
    let logged = feed["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["activity_type"] == "progress_logged")
        .unwrap()
        .clone();
    assert_eq!(
        logged["metadata"],
        json!({"goal_id": goal, "goal_title": "Read", "value": 1.0, "progress_entry_id": id, "log_title": "Read ch. 3"})
    );

    // A binary log without a title records null; the zone was stored.
    let bin = create_goal(
        &app,
        &c.group,
        &c.admin,
        json!({"title": "Run", "cadence": "daily", "metric_type": "binary"}),
    )
    .await;
    assert_eq!(log(&app, &c.member, &bin, 1.0, &day).await.0, 201);
    let (_, feed) = get(&app, &format!("/api/groups/{}/activity", c.group), &c.admin).await;
    assert_eq!(feed["activities"][0]["metadata"]["log_title"], Value::Null);
    let mut conn = app.db.connect().await;
    #[derive(diesel::QueryableByName)]
    struct Tz {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        timezone: Option<String>,
    }
    let tz: Tz = diesel::sql_query(format!(
        "SELECT timezone FROM users WHERE id = '{}'",
        c.member.id
    ))
    .get_result(&mut conn)
    .await
    .unwrap();
    assert_eq!(tz.timezone.as_deref(), Some("UTC"));
    let tz: Tz = diesel::sql_query(format!(
        "SELECT timezone FROM users WHERE id = '{}'",
        c.admin.id
    ))
    .get_result(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        tz.timezone.as_deref(),
        Some("UTC"),
        "default for users who never logged"
    );
}

#[tokio::test]
async fn the_migration_is_idempotent_and_keeps_upstream_constraints() {
    let app = spawn_app().await;
    let mut conn = app.db.connect().await;
    let up = include_str!("../../../../migrations/2026-11-25-120000_goal_extensions/up.sql");
    conn.batch_execute(up).await.unwrap();
    #[derive(diesel::QueryableByName)]
    struct Names {
        #[diesel(sql_type = diesel::sql_types::Text)]
        names: String,
    }
    let n: Names = diesel::sql_query(
        "SELECT string_agg(conname, ',' ORDER BY conname) AS names FROM pg_constraint \
         WHERE conrelid = 'goals'::regclass AND contype = 'c'",
    )
    .get_result(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        n.names,
        "chk_active_days,chk_active_days_cadence,chk_goals_cadence,goals_metric_type_check"
    );
    // A Node-style check without journal is widened in place.
    conn.batch_execute(
        "ALTER TABLE goals DROP CONSTRAINT goals_metric_type_check; \
         ALTER TABLE goals ADD CONSTRAINT goals_metric_type_check CHECK (metric_type IN ('binary','numeric','duration'))",
    )
    .await
    .unwrap();
    conn.batch_execute(up).await.unwrap();
    let c = cast(&app).await;
    create_goal(
        &app,
        &c.group,
        &c.admin,
        json!({"title": "J", "cadence": "daily", "metric_type": "journal"}),
    )
    .await;
    let err = diesel::sql_query("UPDATE goals SET active_days = 3 WHERE cadence <> 'daily'")
        .execute(&mut conn)
        .await;
    assert!(err.is_ok(), "no non-daily goal yet");
    create_goal(
        &app,
        &c.group,
        &c.admin,
        json!({"title": "W", "cadence": "weekly", "metric_type": "binary"}),
    )
    .await;
    let err = diesel::sql_query("UPDATE goals SET active_days = 3 WHERE cadence = 'weekly'")
        .execute(&mut conn)
        .await;
    assert!(err.is_err(), "chk_active_days_cadence holds");
}

/// Found by the fuzzer: `3.0` is the integer 3 in JSON (and in the OpenAPI document's
/// `integer`), so an active day written with a zero fraction is accepted; `2.5` is not.
#[tokio::test]
async fn active_days_take_whole_numbers_written_with_a_fraction() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let path = format!("/api/groups/{}/goals", c.group);
    let (status, g) = post(
        &app,
        &path,
        &c.admin,
        json!({"title": "Run", "cadence": "daily", "metric_type": "binary", "active_days": [1.0, 3]}),
    )
    .await;
    assert_eq!(status, 201, "{g}");
    assert_eq!(g["active_days"], json!([1, 3]));
    let goal = format!("/api/goals/{}", g["id"].as_str().unwrap());
    let (status, body) = patch(&app, &goal, &c.admin, json!({"active_days": [5.0]})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["active_days"], json!([5]));
    let (status, body) = patch(&app, &goal, &c.admin, json!({"active_days": [2.5]})).await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{body}");
}

/// Found by the fuzzer: serde reads a struct from an array of its fields in order, so
/// `[null, null]` was a valid `PATCH /api/users/me`. Every body must be a JSON object.
#[tokio::test]
async fn a_body_that_is_not_an_object_is_refused() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    for body in [json!([null, null]), json!(["Ann"]), json!("Ann"), json!(1)] {
        let (status, answer) = patch(&app, "/api/users/me", &c.member, body.clone()).await;
        assert_eq!((status, code(&answer)), (400, "VALIDATION_ERROR"), "{body}");
        assert_eq!(answer["error"]["details"][0]["code"], "invalid_type");
    }
    let path = format!("/api/groups/{}/goals", c.group);
    let (status, answer) = post(
        &app,
        &path,
        &c.admin,
        json!(["Run", null, "daily", "binary"]),
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (400, "VALIDATION_ERROR"),
        "{answer}"
    );
}

/// Every bad field of a goal body is one detail of the 400, not only the first.
#[tokio::test]
async fn every_bad_goal_field_is_reported() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (status, body) = post(
        &app,
        &format!("/api/groups/{}/goals", c.group),
        &c.admin,
        json!({"title": "Run", "cadence": "hourly", "metric_type": "steps", "active_days": [9]}),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{body}");
    assert_eq!(
        crate::support::detail_paths(&body),
        ["cadence", "metric_type", "active_days"]
    );

    let (status, g) = post(
        &app,
        &format!("/api/groups/{}/goals", c.group),
        &c.admin,
        json!({"title": "Run", "cadence": "daily", "metric_type": "binary"}),
    )
    .await;
    assert_eq!(status, 201, "{g}");
    let goal = format!("/api/goals/{}", g["id"].as_str().unwrap());
    let (status, body) = patch(
        &app,
        &goal,
        &c.admin,
        json!({"title": null, "active_days": [7]}),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{body}");
    assert_eq!(
        crate::support::detail_paths(&body),
        ["title", "active_days"]
    );
    let (_, unchanged) = call(
        &app,
        reqwest::Method::GET,
        &goal,
        Some(&c.admin.token),
        None,
    )
    .await;
    assert_eq!(unchanged["title"], "Run", "nothing was changed");
}
