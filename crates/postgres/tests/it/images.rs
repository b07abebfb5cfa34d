//! The BYTEA image store and the picture rows against real PostgreSQL.

use bytes::Bytes;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::{Denied, GroupAction};
use pursue_ports::error::RepoError;
use pursue_ports::groups::WriteGuard;
use pursue_ports::images::{ImageKey, ImageRefs, ImageStore, StoreError};
use pursue_postgres::schema::{group_memberships, groups, users};
use pursue_postgres::{PgImageRefs, PgImageStore, PgPool, PoolSettings, build_pool};
use pursue_testkit::{TestDatabase, fresh_database};
use uuid::Uuid;

async fn setup() -> (TestDatabase, PgPool) {
    let db = fresh_database().await;
    let pool = build_pool(&db.url, &PoolSettings::default()).unwrap();
    (db, pool)
}

async fn add_user(db: &TestDatabase) -> Uuid {
    let id = Uuid::new_v4();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(id),
            users::email.eq(format!("{id}@example.com")),
            users::display_name.eq("Someone"),
        ))
        .execute(&mut db.connect().await)
        .await
        .unwrap();
    id
}

async fn add_group(db: &TestDatabase, creator: Uuid) -> Uuid {
    let id = Uuid::new_v4();
    diesel::insert_into(groups::table)
        .values((
            groups::id.eq(id),
            groups::name.eq("Runners"),
            groups::icon_emoji.eq("🏃"),
            groups::icon_color.eq("#112233"),
            groups::creator_user_id.eq(creator),
        ))
        .execute(&mut db.connect().await)
        .await
        .unwrap();
    add_member(db, id, creator, "creator").await;
    id
}

async fn add_member(db: &TestDatabase, group: Uuid, user: Uuid, role: &str) {
    diesel::insert_into(group_memberships::table)
        .values((
            group_memberships::group_id.eq(group),
            group_memberships::user_id.eq(user),
            group_memberships::role.eq(role),
            group_memberships::status.eq("active"),
        ))
        .execute(&mut db.connect().await)
        .await
        .unwrap();
}

/// The guard of `user` changing `group`'s icon.
fn icon_guard(group: Uuid, user: Uuid) -> WriteGuard {
    WriteGuard::new(
        GroupId::from_uuid(group),
        UserId::from_uuid(user),
        GroupAction::ManageIcon,
    )
}

#[tokio::test]
async fn put_get_replace_delete_touch_only_the_data_column() {
    let (db, pool) = setup().await;
    let store = PgImageStore::new(pool.clone());
    let refs = PgImageRefs::new(pool);
    let user = add_user(&db).await;
    let group = add_group(&db, user).await;

    for key in [ImageKey::Avatar(user), ImageKey::GroupIcon(group)] {
        assert_eq!(store.get(&key).await.unwrap(), None);
        store
            .put(&key, Bytes::from_static(b"first"), "image/webp")
            .await
            .unwrap();
        let stored = store.get(&key).await.unwrap().unwrap();
        assert_eq!(stored.bytes, Bytes::from_static(b"first"));
        // The media type is the row's pointer, not written by the store.
        assert_eq!(stored.mime, None);
        assert_eq!(refs.find(&key).await.unwrap(), None, "not pointed at yet");

        store
            .put(&key, Bytes::from_static(b"second"), "image/webp")
            .await
            .unwrap();
        assert_eq!(
            store.get(&key).await.unwrap().unwrap().bytes,
            Bytes::from_static(b"second")
        );
        store.delete(&key).await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), None);
        store.delete(&key).await.unwrap();
    }

    // Avatar and icon of the same id are distinct, and a missing owner cannot hold bytes.
    let err = store
        .put(
            &ImageKey::GroupIcon(user),
            Bytes::from_static(b"x"),
            "image/webp",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unexpected(_)), "{err:?}");
    store
        .delete(&ImageKey::Avatar(Uuid::new_v4()))
        .await
        .unwrap();
}

#[tokio::test]
async fn list_keys_pages_in_key_order_across_kinds() {
    let (db, pool) = setup().await;
    let store = PgImageStore::new(pool);
    let mut users = Vec::new();
    for _ in 0..9 {
        users.push(add_user(&db).await);
    }
    let mut expected = Vec::new();
    for user in &users[..7] {
        expected.push(ImageKey::Avatar(*user));
    }
    for user in &users[..5] {
        expected.push(ImageKey::GroupIcon(add_group(&db, *user).await));
    }
    for key in &expected {
        store
            .put(key, Bytes::from(key.to_string()), "image/webp")
            .await
            .unwrap();
    }
    expected.sort();

    let mut listed = Vec::new();
    let mut after = None;
    loop {
        let page = store.list_keys(after, 5).await.unwrap();
        assert!(page.len() <= 5);
        if page.is_empty() {
            break;
        }
        after = page.last().copied();
        listed.extend(page);
    }
    assert_eq!(listed, expected, "users without bytes are not listed");
    assert_eq!(store.list_keys(None, 100).await.unwrap(), expected);
    assert!(store.list_keys(None, 0).await.unwrap().is_empty());
    let page = store
        .list_keys(Some(ImageKey::Avatar(Uuid::max())), 3)
        .await
        .unwrap();
    assert_eq!(page, expected[7..10]);
}

