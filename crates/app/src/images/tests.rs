//! Branches of the avatar and icon use cases, with mocked ports.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{TimeZone, Utc};
use mockall::Sequence;
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::{Denied, GroupAction, Role};
use pursue_ports::error::RepoError;
use pursue_ports::groups::{GroupRecord, MockGroupRepository};
use pursue_ports::images::{
    FetchError, FetchedPicture, IconRecord, ImageError, ImageKey, ImageRef, MockImageProcessor,
    MockImageRefs, MockImageStore, MockPictureFetcher, ProcessedImage, StoreError, StoredImage,
    WEBP_MIME,
};
use pursue_ports::users::UserRecord;
use uuid::Uuid;

use super::{ImageFailure, ImageService, PictureRead, etag};
use crate::errors::CoreError;

fn caller() -> UserRecord {
    UserRecord {
        id: UserId::from_uuid(Uuid::from_u128(1)),
        email: pursue_domain::user::Email::stored("ann@example.com".into()),
        display_name: pursue_domain::user::DisplayName::stored("Ann".into()),
        has_avatar: false,
        age_verified: false,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn gid() -> GroupId {
    GroupId::from_uuid(Uuid::from_u128(99))
}

fn groups(role: Option<Role>) -> MockGroupRepository {
    let mut r = MockGroupRepository::new();
    r.expect_find_group().returning(|id| {
        Ok(Some(GroupRecord {
            id,
            name: pursue_domain::group::GroupName::stored("Runners".into()),
            description: None,
            icon_emoji: Some(pursue_domain::group::IconEmoji::stored("🏃".into())),
            icon_color: None,
            has_icon: false,
            icon_url: None,
            creator_user_id: UserId::from_uuid(Uuid::from_u128(1)),
            member_count: 2,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }))
    });
    r.expect_role_of().returning(move |_, _| Ok(role));
    r.expect_membership_of().returning(|_, _| Ok(None));
    r
}

fn processor() -> MockImageProcessor {
    let mut p = MockImageProcessor::new();
    p.expect_process().returning(|_, _| {
        Ok(ProcessedImage {
            bytes: Bytes::from_static(b"webp"),
            mime: WEBP_MIME,
            width: 256,
            height: 256,
        })
    });
    p
}

fn icon(has_icon: bool) -> IconRecord {
    IconRecord {
        id: gid(),
        has_icon,
        icon_emoji: None,
        icon_color: None,
        updated_at: Utc::now(),
    }
}

fn service(
    p: MockImageProcessor,
    s: MockImageStore,
    r: MockImageRefs,
    g: MockGroupRepository,
) -> ImageService {
    ImageService::new(Arc::new(p), Arc::new(s), Arc::new(r), Arc::new(g))
}

#[tokio::test]
async fn avatar_upload_stores_the_blob_before_pointing_the_row_at_it() {
    let mut seq = Sequence::new();
    let mut store = MockImageStore::new();
    let mut refs = MockImageRefs::new();
    store
        .expect_put()
        .withf(|key, bytes, mime| {
            *key == ImageKey::Avatar(Uuid::from_u128(1)) && bytes == "webp" && mime == WEBP_MIME
        })
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _, _| Ok(()));
    refs.expect_set_avatar()
        .withf(|user, mime| user.as_uuid() == Uuid::from_u128(1) && mime == WEBP_MIME)
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _| Ok(true));
    service(processor(), store, refs, groups(None))
        .upload_avatar(&caller(), Bytes::from_static(b"jpeg"), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_failed_store_write_leaves_the_row_alone() {
    let mut store = MockImageStore::new();
    store
        .expect_put()
        .returning(|_, _, _| Err(StoreError::Unavailable(anyhow::anyhow!("down"))));
    let mut refs = MockImageRefs::new();
    refs.expect_set_avatar().never();
    let err = service(processor(), store, refs, groups(None))
        .upload_avatar(&caller(), Bytes::from_static(b"jpeg"), None)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ImageFailure::Store(StoreError::Unavailable(_))
    ));
}

