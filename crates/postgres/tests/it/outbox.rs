//! The outbox store: topic filter, SKIP LOCKED claims, leases, retry and failure.

use std::collections::HashSet;
use std::time::Duration;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_ports::outbox::{EmailMessage, OutboxMessage, OutboxStore, OutboxTopic, PushEvent};
use pursue_postgres::outbox::enqueue;
use pursue_postgres::schema::outbox;
use pursue_postgres::{PgOutbox, PoolSettings, build_pool};
use pursue_testkit::fresh_database;

fn email(i: usize) -> OutboxMessage {
    OutboxMessage::Email(EmailMessage {
        to: format!("u{i}@example.com"),
        subject: "s".into(),
        text: "t".into(),
        html: "h".into(),
    })
}

#[tokio::test]
async fn claims_are_exclusive_leased_and_topic_filtered() {
    let db = fresh_database().await;
    let pool = build_pool(&db.url, &PoolSettings::default()).unwrap();
    let mut conn = db.connect().await;
    let mut messages: Vec<OutboxMessage> = (0..10).map(email).collect();
    messages.push(OutboxMessage::Push(PushEvent {
        event_id: uuid::Uuid::new_v4(),
        recipients: vec![],
        title: "t".into(),
        body: "b".into(),
        data: Default::default(),
    }));
    enqueue(&mut conn, &messages).await.unwrap();

    let store = PgOutbox::new(pool);
    let lease = Duration::from_secs(60);
    let (a, b) = tokio::join!(
        store.claim(vec![OutboxTopic::Email], 6, lease),
        store.claim(vec![OutboxTopic::Email], 6, lease)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let ids: HashSet<_> = a.iter().chain(b.iter()).map(|m| m.id).collect();
    assert_eq!(a.len() + b.len(), 10, "every e-mail claimed once");
    assert_eq!(ids.len(), 10, "no row claimed twice");
    assert!(
        a.iter()
            .chain(b.iter())
            .all(|m| m.attempts == 1 && m.message.is_ok())
    );
    // leased rows stay hidden; the push row was never claimed
    assert!(
        store
            .claim(vec![OutboxTopic::Email], 50, lease)
            .await
            .unwrap()
            .is_empty()
    );
    let push = store
        .claim(vec![OutboxTopic::Push], 50, lease)
        .await
        .unwrap();
    assert_eq!(push.len(), 1);

    // complete, retry now, fail
    let mut all: Vec<_> = a.into_iter().chain(b).collect();
    let first = all.remove(0);
    let second = all.remove(0);
    let third = all.remove(0);
    store.complete(vec![first.id]).await.unwrap();
    store
        .retry_at(
            second.id,
            chrono::Utc::now() - chrono::Duration::seconds(1),
            "429".into(),
        )
        .await
        .unwrap();
    store.fail(third.id, "422".into()).await.unwrap();
    let again = store
        .claim(vec![OutboxTopic::Email], 50, lease)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!((again[0].id, again[0].attempts), (second.id, 2));
    let rows: Vec<(String, Option<String>)> = outbox::table
        .filter(outbox::id.eq_any([first.id, third.id]))
        .order(outbox::status.asc())
        .select((outbox::status, outbox::last_error))
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![
            ("done".to_string(), None),
            ("failed".to_string(), Some("422".to_string()))
        ]
    );
}

