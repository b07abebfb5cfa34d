//! Goals, the goal list with current-period progress and progress reads over HTTP.

use chrono::{Datelike, Duration};
use serde_json::{Value, json};

use crate::support::*;

fn weekly_binary(target: u32) -> Value {
    json!({"title": "Run", "cadence": "weekly", "metric_type": "binary", "target_value": target})
}

#[tokio::test]
async fn create_get_patch_archive_a_goal() {
    let app = crate::app::spawn_app().await;
    let c = cast(&app).await;
    let g = &c.group;
    let (status, goal) = post(
        &app,
        &format!("/api/groups/{g}/goals"),
        &c.admin,
        json!({"title": "Read", "description": "pages", "cadence": "daily", "metric_type": "numeric", "target_value": 12.5, "unit": "pages"}),
    )
    .await;
    assert_eq!(status, 201, "{goal}");
    assert_eq!(goal["target_value"], 12.5);
    assert_eq!(goal["metric_type"], "numeric");
    assert_eq!(goal["archived_at"], Value::Null);
    assert_eq!(goal["created_by_user_id"], c.admin.id.as_str());
    let id = goal["id"].as_str().unwrap().to_string();

    for bad in [
        json!({"title": "x", "cadence": "daily", "metric_type": "numeric"}),
        json!({"title": "x", "cadence": "daily", "metric_type": "binary", "target_value": 1.5}),
        json!({"title": "x", "cadence": "daily", "metric_type": "duration", "target_value": 0}),
        json!({"title": "", "cadence": "daily", "metric_type": "binary"}),
        json!({"title": "x", "cadence": "daily", "metric_type": "journal", "target_value": 1}),
    ] {
        let (status, body) = post(
            &app,
            &format!("/api/groups/{g}/goals"),
            &c.admin,
            bad.clone(),
        )
        .await;
        assert_eq!(status, 400, "{bad} → {body}");
    }

    let (status, body) = get(&app, &format!("/api/goals/{id}"), &c.member).await;
    assert_eq!((status, body["title"].as_str()), (200, Some("Read")));
    let (status, body) = patch(
        &app,
        &format!("/api/goals/{id}"),
        &c.admin,
        json!({"title": "Read more", "description": null}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"id": id, "title": "Read more", "description": null, "active_days": null,
               "active_days_label": "Every day", "active_days_count": 7})
    );

    for bad in [
        json!({"title": null}),
        json!({"title": ""}),
        json!({"description": "d".repeat(1001)}),
    ] {
        let (status, _) = patch(&app, &format!("/api/goals/{id}"), &c.admin, bad.clone()).await;
        assert_eq!(status, 400, "{bad}");
    }
    assert_eq!(
        delete(&app, &format!("/api/goals/{id}"), &c.member).await.0,
        403
    );
    assert_eq!(
        delete(&app, &format!("/api/goals/{id}"), &c.admin).await.0,
        204
    );
    for (status, _) in [
        get(&app, &format!("/api/goals/{id}"), &c.admin).await,
        patch(
            &app,
            &format!("/api/goals/{id}"),
            &c.admin,
            json!({"title": "x"}),
        )
        .await,
        delete(&app, &format!("/api/goals/{id}"), &c.admin).await,
        get(&app, &format!("/api/goals/{id}/progress"), &c.admin).await,
        log(&app, &c.admin, &id, 1.0, &today().to_string()).await,
    ] {
        assert_eq!(status, 404);
    }
    let (_, list) = get(&app, &format!("/api/groups/{g}/goals"), &c.member).await;
    assert_eq!(list["total"], 0);
    let (_, list) = get(
        &app,
        &format!("/api/groups/{g}/goals?archived=true"),
        &c.member,
    )
    .await;
    assert_eq!(list["total"], 1);
    assert!(list["goals"][0]["archived_at"].is_string());

    let (_, feed) = get(&app, &format!("/api/groups/{g}/activity"), &c.member).await;
    assert_eq!(feed["activities"][0]["activity_type"], "goal_archived");
    assert_eq!(
        feed["activities"][0]["metadata"],
        json!({"goal_id": id, "goal_title": "Read more"})
    );
    assert_eq!(feed["activities"][1]["activity_type"], "goal_added");
}

