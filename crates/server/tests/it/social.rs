//! Reactions, nudges and the notification inbox over HTTP against PostgreSQL, with pushes
//! received by the FCM fake (see docs/API.md, Reactions, Nudges, Notifications).

use std::time::Duration;

use crate::app::{TestApp, spawn_app, spawn_app_with};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_testkit::fakes::ReceivedMessage;
use reqwest::Method;
use serde_json::{Value, json};

use crate::fcm_support::*;
use crate::support::*;

fn of_type(messages: &[ReceivedMessage], kind: &str) -> Vec<ReceivedMessage> {
    messages
        .iter()
        .filter(|m| m.data.get("type").map(String::as_str) == Some(kind))
        .cloned()
        .collect()
}

async fn add_device(app: &TestApp, user: &User, token: &str) {
    let (status, body) = post(
        app,
        "/api/devices/register",
        user,
        json!({"fcm_token": token, "platform": "android"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

pub async fn put(app: &TestApp, path: &str, user: &User, body: Value) -> (u16, Value) {
    call(app, Method::PUT, path, Some(&user.token), Some(body)).await
}

async fn binary_goal(app: &TestApp, c: &Cast, title: &str) -> String {
    create_goal(
        app,
        &c.group,
        &c.creator,
        json!({"title": title, "cadence": "daily", "metric_type": "binary"}),
    )
    .await
}

/// The newest feed item of `group` as seen by `user`.
async fn newest_activity(app: &TestApp, group: &str, user: &User) -> Value {
    let (status, feed) = get(app, &format!("/api/groups/{group}/activity"), user).await;
    assert_eq!(status, 200, "{feed}");
    feed["activities"][0].clone()
}

fn reactions_path(activity: &Value) -> String {
    format!(
        "/api/activities/{}/reactions",
        activity["id"].as_str().unwrap()
    )
}

/// Inbox row types written while the cast is set up.
const SET_UP: [&str; 2] = ["membership_approved", "promoted_to_admin"];

/// The user's inbox without the rows the cast's set-up left (`membership_approved` for
/// every approved member, `promoted_to_admin` for the admin); `unread_count` is recounted
/// the same way.
async fn inbox(app: &TestApp, user: &User) -> Value {
    let (status, mut body) = get(app, "/api/notifications", user).await;
    assert_eq!(status, 200, "{body}");
    let approvals = body["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| SET_UP.contains(&n["type"].as_str().unwrap_or_default()))
        .map(|n| u64::from(n["is_read"] == false))
        .sum::<u64>();
    body["notifications"]
        .as_array_mut()
        .unwrap()
        .retain(|n| !SET_UP.contains(&n["type"].as_str().unwrap_or_default()));
    body["unread_count"] = json!(body["unread_count"].as_u64().unwrap() - approvals);
    body
}

#[tokio::test]
async fn reacting_to_a_log_notifies_its_owner_once_with_a_push() {
    let (fcm, _keys, app) = app_with_fcm().await;
    let c = cast(&app).await;
    add_device(&app, &c.member, "member-phone").await;
    add_device(&app, &c.admin, "admin-phone").await;
    let goal = binary_goal(&app, &c, "Run").await;
    assert_eq!(
        log(&app, &c.member, &goal, 1.0, &today().to_string())
            .await
            .0,
        201
    );
    let act = newest_activity(&app, &c.group, &c.member).await;
    assert_eq!(act["activity_type"], "progress_logged");
    let path = reactions_path(&act);

    let (status, body) = put(&app, &path, &c.admin, json!({"emoji": "🔥"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["replaced"], false);
    assert_eq!(body["reaction"]["emoji"], "🔥");
    assert_eq!(body["reaction"]["user_id"], c.admin.id);
    assert_eq!(body["reaction"]["activity_id"], act["id"]);
    // Same emoji: no change; another one replaces; bare ❤ is stored as ❤️.
    let (_, same) = put(&app, &path, &c.admin, json!({"emoji": "🔥"})).await;
    assert_eq!(same["replaced"], false);
    let (_, heart) = put(&app, &path, &c.admin, json!({"emoji": "❤"})).await;
    assert_eq!(heart["replaced"], true);
    assert_eq!(heart["reaction"]["emoji"], "❤\u{fe0f}");
    // The owner reacting to their own log gets nothing.
    assert_eq!(
        put(&app, &path, &c.member, json!({"emoji": "💪"})).await.0,
        200
    );

    // (The first log also earns a `first_log` milestone row, written by the worker.)
    let rows = inbox(&app, &c.member).await;
    let items: Vec<&Value> = rows["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["type"] != "milestone_achieved")
        .collect();
    assert_eq!(items.len(), 1, "only the insert notifies: {rows}");
    let n = items[0];
    assert_eq!(n["type"], "reaction_received");
    assert_eq!(n["is_read"], false);
    assert_eq!(n["actor"]["id"], c.admin.id);
    assert_eq!(n["actor"]["display_name"], "admin");
    assert_eq!(n["group"]["id"], c.group);
    assert_eq!(n["group"]["name"], "Runners");
    assert_eq!(n["goal"]["id"], goal);
    assert_eq!(n["goal"]["title"], "Run");
    assert_eq!(n["metadata"], json!({"emoji": "🔥"}));
    assert_eq!(n["shareable_card_data"], Value::Null);
    let milestones = rows["notifications"].as_array().unwrap().len() - items.len();
    assert_eq!(rows["unread_count"], json!(1 + milestones));
    assert_eq!(inbox(&app, &c.admin).await["notifications"], json!([]));

    assert!(
        eventually(Duration::from_secs(20), || {
            !of_type(&fcm.messages(), "reaction_received").is_empty()
        })
        .await
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pushes = of_type(&fcm.messages(), "reaction_received");
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    let p = &pushes[0];
    assert_eq!(p.token, "member-phone");
    assert_eq!(p.title.as_deref(), Some("Runners"));
    assert_eq!(p.body.as_deref(), Some("admin reacted 🔥 to your Run log"));
    assert_eq!(p.data["notification_id"], n["id"].as_str().unwrap());
    assert_eq!(p.data["group_id"], c.group);
    assert_eq!(p.data["goal_id"], goal);
}

#[tokio::test]
async fn reaction_routes_check_body_id_and_membership_in_order() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let act = newest_activity(&app, &c.group, &c.member).await;
    let path = reactions_path(&act);

    let (status, body) = put(&app, &path, &c.admin, json!({"emoji": "😂"})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("VALIDATION_ERROR"))
    );
    let (status, _) = put(&app, &path, &c.admin, json!({})).await;
    assert_eq!(status, 400);
    // The body is checked before the id.
    let (status, _) = put(&app, "/api/activities/nope/reactions", &c.admin, json!({})).await;
    assert_eq!(status, 400);
    for bad in ["nope", "00000000-0000-0000-0000-000000000000"] {
        let p = format!("/api/activities/{bad}/reactions");
        let (status, body) = put(&app, &p, &c.admin, json!({"emoji": "🔥"})).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("NOT_FOUND")),
            "{p}"
        );
        assert_eq!(get(&app, &p, &c.admin).await.0, 404);
        assert_eq!(delete(&app, &p, &c.admin).await.0, 404);
    }
    let (status, body) = put(&app, &path, &c.outsider, json!({"emoji": "🔥"})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("FORBIDDEN"))
    );
    assert_eq!(get(&app, &path, &c.outsider).await.0, 403);
    assert_eq!(delete(&app, &path, &c.outsider).await.0, 403);
    let (status, _) = call(&app, Method::GET, &path, None, None).await;
    assert_eq!(status, 401);

    // DELETE: none → 404; then 204 and the list is empty again.
    assert_eq!(delete(&app, &path, &c.admin).await.0, 404);
    assert_eq!(
        put(&app, &path, &c.admin, json!({"emoji": "🎉"})).await.0,
        200
    );
    assert_eq!(
        put(&app, &path, &c.member, json!({"emoji": "👏"})).await.0,
        200
    );
    let (status, list) = get(&app, &path, &c.creator).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["activity_id"], act["id"]);
    assert_eq!(list["total"], 2);
    assert_eq!(list["reactions"][0]["emoji"], "👏", "newest first");
    assert_eq!(list["reactions"][0]["user"]["id"], c.member.id);
    assert_eq!(list["reactions"][0]["user"]["display_name"], "member");
    assert_eq!(list["reactions"][0]["user"]["avatar_url"], Value::Null);
    assert_eq!(list["reactions"][1]["user"]["id"], c.admin.id);
    let (status, _) = delete(&app, &path, &c.admin).await;
    assert_eq!(status, 204);
    assert_eq!(get(&app, &path, &c.creator).await.1["total"], 1);
    // A member_joined activity is reacted to without any inbox row.
    assert_eq!(inbox(&app, &c.member).await["unread_count"], 0);
}

#[tokio::test]
async fn the_feed_carries_reactions_summary_and_photo() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let ann = register(&app, "ann").await;
    let (status, body) = patch(
        &app,
        "/api/users/me",
        &ann,
        json!({"display_name": "ann lee"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let code = invite(&app, &c.group, &c.creator).await;
    assert_eq!(
        join_approved(&app, &ann, &code, &c.group, &c.creator).await,
        200
    );
    let goal = binary_goal(&app, &c, "Run").await;
    assert_eq!(
        log(&app, &c.member, &goal, 1.0, &today().to_string())
            .await
            .0,
        201
    );
    let act = newest_activity(&app, &c.group, &c.member).await;
    assert_eq!(act["reactions"], json!([]));
    assert_eq!(
        act["reaction_summary"],
        json!({"total_count": 0, "top_reactors": []})
    );
    assert_eq!(act["photo"], Value::Null);
    let path = reactions_path(&act);
    for (user, emoji) in [
        (&c.creator, "🔥"),
        (&c.admin, "💪"),
        (&ann, "🔥"),
        (&c.member, "🎉"),
    ] {
        assert_eq!(put(&app, &path, user, json!({"emoji": emoji})).await.0, 200);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let seen = newest_activity(&app, &c.group, &c.creator).await;
    let r = seen["reactions"].as_array().unwrap();
    assert_eq!(r[0]["emoji"], "🔥");
    assert_eq!(r[0]["count"], 2);
    assert_eq!(r[0]["reactor_ids"], json!([ann.id, c.creator.id]));
    assert_eq!(r[0]["current_user_reacted"], true);
    assert_eq!(r[1]["emoji"], "🎉", "ties: the newest reaction first");
    assert_eq!(r[2]["emoji"], "💪");
    assert_eq!(r[1]["current_user_reacted"], false);
    let summary = &seen["reaction_summary"];
    assert_eq!(summary["total_count"], 4);
    assert_eq!(
        summary["top_reactors"],
        json!([
            {"user_id": c.creator.id, "display_name": "creator"},
            {"user_id": c.member.id, "display_name": "member"},
            {"user_id": ann.id, "display_name": "ann L."},
        ])
    );
    assert!(seen["metadata"].is_object());
}

#[tokio::test]
async fn reaction_limits_refuse_with_their_codes() {
    let app = spawn_app_with(|c| c.rate_limits = true).await;
    let c = cast(&app).await;
    let act = newest_activity(&app, &c.group, &c.member).await;
    let path = reactions_path(&act);
    // 30 a minute: one regained every 2 s.
    let refused = crate::support::spend_until_refused(30, Duration::from_secs(2), || {
        put(&app, &path, &c.admin, json!({"emoji": "🔥"}))
    })
    .await;
    assert_eq!(refused["error"]["code"], "REACTION_RATE_LIMIT_EXCEEDED");
    // Reads have their own budget of 60.
    assert_eq!(get(&app, &path, &c.admin).await.0, 200);
    let refused = crate::support::spend_until_refused(60, Duration::from_secs(1), || {
        get(&app, &path, &c.member)
    })
    .await;
    assert_eq!(
        refused["error"]["code"],
        "REACTION_READ_RATE_LIMIT_EXCEEDED"
    );
}

fn nudge_body(recipient: &User, group: &str, goal: Option<&str>) -> Value {
    json!({
        "recipient_user_id": recipient.id,
        "group_id": group,
        "goal_id": goal,
        "sender_local_date": today().to_string(),
    })
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn a_nudge_writes_activity_inbox_and_push_once_per_pair_and_day() {
    let (fcm, _keys, app) = app_with_fcm().await;
    let c = cast(&app).await;
    add_device(&app, &c.member, "member-phone").await;
    add_device(&app, &c.admin, "admin-phone").await;
    let goal = binary_goal(&app, &c, "Run").await;

    let (status, body) = post(
        &app,
        "/api/nudges",
        &c.admin,
        nudge_body(&c.member, &c.group, Some(&goal)),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["nudge"]["recipient_user_id"], c.member.id);
    assert_eq!(body["nudge"]["group_id"], c.group);
    assert_eq!(body["nudge"]["goal_id"], goal);
    assert!(body["nudge"]["id"].is_string() && body["nudge"]["sent_at"].is_string());

    let (status, again) = post(
        &app,
        "/api/nudges",
        &c.admin,
        nudge_body(&c.member, &c.group, None),
    )
    .await;
    assert_eq!(status, 409, "{again}");
    assert_eq!(code(&again), "ALREADY_NUDGED_TODAY");
    assert_eq!(
        again["error"]["message"],
        "ALREADY_NUDGED_TODAY: You already nudged this person today"
    );

    let act = newest_activity(&app, &c.group, &c.creator).await;
    assert_eq!(act["activity_type"], "nudge_sent");
    assert_eq!(act["metadata"]["sender_user_id"], c.admin.id);
    assert_eq!(act["metadata"]["sender_display_name"], "admin");
    assert_eq!(act["metadata"]["recipient_user_id"], c.member.id);
    assert_eq!(act["metadata"]["recipient_display_name"], "member");
    assert_eq!(act["metadata"]["goal_id"], goal);
    assert_eq!(act["metadata"]["goal_title"], "Run");

    let rows = inbox(&app, &c.member).await;
    let n = &rows["notifications"][0];
    assert_eq!(n["type"], "nudge_received");
    assert_eq!(n["actor"]["id"], c.admin.id);
    assert_eq!(n["group"]["id"], c.group);
    assert_eq!(n["goal"]["id"], goal);
    assert_eq!(n["metadata"], json!({}));

    let (status, sent) = get(
        &app,
        &format!(
            "/api/groups/{}/nudges/sent-today?sender_local_date={}",
            c.group,
            today()
        ),
        &c.admin,
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["nudged_user_ids"], json!([c.member.id]));
    let (status, _) = get(
        &app,
        &format!("/api/groups/{}/nudges/sent-today", c.group),
        &c.admin,
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = get(
        &app,
        &format!(
            "/api/groups/{}/nudges/sent-today?sender_local_date={}",
            c.group,
            today()
        ),
        &c.outsider,
    )
    .await;
    assert_eq!(status, 403);

    assert!(
        eventually(Duration::from_secs(20), || {
            !of_type(&fcm.messages(), "nudge_received").is_empty()
        })
        .await
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pushes = of_type(&fcm.messages(), "nudge_received");
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    let p = &pushes[0];
    assert_eq!(p.token, "member-phone");
    assert_eq!(p.title.as_deref(), Some("Runners"));
    assert_eq!(
        p.body.as_deref(),
        Some("admin is rooting for you! Don't forget your Run goal. 💪")
    );
    assert_eq!(p.data["group_id"], c.group);
    assert_eq!(p.data["goal_id"], goal);
    assert_eq!(p.data["sender_user_id"], c.admin.id);
    assert_eq!(p.data["sender_display_name"], "admin");
    assert_eq!(p.data["notification_id"], n["id"].as_str().unwrap());
}

#[tokio::test]
async fn nudge_checks_run_in_the_documented_order() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let goal = binary_goal(&app, &c, "Run").await;
    let post_nudge = |user: &User, body: Value| {
        let (app, user) = (&app, user.clone());
        async move { post(app, "/api/nudges", &user, body).await }
    };
    // 400: shape, then a date outside UTC today ± 1.
    let (s, _) = post_nudge(&c.admin, json!({"group_id": c.group})).await;
    assert_eq!(s, 400);
    let mut far = nudge_body(&c.member, &c.group, None);
    far["sender_local_date"] = json!((today() - chrono::Duration::days(2)).to_string());
    let (s, b) = post_nudge(&c.admin, far).await;
    assert_eq!((s, code(&b)), (400, "VALIDATION_ERROR"));
    // Every malformed field is one detail.
    let bad = json!({"recipient_user_id": "x", "group_id": "y", "goal_id": "z",
        "sender_local_date": "2026-1-1"});
    let (s, b) = post_nudge(&c.admin, bad).await;
    assert_eq!((s, code(&b)), (400, "VALIDATION_ERROR"), "{b}");
    assert_eq!(
        detail_paths(&b),
        [
            "recipient_user_id",
            "group_id",
            "goal_id",
            "sender_local_date"
        ]
    );
    // Self comes before the group lookup.
    let ghost = "00000000-0000-0000-0000-000000000000";
    let (s, b) = post_nudge(&c.admin, nudge_body(&c.admin, ghost, None)).await;
    assert_eq!((s, code(&b)), (400, "CANNOT_NUDGE_SELF"));
    let (s, b) = post_nudge(&c.admin, nudge_body(&c.member, ghost, None)).await;
    assert_eq!((s, code(&b)), (404, "NOT_FOUND"));
    let (s, b) = post_nudge(&c.outsider, nudge_body(&c.member, &c.group, None)).await;
    assert_eq!((s, code(&b)), (403, "FORBIDDEN"));
    let (s, b) = post_nudge(&c.admin, nudge_body(&c.outsider, &c.group, None)).await;
    assert_eq!((s, code(&b)), (403, "RECIPIENT_NOT_IN_GROUP"));
    // A goal of another group, or an archived one.
    let other = create_group(&app, &c.outsider, "Other").await;
    let foreign = create_goal(
        &app,
        &other,
        &c.outsider,
        json!({"title": "X", "cadence": "daily", "metric_type": "binary"}),
    )
    .await;
    let (s, b) = post_nudge(&c.admin, nudge_body(&c.member, &c.group, Some(&foreign))).await;
    assert_eq!((s, code(&b)), (400, "VALIDATION_ERROR"));
    assert_eq!(
        delete(&app, &format!("/api/goals/{goal}"), &c.creator)
            .await
            .0,
        204
    );
    let (s, b) = post_nudge(&c.admin, nudge_body(&c.member, &c.group, Some(&goal))).await;
    assert_eq!((s, code(&b)), (400, "VALIDATION_ERROR"), "{b}");
    // Off day: a goal active on no day of today's weekday.
    use chrono::Datelike;
    let fresh = binary_goal(&app, &c, "Swim").await;
    let mask = 0x7f & !(1 << today().weekday().num_days_from_sunday());
    let mut conn = app.db.connect().await;
    diesel::sql_query(format!(
        "UPDATE goals SET active_days = {mask} WHERE id = '{fresh}'"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    let (s, b) = post_nudge(&c.admin, nudge_body(&c.member, &c.group, Some(&fresh))).await;
    assert_eq!((s, code(&b)), (400, "GOAL_OFF_DAY"));
    // Daily limit: 20 sent that date (stored directly) → 429 with the coded message.
    for _ in 0..20 {
        let u = uuid::Uuid::new_v4();
        diesel::sql_query(format!(
            "INSERT INTO users (id, email, display_name) VALUES ('{u}', '{u}@example.com', 'x')"
        ))
        .execute(&mut conn)
        .await
        .unwrap();
        diesel::sql_query(format!(
            "INSERT INTO nudges (sender_user_id, recipient_user_id, group_id, sender_local_date) \
             VALUES ('{}', '{u}', '{}', '{}')",
            c.admin.id,
            c.group,
            today()
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let (s, b) = post_nudge(&c.admin, nudge_body(&c.member, &c.group, None)).await;
    assert_eq!((s, code(&b)), (429, "DAILY_SEND_LIMIT"));
    assert_eq!(
        b["error"]["message"],
        "DAILY_SEND_LIMIT: You have reached the daily nudge limit (20)"
    );
    // Another sender is unaffected.
    let (s, _) = post_nudge(&c.creator, nudge_body(&c.member, &c.group, None)).await;
    assert_eq!(s, 201);
}

#[tokio::test]
async fn parallel_nudges_of_one_pair_store_one() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (client, url, token, body) = (
            app.client.clone(),
            app.url("/api/nudges"),
            c.admin.token.clone(),
            nudge_body(&c.member, &c.group, None),
        );
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    let rows = inbox(&app, &c.member).await;
    assert_eq!(rows["notifications"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_inbox_pages_by_keyset_and_marks_and_deletes_own_rows_only() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    let mut conn = app.db.connect().await;
    // Five rows, three of them sharing one instant (ties are ordered by id).
    diesel::sql_query(format!(
        "INSERT INTO user_notifications (user_id, type, created_at) \
         SELECT '{}', 'nudge_received', \
           CASE WHEN g <= 3 THEN TIMESTAMPTZ '2026-01-01 10:00:00+00' \
                ELSE TIMESTAMPTZ '2026-01-01 09:00:00+00' + g * INTERVAL '1 minute' END \
         FROM generate_series(1, 5) g",
        ann.id
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    diesel::sql_query(format!(
        "INSERT INTO user_notifications (user_id, type) VALUES ('{}', 'nudge_received')",
        bob.id
    ))
    .execute(&mut conn)
    .await
    .unwrap();

    let mut seen = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let path = match &before {
            None => "/api/notifications?limit=2".to_string(),
            Some(b) => format!("/api/notifications?limit=2&before_id={b}"),
        };
        let (status, page) = get(&app, &path, &ann).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["unread_count"], 5);
        let items = page["notifications"].as_array().unwrap();
        for i in items {
            seen.push((
                i["created_at"].as_str().unwrap().to_string(),
                i["id"].as_str().unwrap().to_string(),
            ));
            assert_eq!(i["actor"], Value::Null);
            assert_eq!(i["group"], Value::Null);
            assert_eq!(i["metadata"], json!({}));
        }
        if page["has_more"] == false {
            break;
        }
        before = Some(items.last().unwrap()["id"].as_str().unwrap().to_string());
    }
    assert_eq!(seen.len(), 5, "no row lost or repeated: {seen:?}");
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted);

    // Bad parameters; foreign or unknown cursors give an empty page.
    for bad in ["limit=0", "limit=51", "limit=x", "before_id=nope"] {
        let (status, body) = get(&app, &format!("/api/notifications?{bad}"), &ann).await;
        assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{bad}");
    }
    let (_, bobs) = get(&app, "/api/notifications", &bob).await;
    let bob_row = bobs["notifications"][0]["id"].as_str().unwrap().to_string();
    let (_, page) = get(
        &app,
        &format!("/api/notifications?before_id={bob_row}"),
        &ann,
    )
    .await;
    assert_eq!(page["notifications"], json!([]));
    assert_eq!(page["has_more"], false);

    // Mark one read (idempotent), foreign ids are 404, then mark all, then delete.
    let first = &seen[0].1;
    let (status, body) = patch(
        &app,
        &format!("/api/notifications/{first}/read"),
        &ann,
        json!({}),
    )
    .await;
    assert_eq!(
        (status, body.clone()),
        (200, json!({"id": first, "is_read": true}))
    );
    assert_eq!(
        patch(
            &app,
            &format!("/api/notifications/{first}/read"),
            &ann,
            json!({})
        )
        .await
        .0,
        200
    );
    for id in [
        bob_row.as_str(),
        "nope",
        "00000000-0000-0000-0000-000000000000",
    ] {
        let (s, b) = patch(
            &app,
            &format!("/api/notifications/{id}/read"),
            &ann,
            json!({}),
        )
        .await;
        assert_eq!((s, code(&b)), (404, "NOT_FOUND"));
        let (s, b) = delete(&app, &format!("/api/notifications/{id}"), &ann).await;
        assert_eq!((s, code(&b)), (404, "NOT_FOUND"));
    }
    let (_, count) = get(&app, "/api/notifications/unread-count", &ann).await;
    assert_eq!(count, json!({"unread_count": 4}));
    let (status, marked) = post(&app, "/api/notifications/mark-all-read", &ann, json!({})).await;
    assert_eq!((status, marked), (200, json!({"marked_read": 4})));
    let (_, count) = get(&app, "/api/notifications/unread-count", &ann).await;
    assert_eq!(count, json!({"unread_count": 0}));
    assert_eq!(
        get(&app, "/api/notifications/unread-count", &bob).await.1["unread_count"],
        1
    );
    assert_eq!(
        delete(&app, &format!("/api/notifications/{first}"), &ann)
            .await
            .0,
        204
    );
    assert_eq!(
        delete(&app, &format!("/api/notifications/{first}"), &ann)
            .await
            .0,
        404
    );
    assert_eq!(
        inbox(&app, &ann).await["notifications"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let _ = pursue_postgres::schema::user_notifications::table;
    let _: i64 = pursue_postgres::schema::user_notifications::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_first_log_of_a_local_day_sends_one_silent_pulse_to_every_member() {
    let (fcm, _keys, app) = app_with_fcm().await;
    let c = cast(&app).await;
    add_device(&app, &c.member, "member-phone").await;
    add_device(&app, &c.admin, "admin-phone").await;
    add_device(&app, &c.outsider, "outsider-phone").await;
    let run = binary_goal(&app, &c, "Run").await;
    let read = create_goal(
        &app,
        &c.group,
        &c.creator,
        json!({"title": "Read", "cadence": "daily", "metric_type": "numeric", "target_value": 10}),
    )
    .await;
    let day = today().to_string();
    assert_eq!(log(&app, &c.member, &run, 1.0, &day).await.0, 201);
    // A second entry that day, on another goal of the group: no second pulse.
    assert_eq!(log(&app, &c.member, &read, 2.0, &day).await.0, 201);
    assert!(
        eventually(Duration::from_secs(20), || {
            of_type(&fcm.messages(), "member_logged_today").len() >= 2
        })
        .await
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let pulses = of_type(&fcm.messages(), "member_logged_today");
    let mut tokens: Vec<&str> = pulses.iter().map(|m| m.token.as_str()).collect();
    tokens.sort_unstable();
    assert_eq!(
        tokens,
        ["admin-phone", "member-phone"],
        "logger included, outsiders not"
    );
    for p in &pulses {
        assert_eq!(p.data["group_id"], c.group);
        assert_eq!(p.data["silent"], "true");
        assert!(p.raw["message"].get("notification").is_none(), "{}", p.raw);
        assert_eq!(p.raw["message"]["android"]["priority"], "high");
    }
    // Yesterday's first entry is a new local day: another pulse.
    let yesterday = (today() - chrono::Duration::days(1)).to_string();
    assert_eq!(log(&app, &c.member, &read, 1.0, &yesterday).await.0, 201);
    assert!(
        eventually(Duration::from_secs(20), || {
            of_type(&fcm.messages(), "member_logged_today").len() >= 4
        })
        .await
    );
}

/// Logs `goal` for `user` on each of the last `days` local dates, oldest first.
async fn log_days(app: &TestApp, user: &User, goal: &str, days: i64) {
    for back in (0..days).rev() {
        let date = (today() - chrono::Duration::days(back)).to_string();
        let (status, body) = log(app, user, goal, 1.0, &date).await;
        assert_eq!(status, 201, "{body}");
    }
}

async fn milestone_rows(app: &TestApp, user: &User) -> Vec<Value> {
    let (_, page) = get(app, "/api/notifications?limit=50", user).await;
    page["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["type"] == "milestone_achieved")
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_scripted_session_reaches_a_seven_day_streak_card() {
    let (fcm, _keys, app) = app_with_fcm().await;
    let c = cast(&app).await;
    add_device(&app, &c.member, "member-phone").await;
    add_device(&app, &c.admin, "admin-phone").await;
    let goal = binary_goal(&app, &c, "Run").await;

    // Seven days of logs, then another member reacts to the last one.
    log_days(&app, &c.member, &goal, 7).await;
    let act = newest_activity(&app, &c.group, &c.admin).await;
    let (status, _) = put(
        &app,
        &reactions_path(&act),
        &c.admin,
        json!({"emoji": "👏"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post(
        &app,
        "/api/nudges",
        &c.member,
        nudge_body(&c.admin, &c.group, Some(&goal)),
    )
    .await;
    assert_eq!(status, 201);
    assert!(
        eventually(Duration::from_secs(30), || {
            let m = fcm.messages();
            of_type(&m, "milestone_achieved").len() >= 2
                && !of_type(&m, "reaction_received").is_empty()
                && !of_type(&m, "nudge_received").is_empty()
        })
        .await,
        "{:?}",
        fcm.messages()
    );
    let (_, admin_inbox) = get(&app, "/api/notifications", &c.admin).await;
    assert_eq!(admin_inbox["notifications"][0]["type"], "nudge_received");

    let rows = milestone_rows(&app, &c.member).await;
    let keys: Vec<&str> = rows
        .iter()
        .map(|r| r["metadata"]["milestone_key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["streak_7", "first_log"], "{rows:?}");
    let streak = &rows[0];
    assert_eq!(streak["actor"], Value::Null);
    assert_eq!(streak["group"]["id"], c.group);
    assert_eq!(streak["goal"]["id"], goal);
    assert_eq!(
        streak["metadata"],
        json!({"milestone_type": "streak", "milestone_key": "streak_7", "streak_count": 7})
    );
    let card = &streak["shareable_card_data"];
    assert_eq!(card["milestone_type"], "streak");
    assert_eq!(card["title"], "7-day streak!");
    assert_eq!(card["subtitle"], "Run");
    assert_eq!(card["stat_value"], "7");
    assert_eq!(card["stat_label"], "days in a row");
    assert_eq!(card["quote"], "Consistency is everything");
    assert_eq!(card["goal_icon_emoji"], "🎯");
    assert_eq!(card["background_gradient"], json!(["#F57C00", "#E65100"]));
    let token = card["referral_token"].as_str().unwrap();
    assert_eq!(token.len(), 12);
    assert_eq!(
        card["share_url"],
        format!(
            "https://getpursue.app?utm_source=share&utm_medium=milestone_card&utm_campaign=streak_7&ref={token}"
        )
    );
    assert_eq!(
        card["qr_url"],
        format!(
            "https://getpursue.app?ref={token}&utm_source=qr&utm_medium=milestone_card&utm_campaign=streak_7"
        )
    );
    assert!(card["generated_at"].is_string());
    let first = &rows[1];
    assert_eq!(first["shareable_card_data"]["title"], "First step taken");
    assert_eq!(first["shareable_card_data"]["referral_token"], token);
    assert_eq!(first["metadata"]["count"], 1);

    let pushes = of_type(&fcm.messages(), "milestone_achieved");
    let p = pushes
        .iter()
        .find(|p| p.data["milestone_key"] == "streak_7")
        .unwrap();
    assert_eq!(p.token, "member-phone");
    assert_eq!(p.title.as_deref(), Some("🎉 7-day streak!"));
    assert_eq!(
        p.body.as_deref(),
        Some("You've logged Run 7 days in a row. Tap to share!")
    );
    assert_eq!(p.data["shareable"], "true");
    assert_eq!(p.data["group_id"], c.group);
    assert_eq!(p.data["notification_id"], streak["id"].as_str().unwrap());
    assert_eq!(
        p.raw["message"]["notification"]["image"],
        "https://storage.googleapis.com/pursue-assets/milestone-preview-streak-7.png"
    );
    assert!(
        of_type(&fcm.messages(), "milestone_achieved")
            .iter()
            .all(|m| m.token == "member-phone")
    );
}

#[tokio::test]
async fn parallel_logs_grant_a_milestone_once() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let goals: Vec<String> = {
        let mut v = Vec::new();
        for t in ["A", "B", "C", "D"] {
            v.push(
                create_goal(
                    &app,
                    &c.group,
                    &c.creator,
                    json!({"title": t, "cadence": "daily", "metric_type": "numeric", "target_value": 10}),
                )
                .await,
            );
        }
        v
    };
    // Six days on one goal, then the seventh day's entries on it in parallel: one
    // streak_7 grant; and the first entries of four goals at once: one first_log.
    for back in (1..7).rev() {
        let date = (today() - chrono::Duration::days(back)).to_string();
        assert_eq!(log(&app, &c.admin, &goals[0], 1.0, &date).await.0, 201);
    }
    let mut tasks = Vec::new();
    for (i, user) in [
        (0, &c.admin),
        (0, &c.admin),
        (0, &c.admin),
        (1, &c.member),
        (2, &c.member),
        (3, &c.member),
    ] {
        let (client, url, token, body) = (
            app.client.clone(),
            app.url("/api/progress"),
            user.token.clone(),
            json!({"goal_id": goals[i], "value": 2.0, "user_date": today().to_string(), "user_timezone": "UTC"}),
        );
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    let mut done = false;
    for _ in 0..200 {
        let admin = milestone_rows(&app, &c.admin).await;
        let member = milestone_rows(&app, &c.member).await;
        if admin.len() >= 2 && !member.is_empty() {
            done = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(done, "milestones not granted");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let admin = milestone_rows(&app, &c.admin).await;
    let member = milestone_rows(&app, &c.member).await;
    let keys = |rows: &[Value]| {
        let mut k: Vec<String> = rows
            .iter()
            .map(|r| r["metadata"]["milestone_key"].as_str().unwrap().to_string())
            .collect();
        k.sort();
        k
    };
    assert_eq!(keys(&admin), ["first_log", "streak_7"]);
    assert_eq!(keys(&member), ["first_log"]);
    let mut conn = app.db.connect().await;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let grants: N = diesel::sql_query("SELECT count(*) AS n FROM user_milestone_grants")
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(grants.n, 3);
}

#[tokio::test]
async fn the_inbox_trim_drops_old_and_excess_rows_one_runner_at_a_time() {
    use pursue_ports::social::InboxRetention;
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    let mut conn = app.db.connect().await;
    // Ann: 3 rows of 100 days ago and 7 recent ones; Bob: 2 recent ones.
    diesel::sql_query(format!(
        "INSERT INTO user_notifications (user_id, type, created_at, is_read) \
         SELECT '{}'::uuid, 'nudge_received', NOW() - INTERVAL '100 days' - g * INTERVAL '1 minute', g = 1 \
         FROM generate_series(1, 3) g \
         UNION ALL SELECT '{}'::uuid, 'nudge_received', NOW() - g * INTERVAL '1 minute', false \
         FROM generate_series(1, 7) g \
         UNION ALL SELECT '{}'::uuid, 'nudge_received', NOW() - g * INTERVAL '1 minute', false \
         FROM generate_series(1, 2) g",
        ann.id, ann.id, bob.id
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    let (_, before) = get(&app, "/api/notifications?limit=50", &ann).await;
    let newest: Vec<Value> = before["notifications"].as_array().unwrap()[..5].to_vec();

    let (pool, _) = app.db.counting_pool();
    let store = pursue_postgres::PgSocial::new(pool);
    // Another instance holds the lock: this one does nothing.
    diesel::sql_query("SELECT pg_advisory_lock(5788623413920989185)")
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(store.trim_inbox(90, 5, 2).await.unwrap(), None);
    diesel::sql_query("SELECT pg_advisory_unlock(5788623413920989185)")
        .execute(&mut conn)
        .await
        .unwrap();

    // Batches of 2: 3 old rows, then 2 beyond Ann's newest 5.
    assert_eq!(store.trim_inbox(90, 5, 2).await.unwrap(), Some(5));
    let (_, after) = get(&app, "/api/notifications?limit=50", &ann).await;
    assert_eq!(after["notifications"].as_array().unwrap().to_vec(), newest);
    assert_eq!(
        inbox(&app, &bob).await["notifications"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(store.trim_inbox(90, 5, 2).await.unwrap(), Some(0));
}

#[test]
fn the_trim_runs_daily_at_half_past_three_utc() {
    use chrono::TimeZone;
    let at = |h, m| chrono::Utc.with_ymd_and_hms(2026, 3, 10, h, m, 0).unwrap();
    assert_eq!(pursue_runtime::worker::next_trim_after(at(1, 0)), at(3, 30));
    assert_eq!(
        pursue_runtime::worker::next_trim_after(at(3, 30)),
        at(3, 30) + chrono::Duration::days(1)
    );
}
