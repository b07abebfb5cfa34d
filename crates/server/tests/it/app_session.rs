//! The group side of the shipped app, scripted as it sends its calls: create a group → its
//! invite → join → approve → members with the daily pulse → goals with active days → a
//! journal log with a title → member detail → My Progress → export. No call may meet a
//! 404 or a 500.

use crate::app::spawn_app;
use reqwest::Method;
use serde_json::json;

use crate::newcomer::app_call;
use crate::support::today;

async fn sign_up(app: &crate::app::TestApp, email: &str, name: &str) -> (String, String) {
    let (_, session) = app_call(
        app,
        Method::POST,
        "/api/auth/register",
        None,
        Some(json!({
            "email": email, "password": "Member123", "display_name": name,
            "date_of_birth": "1990-03-01", "consent_agreed": true,
        })),
    )
    .await;
    (
        session["access_token"].as_str().unwrap().to_string(),
        session["user"]["id"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn create_invite_join_approve_log_and_export_like_the_app() {
    let app = spawn_app().await;
    let (owner, _) = sign_up(&app, "owner@example.com", "Olga Owner").await;
    let (joiner, joiner_id) = sign_up(&app, "joiner@example.com", "Jon Joiner").await;
    let (o, j) = (Some(owner.as_str()), Some(joiner.as_str()));
    let day = today().to_string();
    let month_ago = (today() - chrono::Duration::days(29)).to_string();

    // Create group and share its standing code.
    let (status, group) = app_call(
        &app,
        Method::POST,
        "/api/groups",
        o,
        Some(json!({"name": "Morning Crew", "icon_emoji": "🌅", "visibility": "private"})),
    )
    .await;
    assert_eq!(status, 201);
    let gid = group["id"].as_str().unwrap().to_string();
    let (_, invite) = app_call(
        &app,
        Method::GET,
        &format!("/api/groups/{gid}/invite"),
        o,
        None,
    )
    .await;
    let code = invite["invite_code"].as_str().unwrap().to_string();
    assert!(invite["share_url"].as_str().unwrap().ends_with(&code));

    // The joiner types the code; the request waits for an admin.
    let (_, joined) = app_call(
        &app,
        Method::POST,
        "/api/groups/join",
        j,
        Some(json!({"invite_code": code.to_lowercase()})),
    )
    .await;
    assert_eq!(joined["status"], "pending");
    let (_, pending) = app_call(
        &app,
        Method::GET,
        &format!("/api/groups/{gid}/members/pending"),
        o,
        None,
    )
    .await;
    assert_eq!(pending["pending_members"][0]["user_id"], joiner_id.as_str());
    app_call(
        &app,
        Method::POST,
        &format!("/api/groups/{gid}/members/{joiner_id}/approve"),
        o,
        Some(json!({})),
    )
    .await;

    // Today screen: the group, its members with the pulse fields.
    let (_, mine) = app_call(&app, Method::GET, "/api/users/me/groups", j, None).await;
    assert_eq!(mine["groups"][0]["membership_status"], "active");
    let (_, members) = app_call(
        &app,
        Method::GET,
        &format!("/api/groups/{gid}/members"),
        j,
        None,
    )
    .await;
    let members = members["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert!(
        members
            .iter()
            .all(|m| m.get("logged_this_period").is_some())
    );

    // Goals: a weekday habit and a journal with a title prompt.
    let goals_path = format!("/api/groups/{gid}/goals");
    let (_, habit) = app_call(
        &app,
        Method::POST,
        &goals_path,
        o,
        Some(
            json!({"title": "Stretch", "cadence": "daily", "metric_type": "binary",
                    "active_days": [1, 2, 3, 4, 5]}),
        ),
    )
    .await;
    assert_eq!(habit["active_days_label"], "Weekdays only");
    let (_, journal) = app_call(
        &app,
        Method::POST,
        &goals_path,
        o,
        Some(
            json!({"title": "Gratitude", "cadence": "daily", "metric_type": "journal",
                    "log_title_prompt": "What went well?"}),
        ),
    )
    .await;
    let journal_id = journal["id"].as_str().unwrap().to_string();
    let (_, listed) = app_call(
        &app,
        Method::GET,
        &format!("{goals_path}?include_progress=true&user_timezone=UTC"),
        j,
        None,
    )
    .await;
    assert_eq!(listed["goals"].as_array().unwrap().len(), 2);

    // The joiner writes a journal entry with a title.
    let (status, entry) = app_call(
        &app,
        Method::POST,
        "/api/progress",
        j,
        Some(json!({"goal_id": journal_id, "value": 1, "user_date": day,
                    "user_timezone": "UTC", "log_title": "Sunrise run", "note": "Cold"})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(entry["log_title"], "Sunrise run");

    // Member detail, My Progress, the feed.
    let (_, detail) = app_call(
        &app,
        Method::GET,
        &format!(
            "/api/groups/{gid}/members/{joiner_id}/progress?start_date={month_ago}&end_date={day}"
        ),
        o,
        None,
    )
    .await;
    assert_eq!(detail["activity_log"][0]["log_title"], "Sunrise run");
    let (_, me) = app_call(&app, Method::GET, "/api/users/me/progress", j, None).await;
    assert_eq!(me["streak"]["current_streak_days"], 1);
    app_call(
        &app,
        Method::GET,
        &format!("/api/groups/{gid}/activity"),
        o,
        None,
    )
    .await;

    // Export: range check, then the workbook.
    let range = format!("start_date={month_ago}&end_date={day}");
    let (_, valid) = app_call(
        &app,
        Method::GET,
        &format!("/api/groups/{gid}/export-progress/validate-range?{range}"),
        o,
        None,
    )
    .await;
    assert_eq!(valid["valid"], true);
    let res = app
        .client
        .get(app.url(&format!(
            "/api/groups/{gid}/export-progress?{range}&user_timezone=UTC"
        )))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));
}
