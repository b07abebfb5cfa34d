//! A database created and used by the upstream Node server is served in place: the server
//! starts on it, applies only what is missing, keeps every row, serves the old rows, and
//! restarts and re-migrates cleanly.

use crate::app::{TestApp, spawn_app_on};
use diesel::prelude::*;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use pursue_postgres::migrations::{MigrationAction, migrate};
use pursue_testkit::db::{TestDatabase, empty_database};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::*;

const RUNNERS: &str = "00000000-0000-4000-8000-0000000000a1";
const READERS: &str = "00000000-0000-4000-8000-0000000000a2";
const RUN_GOAL: &str = "00000000-0000-4000-8000-0000000000b1";
const BOB_ENTRY: &str = "00000000-0000-4000-8000-0000000000c1";

#[derive(QueryableByName, Debug, PartialEq)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

async fn count(db: &TestDatabase, sql: &str) -> i64 {
    let mut conn = db.connect().await;
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

/// Row counts of the tables the Node server filled.
async fn row_counts(db: &TestDatabase) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for table in [
        "users",
        "auth_providers",
        "groups",
        "group_memberships",
        "goals",
        "progress_entries",
        "group_activities",
        "devices",
        "user_consents",
        "user_notifications",
        "content_reports",
        "schema_migrations",
    ] {
        out.push((
            table,
            count(db, &format!("SELECT COUNT(*) AS n FROM {table}")).await,
        ));
    }
    out
}

async fn login(app: &TestApp, name: &str) -> User {
    let (status, body) = call(
        app,
        Method::POST,
        "/api/auth/login",
        None,
        Some(json!({"email": format!("{name}@example.com"), "password": "Secret123"})),
    )
    .await;
    assert_eq!(status, 200, "{name}: {body}");
    User {
        token: body["access_token"].as_str().unwrap().to_string(),
        id: body["user"]["id"].as_str().unwrap().to_string(),
    }
}

async fn node_database() -> TestDatabase {
    let db = empty_database().await;
    let hash = bcrypt::hash("Secret123", 10).unwrap();
    let sql = include_str!("fixtures/node_database.sql").replace("{{BCRYPT}}", &hash);
    let mut conn = db.connect().await;
    conn.batch_execute(&sql).await.unwrap();
    db
}

