//! Inbox rows with their personal pushes, and the subscription tier read.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_domain::ids::UserId;
use pursue_domain::notification::NotificationType;
use pursue_domain::subscription::Tier;
use pursue_ports::subscriptions::TierSource;
use pursue_postgres::inbox::{Notice, NoticePush, notify};
use pursue_postgres::schema::{outbox, user_notifications, user_subscriptions, users};
use pursue_postgres::{PgTiers, PoolSettings, build_pool};
use pursue_testkit::fresh_database;
use serde_json::{Value, json};
use uuid::Uuid;

async fn user(conn: &mut diesel_async::AsyncPgConnection, email: &str) -> Uuid {
    diesel::insert_into(users::table)
        .values((users::email.eq(email), users::display_name.eq("Ann")))
        .returning(users::id)
        .get_result(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_notice_writes_its_row_and_one_personal_push() {
    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let owner = user(&mut conn, "owner@example.com").await;
    let notice = Notice {
        user_id: owner,
        kind: NotificationType::MembershipApproved,
        actor_user_id: None,
        group_id: None,
        goal_id: None,
        progress_entry_id: None,
        metadata: json!({"k": "v"}),
        shareable_card_data: None,
        push: Some(NoticePush {
            title: "Request Approved".into(),
            body: "You've been approved to join Runners".into(),
            extra: Default::default(),
        }),
    };
    let id = notify(&mut conn, &notice).await.unwrap();

    let (kind, metadata, is_read): (String, Option<Value>, bool) = user_notifications::table
        .find(id)
        .select((
            user_notifications::kind,
            user_notifications::metadata,
            user_notifications::is_read,
        ))
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(kind, "membership_approved");
    assert_eq!(metadata, Some(json!({"k": "v"})));
    assert!(!is_read);

    let payloads: Vec<Value> = outbox::table
        .filter(outbox::topic.eq("push"))
        .select(outbox::payload)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(payloads.len(), 1);
    assert_eq!(payloads[0]["recipients"], json!([owner]));
    assert_eq!(payloads[0]["data"]["type"], "membership_approved");
    assert_eq!(payloads[0]["data"]["notification_id"], id.to_string());
    assert!(payloads[0]["data"].get("group_id").is_none());

    // A notice without a push writes the row only.
    let quiet = Notice {
        push: None,
        ..notice
    };
    notify(&mut conn, &quiet).await.unwrap();
    let pushes: i64 = outbox::table.count().get_result(&mut conn).await.unwrap();
    assert_eq!(pushes, 1);
}

#[tokio::test]
async fn tier_is_premium_only_for_an_entitled_unexpired_row() {
    let db = fresh_database().await;
    let pool = build_pool(&db.url, &PoolSettings::default()).unwrap();
    let mut conn = db.connect().await;
    let tiers = PgTiers::new(pool);
    let cases = [
        ("active", 10, Tier::Premium),
        ("cancelled", 10, Tier::Premium),
        ("grace_period", 10, Tier::Premium),
        ("expired", 10, Tier::Free),
        ("active", -1, Tier::Free),
    ];
    for (i, (status, days, want)) in cases.into_iter().enumerate() {
        let id = user(&mut conn, &format!("u{i}@example.com")).await;
        diesel::insert_into(user_subscriptions::table)
            .values((
                user_subscriptions::user_id.eq(id),
                user_subscriptions::tier.eq("premium"),
                user_subscriptions::status.eq(status),
                user_subscriptions::expires_at.eq(Utc::now() + Duration::days(days)),
            ))
            .execute(&mut conn)
            .await
            .unwrap();
        let got = tiers.tier_of(UserId::from_uuid(id)).await.unwrap();
        assert_eq!(got, want, "{status}, {days} days");
    }
    let nobody = user(&mut conn, "free@example.com").await;
    assert_eq!(
        tiers.tier_of(UserId::from_uuid(nobody)).await.unwrap(),
        Tier::Free
    );
}
