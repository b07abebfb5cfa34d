//! Idempotent progress logging through the port (the idempotency keys of
//! `POST /api/progress`, see docs/API.md).

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_domain::activity::ActivityType;
use pursue_domain::decimal::Decimal2;
use pursue_domain::ids::{EntryId, GoalId, UserId};
use pursue_domain::period::Timezone;
use pursue_ports::progress::{
    IdempotencyKey, LogError, LogOutcome, LogRequest, LogWrite, NewEntry, ProgressRepository,
};
use pursue_postgres::PgProgress;
use pursue_postgres::schema::{goals, idempotency_keys, progress_entries};
use pursue_testkit::fresh_database;
use uuid::Uuid;

use crate::fixtures::{activity, group, pool, prepared_statements, push, user};

/// A group of `ann` with one daily binary goal.
async fn setup(db: &pursue_testkit::TestDatabase) -> (UserId, GoalId) {
    let mut conn = db.connect().await;
    let ann = user(&mut conn, "ann").await;
    let groups = pursue_postgres::PgGroups::new(pool(db));
    let g = group(&groups, ann, 1).await.unwrap();
    let goal: Uuid = diesel::insert_into(goals::table)
        .values((
            goals::group_id.eq(g.id.as_uuid()),
            goals::title.eq("Run"),
            goals::cadence.eq("daily"),
            goals::metric_type.eq("binary"),
        ))
        .returning(goals::id)
        .get_result(&mut conn)
        .await
        .unwrap();
    (ann, GoalId::from_uuid(goal))
}

fn entry(user: UserId, goal: GoalId, day: u32) -> NewEntry {
    NewEntry {
        id: EntryId::from_uuid(Uuid::new_v4()),
        goal_id: goal,
        user_id: user,
        value: Decimal2::ONE,
        note: None,
        user_date: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
        user_timezone: Timezone::parse("UTC").unwrap(),
        one_per_day: true,
        log_title: None,
    }
}

fn key(request: &str) -> Option<IdempotencyKey> {
    Some(IdempotencyKey {
        key: "key-1".into(),
        request: request.into(),
    })
}

async fn log(
    repo: &PgProgress,
    entry: NewEntry,
    key: Option<IdempotencyKey>,
) -> Result<LogOutcome, LogError> {
    let by = entry.user_id;
    let request = LogRequest {
        user: by,
        goal_id: entry.goal_id,
        key,
        now: Utc::now(),
    };
    // Rules that always write `entry` (the refusals are the use case's, tested there).
    let rules = Box::new(move |_: &_| {
        Ok(LogWrite {
            entry: entry.clone(),
            activity: activity(ActivityType::ProgressLogged, by),
            push: push(),
        })
    });
    repo.log_progress(request, rules).await
}