#[tokio::test]
async fn list_filters_and_ignores_invalid_values() {
    let app = crate::app::spawn_app().await;
    let c = cast(&app).await;
    let g = &c.group;
    create_goal(
        &app,
        g,
        &c.creator,
        json!({"title": "a", "cadence": "daily", "metric_type": "binary"}),
    )
    .await;
    create_goal(&app, g, &c.creator, weekly_binary(3)).await;
    let newest = create_goal(
        &app,
        g,
        &c.creator,
        json!({"title": "c", "cadence": "monthly", "metric_type": "duration", "target_value": 600}),
    )
    .await;
    let (_, all) = get(&app, &format!("/api/groups/{g}/goals"), &c.member).await;
    assert_eq!(all["total"], 3);
    assert_eq!(all["goals"][0]["id"], newest.as_str());
    assert!(all["goals"][0].get("current_period_progress").is_none());
    let (_, weekly) = get(
        &app,
        &format!("/api/groups/{g}/goals?cadence=weekly"),
        &c.member,
    )
    .await;
    assert_eq!(weekly["total"], 1);
    let (status, ignored) = get(
        &app,
        &format!("/api/groups/{g}/goals?cadence=hourly&archived=maybe&include_progress=yes&user_timezone=Mars/Base"),
        &c.member,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ignored["total"], 3);
    assert!(ignored["goals"][0].get("current_period_progress").is_none());
}