/// A backlog of due rows of several topics: a claim hands over the oldest across the
/// topics it asks for, and PostgreSQL reads them in `idx_outbox_due` order instead of
/// reading and sorting the whole backlog (which made every claim slower as the backlog
/// grew, and the backlog grow faster).
#[tokio::test]
async fn a_claim_takes_the_oldest_due_rows_without_sorting_the_backlog() {
    let db = fresh_database().await;
    let pool = build_pool(&db.url, &PoolSettings::default()).unwrap();
    let mut conn = db.connect().await;
    let messages: Vec<OutboxMessage> = (0..3000)
        .map(|i| {
            if i % 2 == 0 {
                email(i)
            } else {
                OutboxMessage::Push(PushEvent {
                    event_id: uuid::Uuid::new_v4(),
                    recipients: vec![],
                    title: format!("t{i}"),
                    body: "b".into(),
                    data: Default::default(),
                })
            }
        })
        .collect();
    enqueue(&mut conn, &messages).await.unwrap();
    // Spread the rows over the last hour in an order unrelated to their insertion.
    diesel::sql_query(
        "UPDATE outbox SET available_at = now() - make_interval(secs => \
         (('x' || substr(md5(id::text), 1, 6))::bit(24)::int % 3600) + 1)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    diesel::sql_query("ANALYZE outbox")
        .execute(&mut conn)
        .await
        .unwrap();
    let oldest: Vec<uuid::Uuid> = outbox::table
        .order((outbox::available_at.asc(), outbox::id.asc()))
        .select(outbox::id)
        .limit(20)
        .load(&mut conn)
        .await
        .unwrap();

    let store = PgOutbox::new(pool);
    let claimed = store
        .claim(
            vec![OutboxTopic::Email, OutboxTopic::Push],
            20,
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    let claimed: HashSet<_> = claimed.iter().map(|m| m.id).collect();
    assert_eq!(claimed, oldest.iter().copied().collect::<HashSet<_>>());

    // The claim's statement (the store's query, written out): an ordered index scan,
    // no sort of the backlog.
    #[derive(diesel::QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
        line: String,
    }
    let plan: Vec<Line> = diesel::sql_query(
        "EXPLAIN SELECT id, topic, payload, attempts FROM outbox \
         WHERE status = 'pending' AND topic = ANY(ARRAY['email', 'push']) \
         AND available_at <= CURRENT_TIMESTAMP \
         ORDER BY available_at LIMIT 20 FOR UPDATE SKIP LOCKED",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let plan: Vec<String> = plan.into_iter().map(|l| l.line).collect();
    assert!(
        plan.iter().any(|l| l.contains("idx_outbox_due"))
            && !plan.iter().any(|l| l.contains("Sort")),
        "{plan:#?}"
    );
}

/// Retention: only delivered rows older than the cut-off go, at most `limit` per call;
/// pending and failed rows stay whatever their age.
#[tokio::test]
async fn pruning_deletes_only_old_delivered_rows_a_batch_at_a_time() {
    let db = fresh_database().await;
    let pool = build_pool(&db.url, &PoolSettings::default()).unwrap();
    let mut conn = db.connect().await;
    enqueue(&mut conn, &(0..12).map(email).collect::<Vec<_>>())
        .await
        .unwrap();
    // Rows 0-4: delivered 10 days ago; 5-6: delivered an hour ago; 7-8: pending, created
    // 10 days ago; 9-11: failed 10 days ago.
    diesel::sql_query(
        "WITH n AS (SELECT id, row_number() OVER (ORDER BY payload->>'to') - 1 AS i FROM outbox) \
         UPDATE outbox o SET \
           status = CASE WHEN n.i < 7 THEN 'done' WHEN n.i < 9 THEN 'pending' ELSE 'failed' END, \
           processed_at = CASE WHEN n.i < 5 OR n.i >= 9 THEN now() - interval '10 days' \
                               WHEN n.i < 7 THEN now() - interval '1 hour' END, \
           created_at = now() - interval '10 days' \
         FROM n WHERE n.id = o.id",
    )
    .execute(&mut conn)
    .await
    .unwrap();

    let store = PgOutbox::new(pool);
    let cutoff = chrono::Utc::now() - chrono::Duration::days(7);
    assert_eq!(store.prune_delivered(cutoff, 3).await.unwrap(), 3);
    assert_eq!(store.prune_delivered(cutoff, 3).await.unwrap(), 2);
    assert_eq!(store.prune_delivered(cutoff, 3).await.unwrap(), 0);

    let left: Vec<(String, i64)> = outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .order(outbox::status.asc())
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        left,
        vec![
            ("done".to_string(), 2),
            ("failed".to_string(), 3),
            ("pending".to_string(), 2)
        ]
    );
}
