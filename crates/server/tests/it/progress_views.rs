//! Members' pulse, member history and My Progress (docs/API.md, Progress views).

use crate::app::spawn_app;
use chrono::{Datelike, Duration};
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};

use crate::support::*;

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

async fn sql(app: &crate::app::TestApp, q: &str) {
    let mut conn = app.db.connect().await;
    diesel::sql_query(q).execute(&mut conn).await.unwrap();
}

#[tokio::test]
async fn members_are_ordered_with_their_pulse() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let path = format!("/api/groups/{}/members", c.group);
    let (status, body) = get(&app, &path, &c.member).await;
    assert_eq!(status, 200, "{body}");
    let ids: Vec<&str> = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            c.creator.id.as_str(),
            c.admin.id.as_str(),
            c.member.id.as_str()
        ]
    );
    assert!(
        body["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["logged_this_period"] == false && m["last_log_at"].is_null())
    );

    // Only a weekly goal: the period is Monday … today.
    let weekly = create_goal(
        &app,
        &c.group,
        &c.admin,
        json!({"title": "W", "cadence": "weekly", "metric_type": "binary"}),
    )
    .await;
    let monday = today() - Duration::days(i64::from(today().weekday().num_days_from_monday()));
    let (status, _) = log(&app, &c.member, &weekly, 1.0, &monday.to_string()).await;
    assert_eq!(status, 201);
    let (status, _) = log(
        &app,
        &c.admin,
        &weekly,
        1.0,
        &(monday - Duration::days(1)).to_string(),
    )
    .await;
    assert_eq!(status, 201);
    let (_, body) = get(&app, &path, &c.creator).await;
    let m = &body["members"];
    assert_eq!(
        (
            m[1]["logged_this_period"].clone(),
            m[2]["logged_this_period"].clone()
        ),
        (json!(false), json!(true))
    );
    assert!(m[2]["last_log_at"].is_string());

    // A daily goal makes the period today only.
    let daily = create_goal(
        &app,
        &c.group,
        &c.admin,
        json!({"title": "D", "cadence": "daily", "metric_type": "binary"}),
    )
    .await;
    let (_, body) = get(&app, &path, &c.creator).await;
    let expect_member = monday == today();
    assert_eq!(
        body["members"][2]["logged_this_period"],
        json!(expect_member)
    );
    assert_eq!(
        log(&app, &c.creator, &daily, 0.0, &today().to_string())
            .await
            .0,
        201
    );
    let (_, body) = get(&app, &path, &c.creator).await;
    assert_eq!(body["members"][0]["logged_this_period"], true);

    let (status, body) = get(&app, &path, &c.outsider).await;
    assert_eq!((status, code(&body)), (403, "FORBIDDEN"));
}