#[tokio::test]
async fn weekly_target_of_three_is_reached_on_three_days() {
    let app = crate::app::spawn_app().await;
    let c = cast(&app).await;
    let goal = create_goal(&app, &c.group, &c.creator, weekly_binary(3)).await;
    let today = today();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let days: Vec<_> = (0..3)
        .map(|i| monday + Duration::days(i))
        .filter(|d| *d <= today)
        .collect();
    for d in &days {
        let (status, body) = log(&app, &c.member, &goal, 1.0, &d.to_string()).await;
        assert_eq!(status, 201, "{body}");
    }
    // a 0 for today does not count; a log of last week is outside the period
    let extra = if days.contains(&today) {
        None
    } else {
        Some(log(&app, &c.member, &goal, 0.0, &today.to_string()).await.0)
    };
    assert!(extra.is_none_or(|s| s == 201));
    assert_eq!(
        log(
            &app,
            &c.member,
            &goal,
            1.0,
            &(monday - Duration::days(1)).to_string()
        )
        .await
        .0,
        201
    );

    let (status, list) = get(
        &app,
        &format!(
            "/api/groups/{}/goals?include_progress=true&user_timezone=UTC",
            c.group
        ),
        &c.member,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    let p = &list["goals"][0]["current_period_progress"];
    assert_eq!(p["start_date"], format!("{monday}T00:00:00Z"));
    assert_eq!(
        p["end_date"],
        format!("{}T23:59:59Z", monday + Duration::days(6))
    );
    assert_eq!(p["period_type"], "weekly");
    let n = days.len() as f64;
    assert_eq!(p["user_progress"]["completed"], n);
    assert_eq!(p["user_progress"]["total"], 3.0);
    let expected_pct = (n * 100.0 / 3.0).round() as i64;
    assert_eq!(p["user_progress"]["percentage"], expected_pct);
    assert_eq!(p["user_progress"]["entries"][0]["date"], monday.to_string());
    let members = p["member_progress"].as_array().unwrap();
    assert_eq!(members.len(), 3);
    let me = members
        .iter()
        .find(|m| m["user_id"] == c.member.id.as_str())
        .unwrap();
    assert_eq!(me["completed"], n);
    assert_eq!(me["avatar_url"], Value::Null);
    let creator = members
        .iter()
        .find(|m| m["user_id"] == c.creator.id.as_str())
        .unwrap();
    assert_eq!(
        (
            creator["completed"].as_f64(),
            creator["percentage"].as_i64()
        ),
        (Some(0.0), Some(0))
    );
}

#[tokio::test]
async fn numeric_and_duration_entries_are_summed() {
    let app = crate::app::spawn_app().await;
    let c = cast(&app).await;
    let goal = create_goal(
        &app,
        &c.group,
        &c.creator,
        json!({"title": "Pages", "cadence": "daily", "metric_type": "numeric", "target_value": 8}),
    )
    .await;
    let d = today().to_string();
    assert_eq!(log(&app, &c.admin, &goal, 4.5, &d).await.0, 201);
    assert_eq!(log(&app, &c.admin, &goal, 5.55, &d).await.0, 201);
    let (_, list) = get(
        &app,
        &format!("/api/groups/{}/goals?include_progress=true", c.group),
        &c.admin,
    )
    .await;
    let p = &list["goals"][0]["current_period_progress"]["user_progress"];
    assert_eq!(p["completed"], 10.05);
    assert_eq!(p["percentage"], 126);
    assert_eq!(p["entries"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn progress_history_by_range_and_member() {
    let app = crate::app::spawn_app().await;
    let c = cast(&app).await;
    let goal = create_goal(&app, &c.group, &c.creator, json!({"title": "Steps", "cadence": "daily", "metric_type": "numeric", "target_value": 100})).await;
    let t = today();
    let d = |n: i64| (t - Duration::days(n)).to_string();
    for (user, n, v) in [
        (&c.member, 3, 10.0),
        (&c.member, 1, 20.0),
        (&c.admin, 2, 30.0),
    ] {
        assert_eq!(log(&app, user, &goal, v, &d(n)).await.0, 201);
    }
    let (status, body) = get(
        &app,
        &format!(
            "/api/goals/{goal}/progress?start_date={}&end_date={}",
            d(2),
            d(0)
        ),
        &c.creator,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["goal"],
        json!({"id": goal, "title": "Steps", "cadence": "daily", "active_days": null,
               "active_days_label": "Every day", "active_days_count": 7})
    );
    let users = body["progress"].as_array().unwrap();
    assert_eq!(users.len(), 2);
    let member = users
        .iter()
        .find(|u| u["user_id"] == c.member.id.as_str())
        .unwrap();
    assert_eq!(member["display_name"], "member");
    assert_eq!(member["entries"].as_array().unwrap().len(), 1);
    assert_eq!(member["entries"][0]["value"], 20.0);
    assert_eq!(member["entries"][0]["period_start"], d(1));

    let (status, mine) = get(&app, &format!("/api/goals/{goal}/progress/me"), &c.member).await;
    assert_eq!(status, 200);
    assert_eq!(mine["goal_id"], goal.as_str());
    let dates: Vec<&str> = mine["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["period_start"].as_str().unwrap())
        .collect();
    assert_eq!(dates, [d(3), d(1)]);

    assert_eq!(
        get(
            &app,
            &format!("/api/goals/{goal}/progress?start_date=2026-02-30"),
            &c.member
        )
        .await
        .0,
        400
    );
    assert_eq!(
        get(
            &app,
            &format!(
                "/api/goals/{goal}/progress?start_date={}&end_date={}",
                d(0),
                d(1)
            ),
            &c.member
        )
        .await
        .0,
        400
    );
    assert_eq!(
        get(&app, &format!("/api/goals/{goal}/progress"), &c.outsider)
            .await
            .0,
        403
    );
    assert_eq!(
        get(&app, &format!("/api/goals/{goal}/progress/me"), &c.outsider)
            .await
            .0,
        403
    );
}

#[tokio::test]
async fn role_matrix_for_goal_endpoints() {
    let app = crate::app::spawn_app().await;
    let c = cast(&app).await;
    for (user, who) in [
        (&c.creator, "creator"),
        (&c.admin, "admin"),
        (&c.member, "member"),
        (&c.outsider, "outsider"),
    ] {
        let goal = create_goal(&app, &c.group, &c.creator, weekly_binary(1)).await;
        let read = get(&app, &format!("/api/goals/{goal}"), user).await.0;
        let progress = get(&app, &format!("/api/goals/{goal}/progress"), user)
            .await
            .0;
        let mine = get(&app, &format!("/api/goals/{goal}/progress/me"), user)
            .await
            .0;
        let logged = log(&app, user, &goal, 1.0, &today().to_string()).await.0;
        let edit = patch(
            &app,
            &format!("/api/goals/{goal}"),
            user,
            json!({"title": "new"}),
        )
        .await
        .0;
        let archive = delete(&app, &format!("/api/goals/{goal}"), user).await.0;
        let expected = match who {
            "creator" | "admin" => [200, 200, 200, 201, 200, 204],
            "member" => [200, 200, 200, 201, 403, 403],
            _ => [403, 403, 403, 403, 403, 403],
        };
        assert_eq!(
            [read, progress, mine, logged, edit, archive],
            expected,
            "{who}"
        );
    }
}