#[tokio::test]
async fn refused_uploads_store_nothing() {
    let mut p = MockImageProcessor::new();
    p.expect_process()
        .returning(|_, _| Err(ImageError::InvalidImage("garbage".into())));
    let mut store = MockImageStore::new();
    store.expect_put().never();
    let err = service(p, store, MockImageRefs::new(), groups(None))
        .upload_avatar(&caller(), Bytes::from_static(b"??"), None)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ImageFailure::Rejected(ImageError::InvalidImage(_))
    ));
}

#[tokio::test]
async fn upload_into_a_vanished_account_removes_the_orphan() {
    let mut store = MockImageStore::new();
    store.expect_put().returning(|_, _, _| Ok(()));
    store.expect_delete().times(1).returning(|_| Ok(()));
    let mut refs = MockImageRefs::new();
    refs.expect_set_avatar().returning(|_, _| Ok(false));
    let err = service(processor(), store, refs, groups(None))
        .upload_avatar(&caller(), Bytes::from_static(b"jpeg"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, ImageFailure::Core(CoreError::NotFound)));
}

#[tokio::test]
async fn writes_remove_the_copy_in_the_other_store() {
    let mut store = MockImageStore::new();
    store.expect_put().returning(|_, _, _| Ok(()));
    store.expect_delete().times(1).returning(|_| Ok(()));
    let mut other = MockImageStore::new();
    // Upload and delete each remove the other store's copy; its failure is not fatal.
    other
        .expect_delete()
        .times(2)
        .returning(|_| Err(StoreError::Unavailable(anyhow::anyhow!("down"))));
    let mut refs = MockImageRefs::new();
    refs.expect_set_avatar().returning(|_, _| Ok(true));
    refs.expect_clear_avatar().times(1).returning(|_| Ok(()));
    let service = service(processor(), store, refs, groups(None)).with_other_store(Arc::new(other));
    service
        .upload_avatar(&caller(), Bytes::from_static(b"jpeg"), None)
        .await
        .unwrap();
    service.delete_avatar(&caller()).await.unwrap();
}

#[tokio::test]
async fn avatar_delete_clears_the_row_before_the_blob() {
    let mut seq = Sequence::new();
    let mut refs = MockImageRefs::new();
    let mut store = MockImageStore::new();
    refs.expect_clear_avatar()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(()));
    store
        .expect_delete()
        .withf(|key| *key == ImageKey::Avatar(Uuid::from_u128(1)))
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(()));
    service(MockImageProcessor::new(), store, refs, groups(None))
        .delete_avatar(&caller())
        .await
        .unwrap();
}

#[tokio::test]
async fn icon_changes_need_admin_and_are_checked_before_decoding() {
    for (role, expected) in [
        (None, Denied::NotMember),
        (Some(Role::Member), Denied::RoleTooLow),
    ] {
        let mut p = MockImageProcessor::new();
        p.expect_process().never();
        let mut store = MockImageStore::new();
        store.expect_put().never();
        store.expect_delete().never();
        let service = service(p, store, MockImageRefs::new(), groups(role));
        let err = service
            .upload_icon(&caller(), gid(), Bytes::from_static(b"x"), None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ImageFailure::Core(CoreError::Forbidden(d)) if d == expected),
            "{err:?}"
        );
        let err = service.delete_icon(&caller(), gid()).await.unwrap_err();
        assert!(matches!(err, ImageFailure::Core(CoreError::Forbidden(d)) if d == expected));
    }

    let mut missing = MockGroupRepository::new();
    missing.expect_find_group().returning(|_| Ok(None));
    missing.expect_role_of().returning(|_, _| Ok(None));
    let err = service(
        MockImageProcessor::new(),
        MockImageStore::new(),
        MockImageRefs::new(),
        missing,
    )
    .upload_icon(&caller(), gid(), Bytes::from_static(b"x"), None)
    .await
    .unwrap_err();
    assert!(matches!(err, ImageFailure::Core(CoreError::NotFound)));
}

