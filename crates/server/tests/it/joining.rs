//! The standing invite code, group fields, caps, "my groups" and the role matrix of group
//! endpoints over HTTP.

use crate::app::spawn_app;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn standing_invite_code_and_regeneration() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let g = &c.group;
    let (status, inv) = get(&app, &format!("/api/groups/{g}/invite"), &c.member).await;
    assert_eq!(status, 200, "{inv}");
    let code = inv["invite_code"].as_str().unwrap().to_string();
    assert!(
        pursue_domain::group::InviteCode::parse(&code).is_ok(),
        "{code}"
    );
    assert_eq!(
        inv["share_url"],
        format!("https://getpursue.app/join/{code}").as_str()
    );
    assert!(inv["created_at"].is_string());
    // The same code on every read.
    assert_eq!(invite(&app, g, &c.creator).await, code);
    let (status, body) = get(&app, &format!("/api/groups/{g}/invite"), &c.outsider).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("FORBIDDEN"))
    );
    let regen = format!("/api/groups/{g}/invite/regenerate");
    assert_eq!(post(&app, &regen, &c.member, json!({})).await.0, 403);
    assert_eq!(post(&app, &regen, &c.outsider, json!({})).await.0, 403);
    let (status, body) = post(&app, &regen, &c.admin, json!({"ignored": true})).await;
    assert_eq!(status, 200, "{body}");
    let new_code = body["invite_code"].as_str().unwrap().to_string();
    assert_ne!(new_code, code);
    assert_eq!(body["previous_code_revoked"], code.as_str());
    assert!(body["share_url"].as_str().unwrap().ends_with(&new_code));
    assert_eq!(invite(&app, g, &c.member).await, new_code);
    let late = register(&app, "late").await;
    let (status, body) = join(&app, &late, &code).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("INVALID_INVITE_CODE"))
    );
    let (_, feed) = get(&app, &format!("/api/groups/{g}/activity"), &c.creator).await;
    assert_eq!(
        feed["activities"][0]["activity_type"],
        "invite_code_regenerated"
    );
    assert_eq!(
        feed["activities"][0]["metadata"],
        json!({"old_code": code, "new_code": new_code})
    );
    assert_eq!(feed["activities"][0]["user"]["id"], c.admin.id.as_str());
    // The old route is gone.
    let (status, _) = post(
        &app,
        &format!("/api/groups/{g}/invites"),
        &c.admin,
        json!({}),
    )
    .await;
    assert_eq!(status, 404);
    // A group without a live code gets one on read.
    {
        use pursue_postgres::schema::invite_codes;
        let mut conn = app.db.connect().await;
        diesel::update(invite_codes::table)
            .set(invite_codes::revoked_at.eq(Some(chrono::Utc::now())))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let fresh = invite(&app, g, &c.member).await;
    assert_ne!(fresh, new_code);
    assert_eq!(invite(&app, g, &c.creator).await, fresh);
}