async fn entries(db: &pursue_testkit::TestDatabase) -> i64 {
    let mut conn = db.connect().await;
    progress_entries::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_same_key_twice_answers_the_first_entry() {
    let db = fresh_database().await;
    let (ann, goal) = setup(&db).await;
    let repo = PgProgress::new(pool(&db));
    let LogOutcome::Created(first) = log(&repo, entry(ann, goal, 1), key("a")).await.unwrap()
    else {
        panic!("the first request was not created");
    };
    let LogOutcome::Replayed(again) = log(&repo, entry(ann, goal, 1), key("a")).await.unwrap()
    else {
        panic!("the second request was not replayed");
    };
    assert_eq!(again, first);
    assert_eq!(entries(&db).await, 1);
    // the same key with another request body is refused
    assert!(matches!(
        log(&repo, entry(ann, goal, 2), key("b")).await,
        Err(LogError::KeyReused)
    ));
    assert_eq!(entries(&db).await, 1);
}

#[tokio::test]
async fn concurrent_requests_with_one_key_make_one_entry() {
    let db = fresh_database().await;
    let (ann, goal) = setup(&db).await;
    let repo = PgProgress::new(pool(&db));
    let (a, b) = tokio::join!(
        log(&repo, entry(ann, goal, 1), key("a")),
        log(&repo, entry(ann, goal, 1), key("a")),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let created = [&a, &b]
        .iter()
        .filter(|o| matches!(o, LogOutcome::Created(_)))
        .count();
    assert_eq!(created, 1, "{a:?} / {b:?}");
    let (LogOutcome::Created(x) | LogOutcome::Replayed(x)) = &a;
    let (LogOutcome::Created(y) | LogOutcome::Replayed(y)) = &b;
    assert_eq!(x.id, y.id);
    assert_eq!(entries(&db).await, 1);
}

#[tokio::test]
async fn an_expired_key_is_used_afresh() {
    let db = fresh_database().await;
    let (ann, goal) = setup(&db).await;
    let repo = PgProgress::new(pool(&db));
    log(&repo, entry(ann, goal, 1), key("a")).await.unwrap();
    let mut conn = db.connect().await;
    diesel::update(idempotency_keys::table)
        .set(idempotency_keys::created_at.eq(Utc::now() - chrono::Duration::hours(25)))
        .execute(&mut conn)
        .await
        .unwrap();
    // another body under the expired key is a new request, not a reuse
    let outcome = log(&repo, entry(ann, goal, 2), key("b")).await.unwrap();
    assert!(matches!(outcome, LogOutcome::Created(_)), "{outcome:?}");
    assert_eq!(entries(&db).await, 2);
}

/// The log's statements are prepared once per connection, not parsed and planned on every
/// call: after two logs on a one-connection pool, that connection holds each of them as a
/// prepared statement (PostgreSQL's `pg_prepared_statements`).
#[tokio::test]
async fn the_log_statements_are_prepared_once_per_connection() {
    let db = fresh_database().await;
    let (ann, goal) = setup(&db).await;
    let settings = pursue_postgres::PoolSettings {
        max_size: 1,
        ..Default::default()
    };
    let one = pursue_postgres::build_pool(&db.url, &settings).unwrap();
    let repo = PgProgress::new(one.clone());
    log(&repo, entry(ann, goal, 1), key("a")).await.unwrap();
    log(&repo, entry(ann, goal, 2), None).await.unwrap();
    let count = prepared_statements(&one).await;
    assert_eq!(count("INSERT INTO progress_entries"), 1, "the write");
    assert_eq!(count("WITH claim AS"), 1, "the context read");
}

/// The milestone check's rank counts the author's entries with a value in creation order,
/// and stops one past the largest total milestone however long the history.
#[tokio::test]
async fn the_milestone_rank_is_exact_up_to_its_ceiling() {
    use pursue_domain::milestone::RANK_CEILING;
    use pursue_ports::social::MilestoneRepository;

    let db = fresh_database().await;
    let (ann, goal) = setup(&db).await;
    let mut conn = db.connect().await;
    let total = RANK_CEILING + 4;
    diesel::sql_query(
        "INSERT INTO progress_entries (goal_id, user_id, value, period_start, created_at) \
         SELECT $1, $2, 1, DATE '2020-01-01' + i, now() + make_interval(secs => i) \
         FROM generate_series(1, $3) AS i",
    )
    .bind::<diesel::sql_types::Uuid, _>(goal.as_uuid())
    .bind::<diesel::sql_types::Uuid, _>(ann.as_uuid())
    .bind::<diesel::sql_types::Integer, _>(i32::try_from(total).unwrap())
    .execute(&mut conn)
    .await
    .unwrap();
    let ids: Vec<Uuid> = progress_entries::table
        .order(progress_entries::created_at.asc())
        .select(progress_entries::id)
        .load(&mut conn)
        .await
        .unwrap();
    let milestones = pursue_postgres::PgMilestones::new(pool(&db), b"secret");
    let rank = async |i: usize| {
        milestones
            .milestone_facts(ids[i])
            .await
            .unwrap()
            .unwrap()
            .rank
    };
    assert_eq!(rank(0).await, 1);
    assert_eq!(rank(99).await, 100);
    assert_eq!(rank(499).await, 500);
    assert_eq!(rank(ids.len() - 1).await, RANK_CEILING);
}