#[tokio::test]
async fn admins_upload_and_delete_icons() {
    for role in [Role::Admin, Role::Creator] {
        let mut seq = Sequence::new();
        let mut store = MockImageStore::new();
        let mut refs = MockImageRefs::new();
        // The previous picture is read (to put back on a refusal), the new one stored,
        // then the guarded row switch runs.
        store
            .expect_get()
            .times(1)
            .in_sequence(&mut seq)
            .returning(|_| Ok(None));
        store
            .expect_put()
            .withf(|key, _, _| *key == ImageKey::GroupIcon(Uuid::from_u128(99)))
            .times(1)
            .in_sequence(&mut seq)
            .returning(|_, _, _| Ok(()));
        refs.expect_set_group_icon()
            .withf(|guard, mime| guard.action == GroupAction::ManageIcon && mime == WEBP_MIME)
            .times(1)
            .in_sequence(&mut seq)
            .returning(|_, _| Ok(Some(icon(true))));
        refs.expect_clear_group_icon()
            .times(1)
            .in_sequence(&mut seq)
            .returning(|_| Ok(Some(icon(false))));
        store
            .expect_delete()
            .times(1)
            .in_sequence(&mut seq)
            .returning(|_| Ok(()));
        let service = service(processor(), store, refs, groups(Some(role)));
        let uploaded = service
            .upload_icon(&caller(), gid(), Bytes::from_static(b"png"), None)
            .await
            .unwrap();
        assert!(uploaded.has_icon);
        let deleted = service.delete_icon(&caller(), gid()).await.unwrap();
        assert!(!deleted.has_icon);
    }
}

#[tokio::test]
async fn a_refused_row_switch_puts_the_previous_icon_back() {
    let mut seq = Sequence::new();
    let mut store = MockImageStore::new();
    let mut refs = MockImageRefs::new();
    store
        .expect_get()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| {
            Ok(Some(StoredImage {
                bytes: Bytes::from_static(b"old"),
                mime: Some(WEBP_MIME.into()),
            }))
        });
    store
        .expect_put()
        .withf(|_, bytes, _| bytes.as_ref() != b"old")
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _, _| Ok(()));
    // Demoted between the first check and the transaction.
    refs.expect_set_group_icon()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _| Err(RepoError::Denied(Denied::RoleTooLow)));
    store
        .expect_put()
        .withf(|_, bytes, _| bytes.as_ref() == b"old")
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _, _| Ok(()));
    let err = service(processor(), store, refs, groups(Some(Role::Admin)))
        .upload_icon(&caller(), gid(), Bytes::from_static(b"png"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ImageFailure::Core(CoreError::Repo(RepoError::Denied(_)))
        ),
        "{err:?}"
    );
}

#[test]
fn etags_follow_the_contract() {
    let at = Utc.timestamp_millis_opt(1_767_225_600_123).unwrap();
    let id = Uuid::from_u128(0xabc);
    assert_eq!(
        etag(&ImageKey::Avatar(id), at),
        format!("avatar-{}-1767225600123", id.hyphenated())
    );
    assert_eq!(
        etag(&ImageKey::GroupIcon(id), at),
        format!("icon-{}-1767225600123", id.hyphenated())
    );
}

fn pointer() -> ImageRef {
    ImageRef {
        mime: WEBP_MIME.into(),
        updated_at: Utc.timestamp_millis_opt(1000).unwrap(),
    }
}

