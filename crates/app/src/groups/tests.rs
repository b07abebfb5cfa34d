//! Branches of the group use cases, with mocked ports.

use std::sync::Arc;

use chrono::Utc;
use pursue_domain::caps::{CapExceeded, CappedResource};
use pursue_domain::group::GroupName;
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::{
    AssignableRole, Denied, LeaveError, RemovalError, Role, RoleChangeError,
};
use pursue_ports::groups::{
    CapError, GroupPatch, GroupRecord, JoinError, MemberRecord, MockGroupRepository,
};
use pursue_ports::users::UserRecord;
use uuid::Uuid;

use super::{CreateGroup, GroupService};
use crate::errors::CoreError;

fn uid(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

fn caller() -> UserRecord {
    UserRecord {
        id: uid(1),
        email: "ann@example.com".into(),
        display_name: "Ann".into(),
        has_avatar: false,
        age_verified: false,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn gid() -> GroupId {
    GroupId::from_uuid(Uuid::from_u128(99))
}

fn group() -> GroupRecord {
    GroupRecord {
        id: gid(),
        name: "Runners".into(),
        description: None,
        icon_emoji: None,
        icon_color: None,
        has_icon: false,
        creator_user_id: uid(1),
        member_count: 2,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn member(id: UserId, role: Role) -> MemberRecord {
    MemberRecord {
        user_id: id,
        display_name: "Bob".into(),
        has_avatar: false,
        role,
        joined_at: Utc::now(),
    }
}

/// A repository where the group exists and the caller has `role`.
fn repo(role: Option<Role>) -> MockGroupRepository {
    let mut r = MockGroupRepository::new();
    r.expect_find_group().returning(|_| Ok(Some(group())));
    r.expect_role_of().returning(move |_, _| Ok(role));
    r
}

fn service(r: MockGroupRepository) -> GroupService {
    GroupService::new(Arc::new(r))
}

#[tokio::test]
async fn create_writes_group_created_and_maps_caps() {
    let mut r = MockGroupRepository::new();
    r.expect_create_group()
        .withf(|g, a| {
            a.kind.as_str() == "group_created"
                && a.metadata["group_name"] == "Runners"
                && g.creator == uid(1)
        })
        .returning(|_, _| Ok(group()));
    let input = CreateGroup {
        name: GroupName::parse("Runners").unwrap(),
        description: None,
        icon_emoji: None,
        icon_color: None,
        initial_goals: vec![],
    };
    assert!(
        service(r)
            .create_group(&caller(), input.clone())
            .await
            .is_ok()
    );

    let mut r = MockGroupRepository::new();
    r.expect_create_group().returning(|_, _| {
        Err(CapError::Cap(CapExceeded {
            resource: CappedResource::GroupsCreated,
            limit: 10,
            current: 10,
        }))
    });
    let err = service(r).create_group(&caller(), input).await.unwrap_err();
    assert!(matches!(err, CoreError::Cap(c) if c.current == 10));
}

#[tokio::test]
async fn reads_need_membership_and_an_existing_group() {
    let mut r = MockGroupRepository::new();
    r.expect_find_group().returning(|_| Ok(None));
    let err = service(r).get_group(&caller(), gid()).await.unwrap_err();
    assert!(matches!(err, CoreError::NotFound));

    let err = service(repo(None))
        .get_group(&caller(), gid())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(Denied::NotMember)));

    let (_, role) = service(repo(Some(Role::Member)))
        .get_group(&caller(), gid())
        .await
        .unwrap();
    assert_eq!(role, Role::Member);
}

#[tokio::test]
async fn update_needs_admin_and_logs_only_real_renames() {
    let err = service(repo(Some(Role::Member)))
        .update_group(&caller(), gid(), GroupPatch::default())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(Denied::RoleTooLow)));

    let mut r = repo(Some(Role::Admin));
    r.expect_update_group()
        .withf(|_, _, a| a.is_none())
        .returning(|_, _, _| Ok(Some(group())));
    let same = GroupPatch {
        name: Some(GroupName::parse("Runners").unwrap()),
        ..GroupPatch::default()
    };
    assert!(
        service(r)
            .update_group(&caller(), gid(), same)
            .await
            .is_ok()
    );

    let mut r = repo(Some(Role::Creator));
    r.expect_update_group()
        .withf(|_, _, a| {
            a.as_ref().is_some_and(|a| {
                a.metadata["old_name"] == "Runners" && a.metadata["new_name"] == "Joggers"
            })
        })
        .returning(|_, _, _| Ok(Some(group())));
    let renamed = GroupPatch {
        name: Some(GroupName::parse("Joggers").unwrap()),
        ..GroupPatch::default()
    };
    assert!(
        service(r)
            .update_group(&caller(), gid(), renamed)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn delete_is_for_the_creator_only() {
    let err = service(repo(Some(Role::Admin)))
        .delete_group(&caller(), gid())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(Denied::RoleTooLow)));
    let mut r = repo(Some(Role::Creator));
    r.expect_delete_group().times(1).returning(|_| Ok(()));
    assert!(service(r).delete_group(&caller(), gid()).await.is_ok());
}

#[tokio::test]
async fn role_changes_follow_the_rules() {
    let mut r = repo(Some(Role::Admin));
    r.expect_find_member()
        .returning(|_, u| Ok(Some(member(u, Role::Admin))));
    let err = service(r)
        .change_role(&caller(), gid(), uid(1), AssignableRole::Member)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        CoreError::RoleChange(RoleChangeError::CannotChangeOwnRole)
    ));

    let mut r = repo(Some(Role::Admin));
    r.expect_find_member().returning(|_, _| Ok(None));
    let err = service(r)
        .change_role(&caller(), gid(), uid(2), AssignableRole::Admin)
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::NotFound));

    let mut r = repo(Some(Role::Admin));
    r.expect_find_member()
        .returning(|_, u| Ok(Some(member(u, Role::Creator))));
    let err = service(r)
        .change_role(&caller(), gid(), uid(2), AssignableRole::Member)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        CoreError::RoleChange(RoleChangeError::CannotDemoteCreator)
    ));

    let mut r = repo(Some(Role::Admin));
    r.expect_find_member()
        .returning(|_, u| Ok(Some(member(u, Role::Member))));
    r.expect_change_role()
        .withf(|_, _, _, a| a.metadata["new_role"] == "admin")
        .returning(|_, _, _, _| Ok(true));
    assert!(
        service(r)
            .change_role(&caller(), gid(), uid(2), AssignableRole::Admin)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn removal_follows_the_rules_and_pushes() {
    let mut r = repo(Some(Role::Creator));
    r.expect_find_member()
        .returning(|_, u| Ok(Some(member(u, Role::Creator))));
    let err = service(r)
        .remove_member(&caller(), gid(), uid(1))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        CoreError::Removal(RemovalError::CannotRemoveSelf)
    ));

    let mut r = repo(Some(Role::Admin));
    r.expect_find_member()
        .returning(|_, u| Ok(Some(member(u, Role::Creator))));
    let err = service(r)
        .remove_member(&caller(), gid(), uid(2))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        CoreError::Removal(RemovalError::CannotRemoveCreator)
    ));

    let mut r = repo(Some(Role::Admin));
    r.expect_find_member()
        .returning(|_, u| Ok(Some(member(u, Role::Member))));
    r.expect_remove_member()
        .withf(|_, target, actor, _, push| {
            *target == uid(2)
                && *actor == uid(1)
                && push.body == "Bob was removed from the group"
                && push.title == "Runners"
                && push.data.get("type").map(String::as_str) == Some("member_removed")
        })
        .returning(|_, _, _, _, _| Ok(true));
    assert!(
        service(r)
            .remove_member(&caller(), gid(), uid(2))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn leaving_as_creator() {
    let mut r = repo(Some(Role::Creator));
    r.expect_count_other_members().returning(|_, _| Ok(2));
    let err = service(r).leave(&caller(), gid()).await.unwrap_err();
    assert!(matches!(
        err,
        CoreError::Leave(LeaveError::CannotLeaveAsCreator)
    ));

    let mut r = repo(Some(Role::Creator));
    r.expect_count_other_members().returning(|_, _| Ok(0));
    r.expect_delete_group().times(1).returning(|_| Ok(()));
    assert!(service(r).leave(&caller(), gid()).await.is_ok());

    let err = service(repo(None))
        .leave(&caller(), gid())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(Denied::NotMember)));

    let mut r = repo(Some(Role::Member));
    r.expect_count_other_members().returning(|_, _| Ok(3));
    r.expect_leave_group()
        .withf(|_, _, _, push| push.body == "Ann left the group")
        .returning(|_, _, _, _| Ok(true));
    assert!(service(r).leave(&caller(), gid()).await.is_ok());
}