#[tokio::test]
async fn create_answers_the_invite_code_and_the_group_fields() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let (status, body) = post(
        &app,
        "/api/groups",
        &ann,
        json!({"name": "Readers", "icon_url": "https://example.org/i.png", "visibility": "public"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let code = body["invite_code"].as_str().unwrap().to_string();
    assert_eq!(body["is_challenge"], false);
    assert_eq!(body["challenge_status"], json!(null));
    assert_eq!(body["template_id"], json!(null));
    assert_eq!(body["visibility"], "private");
    assert_eq!(body["icon_url"], "https://example.org/i.png");
    let g = body["id"].as_str().unwrap().to_string();
    assert_eq!(invite(&app, &g, &ann).await, code);
    let (_, feed) = get(&app, &format!("/api/groups/{g}/activity"), &ann).await;
    assert_eq!(
        feed["activities"][0]["metadata"],
        json!({"group_name": "Readers", "invite_code": code})
    );
    let (status, body) = get(&app, &format!("/api/groups/{g}"), &ann).await;
    assert_eq!(status, 200);
    assert_eq!(body["membership_status"], "active");
    assert_eq!(body["heat"]["tier_name"], "Cold");
    assert_eq!(body["heat"]["baseline_gcr"], json!(null));
    assert!(
        body["heat"]
            .as_object()
            .unwrap()
            .contains_key("yesterday_gcr")
    );
    assert_eq!(body["auto_approve"], false);
    assert_eq!(body["category"], json!(null));
    assert_eq!(body["spot_limit"], json!(null));
    assert_eq!(body["comm_link"], json!(null));
    assert_eq!(body["is_challenge"], false);
    let (status, body) = patch(
        &app,
        &format!("/api/groups/{g}"),
        &ann,
        json!({"icon_url": null, "category": "fitness"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["icon_url"], json!(null));
    assert_eq!(body["visibility"], "private");
    assert_eq!(body["category"], json!(null));
    let long = "x".repeat(501);
    let (status, body) = patch(
        &app,
        &format!("/api/groups/{g}"),
        &ann,
        json!({"icon_url": long}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("VALIDATION_ERROR"))
    );
    let (_, mine) = get(&app, "/api/users/me/groups", &ann).await;
    let item = &mine["groups"][0];
    assert_eq!(item["membership_status"], "active");
    assert_eq!(item["heat"]["score"], 0);
    assert!(
        !item["heat"]
            .as_object()
            .unwrap()
            .contains_key("baseline_gcr")
    );
    assert_eq!(item["visibility"], "private");
    assert_eq!(item["is_challenge"], false);
    assert!(item.as_object().unwrap().contains_key("icon_url"));
}

#[tokio::test]
async fn caps_answer_429_with_details() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    crate::support::make_premium(&app, &ann).await;
    for i in 0..10 {
        create_group(&app, &ann, &format!("g{i}")).await;
    }
    // The product limit (10 groups for premium) answers before the created-groups cap.
    let (status, body) = post(&app, "/api/groups", &ann, json!({"name": "eleven"})).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "GROUP_LIMIT_REACHED");

    // joined-groups cap
    let bob = register(&app, "bob").await;
    crate::support::make_premium(&app, &bob).await;
    let (_, mine) = get(&app, "/api/users/me/groups?limit=100", &ann).await;
    for g in mine["groups"].as_array().unwrap() {
        let code = invite(&app, g["id"].as_str().unwrap(), &ann).await;
        assert_eq!(join(&app, &bob, &code).await.0, 200);
    }
    let carl = register(&app, "carl").await;
    let other = create_group(&app, &carl, "other").await;
    let code = invite(&app, &other, &carl).await;
    let (status, body) = join(&app, &bob, &code).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["resource"], "group_memberships");
}

#[tokio::test]
async fn concurrent_joins_stop_at_the_member_cap() {
    let app = spawn_app().await;
    let owner = register(&app, "owner").await;
    let group = create_group(&app, &owner, "Big").await;
    let code = invite(&app, &group, &owner).await;
    let mut users = Vec::new();
    for i in 0..55 {
        users.push(register(&app, &format!("u{i}")).await);
    }
    let joins = users.iter().map(|u| join(&app, u, &code));
    let results = futures_util::future::join_all(joins).await;
    let ok = results.iter().filter(|(s, _)| *s == 200).count();
    let capped = results
        .iter()
        .filter(|(s, b)| *s == 429 && b["error"]["resource"] == "group_members")
        .count();
    assert_eq!((ok, capped), (49, 6), "{results:?}");
    let (_, body) = get(&app, &format!("/api/groups/{group}"), &owner).await;
    assert_eq!(body["member_count"], 1, "pending requests are not members");
    let (_, pending) = get(
        &app,
        &format!("/api/groups/{group}/members/pending"),
        &owner,
    )
    .await;
    assert_eq!(pending["pending_members"].as_array().unwrap().len(), 49);
}

#[tokio::test]
async fn my_groups_lists_roles_counts_and_pages() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    crate::support::make_premium(&app, &c.member).await;
    let second = create_group(&app, &c.member, "Mine").await;
    let (status, body) = get(&app, "/api/users/me/groups", &c.member).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 2);
    assert_eq!(body["groups"][0]["id"], second.as_str());
    assert_eq!(body["groups"][0]["role"], "creator");
    assert_eq!(body["groups"][0]["member_count"], 1);
    assert_eq!(body["groups"][1]["role"], "member");
    assert_eq!(body["groups"][1]["member_count"], 3);
    assert!(body["groups"][1]["joined_at"].is_string());
    assert!(body["groups"][1]["updated_at"].is_string());
    let (_, page) = get(&app, "/api/users/me/groups?limit=1&offset=1", &c.member).await;
    assert_eq!(page["total"], 2);
    assert_eq!(page["groups"].as_array().unwrap().len(), 1);
    assert_eq!(page["groups"][0]["id"], c.group.as_str());
    assert_eq!(
        get(&app, "/api/users/me/groups?limit=abc", &c.member)
            .await
            .0,
        400
    );
}

#[tokio::test]
async fn role_matrix_for_group_endpoints() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let g = c.group.clone();
    let users = [
        (&c.creator, "creator"),
        (&c.admin, "admin"),
        (&c.member, "member"),
        (&c.outsider, "outsider"),
    ];
    for (user, who) in users {
        let read = get(&app, &format!("/api/groups/{g}"), user).await.0;
        let members = get(&app, &format!("/api/groups/{g}/members"), user).await.0;
        let feed = get(&app, &format!("/api/groups/{g}/activity"), user)
            .await
            .0;
        let goals = get(&app, &format!("/api/groups/{g}/goals"), user).await.0;
        let edit = patch(
            &app,
            &format!("/api/groups/{g}"),
            user,
            json!({"description": "x"}),
        )
        .await
        .0;
        let inv = post(
            &app,
            &format!("/api/groups/{g}/invite/regenerate"),
            user,
            json!({}),
        )
        .await
        .0;
        let goal = post(
            &app,
            &format!("/api/groups/{g}/goals"),
            user,
            json!({"title": "t", "cadence": "daily", "metric_type": "binary"}),
        )
        .await
        .0;
        let expected = match who {
            "creator" | "admin" => [200, 200, 200, 200, 200, 200, 201],
            "member" => [200, 200, 200, 200, 403, 403, 403],
            _ => [403, 403, 403, 403, 403, 403, 403],
        };
        assert_eq!(
            [read, members, feed, goals, edit, inv, goal],
            expected,
            "{who}"
        );
    }
    for user in [&c.admin, &c.member, &c.outsider] {
        assert_eq!(delete(&app, &format!("/api/groups/{g}"), user).await.0, 403);
    }
    assert_eq!(
        delete(&app, &format!("/api/groups/{g}"), &c.creator)
            .await
            .0,
        204
    );
}