#[tokio::test]
async fn reads_answer_missing_cached_found_and_fall_back() {
    let key = ImageKey::Avatar(Uuid::from_u128(1));
    let expected_tag = etag(&key, pointer().updated_at);

    // No row pointer: missing, the store is never asked.
    let mut refs = MockImageRefs::new();
    refs.expect_find().returning(|_| Ok(None));
    let mut store = MockImageStore::new();
    store.expect_get().never();
    let service1 = service(MockImageProcessor::new(), store, refs, groups(None));
    assert_eq!(
        service1.read(&key, |_| false).await.unwrap(),
        PictureRead::Missing
    );

    // A matching ETag: 304 without reading the blob.
    let mut refs = MockImageRefs::new();
    refs.expect_find().returning(|_| Ok(Some(pointer())));
    let mut store = MockImageStore::new();
    store.expect_get().never();
    let tag = expected_tag.clone();
    let read = service(MockImageProcessor::new(), store, refs, groups(None))
        .read(&key, move |t| t == tag)
        .await
        .unwrap();
    assert_eq!(
        read,
        PictureRead::NotModified {
            etag: expected_tag.clone()
        }
    );

    // Missing in the main store, present in the other one.
    let mut refs = MockImageRefs::new();
    refs.expect_find().returning(|_| Ok(Some(pointer())));
    let mut store = MockImageStore::new();
    store.expect_get().returning(|_| Ok(None));
    let mut other = MockImageStore::new();
    other.expect_get().returning(|_| {
        Ok(Some(StoredImage {
            bytes: Bytes::from_static(b"old store"),
            mime: None,
        }))
    });
    let read = service(MockImageProcessor::new(), store, refs, groups(None))
        .with_other_store(Arc::new(other))
        .read(&key, |_| false)
        .await
        .unwrap();
    assert_eq!(
        read,
        PictureRead::Found {
            etag: expected_tag,
            mime: WEBP_MIME.into(),
            bytes: Bytes::from_static(b"old store"),
        }
    );

    // The row points at a blob no store has: missing.
    let mut refs = MockImageRefs::new();
    refs.expect_find().returning(|_| Ok(Some(pointer())));
    let mut store = MockImageStore::new();
    store.expect_get().returning(|_| Ok(None));
    let read = service(MockImageProcessor::new(), store, refs, groups(None))
        .read(&key, |_| false)
        .await
        .unwrap();
    assert_eq!(read, PictureRead::Missing);
}

fn fetcher(result: fn() -> Result<FetchedPicture, FetchError>) -> MockPictureFetcher {
    let mut f = MockPictureFetcher::new();
    f.expect_fetch()
        .withf(|url| url == "https://pics.example/ann.jpg")
        .returning(move |_| result());
    f
}

fn picture() -> Result<FetchedPicture, FetchError> {
    Ok(FetchedPicture {
        bytes: Bytes::from_static(b"jpeg"),
        mime: Some("image/jpeg".into()),
    })
}

#[tokio::test]
async fn a_profile_picture_becomes_the_avatar_of_a_user_without_one() {
    let mut seq = Sequence::new();
    let mut refs = MockImageRefs::new();
    refs.expect_find()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(None));
    let mut store = MockImageStore::new();
    store
        .expect_put()
        .withf(|key, _, _| *key == ImageKey::Avatar(Uuid::from_u128(1)))
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _, _| Ok(()));
    refs.expect_set_avatar()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _| Ok(true));
    let imported = service(processor(), store, refs, groups(None))
        .with_fetcher(Arc::new(fetcher(picture)))
        .import_avatar(caller().id, "https://pics.example/ann.jpg")
        .await
        .unwrap();
    assert!(imported);
}

#[tokio::test]
async fn an_existing_avatar_or_no_fetcher_imports_nothing() {
    let mut refs = MockImageRefs::new();
    refs.expect_find().returning(|_| {
        Ok(Some(ImageRef {
            mime: WEBP_MIME.into(),
            updated_at: Utc::now(),
        }))
    });
    refs.expect_set_avatar().never();
    let mut f = MockPictureFetcher::new();
    f.expect_fetch().never();
    let s = service(
        MockImageProcessor::new(),
        MockImageStore::new(),
        refs,
        groups(None),
    );
    assert!(
        !s.clone()
            .with_fetcher(Arc::new(f))
            .import_avatar(caller().id, "https://pics.example/ann.jpg")
            .await
            .unwrap()
    );
    assert!(
        !s.import_avatar(caller().id, "https://pics.example/ann.jpg")
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_failed_download_stores_nothing() {
    let mut refs = MockImageRefs::new();
    refs.expect_find().returning(|_| Ok(None));
    refs.expect_set_avatar().never();
    let mut store = MockImageStore::new();
    store.expect_put().never();
    let err = service(MockImageProcessor::new(), store, refs, groups(None))
        .with_fetcher(Arc::new(fetcher(|| Err(FetchError::Refused("404".into())))))
        .import_avatar(caller().id, "https://pics.example/ann.jpg")
        .await
        .unwrap_err();
    assert!(matches!(err, ImageFailure::Fetch(FetchError::Refused(_))));
}