#[tokio::test]
async fn member_history_checks_in_order_and_pages_with_a_cursor() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let daily = create_goal(
        &app,
        &c.group,
        &c.admin,
        json!({"title": "Run", "cadence": "daily", "metric_type": "binary"}),
    )
    .await;
    let km = create_goal(&app, &c.group, &c.admin, json!({"title": "Km", "cadence": "weekly", "metric_type": "numeric", "target_value": 10, "unit": "km"})).await;
    let t = today();
    let start = t - Duration::days(6);
    for i in 0..3 {
        let d = (t - Duration::days(i)).to_string();
        assert_eq!(log(&app, &c.member, &daily, 1.0, &d).await.0, 201);
    }
    assert_eq!(log(&app, &c.member, &km, 4.5, &t.to_string()).await.0, 201);
    assert_eq!(
        log(
            &app,
            &c.member,
            &km,
            2.0,
            &(t - Duration::days(30)).to_string()
        )
        .await
        .0,
        201
    );
    let base = format!("/api/groups/{}/members/{}/progress", c.group, c.member.id);
    let q = |extra: &str| format!("{base}?start_date={start}&end_date={t}{extra}");

    let (status, body) = get(&app, &q("&limit=2"), &c.admin).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["member"]["user_id"], c.member.id);
    assert_eq!(body["member"]["role"], "member");
    assert_eq!(body["member"]["avatar_url"], Value::Null);
    assert_eq!(
        body["timeframe"],
        json!({"start_date": start.to_string(), "end_date": t.to_string()})
    );
    let s = &body["goal_summaries"];
    assert_eq!(s[0]["goal_id"], daily);
    assert_eq!(
        (
            s[0]["completed"].clone(),
            s[0]["total"].clone(),
            s[0]["percentage"].clone()
        ),
        (json!(3.0), json!(7.0), json!(43))
    );
    assert_eq!(s[0]["emoji"], Value::Null);
    assert_eq!(s[1]["unit"], "km");
    assert_eq!(s[1]["completed"], json!(4.5));
    let weeks = if start.iso_week() == t.iso_week() {
        1.0
    } else {
        2.0
    };
    assert_eq!(s[1]["total"], json!(10.0 * weeks));
    let log1 = body["activity_log"].as_array().unwrap();
    assert_eq!(log1.len(), 2);
    assert_eq!(log1[0]["goal_title"], "Km");
    assert_eq!(log1[0]["entry_date"], t.to_string());
    assert_eq!(log1[0]["photo_url"], Value::Null);
    assert_eq!(body["pagination"]["has_more"], true);
    assert_eq!(body["pagination"]["total_in_timeframe"], 4);

    // A reaction on the newest entry's feed item shows on the log.
    let entry_id = log1[0]["entry_id"].as_str().unwrap();
    sql(
        &app,
        &format!(
            "INSERT INTO activity_reactions (activity_id, user_id, emoji) \
         SELECT a.id, u.id, '🔥' FROM group_activities a, users u \
         WHERE a.metadata->>'progress_entry_id' = '{entry_id}' AND u.id IN ('{}', '{}')",
            c.admin.id, c.creator.id
        ),
    )
    .await;
    let cursor = body["pagination"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, again) = get(&app, &q("&limit=2"), &c.admin).await;
    assert_eq!(
        again["activity_log"][0]["reactions"],
        json!([{"emoji": "🔥", "count": 2}])
    );
    assert_eq!(again["activity_log"][1]["reactions"], json!([]));

    let (status, page2) = get(
        &app,
        &q(&format!("&limit=2&cursor={}", urlencode(&cursor))),
        &c.admin,
    )
    .await;
    assert_eq!(status, 200, "{page2}");
    let log2 = page2["activity_log"].as_array().unwrap();
    assert_eq!(log2.len(), 2);
    assert_eq!(page2["pagination"]["has_more"], false);
    assert_eq!(page2["pagination"]["next_cursor"], Value::Null);
    let mut seen: Vec<&str> = log1
        .iter()
        .chain(log2)
        .map(|e| e["entry_id"].as_str().unwrap())
        .collect();
    seen.dedup();
    assert_eq!(seen.len(), 4);

    // Errors, in the documented order.
    for (path, status, want) in [
        (format!("{base}?end_date={t}"), 400, "VALIDATION_ERROR"),
        (
            format!("{base}?start_date={t}&end_date=2026-02-30"),
            400,
            "VALIDATION_ERROR",
        ),
        (
            format!("{base}?start_date={t}&end_date={start}"),
            400,
            "INVALID_DATE_RANGE",
        ),
        (q("&limit=51"), 400, "VALIDATION_ERROR"),
        (q("&cursor=not-a-cursor"), 400, "INVALID_CURSOR"),
        (
            format!(
                "/api/groups/{}/members/{}/progress?start_date={start}&end_date={t}",
                uuid::Uuid::new_v4(),
                c.member.id
            ),
            404,
            "NOT_FOUND",
        ),
    ] {
        let (s, b) = get(&app, &path, &c.admin).await;
        assert_eq!((s, code(&b)), (status, want), "{path}");
    }
    let (s, b) = get(&app, &q(""), &c.outsider).await;
    assert_eq!((s, code(&b)), (403, "FORBIDDEN"));
    let (s, b) = get(
        &app,
        &format!(
            "/api/groups/{}/members/{}/progress?start_date={start}&end_date={t}",
            c.group, c.outsider.id
        ),
        &c.admin,
    )
    .await;
    assert_eq!((s, code(&b)), (403, "TARGET_NOT_A_MEMBER"));
    let (s, _) = get(
        &app,
        &format!("{base}?start_date={}&end_date={t}", t - Duration::days(30)),
        &c.admin,
    )
    .await;
    assert_eq!(s, 200, "31 calendar days pass for free callers");
    let (s, b) = get(
        &app,
        &format!("{base}?start_date={}&end_date={t}", t - Duration::days(31)),
        &c.admin,
    )
    .await;
    assert_eq!((s, code(&b)), (403, "SUBSCRIPTION_REQUIRED"));
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

