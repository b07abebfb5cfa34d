//! Rows and values the repository tests share.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::activity::ActivityType;
use pursue_domain::group::{GroupName, InviteCode};
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::GroupAction;
use pursue_ports::activity::NewActivity;
use pursue_ports::groups::{GroupRecord, GroupRepository, NewGroup, WriteGuard};
use pursue_ports::outbox::{OutboxMessage, PushEvent};
use pursue_postgres::outbox::decode;
use pursue_postgres::schema::{outbox, users};
use serde_json::json;
use uuid::Uuid;

/// A user row named `name` (`<name>@example.com`).
pub async fn user(conn: &mut AsyncPgConnection, name: &str) -> UserId {
    let id: Uuid = diesel::insert_into(users::table)
        .values((
            users::email.eq(format!("{name}@example.com")),
            users::display_name.eq(name),
        ))
        .returning(users::id)
        .get_result(conn)
        .await
        .unwrap();
    UserId::from_uuid(id)
}

/// A well-formed invite code that differs for every `seed`.
pub fn code(seed: u64) -> InviteCode {
    let mut rest = seed;
    InviteCode::from_random(move |n| {
        let digit = (rest % n as u64) as usize;
        rest /= n as u64;
        digit
    })
}

/// An activity of `kind` by `user`.
pub fn activity(kind: ActivityType, user: UserId) -> NewActivity {
    NewActivity {
        kind,
        user,
        metadata: json!({}),
    }
}

/// The guard of `user` doing `action` in `group`.
pub fn guard(group: GroupId, user: UserId, action: GroupAction) -> WriteGuard {
    WriteGuard::new(group, user, action)
}

/// A push whose recipients the adapter fills in.
pub fn push() -> PushEvent {
    PushEvent {
        event_id: Uuid::new_v4(),
        recipients: Vec::new(),
        title: "Runners".into(),
        body: "something happened".into(),
        data: BTreeMap::new(),
    }
}

/// A group created by `creator` through the port, its invite code from `seed`.
pub async fn group(
    groups: &dyn GroupRepository,
    creator: UserId,
    seed: u64,
) -> Result<GroupRecord, pursue_ports::groups::CapError> {
    groups
        .create_group(
            NewGroup {
                id: GroupId::from_uuid(Uuid::new_v4()),
                creator,
                name: GroupName::parse("Runners").unwrap(),
                description: None,
                icon_emoji: None,
                icon_color: None,
                icon_url: None,
                invite_code: code(seed),
                initial_goals: Vec::new(),
            },
            activity(ActivityType::GroupCreated, creator),
        )
        .await
}

/// The recipients of every queued [`push`] (personal notices left out), oldest first.
pub async fn push_recipients(conn: &mut AsyncPgConnection) -> Vec<Vec<Uuid>> {
    let rows: Vec<(String, serde_json::Value)> = outbox::table
        .order(outbox::created_at.asc())
        .select((outbox::topic, outbox::payload))
        .load(conn)
        .await
        .unwrap();
    rows.iter()
        .filter_map(|(topic, payload)| match decode(topic, payload) {
            Some(OutboxMessage::Push(p)) if p.body == "something happened" => Some(p.recipients),
            _ => None,
        })
        .collect()
}

/// A pool on the test database.
pub fn pool(db: &pursue_testkit::TestDatabase) -> pursue_postgres::PgPool {
    pursue_postgres::build_pool(&db.url, &pursue_postgres::PoolSettings::default()).unwrap()
}

/// The statements the one connection of `pool` holds prepared: a function counting those
/// whose text contains a needle.
pub async fn prepared_statements(pool: &pursue_postgres::PgPool) -> impl Fn(&str) -> usize {
    #[derive(QueryableByName)]
    struct Prepared {
        #[diesel(sql_type = diesel::sql_types::Text)]
        statement: String,
    }
    let mut conn = pool.get().await.unwrap();
    let held: Vec<Prepared> = diesel::sql_query("SELECT statement FROM pg_prepared_statements")
        .load(&mut conn)
        .await
        .unwrap();
    move |needle: &str| held.iter().filter(|p| p.statement.contains(needle)).count()
}
