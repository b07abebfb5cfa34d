//! The write paths run a bounded number of statements in one transaction: the progress
//! log two statements between `BEGIN` and `COMMIT` (docs/API.md, Logging progress: the
//! write path), with the membership checked inside that transaction.

use std::sync::Arc;
use std::time::Duration;

use crate::app::{TestApp, spawn_app};
use chrono::Utc;
use diesel_async::RunQueryDsl;
use pursue_app::errors::CoreError;
use pursue_app::progress::{LogProgress, ProgressService};
use pursue_domain::ids::{GoalId, UserId};
use pursue_domain::period::{Timezone, UserDate};
use pursue_domain::role::Denied;
use pursue_ports::users::UserRecord;
use pursue_postgres::{PgGoals, PgGroups, PgProgress, QueryCounter};
use serde_json::json;

use crate::support::*;

fn record(user: &User) -> UserRecord {
    UserRecord {
        id: UserId::parse(&user.id).unwrap(),
        email: pursue_domain::user::Email::stored("x@example.com".into()),
        display_name: pursue_domain::user::DisplayName::stored("x".into()),
        has_avatar: false,
        age_verified: true,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn input(goal: &str, value: f64, key: Option<&str>) -> LogProgress {
    LogProgress {
        goal_id: GoalId::parse(goal).unwrap(),
        value,
        note: None,
        log_title: None,
        user_date: UserDate::from_date(today()),
        user_timezone: Timezone::parse("Europe/Paris").unwrap(),
        idempotency_key: key.map(str::to_string),
    }
}

fn service(app: &TestApp) -> (ProgressService, QueryCounter) {
    let (pool, counter) = app.db.counting_pool();
    let service = ProgressService::new(
        Arc::new(PgGroups::new(pool.clone())),
        Arc::new(PgGoals::new(pool.clone())),
        Arc::new(PgProgress::new(pool)),
    );
    (service, counter)
}

async fn outbox_rows(app: &TestApp) -> Vec<(String, serde_json::Value)> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        topic: String,
        #[diesel(sql_type = diesel::sql_types::Jsonb)]
        payload: serde_json::Value,
    }
    let mut conn = app.db.connect().await;
    let rows: Vec<Row> = diesel::sql_query("SELECT topic::text AS topic, payload FROM outbox")
        .load(&mut conn)
        .await
        .unwrap();
    rows.into_iter().map(|r| (r.topic, r.payload)).collect()
}

#[tokio::test]
async fn a_progress_log_is_one_transaction_of_two_statements() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let goal = create_goal(
        &app,
        &c.group,
        &c.creator,
        json!({"title": "Read", "cadence": "daily", "metric_type": "numeric", "target_value": 10}),
    )
    .await;
    let (service, counter) = service(&app);
    let member = record(&c.member);
    // The first log of the process also reads which optional columns exist.
    service
        .log_progress(&member, input(&goal, 1.0, None))
        .await
        .unwrap();
    let mut conn = app.db.connect().await;
    diesel::sql_query("DELETE FROM outbox")
        .execute(&mut conn)
        .await
        .unwrap();
    let mut counts = Vec::new();
    for key in [None, Some("k-1")] {
        counter.reset();
        let (entry, created) = service
            .log_progress(&record(&c.admin), input(&goal, 2.0, key))
            .await
            .unwrap();
        assert!(created);
        assert_eq!(entry.value.hundredths(), 200);
        let statements = counter.statements();
        assert!(
            statements.len() <= 4
                && statements
                    .as_slice()
                    .first()
                    .is_some_and(|s| s.starts_with("BEGIN"))
                && statements
                    .as_slice()
                    .last()
                    .is_some_and(|s| s.starts_with("COMMIT")),
            "{statements:#?}"
        );
        counts.push(statements.len());
    }
    assert_eq!(counts, [4, 4]);
    // What the one write statement stored: the push to the two others, the first-log
    // pulse to all three members (once, for the first key-less log), two milestone checks.
    let rows = outbox_rows(&app).await;
    let pushes: Vec<_> = rows
        .iter()
        .filter(|(t, p)| t == "push" && p["data"]["type"] == "progress_logged")
        .collect();
    let pulses: Vec<_> = rows
        .iter()
        .filter(|(t, p)| t == "push" && p["data"]["type"] == "member_logged_today")
        .collect();
    assert_eq!(pushes.len(), 2);
    assert!(pushes.iter().all(|(_, p)| {
        let r = p["recipients"].as_array().unwrap();
        r.len() == 2 && !r.contains(&json!(c.admin.id))
    }));
    assert_eq!(pulses.len(), 1, "{rows:?}");
    assert_eq!(pulses[0].1["recipients"].as_array().unwrap().len(), 3);
    assert_eq!(rows.iter().filter(|(t, _)| t == "milestone").count(), 2);
    // The author's zone was stored.
    #[derive(diesel::QueryableByName)]
    struct Zone {
        #[diesel(sql_type = diesel::sql_types::Text)]
        timezone: String,
    }
    let zone: Zone = diesel::sql_query(format!(
        "SELECT timezone::text AS timezone FROM users WHERE id = '{}'",
        c.admin.id
    ))
    .get_result(&mut conn)
    .await
    .unwrap();
    assert_eq!(zone.timezone, "Europe/Paris");

    // A replay reads the stored response: one more statement.
    counter.reset();
    let (replayed, created) = service
        .log_progress(&record(&c.admin), input(&goal, 2.0, Some("k-1")))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(replayed.value.hundredths(), 200);
    assert!(counter.get() <= 5, "{:#?}", counter.statements());
}

#[tokio::test]
async fn a_member_removed_while_logging_cannot_log() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let goal = create_goal(
        &app,
        &c.group,
        &c.creator,
        json!({"title": "Read", "cadence": "daily", "metric_type": "numeric", "target_value": 10}),
    )
    .await;
    let (service, _) = service(&app);
    // Warm up (the optional-column read), then remove the member in a transaction that
    // stays open while the log starts.
    service
        .log_progress(&record(&c.admin), input(&goal, 1.0, None))
        .await
        .unwrap();
    let mut removal = app.db.connect().await;
    diesel::sql_query("BEGIN")
        .execute(&mut removal)
        .await
        .unwrap();
    diesel::sql_query(format!(
        "DELETE FROM group_memberships WHERE group_id = '{}' AND user_id = '{}'",
        c.group, c.member.id
    ))
    .execute(&mut removal)
    .await
    .unwrap();
    let member = record(&c.member);
    let logging = tokio::spawn(async move {
        service
            .log_progress(&member, input(&goal, 1.0, Some("late")))
            .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!logging.is_finished(), "the log waits for the removal");
    diesel::sql_query("COMMIT")
        .execute(&mut removal)
        .await
        .unwrap();
    let result = logging.await.unwrap();
    assert!(
        matches!(result, Err(CoreError::Forbidden(Denied::NotMember))),
        "{result:?}"
    );
}