#[tokio::test]
async fn my_progress_has_streaks_week_heatmap_and_breakdown() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (status, body) = get(&app, "/api/users/me/progress", &c.outsider).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["streak"],
        json!({"current_streak_days": 0, "longest_streak_days": 0, "streak_goal_days": null})
    );
    assert_eq!(body["heatmap"]["days"].as_array().unwrap().len(), 30);
    assert_eq!(body["goal_breakdown"], json!([]));

    let daily = create_goal(
        &app,
        &c.group,
        &c.admin,
        json!({"title": "Run", "cadence": "daily", "metric_type": "binary"}),
    )
    .await;
    // Goals count from their creation date: move it back so earlier logs count.
    sql(
        &app,
        "UPDATE goals SET created_at = now() - interval '40 days'",
    )
    .await;
    let t = today();
    for back in 1..=3 {
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
        log(
            &app,
            &c.member,
            &daily,
            1.0,
            &(t - Duration::days(6)).to_string()
        )
        .await
        .0,
        201
    );
    let (status, body) = get(&app, "/api/users/me/progress?user_timezone=UTC", &c.member).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["streak"]["current_streak_days"], 3);
    assert_eq!(body["streak"]["longest_streak_days"], 3);
    let week = body["weekly_activity"]["completion_data"]
        .as_array()
        .unwrap();
    assert_eq!(week.len(), 7);
    let monday = t - Duration::days(i64::from(t.weekday().num_days_from_monday()));
    assert_eq!(
        body["weekly_activity"]["week_start_date"],
        monday.to_string()
    );
    for d in week {
        let date: chrono::NaiveDate = d["date"].as_str().unwrap().parse().unwrap();
        let logged =
            (1..=3).any(|b| date == t - Duration::days(b)) || date == t - Duration::days(6);
        assert_eq!(d["completed"], json!(logged), "{d}");
        assert_eq!(d["completion_percent"], json!(if logged { 100 } else { 0 }));
    }
    let days = body["heatmap"]["days"].as_array().unwrap();
    assert_eq!(body["heatmap"]["end_date"], t.to_string());
    assert_eq!(
        days.iter()
            .filter(|d| d["completion_percent"] == 100)
            .count(),
        4
    );
    assert_eq!(
        body["goal_breakdown"],
        json!([{"goal_id": daily, "goal_title": "Run", "completed_count": 4, "total_count": 30, "completion_percent": 13}])
    );

    let start = t - Duration::days(9);
    let (_, body) = get(
        &app,
        &format!("/api/users/me/progress?start_date={start}&end_date={t}"),
        &c.member,
    )
    .await;
    assert_eq!(body["heatmap"]["days"].as_array().unwrap().len(), 10);
    assert_eq!(body["goal_breakdown"][0]["total_count"], 10);
    for bad in [
        format!("?start_date={t}&end_date={start}"),
        format!("?start_date={}&end_date={t}", t - Duration::days(90)),
        "?start_date=nope".to_string(),
        "?user_timezone=Mars/Base".to_string(),
    ] {
        let (s, b) = get(&app, &format!("/api/users/me/progress{bad}"), &c.member).await;
        assert_eq!((s, code(&b)), (400, "VALIDATION_ERROR"), "{bad}");
    }
}

#[tokio::test]
async fn off_days_are_left_out_of_totals_and_streaks() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let t = today();
    // Only today and yesterday are active days.
    let wd = |d: chrono::NaiveDate| i64::from(d.weekday().num_days_from_sunday());
    let goal = create_goal(
        &app,
        &c.group,
        &c.admin,
        json!({"title": "Gym", "cadence": "daily", "metric_type": "binary", "active_days": [wd(t), wd(t - Duration::days(1))]}),
    )
    .await;
    sql(
        &app,
        "UPDATE goals SET created_at = now() - interval '40 days'",
    )
    .await;
    assert_eq!(
        log(
            &app,
            &c.member,
            &goal,
            1.0,
            &(t - Duration::days(1)).to_string()
        )
        .await
        .0,
        201
    );
    // An off-day log is accepted but does not count toward the totals.
    assert_eq!(
        log(
            &app,
            &c.member,
            &goal,
            1.0,
            &(t - Duration::days(2)).to_string()
        )
        .await
        .0,
        201
    );
    let (_, body) = get(
        &app,
        &format!(
            "/api/groups/{}/members/{}/progress?start_date={}&end_date={t}",
            c.group,
            c.member.id,
            t - Duration::days(6)
        ),
        &c.admin,
    )
    .await;
    assert_eq!(body["goal_summaries"][0]["total"], json!(2.0));
    assert_eq!(body["goal_summaries"][0]["completed"], json!(1.0));
    assert_eq!(body["goal_summaries"][0]["percentage"], 50);
    let (_, me) = get(
        &app,
        &format!(
            "/api/users/me/progress?start_date={}&end_date={t}",
            t - Duration::days(6)
        ),
        &c.member,
    )
    .await;
    assert_eq!(me["goal_breakdown"][0]["total_count"], 2);
    assert_eq!(me["goal_breakdown"][0]["completed_count"], 1);
    // Yesterday's log continues over the off days before it: the run is 1 + skipped days.
    assert!(me["streak"]["current_streak_days"].as_i64().unwrap() >= 1);
}
