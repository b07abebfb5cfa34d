//! Invites, joining, caps, "my groups" and the role matrix of group endpoints over HTTP.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_testkit::spawn_app;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn invites_and_join_rules() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let g = &c.group;
    let (status, inv) = post(
        &app,
        &format!("/api/groups/{g}/invites"),
        &c.admin,
        json!({"max_uses": 1, "expires_at": null}),
    )
    .await;
    assert_eq!(status, 201, "{inv}");
    assert_eq!(inv["max_uses"], 1);
    assert_eq!(inv["current_uses"], 0);
    let code = inv["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("PURSUE-") && code.len() == 20, "{code}");
    assert_eq!(
        post(
            &app,
            &format!("/api/groups/{g}/invites"),
            &c.member,
            json!({})
        )
        .await
        .0,
        403
    );
    assert_eq!(
        post(
            &app,
            &format!("/api/groups/{g}/invites"),
            &c.outsider,
            json!({})
        )
        .await
        .0,
        403
    );
    assert_eq!(
        post(
            &app,
            &format!("/api/groups/{g}/invites"),
            &c.admin,
            json!({"max_uses": 0})
        )
        .await
        .0,
        400
    );
    assert_eq!(
        post(
            &app,
            &format!("/api/groups/{g}/invites"),
            &c.admin,
            json!({"expires_at": "2020-01-01T00:00:00Z"})
        )
        .await
        .0,
        400
    );

    let (status, body) = join(&app, &c.outsider, &format!("  {}  ", code.to_lowercase())).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["group"]["id"], g.as_str());
    assert_eq!(body["group"]["member_count"], 4);
    let late = register(&app, "late").await;
    let (status, body) = join(&app, &late, &code).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("INVITE_EXHAUSTED"))
    );
    let (status, body) = join(&app, &late, "PURSUE-AAAAAA-AAAAAA").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("INVALID_INVITE_CODE"))
    );
    let open = invite(&app, g, &c.creator).await;
    let (status, body) = join(&app, &c.member, &open).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("ALREADY_MEMBER"))
    );

    // expiry: move an invite into the past
    let (_, inv) = post(
        &app,
        &format!("/api/groups/{g}/invites"),
        &c.admin,
        json!({"expires_at": "2999-01-01T00:00:00Z"}),
    )
    .await;
    {
        use pursue_postgres::schema::invite_codes;
        let mut conn = app.db.connect().await;
        diesel::update(
            invite_codes::table.filter(invite_codes::code.eq(inv["code"].as_str().unwrap())),
        )
        .set(invite_codes::expires_at.eq(Some(chrono::Utc::now() - chrono::Duration::minutes(1))))
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let (status, body) = join(&app, &late, inv["code"].as_str().unwrap()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("INVITE_EXPIRED"))
    );
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
    assert_eq!(body["member_count"], 50);
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
        let inv = post(&app, &format!("/api/groups/{g}/invites"), user, json!({}))
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
            "creator" | "admin" => [200, 200, 200, 200, 200, 201, 201],
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