#[tokio::test]
async fn rows_point_at_pictures() {
    let (db, pool) = setup().await;
    let store = PgImageStore::new(pool.clone());
    let refs = PgImageRefs::new(pool);
    let user = add_user(&db).await;
    let other = add_user(&db).await;
    let group = add_group(&db, user).await;
    let avatar = ImageKey::Avatar(user);

    assert_eq!(refs.find(&avatar).await.unwrap(), None);
    let before: chrono::DateTime<chrono::Utc> = users::table
        .find(user)
        .select(users::updated_at)
        .first(&mut db.connect().await)
        .await
        .unwrap();
    store
        .put(&avatar, Bytes::from_static(b"pic"), "image/webp")
        .await
        .unwrap();
    assert!(
        refs.set_avatar(UserId::from_uuid(user), "image/webp")
            .await
            .unwrap()
    );
    let pointer = refs.find(&avatar).await.unwrap().unwrap();
    assert_eq!(pointer.mime, "image/webp");
    assert!(pointer.updated_at > before, "updated_at (the ETag) changes");
    assert_eq!(
        store.get(&avatar).await.unwrap().unwrap().mime.as_deref(),
        Some("image/webp")
    );
    assert!(
        !refs
            .set_avatar(UserId::from_uuid(Uuid::new_v4()), "image/webp")
            .await
            .unwrap()
    );

    // Only keys a row points at are referenced.
    let icon = ImageKey::GroupIcon(group);
    let keys = [avatar, ImageKey::Avatar(other), icon];
    assert_eq!(refs.referenced(&keys).await.unwrap(), vec![avatar]);

    // An icon clears emoji and colour; deleting it keeps them cleared and nulls both columns.
    store
        .put(&icon, Bytes::from_static(b"icon"), "image/webp")
        .await
        .unwrap();
    let set = refs
        .set_group_icon(icon_guard(group, user), "image/webp")
        .await
        .unwrap()
        .unwrap();
    assert!(set.has_icon);
    assert_eq!((set.icon_emoji, set.icon_color), (None, None));
    assert_eq!(refs.referenced(&keys).await.unwrap(), vec![avatar, icon]);
    let cleared = refs
        .clear_group_icon(icon_guard(group, user))
        .await
        .unwrap()
        .unwrap();
    assert!(!cleared.has_icon && cleared.updated_at >= set.updated_at);
    assert_eq!(store.get(&icon).await.unwrap(), None);
    assert_eq!(refs.find(&icon).await.unwrap(), None);

    // A soft-deleted user's avatar is not found (but still referenced for migrations).
    diesel::update(users::table.find(user))
        .set(users::deleted_at.eq(chrono::Utc::now()))
        .execute(&mut db.connect().await)
        .await
        .unwrap();
    assert_eq!(refs.find(&avatar).await.unwrap(), None);
    assert_eq!(refs.referenced(&[avatar]).await.unwrap(), vec![avatar]);

    // Clearing the avatar nulls both columns.
    refs.clear_avatar(UserId::from_uuid(user)).await.unwrap();
    assert_eq!(store.get(&avatar).await.unwrap(), None);
    assert!(refs.referenced(&[avatar]).await.unwrap().is_empty());
}

/// An icon change is judged again inside its transaction: a plain member, or someone
/// outside the group, moves neither the row nor its pointer.
#[tokio::test]
async fn icon_writes_are_refused_inside_their_transaction() {
    let (db, pool) = setup().await;
    let refs = PgImageRefs::new(pool);
    let creator = add_user(&db).await;
    let member = add_user(&db).await;
    let stranger = add_user(&db).await;
    let group = add_group(&db, creator).await;
    add_member(&db, group, member, "member").await;
    let icon = ImageKey::GroupIcon(group);

    assert!(matches!(
        refs.set_group_icon(icon_guard(group, member), "image/webp")
            .await,
        Err(RepoError::Denied(Denied::RoleTooLow))
    ));
    assert!(matches!(
        refs.set_group_icon(icon_guard(group, stranger), "image/webp")
            .await,
        Err(RepoError::Denied(Denied::NotMember))
    ));
    assert_eq!(refs.find(&icon).await.unwrap(), None, "no pointer was set");
    refs.set_group_icon(icon_guard(group, creator), "image/webp")
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        refs.clear_group_icon(icon_guard(group, member)).await,
        Err(RepoError::Denied(Denied::RoleTooLow))
    ));
    assert!(
        refs.find(&icon).await.unwrap().is_some(),
        "the pointer stayed"
    );
}
