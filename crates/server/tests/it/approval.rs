//! Join requests, the approval queue, membership states and leaving over HTTP.

use crate::app::{TestApp, spawn_app};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::json;

use crate::support::*;

async fn feed_types(app: &TestApp, group: &str, user: &User) -> Vec<String> {
    let (_, feed) = get(app, &format!("/api/groups/{group}/activity"), user).await;
    feed["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["activity_type"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_join_is_a_pending_request_until_an_admin_approves() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let g = &c.group;
    let code = invite(&app, g, &c.member).await;
    let (status, body) = join(&app, &c.outsider, &format!("  {}  ", code.to_lowercase())).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({
            "status": "pending",
            "message": "Join request sent to group admins for approval",
            "group": {
                "id": g, "name": "Runners", "member_count": 3, "is_challenge": false,
                "challenge_start_date": null, "challenge_end_date": null,
                "challenge_status": null, "template_id": null
            }
        })
    );
    assert_eq!(feed_types(&app, g, &c.creator).await[0], "join_request");
    // Asking twice, or as a member.
    let (status, body) = join(&app, &c.outsider, &code).await;
    assert_eq!(
        (
            status,
            body["error"]["code"].as_str(),
            body["error"]["message"].as_str()
        ),
        (
            409,
            Some("ALREADY_MEMBER"),
            Some("You already have a pending request for this group")
        )
    );
    let (status, body) = join(&app, &c.member, &code).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("ALREADY_MEMBER"))
    );
    let (status, body) = join(&app, &c.member, "PURSUE-AAAAAA-AAAAAA").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("INVALID_INVITE_CODE"))
    );

    // The pending user reads the group header, the icon and nothing else.
    let (status, body) = get(&app, &format!("/api/groups/{g}"), &c.outsider).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["membership_status"], "pending");
    assert_eq!(body["member_count"], 3);
    let (status, body) = get(&app, &format!("/api/groups/{g}/icon"), &c.outsider).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("NO_ICON"))
    );
    let goal = create_goal(
        &app,
        g,
        &c.creator,
        json!({"title": "Run", "cadence": "daily", "metric_type": "binary"}),
    )
    .await;
    for path in ["members", "activity", "goals", "invite", "members/pending"] {
        let (status, body) = get(&app, &format!("/api/groups/{g}/{path}"), &c.outsider).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (403, Some("PENDING_APPROVAL")),
            "{path}"
        );
    }
    let (status, body) = get(&app, &format!("/api/goals/{goal}"), &c.outsider).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("PENDING_APPROVAL"))
    );
    let (status, body) = log(&app, &c.outsider, &goal, 1.0, &today().to_string()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("PENDING_APPROVAL"))
    );
    let (status, body) = patch(
        &app,
        &format!("/api/groups/{g}"),
        &c.outsider,
        json!({"name": "x"}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("PENDING_APPROVAL"))
    );
    // Still a stranger to everyone else.
    let stranger = register(&app, "stranger").await;
    let (status, body) = get(&app, &format!("/api/groups/{g}"), &stranger).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("FORBIDDEN"))
    );
    let (_, mine) = get(&app, "/api/users/me/groups", &c.outsider).await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["groups"][0]["membership_status"], "pending");

    // The queue: admins only, oldest first.
    let (status, body) = join(&app, &stranger, &code).await;
    assert_eq!(status, 200, "{body}");
    let pending_path = format!("/api/groups/{g}/members/pending");
    assert_eq!(get(&app, &pending_path, &c.member).await.0, 403);
    let (status, body) = get(&app, &pending_path, &c.admin).await;
    assert_eq!(status, 200, "{body}");
    let list = body["pending_members"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["user_id"], c.outsider.id.as_str());
    assert_eq!(list[0]["display_name"], "outsider");
    assert_eq!(list[0]["has_avatar"], false);
    assert!(list[0]["requested_at"].is_string());
    assert_eq!(list[1]["user_id"], stranger.id.as_str());

    // Role changes and removals only reach active members.
    let (status, _) = patch(
        &app,
        &format!("/api/groups/{g}/members/{}", c.outsider.id),
        &c.creator,
        json!({"role": "admin"}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = delete(
        &app,
        &format!("/api/groups/{g}/members/{}", c.outsider.id),
        &c.creator,
    )
    .await;
    assert_eq!(status, 404);

    // Approve.
    assert_eq!(approve(&app, g, &c.member, &c.outsider).await.0, 403);
    let (status, body) = approve(&app, g, &c.admin, &c.outsider).await;
    assert_eq!((status, body), (200, json!({"success": true})));
    let (status, body) = approve(&app, g, &c.admin, &c.outsider).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("NOT_FOUND"))
    );
    let (status, body) = get(&app, &format!("/api/groups/{g}/members"), &c.outsider).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["members"].as_array().unwrap().len(), 4);
    let (_, detail) = get(&app, &format!("/api/groups/{g}"), &c.outsider).await;
    assert_eq!(detail["membership_status"], "active");
    assert_eq!(detail["member_count"], 4);
    let (_, feed) = get(&app, &format!("/api/groups/{g}/activity"), &c.creator).await;
    let approved = &feed["activities"][0];
    assert_eq!(approved["activity_type"], "member_approved");
    assert_eq!(approved["user"]["id"], c.admin.id.as_str());
    assert_eq!(
        approved["metadata"],
        json!({"approved_user_id": c.outsider.id, "approved_user_display_name": "outsider"})
    );

    // Decline deletes the request; the user may ask again.
    let decline = format!("/api/groups/{g}/members/{}/decline", stranger.id);
    assert_eq!(post(&app, &decline, &c.member, json!({})).await.0, 403);
    let (status, body) = post(&app, &decline, &c.creator, json!({})).await;
    assert_eq!((status, body), (200, json!({"success": true})));
    let (status, _) = post(&app, &decline, &c.creator, json!({})).await;
    assert_eq!(status, 404);
    assert_eq!(
        get(&app, &format!("/api/groups/{g}"), &stranger).await.0,
        403
    );
    let (_, feed) = get(&app, &format!("/api/groups/{g}/activity"), &c.creator).await;
    assert_eq!(feed["activities"][0]["activity_type"], "member_declined");
    assert_eq!(
        feed["activities"][0]["metadata"],
        json!({"declined_user_id": stranger.id, "declined_user_display_name": "stranger"})
    );
    let (_, mine) = get(&app, "/api/users/me/groups", &stranger).await;
    assert_eq!(mine["total"], 0);
    assert_eq!(join(&app, &stranger, &code).await.0, 200);

    // A pending user withdraws with DELETE /members/me.
    assert_eq!(
        delete(&app, &format!("/api/groups/{g}/members/me"), &stranger)
            .await
            .0,
        204
    );
    let (_, body) = get(&app, &pending_path, &c.admin).await;
    assert_eq!(body["pending_members"].as_array().unwrap().len(), 0);
    assert_eq!(
        delete(&app, &format!("/api/groups/{g}/members/me"), &stranger)
            .await
            .0,
        403
    );
}

