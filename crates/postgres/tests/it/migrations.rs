//! Embedded migrations: up, down and redo on a real database.

use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use pursue_postgres::migrations::{MigrationAction, migrate};
use pursue_testkit::db::empty_database;

#[derive(diesel::QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

async fn tables(db: &pursue_testkit::TestDatabase) -> Vec<String> {
    let mut conn = db.connect().await;
    let rows: Vec<Name> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' ORDER BY 1",
    )
    .load(&mut conn)
    .await
    .unwrap();
    rows.into_iter().map(|r| r.name).collect()
}

/// Migrations in the repository's `migrations/` folder (each is a directory).
fn migration_count() -> usize {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("up.sql").is_file())
        .count()
}

const V1_TABLES: [&str; 11] = [
    "auth_providers",
    "devices",
    "goals",
    "group_activities",
    "group_memberships",
    "groups",
    "invite_codes",
    "password_reset_tokens",
    "progress_entries",
    "refresh_tokens",
    "users",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn up_down_and_redo() {
    let db = empty_database().await;
    let count = migration_count();
    assert!(count >= 2, "the v1 schema and Pursue's additions at least");
    let applied = migrate(&db.url, MigrationAction::Run).await.unwrap();
    assert_eq!(applied.len(), count, "{applied:?}");
    let after_up = tables(&db).await;
    for table in V1_TABLES {
        assert!(
            after_up.iter().any(|t| t == table),
            "{table} missing from {after_up:?}"
        );
    }
    assert!(after_up.iter().any(|t| t == "outbox"));
    assert!(after_up.iter().any(|t| t == "idempotency_keys"));
    assert!(after_up.iter().any(|t| t == "push_deliveries"));

    assert!(
        migrate(&db.url, MigrationAction::Run)
            .await
            .unwrap()
            .is_empty(),
        "idempotent"
    );

    let touched = migrate(&db.url, MigrationAction::Redo).await.unwrap();
    assert_eq!(
        touched.len(),
        2 * count,
        "reverted all then applied all: {touched:?}"
    );
    assert_eq!(tables(&db).await, after_up);

    let reverted = migrate(&db.url, MigrationAction::RevertAll).await.unwrap();
    assert_eq!(reverted.len(), count);
    assert!(
        tables(&db).await.is_empty(),
        "down migrations remove everything"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_enforces_the_v1_caps_and_triggers() {
    let db = pursue_testkit::fresh_database().await;
    let mut conn = db.connect().await;
    diesel::sql_query(
        "INSERT INTO users (id, email, display_name) VALUES \
         ('00000000-0000-4000-8000-000000000001', 'a@example.com', 'A')",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    // updated_at trigger
    diesel::sql_query("UPDATE users SET updated_at = '2000-01-01' WHERE email = 'a@example.com'")
        .execute(&mut conn)
        .await
        .unwrap();
    #[derive(diesel::QueryableByName)]
    struct Recent {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        recent: bool,
    }
    let r: Recent = diesel::sql_query(
        "SELECT updated_at > NOW() - INTERVAL '1 minute' AS recent FROM users WHERE email = 'a@example.com'",
    )
    .get_result(&mut conn)
    .await
    .unwrap();
    assert!(r.recent, "the BEFORE UPDATE trigger sets updated_at");

    // group-creation cap trigger: the 11th group fails with the named exception
    for i in 0..10 {
        diesel::sql_query(format!(
            "INSERT INTO groups (name, creator_user_id) VALUES ('g{i}', '00000000-0000-4000-8000-000000000001')"
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let err = diesel::sql_query(
        "INSERT INTO groups (name, creator_user_id) VALUES ('g11', '00000000-0000-4000-8000-000000000001')",
    )
    .execute(&mut conn)
    .await
    .unwrap_err();
    assert!(
        err.to_string().starts_with("USER_GROUP_LIMIT_EXCEEDED"),
        "{err}"
    );
}
