//! Groups, memberships, invites, the feed and "my groups" over HTTP.

use crate::app::{TestApp, spawn_app};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};

use crate::support::*;

async fn outbox_pushes(app: &TestApp) -> Vec<Value> {
    use pursue_postgres::schema::outbox;
    let mut conn = app.db.connect().await;
    outbox::table
        .filter(outbox::topic.eq("push"))
        .order(outbox::created_at.asc())
        .select(outbox::payload)
        .load(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn create_get_patch_and_delete_a_group() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let (status, body) = post(
        &app,
        "/api/groups",
        &ann,
        json!({
            "name": " Runners ", "description": "We run", "icon_emoji": "🏃",
            "icon_color": "#1976D2", "unknown_key": 1,
            "initial_goals": [{"title": "Run", "cadence": "weekly", "metric_type": "binary", "target_value": 3}]
        }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["name"], "Runners");
    assert_eq!(body["member_count"], 1);
    assert_eq!(body["has_icon"], false);
    assert_eq!(body["creator_user_id"], ann.id.as_str());
    assert!(body["updated_at"].is_string());
    let id = body["id"].as_str().unwrap().to_string();

    let (status, body) = get(&app, &format!("/api/groups/{id}"), &ann).await;
    assert_eq!(status, 200);
    assert_eq!(body["user_role"], "creator");
    assert_eq!(body["icon_emoji"], "🏃");

    let (status, goals) = get(&app, &format!("/api/groups/{id}/goals"), &ann).await;
    assert_eq!(status, 200);
    assert_eq!(goals["total"], 1);
    assert_eq!(goals["goals"][0]["target_value"], 3.0);

    let (status, body) = patch(
        &app,
        &format!("/api/groups/{id}"),
        &ann,
        json!({"name": "Joggers", "icon_emoji": null}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "Joggers");
    assert_eq!(body["icon_emoji"], Value::Null);
    assert_eq!(body["icon_color"], "#1976D2");

    for bad in [
        json!({"name": null}),
        json!({"name": ""}),
        json!({"icon_color": "#12"}),
    ] {
        let (status, _) = patch(&app, &format!("/api/groups/{id}"), &ann, bad.clone()).await;
        assert_eq!(status, 400, "{bad}");
    }
    let (status, same) = patch(&app, &format!("/api/groups/{id}"), &ann, json!({})).await;
    assert_eq!((status, same["name"].as_str()), (200, Some("Joggers")));

    let (status, feed) = get(&app, &format!("/api/groups/{id}/activity"), &ann).await;
    assert_eq!(status, 200);
    assert_eq!(feed["total"], 2);
    assert_eq!(feed["activities"][0]["activity_type"], "group_renamed");
    assert_eq!(
        feed["activities"][0]["metadata"],
        json!({"old_name": "Runners", "new_name": "Joggers"})
    );
    assert_eq!(feed["activities"][1]["activity_type"], "group_created");
    assert_eq!(feed["activities"][1]["metadata"]["group_name"], "Runners");
    assert!(feed["activities"][1]["metadata"]["invite_code"].is_string());
    assert_eq!(feed["activities"][1]["user"]["id"], ann.id.as_str());

    let (status, _) = delete(&app, &format!("/api/groups/{id}"), &ann).await;
    assert_eq!(status, 204);
    let (status, body) = get(&app, &format!("/api/groups/{id}"), &ann).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn validation_and_malformed_ids() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    for bad in [
        json!({}),
        json!({"name": ""}),
        json!({"name": "x".repeat(101)}),
        json!({"name": "ok", "icon_color": "red"}),
        json!({"name": "ok", "description": "d".repeat(501)}),
        json!({"name": "ok", "initial_goals": [{"title": "t", "cadence": "hourly", "metric_type": "binary"}]}),
        json!({"name": "ok", "initial_goals": [{"title": "t", "cadence": "daily", "metric_type": "numeric"}]}),
    ] {
        let (status, body) = post(&app, "/api/groups", &ann, bad.clone()).await;
        assert_eq!(status, 400, "{bad} → {body}");
        assert_eq!(body["error"]["code"], "VALIDATION_ERROR");
    }
    for path in [
        "/api/groups/not-a-uuid",
        "/api/groups/not-a-uuid/members",
        "/api/groups/00000000-0000-0000-0000-000000000000",
        "/api/goals/xyz",
        "/api/progress/xyz",
    ] {
        let (status, body) = get(&app, path, &ann).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "NOT_FOUND");
    }
    let (status, _) = call(
        &app,
        reqwest::Method::GET,
        "/api/users/me/groups",
        None,
        None,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn members_roles_removal_and_leaving() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let g = &c.group;
    let (status, body) = get(&app, &format!("/api/groups/{g}/members"), &c.member).await;
    assert_eq!(status, 200);
    let roles: Vec<&str> = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["creator", "admin", "member"]);
    assert_eq!(body["members"][0]["user_id"], c.creator.id.as_str());

    // role rules
    let own = patch(
        &app,
        &format!("/api/groups/{g}/members/{}", c.admin.id),
        &c.admin,
        json!({"role": "member"}),
    )
    .await;
    assert_eq!(
        (own.0, own.1["error"]["code"].as_str()),
        (400, Some("CANNOT_CHANGE_OWN_ROLE"))
    );
    let demote = patch(
        &app,
        &format!("/api/groups/{g}/members/{}", c.creator.id),
        &c.admin,
        json!({"role": "member"}),
    )
    .await;
    assert_eq!(
        (demote.0, demote.1["error"]["code"].as_str()),
        (400, Some("CANNOT_DEMOTE_CREATOR"))
    );
    let missing = patch(
        &app,
        &format!("/api/groups/{g}/members/{}", c.outsider.id),
        &c.admin,
        json!({"role": "admin"}),
    )
    .await;
    assert_eq!(missing.0, 404);
    let bad_role = patch(
        &app,
        &format!("/api/groups/{g}/members/{}", c.member.id),
        &c.admin,
        json!({"role": "creator"}),
    )
    .await;
    assert_eq!(bad_role.0, 400);
    let by_member = patch(
        &app,
        &format!("/api/groups/{g}/members/{}", c.admin.id),
        &c.member,
        json!({"role": "member"}),
    )
    .await;
    assert_eq!(
        (by_member.0, by_member.1["error"]["code"].as_str()),
        (403, Some("FORBIDDEN"))
    );
    let by_outsider = patch(
        &app,
        &format!("/api/groups/{g}/members/{}", c.member.id),
        &c.outsider,
        json!({"role": "admin"}),
    )
    .await;
    assert_eq!(by_outsider.0, 403);

    // removal rules
    let creator = delete(
        &app,
        &format!("/api/groups/{g}/members/{}", c.creator.id),
        &c.admin,
    )
    .await;
    assert_eq!(
        (creator.0, creator.1["error"]["code"].as_str()),
        (400, Some("CANNOT_REMOVE_CREATOR"))
    );
    let own = delete(
        &app,
        &format!("/api/groups/{g}/members/{}", c.admin.id),
        &c.admin,
    )
    .await;
    assert_eq!(
        (own.0, own.1["error"]["code"].as_str()),
        (400, Some("CANNOT_REMOVE_SELF"))
    );
    let by_member = delete(
        &app,
        &format!("/api/groups/{g}/members/{}", c.admin.id),
        &c.member,
    )
    .await;
    assert_eq!(by_member.0, 403);
    let removed = delete(
        &app,
        &format!("/api/groups/{g}/members/{}", c.member.id),
        &c.admin,
    )
    .await;
    assert_eq!(removed.0, 204);
    let again = delete(
        &app,
        &format!("/api/groups/{g}/members/{}", c.member.id),
        &c.admin,
    )
    .await;
    assert_eq!(again.0, 404);
    let gone = get(&app, &format!("/api/groups/{g}"), &c.member).await;
    assert_eq!(gone.0, 403);

    // leaving: the creator may leave; the remaining admin takes over
    let outsider_leave = delete(&app, &format!("/api/groups/{g}/members/me"), &c.outsider).await;
    assert_eq!(outsider_leave.0, 403);
    assert_eq!(
        delete(&app, &format!("/api/groups/{g}/members/me"), &c.creator)
            .await
            .0,
        204
    );
    let (status, body) = get(&app, &format!("/api/groups/{g}"), &c.admin).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user_role"], "creator");
    assert_eq!(body["creator_user_id"], c.admin.id.as_str());
    assert_eq!(body["member_count"], 1);
    assert_eq!(
        delete(&app, &format!("/api/groups/{g}/members/me"), &c.admin)
            .await
            .0,
        204
    );
    assert_eq!(
        get(&app, &format!("/api/groups/{g}"), &c.admin).await.0,
        404
    );

    // group pushes of the membership changes (approvals skip the joiner and the approver);
    // the inbox rows' personal pushes carry a notification id
    let pushes: Vec<Value> = outbox_pushes(&app)
        .await
        .into_iter()
        .filter(|p| p["data"].get("notification_id").is_none())
        .collect();
    let types: Vec<&str> = pushes
        .iter()
        .map(|p| p["data"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["member_approved", "member_removed", "member_left"]);
    let approved = &pushes[0];
    assert_eq!(approved["recipients"], json!([c.admin.id]));
    assert_eq!(approved["body"], "member joined the group");
    assert_eq!(approved["data"]["user_id"], c.member.id.as_str());
    let removed = &pushes[1];
    assert_eq!(removed["title"], "Runners");
    assert_eq!(removed["body"], "member was removed from the group");
    assert_eq!(removed["data"]["user_id"], c.member.id.as_str());
    assert_eq!(removed["data"]["group_id"], g.as_str());
    assert_eq!(removed["recipients"], json!([c.creator.id]));
    let left = &pushes[2];
    assert_eq!(left["body"], "creator left the group");
    assert_eq!(left["recipients"], json!([c.admin.id]));
}

#[tokio::test]
async fn feed_records_every_membership_activity() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let g = &c.group;
    assert_eq!(
        delete(
            &app,
            &format!("/api/groups/{g}/members/{}", c.member.id),
            &c.creator
        )
        .await
        .0,
        204
    );
    assert_eq!(
        delete(&app, &format!("/api/groups/{g}/members/me"), &c.admin)
            .await
            .0,
        204
    );
    let (status, feed) = get(
        &app,
        &format!("/api/groups/{g}/activity?limit=2"),
        &c.creator,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(feed["total"], 8);
    assert_eq!(feed["activities"].as_array().unwrap().len(), 2);
    let (_, all) = get(
        &app,
        &format!("/api/groups/{g}/activity?limit=500&offset=0"),
        &c.creator,
    )
    .await;
    let types: Vec<&str> = all["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["activity_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "member_left",
            "member_removed",
            "member_promoted",
            "member_approved",
            "join_request",
            "member_approved",
            "join_request",
            "group_created"
        ]
    );
    assert_eq!(
        all["activities"][1]["metadata"],
        json!({"removed_user_id": c.member.id})
    );
    assert_eq!(
        all["activities"][2]["metadata"],
        json!({"target_user_id": c.admin.id, "new_role": "admin"})
    );
    assert_eq!(all["activities"][0]["user"]["id"], c.admin.id.as_str());
    let (_, offset) = get(
        &app,
        &format!("/api/groups/{g}/activity?offset=7"),
        &c.creator,
    )
    .await;
    assert_eq!(offset["activities"][0]["activity_type"], "group_created");
    assert_eq!(
        get(
            &app,
            &format!("/api/groups/{g}/activity?limit=0"),
            &c.creator
        )
        .await
        .0,
        400
    );
    assert_eq!(
        get(
            &app,
            &format!("/api/groups/{g}/activity?offset=-1"),
            &c.creator
        )
        .await
        .0,
        400
    );
    assert_eq!(
        get(&app, &format!("/api/groups/{g}/activity"), &c.outsider)
            .await
            .0,
        403
    );
}