fn code_of(v: &Value) -> String {
    v["invite_code"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_database_is_served_in_place() {
    let db = node_database().await;
    let before = row_counts(&db).await;
    let app = spawn_app_on(db, |_| {}).await;
    let db = &app.db;

    // Nothing was lost; only the missing invite code was added.
    assert_eq!(row_counts(db).await, before);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) AS n FROM pg_trigger WHERE tgname = 'trg_enforce_invite_max_uses'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) AS n FROM invite_codes WHERE revoked_at IS NULL"
        )
        .await,
        2,
        "one live code per group"
    );
    assert_eq!(count(db, "SELECT COUNT(*) AS n FROM invite_codes").await, 5);

    // Auth: bcrypt hashes sign in and are upgraded.
    let alice = login(&app, "alice").await;
    assert_eq!(
        count(db, "SELECT COUNT(*) AS n FROM users WHERE email = 'alice@example.com' AND password_hash LIKE '$argon2id$%'").await,
        1
    );
    let alice = {
        let again = login(&app, "alice").await;
        assert_eq!(again.id, alice.id);
        again
    };
    let bob = login(&app, "bob").await;
    let carol = login(&app, "carol").await;
    let dave = login(&app, "dave").await;
    let erin = login(&app, "erin").await;

    // Users.
    let (status, me) = get(&app, "/api/users/me", &alice).await;
    assert_eq!((status, me["display_name"].as_str()), (200, Some("Alice")));
    let (_, mine) = get(&app, "/api/users/me/groups", &alice).await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["groups"][0]["member_count"], 2);
    let (_, mine) = get(&app, "/api/users/me/groups", &dave).await;
    assert_eq!(mine["total"], 0, "declined rows are not listed");
    let (_, mine) = get(&app, "/api/users/me/groups", &carol).await;
    assert_eq!(mine["groups"][0]["membership_status"], "pending");

    // Groups and membership states.
    let (status, g) = get(&app, &format!("/api/groups/{RUNNERS}"), &bob).await;
    assert_eq!(status, 200, "{g}");
    assert_eq!(g["member_count"], 2);
    assert_eq!(g["membership_status"], "active");
    let (status, g) = get(&app, &format!("/api/groups/{RUNNERS}"), &carol).await;
    assert_eq!(
        (status, g["membership_status"].as_str()),
        (200, Some("pending"))
    );
    let (status, body) = get(&app, &format!("/api/groups/{RUNNERS}/members"), &carol).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("PENDING_APPROVAL"))
    );
    let (status, body) = get(&app, &format!("/api/groups/{RUNNERS}"), &dave).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("FORBIDDEN"))
    );
    let (status, members) = get(&app, &format!("/api/groups/{RUNNERS}/members"), &bob).await;
    assert_eq!(status, 200, "{members}");
    assert_eq!(members["members"].as_array().unwrap().len(), 2);
    let (status, feed) = get(&app, &format!("/api/groups/{RUNNERS}/activity"), &bob).await;
    assert_eq!((status, feed["total"].as_i64()), (200, Some(4)));

    // Invites: the newest live code was kept, the others revoked; Erin's group got one.
    let (status, inv) = get(&app, &format!("/api/groups/{RUNNERS}/invite"), &bob).await;
    assert_eq!(
        (status, code_of(&inv)),
        (200, "PURSUE-NEWEST-DDDDDD".to_string())
    );
    for old in [
        "PURSUE-OLDONE-AAAAAA",
        "PURSUE-EXPIRE-DBBBBB",
        "PURSUE-OLDERL-CCCCCC",
    ] {
        let (status, body) = join(&app, &dave, old).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("INVALID_INVITE_CODE")),
            "{old}"
        );
    }
    let (_, readers) = get(&app, &format!("/api/groups/{READERS}/invite"), &erin).await;
    assert!(
        pursue_domain::group::InviteCode::parse(&code_of(&readers)).is_ok(),
        "{readers}"
    );
    // A declined user asks again; Carol's Node-era request is approved.
    let (status, body) = join(&app, &dave, "pursue-newest-dddddd").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("pending")),
        "{body}"
    );
    let (_, pending) = get(
        &app,
        &format!("/api/groups/{RUNNERS}/members/pending"),
        &alice,
    )
    .await;
    assert_eq!(pending["pending_members"].as_array().unwrap().len(), 2);
    assert_eq!(approve(&app, RUNNERS, &alice, &carol).await.0, 200);
    let (status, regen) = post(
        &app,
        &format!("/api/groups/{RUNNERS}/invite/regenerate"),
        &alice,
        json!({}),
    )
    .await;
    assert_eq!(
        (status, regen["previous_code_revoked"].as_str()),
        (200, Some("PURSUE-NEWEST-DDDDDD"))
    );

    // Goals and progress on the old rows.
    let (status, goals) = get(
        &app,
        &format!("/api/groups/{RUNNERS}/goals?include_progress=true"),
        &bob,
    )
    .await;
    assert_eq!(status, 200, "{goals}");
    assert_eq!(goals["total"], 2);
    let (status, goal) = get(&app, &format!("/api/goals/{RUN_GOAL}"), &carol).await;
    assert_eq!((status, goal["title"].as_str()), (200, Some("Run")));
    let (status, progress) = get(&app, &format!("/api/goals/{RUN_GOAL}/progress"), &bob).await;
    assert_eq!(status, 200, "{progress}");
    let (status, entry) = get(&app, &format!("/api/progress/{BOB_ENTRY}"), &bob).await;
    assert_eq!((status, entry["note"].as_str()), (200, Some("easy")));
    let (status, logged) = log(&app, &carol, RUN_GOAL, 1.0, &today().to_string()).await;
    assert_eq!(status, 201, "{logged}");

    // Devices, group edits and leaving.
    let (status, devices) = get(&app, "/api/devices", &bob).await;
    assert_eq!(
        (status, devices["devices"].as_array().map(Vec::len)),
        (200, Some(1))
    );
    let (status, _) = patch(
        &app,
        &format!("/api/groups/{RUNNERS}"),
        &alice,
        json!({"description": "We still run"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        delete(&app, &format!("/api/groups/{RUNNERS}/members/me"), &bob)
            .await
            .0,
        204
    );
    let (status, health) = call(&app, Method::GET, "/health", None, None).await;
    assert_eq!((status, health["status"].as_str()), (200, Some("healthy")));

    // Restart on the same database: nothing left to apply, the rows still serve.
    let versions = count(db, "SELECT COUNT(*) AS n FROM __diesel_schema_migrations").await;
    app.shutdown.trigger();
    let restarted = spawn_app_on(app.db.alias(), |_| {}).await;
    assert_eq!(
        count(
            &restarted.db,
            "SELECT COUNT(*) AS n FROM __diesel_schema_migrations"
        )
        .await,
        versions
    );
    let alice = login(&restarted, "alice").await;
    let (status, g) = get(&restarted, &format!("/api/groups/{RUNNERS}"), &alice).await;
    assert_eq!((status, g["member_count"].as_i64()), (200, Some(2)));

    // `migrate` twice: nothing to do either time.
    for _ in 0..2 {
        let applied = migrate(&restarted.db.url, MigrationAction::Run)
            .await
            .unwrap();
        assert!(applied.is_empty(), "{applied:?}");
    }
    restarted.shutdown.trigger();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_migrations_apply_twice_over_on_a_node_database() {
    // Every statement is safe where its object already exists: run them all against the
    // Node schema, forget that they ran, and run them all again.
    let db = node_database().await;
    let first = migrate(&db.url, MigrationAction::Run).await.unwrap();
    assert!(!first.is_empty());
    let mut conn = db.connect().await;
    conn.batch_execute("DELETE FROM __diesel_schema_migrations")
        .await
        .unwrap();
    let again = migrate(&db.url, MigrationAction::Run).await.unwrap();
    assert_eq!(again, first);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM invite_codes WHERE revoked_at IS NULL"
        )
        .await,
        2
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM group_memberships").await,
        5
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_database_with_the_simplified_invite_table_is_adopted_too() {
    // The later Node shape: revoked_at and the partial unique index exist, the use limits
    // and the trigger are gone.
    let db = node_database().await;
    let mut conn = db.connect().await;
    conn.batch_execute(
        "DROP TRIGGER trg_enforce_invite_max_uses ON invite_codes; \
         DELETE FROM invite_codes WHERE code <> 'PURSUE-NEWEST-DDDDDD'; \
         ALTER TABLE invite_codes DROP COLUMN max_uses, DROP COLUMN current_uses, \
             DROP COLUMN expires_at, ADD COLUMN revoked_at TIMESTAMPTZ; \
         INSERT INTO invite_codes (group_id, code, created_by_user_id, revoked_at) VALUES \
             ('00000000-0000-4000-8000-0000000000a1', 'PURSUE-REVOKD-EEEEEE', \
              '00000000-0000-4000-8000-00000000000a', NOW() - INTERVAL '1 day'); \
         CREATE UNIQUE INDEX idx_invite_codes_active_per_group ON invite_codes(group_id) \
             WHERE revoked_at IS NULL;",
    )
    .await
    .unwrap();
    let app = spawn_app_on(db, |_| {}).await;
    let bob = login(&app, "bob").await;
    let (status, inv) = get(&app, &format!("/api/groups/{RUNNERS}/invite"), &bob).await;
    assert_eq!(
        (status, code_of(&inv)),
        (200, "PURSUE-NEWEST-DDDDDD".to_string())
    );
    let dave = login(&app, "dave").await;
    let (status, body) = join(&app, &dave, "PURSUE-REVOKD-EEEEEE").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("INVALID_INVITE_CODE"))
    );
    let (status, body) = join(&app, &dave, "PURSUE-NEWEST-DDDDDD").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        count(
            &app.db,
            "SELECT COUNT(*) AS n FROM invite_codes WHERE revoked_at IS NULL"
        )
        .await,
        2
    );
    app.shutdown.trigger();
}