#[tokio::test]
async fn declined_rows_of_an_older_server_count_as_no_membership() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let g = &c.group;
    let code = invite(&app, g, &c.creator).await;
    assert_eq!(join(&app, &c.outsider, &code).await.0, 200);
    {
        use pursue_postgres::schema::group_memberships;
        let mut conn = app.db.connect().await;
        diesel::update(
            group_memberships::table.filter(
                group_memberships::user_id.eq(uuid::Uuid::parse_str(&c.outsider.id).unwrap()),
            ),
        )
        .set(group_memberships::status.eq("declined"))
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let (status, body) = get(&app, &format!("/api/groups/{g}"), &c.outsider).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("FORBIDDEN"))
    );
    let (_, mine) = get(&app, "/api/users/me/groups", &c.outsider).await;
    assert_eq!(mine["total"], 0);
    let (_, pending) = get(
        &app,
        &format!("/api/groups/{g}/members/pending"),
        &c.creator,
    )
    .await;
    assert_eq!(pending["pending_members"].as_array().unwrap().len(), 0);
    let (status, body) = join(&app, &c.outsider, &code).await;
    assert_eq!(status, 200, "{body}");
    let (_, pending) = get(
        &app,
        &format!("/api/groups/{g}/members/pending"),
        &c.creator,
    )
    .await;
    assert_eq!(pending["pending_members"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn leaving_promotes_when_the_last_admin_goes() {
    let app = spawn_app().await;
    let creator = register(&app, "creator").await;
    let old = register(&app, "old").await;
    let fresh = register(&app, "fresh").await;
    let g = create_group(&app, &creator, "Crew").await;
    let code = invite(&app, &g, &creator).await;
    assert_eq!(join_approved(&app, &old, &code, &g, &creator).await, 200);
    assert_eq!(join_approved(&app, &fresh, &code, &g, &creator).await, 200);
    // `old` joined 10 days ago and was quiet since; `fresh` is active now.
    {
        use pursue_postgres::schema::{group_activities, group_memberships};
        let mut conn = app.db.connect().await;
        let old_id = uuid::Uuid::parse_str(&old.id).unwrap();
        let long_ago = chrono::Utc::now() - chrono::Duration::days(10);
        diesel::update(group_memberships::table.filter(group_memberships::user_id.eq(old_id)))
            .set(group_memberships::joined_at.eq(long_ago))
            .execute(&mut conn)
            .await
            .unwrap();
        diesel::update(group_activities::table.filter(group_activities::user_id.eq(old_id)))
            .set(group_activities::created_at.eq(long_ago))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    // The creator leaves with no admin left: the most recently active member inherits.
    assert_eq!(
        delete(&app, &format!("/api/groups/{g}/members/me"), &creator)
            .await
            .0,
        204
    );
    let (status, body) = get(&app, &format!("/api/groups/{g}"), &fresh).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user_role"], "creator");
    assert_eq!(body["creator_user_id"], fresh.id.as_str());
    let (_, feed) = get(&app, &format!("/api/groups/{g}/activity"), &fresh).await;
    // Both are written in the leave's transaction (same instant).
    let of_type = |t: &str| {
        feed["activities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["activity_type"] == t)
            .unwrap_or_else(|| panic!("{t} in {feed}"))
            .clone()
    };
    let left = of_type("member_left");
    assert_eq!(left["user"]["id"], creator.id.as_str());
    let promoted = of_type("member_promoted");
    assert_eq!(promoted["user"]["id"], fresh.id.as_str());
    assert_eq!(
        promoted["metadata"],
        json!({"promoted_user_id": fresh.id, "new_role": "creator", "reason": "auto_last_admin_left"})
    );
    assert_eq!(left["metadata"], json!({}));
    {
        use pursue_postgres::schema::outbox;
        let mut conn = app.db.connect().await;
        let pushes: Vec<serde_json::Value> = outbox::table
            .filter(outbox::topic.eq("push"))
            .order(outbox::created_at.asc())
            .select(outbox::payload)
            .load(&mut conn)
            .await
            .unwrap();
        let promo = pushes
            .iter()
            .find(|p| p["data"]["type"] == "member_promoted")
            .expect("promotion push");
        assert_eq!(promo["body"], "fresh is now the group creator");
        assert_eq!(promo["recipients"], json!([old.id]));
        assert_eq!(promo["data"]["new_role"], "creator");
        assert_eq!(promo["data"]["promoted_user_id"], fresh.id.as_str());
    }
    // A member leaving promotes nobody; the last member's leave deletes the group.
    assert_eq!(
        delete(&app, &format!("/api/groups/{g}/members/me"), &old)
            .await
            .0,
        204
    );
    assert_eq!(
        get(&app, &format!("/api/groups/{g}/members"), &fresh)
            .await
            .1["members"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        delete(&app, &format!("/api/groups/{g}/members/me"), &fresh)
            .await
            .0,
        204
    );
    assert_eq!(get(&app, &format!("/api/groups/{g}"), &fresh).await.0, 404);
}

#[tokio::test]
async fn an_admin_leaving_last_hands_admin_to_a_member() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let g = &c.group;
    // The creator leaves first: the admin becomes creator (admins are preferred).
    assert_eq!(
        delete(&app, &format!("/api/groups/{g}/members/me"), &c.creator)
            .await
            .0,
        204
    );
    let (_, body) = get(&app, &format!("/api/groups/{g}"), &c.admin).await;
    assert_eq!(body["user_role"], "creator");
    let (_, body) = get(&app, &format!("/api/groups/{g}"), &c.member).await;
    assert_eq!(body["user_role"], "member");
    // The new creator leaves: the member becomes creator.
    assert_eq!(
        delete(&app, &format!("/api/groups/{g}/members/me"), &c.admin)
            .await
            .0,
        204
    );
    let (_, body) = get(&app, &format!("/api/groups/{g}"), &c.member).await;
    assert_eq!(body["user_role"], "creator");
    // member_count leaves out soft-deleted users.
    let code = invite(&app, g, &c.member).await;
    assert_eq!(
        join_approved(&app, &c.outsider, &code, g, &c.member).await,
        200
    );
    {
        use pursue_postgres::schema::users;
        let mut conn = app.db.connect().await;
        diesel::update(
            users::table.filter(users::id.eq(uuid::Uuid::parse_str(&c.outsider.id).unwrap())),
        )
        .set(users::deleted_at.eq(Some(chrono::Utc::now())))
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let (_, body) = get(&app, &format!("/api/groups/{g}"), &c.member).await;
    assert_eq!(body["member_count"], 1);
}

#[derive(diesel::QueryableByName, Debug)]
struct Inbox {
    #[diesel(sql_type = diesel::sql_types::Text)]
    owner: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    kind: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    actor: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    metadata: serde_json::Value,
}

async fn inbox(app: &TestApp) -> Vec<Inbox> {
    let mut conn = app.db.connect().await;
    diesel::sql_query(
        "SELECT u.display_name AS owner, n.type AS kind, a.display_name AS actor, \
         COALESCE(n.metadata, '{}'::jsonb) AS metadata \
         FROM user_notifications n JOIN users u ON u.id = n.user_id \
         LEFT JOIN users a ON a.id = n.actor_user_id ORDER BY n.created_at, u.display_name",
    )
    .load(&mut conn)
    .await
    .unwrap()
}

fn rows(list: &[Inbox]) -> Vec<(String, String, Option<String>)> {
    list.iter()
        .map(|n| (n.owner.clone(), n.kind.clone(), n.actor.clone()))
        .collect()
}

fn row(owner: &str, kind: &str, actor: Option<&str>) -> (String, String, Option<String>) {
    (owner.into(), kind.into(), actor.map(Into::into))
}

#[tokio::test]
async fn membership_changes_write_inbox_rows_with_their_pushes() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let g = &c.group;
    // cast: admin and member were approved by the creator; the admin was promoted.
    assert_eq!(
        rows(&inbox(&app).await),
        [
            row("admin", "membership_approved", Some("creator")),
            row("member", "membership_approved", Some("creator")),
            row("admin", "promoted_to_admin", Some("creator")),
        ]
    );
    let code = invite(&app, g, &c.member).await;
    assert_eq!(join(&app, &c.outsider, &code).await.0, 200);
    let list = rows(&inbox(&app).await);
    assert!(list.contains(&row("creator", "join_request_received", Some("outsider"))));
    assert!(list.contains(&row("admin", "join_request_received", Some("outsider"))));
    assert!(
        !list
            .iter()
            .any(|r| r.0 == "member" && r.1 == "join_request_received")
    );
    {
        use pursue_postgres::schema::outbox;
        let mut conn = app.db.connect().await;
        let pushes: Vec<serde_json::Value> = outbox::table
            .filter(outbox::topic.eq("push"))
            .select(outbox::payload)
            .load(&mut conn)
            .await
            .unwrap();
        let requests: Vec<&serde_json::Value> = pushes
            .iter()
            .filter(|p| p["body"] == "outsider wants to join Runners")
            .collect();
        assert_eq!(requests.len(), 2, "one per admin");
        let request = requests[0];
        assert_eq!(request["data"]["type"], "join_request");
        assert_eq!(request["title"], "New Join Request");
        assert_eq!(request["recipients"].as_array().map(Vec::len), Some(1));
        assert!(request["data"]["notification_id"].is_string());
        assert_eq!(request["data"]["group_id"], g.as_str());
    }
    // Declining clears the admins' rows and tells the requester.
    let decline = format!("/api/groups/{g}/members/{}/decline", c.outsider.id);
    assert_eq!(post(&app, &decline, &c.admin, json!({})).await.0, 200);
    let list = rows(&inbox(&app).await);
    assert!(!list.iter().any(|r| r.1 == "join_request_received"));
    assert!(list.contains(&row("outsider", "membership_rejected", Some("admin"))));
    // Removal tells the removed user.
    assert_eq!(
        delete(
            &app,
            &format!("/api/groups/{g}/members/{}", c.member.id),
            &c.admin
        )
        .await
        .0,
        204
    );
    assert!(rows(&inbox(&app).await).contains(&row("member", "removed_from_group", Some("admin"))));
    // An automatic promotion has no actor and says why.
    assert_eq!(
        delete(&app, &format!("/api/groups/{g}/members/me"), &c.creator)
            .await
            .0,
        204
    );
    let all = inbox(&app).await;
    let auto = all
        .iter()
        .find(|n| n.kind == "promoted_to_admin" && n.actor.is_none())
        .expect("automatic promotion row");
    assert_eq!(auto.owner, "admin");
    assert_eq!(
        auto.metadata,
        json!({"new_role": "creator", "reason": "auto_last_admin_left"})
    );
}