#[tokio::test]
async fn join_maps_invite_outcomes() {
    let mut r = MockGroupRepository::new();
    r.expect_find_invite().returning(|_| Ok(None));
    let err = service(r).join(&caller(), "nope").await.unwrap_err();
    assert!(matches!(err, CoreError::InvalidInvite));

    for (outcome, check) in [
        (JoinError::Expired, "expired"),
        (JoinError::Exhausted, "exhausted"),
        (JoinError::AlreadyMember, "member"),
    ] {
        let mut r = MockGroupRepository::new();
        r.expect_find_invite()
            .withf(|code| code == "PURSUE-ABCDEF-GHJKLM")
            .returning(|_| {
                Ok(Some(pursue_ports::groups::InviteRecord {
                    code: "PURSUE-ABCDEF-GHJKLM".into(),
                    group_id: gid(),
                    max_uses: None,
                    current_uses: 0,
                    expires_at: None,
                    created_at: Utc::now(),
                }))
            });
        r.expect_find_group().returning(|_| Ok(Some(group())));
        let mut once = Some(outcome);
        r.expect_join_with_invite()
            .returning(move |_, _, _, _, _| Err(once.take().unwrap_or(JoinError::InvalidCode)));
        let err = service(r)
            .join(&caller(), " pursue-abcdef-ghjklm ")
            .await
            .unwrap_err();
        let ok = match check {
            "expired" => matches!(err, CoreError::InviteExpired),
            "exhausted" => matches!(err, CoreError::InviteExhausted),
            _ => matches!(err, CoreError::AlreadyMember),
        };
        assert!(ok, "{check}: {err:?}");
    }
}
