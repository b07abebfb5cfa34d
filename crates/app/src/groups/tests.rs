//! Branches of the group use cases, with mocked ports.

use std::sync::Arc;

use chrono::Utc;
use pursue_domain::caps::{CapExceeded, CappedResource};
use pursue_domain::group::{GroupName, InviteCode};
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::{
    AssignableRole, Denied, GroupAction, Membership, MembershipStatus, RemovalError, Role,
    RoleChangeError,
};
use pursue_ports::groups::{
    CapError, GroupPatch, GroupRecord, InviteRecord, JoinError, LeaveResult, MemberRecord,
    MockGroupRepository, PendingRecord, WriteGuard,
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

fn group() -> GroupRecord {
    GroupRecord {
        id: gid(),
        name: pursue_domain::group::GroupName::stored("Runners".into()),
        description: None,
        icon_emoji: None,
        icon_color: None,
        has_icon: false,
        icon_url: None,
        creator_user_id: uid(1),
        member_count: 2,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn member(id: UserId, role: Role) -> MemberRecord {
    MemberRecord {
        user_id: id,
        display_name: pursue_domain::user::DisplayName::stored("Bob".into()),
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
    r.expect_membership_of().returning(|_, _| Ok(None));
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
                && a.metadata["invite_code"] == g.invite_code.as_str()
                && g.creator == uid(1)
        })
        .returning(|_, _| Ok(group()));
    let input = CreateGroup {
        name: GroupName::parse("Runners").unwrap(),
        description: None,
        icon_emoji: None,
        icon_color: None,
        icon_url: None,
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
    assert_eq!(role, Membership::active(Role::Member));
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
        .withf(|_, _, _, a| a.is_none())
        .returning(|_, _, _, _| Ok(Some(group())));
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
        .withf(|_, _, _, a| {
            a.as_ref().is_some_and(|a| {
                a.metadata["old_name"] == "Runners" && a.metadata["new_name"] == "Joggers"
            })
        })
        .returning(|_, _, _, _| Ok(Some(group())));
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
    r.expect_delete_group().times(1).returning(|_, _| Ok(()));
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
        .withf(|_, _, _, _, a| a.metadata["new_role"] == "admin")
        .returning(|_, _, _, _, _| Ok(true));
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
        .withf(|guard, _, target, actor, _, push| {
            *guard == WriteGuard::new(gid(), uid(1), GroupAction::RemoveMembers)
                && *target == uid(2)
                && *actor == uid(1)
                && push.body == "Bob was removed from the group"
                && push.title == "Runners"
                && push.data.get("type").map(String::as_str) == Some("member_removed")
        })
        .returning(|_, _, _, _, _, _| Ok(true));
    assert!(
        service(r)
            .remove_member(&caller(), gid(), uid(2))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn leave_maps_the_repository_outcome() {
    let err = service(repo(None))
        .leave(&caller(), gid())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(Denied::NotMember)));

    for outcome in [
        LeaveResult::WithdrewRequest,
        LeaveResult::GroupDeleted,
        LeaveResult::Left {
            promoted: Some((uid(2), Role::Creator)),
        },
    ] {
        let mut r = repo(Some(Role::Creator));
        r.expect_leave_group()
            .withf(|_, l| l.user == uid(1) && l.display_name == "Ann")
            .returning(move |_, _| Ok(outcome));
        assert!(service(r).leave(&caller(), gid()).await.is_ok());
    }
    // A pending request may be withdrawn.
    let mut r = pending_repo();
    r.expect_leave_group()
        .returning(|_, _| Ok(LeaveResult::WithdrewRequest));
    assert!(service(r).leave(&caller(), gid()).await.is_ok());
    // Raced away between the check and the transaction.
    let mut r = repo(Some(Role::Member));
    r.expect_leave_group()
        .returning(|_, _| Ok(LeaveResult::NotMember));
    let err = service(r).leave(&caller(), gid()).await.unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(Denied::NotMember)));
}

/// A repository where the caller's join request is pending.
fn pending_repo() -> MockGroupRepository {
    let mut r = MockGroupRepository::new();
    r.expect_find_group().returning(|_| Ok(Some(group())));
    r.expect_role_of().returning(|_, _| Ok(None));
    r.expect_membership_of()
        .returning(|_, _| Ok(Some(Membership::pending(Role::Member))));
    r
}

#[tokio::test]
async fn pending_requests_read_the_group_and_nothing_else() {
    let (_, m) = service(pending_repo())
        .get_group(&caller(), gid())
        .await
        .unwrap();
    assert_eq!(m.status, MembershipStatus::Pending);
    let err = service(pending_repo())
        .list_members(&caller(), gid())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(Denied::PendingApproval)));
    let err = service(pending_repo())
        .invite(&caller(), gid())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(Denied::PendingApproval)));
    // Active members never pay for the pending lookup.
    let mut r = repo(Some(Role::Member));
    r.expect_membership_of().never();
    r.expect_list_members().returning(|_| Ok(vec![]));
    assert!(service(r).list_members(&caller(), gid()).await.is_ok());
}

fn invite_record(code: &str) -> InviteRecord {
    InviteRecord {
        code: code.into(),
        group_id: gid(),
        created_at: Utc::now(),
    }
}

#[tokio::test]
async fn the_invite_is_read_or_made_once() {
    let mut r = repo(Some(Role::Member));
    r.expect_active_invite()
        .returning(|_| Ok(Some(invite_record("PURSUE-AAAAAA-AAAAAA"))));
    r.expect_ensure_invite().never();
    let got = service(r).invite(&caller(), gid()).await.unwrap();
    assert_eq!(got.code, "PURSUE-AAAAAA-AAAAAA");

    // No live code: one is made; collisions are retried with new codes.
    let mut r = repo(Some(Role::Member));
    r.expect_active_invite().returning(|_| Ok(None));
    let mut calls = 0;
    r.expect_ensure_invite()
        .times(3)
        .returning(move |_, code, _| {
            calls += 1;
            assert!(InviteCode::parse(code.as_str()).is_ok());
            Ok((calls == 3).then(|| invite_record(code.as_str())))
        });
    assert!(service(r).invite(&caller(), gid()).await.is_ok());

    let mut r = repo(Some(Role::Member));
    r.expect_active_invite().returning(|_| Ok(None));
    r.expect_ensure_invite()
        .times(10)
        .returning(|_, _, _| Ok(None));
    let err = service(r).invite(&caller(), gid()).await.unwrap_err();
    assert!(matches!(err, CoreError::Repo(_)));
}

#[tokio::test]
async fn regenerating_needs_an_admin_and_returns_the_old_code() {
    let err = service(repo(Some(Role::Member)))
        .regenerate_invite(&caller(), gid())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(Denied::RoleTooLow)));
    let mut r = repo(Some(Role::Admin));
    r.expect_regenerate_invite()
        .withf(|_, _, _, by| *by == uid(1))
        .returning(|_, _, code, _| {
            Ok(Some((
                invite_record(code.as_str()),
                Some("PURSUE-OLDOLD-OLDOLD".into()),
            )))
        });
    let done = service(r)
        .regenerate_invite(&caller(), gid())
        .await
        .unwrap();
    assert_eq!(done.previous_code.as_deref(), Some("PURSUE-OLDOLD-OLDOLD"));
}

#[tokio::test]
async fn join_normalises_the_code_and_maps_outcomes() {
    for (outcome, check) in [
        (JoinError::InvalidCode, "invalid"),
        (JoinError::AlreadyPending, "pending"),
        (JoinError::AlreadyMember, "member"),
    ] {
        let mut r = MockGroupRepository::new();
        let mut once = Some(outcome);
        r.expect_request_join()
            .withf(|code, user, _, limit| {
                code == "PURSUE-ABCDEF-GHJKLM" && *user == uid(1) && !*limit
            })
            .returning(move |_, _, _, _| Err(once.take().unwrap_or(JoinError::InvalidCode)));
        let err = service(r)
            .join(&caller(), " pursue-abcdef-ghjklm ")
            .await
            .unwrap_err();
        let ok = match check {
            "invalid" => matches!(err, CoreError::InvalidInvite),
            "pending" => matches!(err, CoreError::AlreadyPending),
            _ => matches!(err, CoreError::AlreadyMember),
        };
        assert!(ok, "{check}: {err:?}");
    }
    let mut r = MockGroupRepository::new();
    r.expect_request_join().returning(|_, _, _, _| Ok(group()));
    let done = service(r)
        .join(&caller(), "PURSUE-ABCDEF-GHJKLM")
        .await
        .unwrap();
    assert_eq!(done.group.id, gid());
}

fn pending_record(n: u128) -> PendingRecord {
    PendingRecord {
        user_id: uid(n),
        display_name: pursue_domain::user::DisplayName::stored("Cleo".into()),
        has_avatar: false,
        requested_at: Utc::now(),
    }
}

#[tokio::test]
async fn approve_and_decline_need_a_pending_request() {
    // Not pending: 404 before any write.
    let mut r = repo(Some(Role::Admin));
    r.expect_list_pending()
        .returning(|_| Ok(vec![pending_record(3)]));
    r.expect_approve().never();
    let err = service(r)
        .approve(&caller(), gid(), uid(2))
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::NotFound));
    let err = service(repo(Some(Role::Member)))
        .approve(&caller(), gid(), uid(2))
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(Denied::RoleTooLow)));

    let mut r = repo(Some(Role::Admin));
    r.expect_list_pending()
        .returning(|_| Ok(vec![pending_record(2)]));
    r.expect_approve()
        .withf(|guard, user, _, act, push| {
            *guard == WriteGuard::new(gid(), uid(1), GroupAction::ReviewJoinRequests)
                && *user == uid(2)
                && act.metadata["approved_user_display_name"] == "Cleo"
                && push.body == "Cleo joined the group"
                && push.data.get("type").map(String::as_str) == Some("member_approved")
        })
        .returning(|_, _, _, _, _| Ok(true));
    assert!(service(r).approve(&caller(), gid(), uid(2)).await.is_ok());

    // Raced: handled by someone else in between.
    let mut r = repo(Some(Role::Admin));
    r.expect_list_pending()
        .returning(|_| Ok(vec![pending_record(2)]));
    r.expect_decline().returning(|_, _, _, _| Ok(false));
    let err = service(r)
        .decline(&caller(), gid(), uid(2))
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::NotFound));

    let mut r = repo(Some(Role::Admin));
    r.expect_list_pending()
        .returning(|_| Ok(vec![pending_record(2)]));
    r.expect_decline()
        .withf(|_, _, user, act| {
            *user == uid(2) && act.metadata["declined_user_id"] == uid(2).to_string()
        })
        .returning(|_, _, _, _| Ok(true));
    assert!(service(r).decline(&caller(), gid(), uid(2)).await.is_ok());
}

#[tokio::test]
async fn create_retries_a_colliding_invite_code() {
    let mut r = MockGroupRepository::new();
    let mut seen = 0;
    r.expect_create_group()
        .times(2)
        .withf(|g, a| a.metadata["invite_code"] == g.invite_code.as_str())
        .returning(move |_, _| {
            seen += 1;
            if seen == 1 {
                Err(CapError::CodeTaken)
            } else {
                Ok(group())
            }
        });
    let input = CreateGroup {
        name: GroupName::parse("Runners").unwrap(),
        description: None,
        icon_emoji: None,
        icon_color: None,
        icon_url: None,
        initial_goals: vec![],
    };
    let (_, code) = service(r).create_group(&caller(), input).await.unwrap();
    assert!(InviteCode::parse(&code).is_ok());
}

#[tokio::test]
async fn join_passes_the_group_limit_and_answers_with_the_tier() {
    use crate::subscriptions::fixtures::store;
    use crate::subscriptions::{GroupLimitAction, GroupLimitReached};
    for (premium, count, at_limit) in [(false, 1, true), (true, 10, true), (false, 0, false)] {
        let mut r = MockGroupRepository::new();
        r.expect_request_join()
            .withf(move |_, _, _, limit| *limit == at_limit)
            .returning(|_, _, _, limit| {
                if limit {
                    Err(JoinError::GroupLimit)
                } else {
                    Ok(group())
                }
            });
        let s = service(r).with_subscriptions(Arc::new(store(premium, count, None)));
        let result = s.join(&caller(), "PURSUE-ABCDEF-GHJKLM").await;
        if at_limit {
            let err = result.unwrap_err();
            assert!(
                matches!(
                    err,
                    CoreError::GroupLimit(GroupLimitReached {
                        premium: p,
                        action: GroupLimitAction::Join,
                    }) if p == premium
                ),
                "{err:?}"
            );
        } else {
            assert!(result.is_ok());
        }
    }
    // The membership answers come from the repository before the limit.
    let mut r = MockGroupRepository::new();
    r.expect_request_join()
        .returning(|_, _, _, _| Err(JoinError::AlreadyMember));
    let s = service(r).with_subscriptions(Arc::new(store(false, 1, None)));
    assert!(matches!(
        s.join(&caller(), "PURSUE-ABCDEF-GHJKLM").await,
        Err(CoreError::AlreadyMember)
    ));
}

#[tokio::test]
async fn approve_refuses_a_joiner_at_the_group_limit() {
    use crate::subscriptions::fixtures::store;
    use crate::subscriptions::{GroupLimitAction, GroupLimitReached};
    for (premium, count) in [(false, 1), (true, 10)] {
        let mut r = repo(Some(Role::Admin));
        r.expect_list_pending()
            .returning(|_| Ok(vec![pending_record(2)]));
        r.expect_approve().never();
        let err = service(r)
            .with_subscriptions(Arc::new(store(premium, count, None)))
            .approve(&caller(), gid(), uid(2))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                CoreError::GroupLimit(GroupLimitReached {
                    premium: p,
                    action: GroupLimitAction::Approve,
                }) if p == premium
            ),
            "{err:?}"
        );
    }
    // Nothing pending: 404 comes first; under the limit: approved.
    let mut r = repo(Some(Role::Admin));
    r.expect_list_pending().returning(|_| Ok(vec![]));
    let err = service(r)
        .with_subscriptions(Arc::new(store(false, 1, None)))
        .approve(&caller(), gid(), uid(2))
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::NotFound));
    let mut r = repo(Some(Role::Admin));
    r.expect_list_pending()
        .returning(|_| Ok(vec![pending_record(2)]));
    r.expect_approve()
        .times(1)
        .returning(|_, _, _, _, _| Ok(true));
    // The approved user's cache is refreshed; a failure there never fails the approval.
    let mut st = store(false, 0, None);
    st.expect_refresh_cache()
        .withf(|u| *u == uid(2))
        .times(1)
        .returning(|_| {
            Err(pursue_ports::error::RepoError::Unavailable(
                anyhow::anyhow!("down"),
            ))
        });
    let s = service(r).with_subscriptions(Arc::new(st));
    assert!(s.approve(&caller(), gid(), uid(2)).await.is_ok());
}

#[tokio::test]
async fn join_and_approve_are_stamped_with_the_clock_instant() {
    use chrono::TimeZone;
    use pursue_ports::clock::MockClock;

    let at = Utc.with_ymd_and_hms(2026, 2, 3, 4, 5, 6).unwrap();
    let clock = || {
        let mut c = MockClock::new();
        c.expect_now().return_const(at);
        Arc::new(c)
    };
    let mut r = MockGroupRepository::new();
    r.expect_request_join()
        .times(1)
        .withf(move |_, _, now, _| *now == at)
        .returning(|_, _, _, _| Ok(group()));
    GroupService::new(Arc::new(r))
        .with_clock(clock())
        .join(&caller(), "PURSUE-ABCDEF-GHJKLM")
        .await
        .unwrap();

    let mut r = repo(Some(Role::Admin));
    r.expect_list_pending()
        .returning(|_| Ok(vec![pending_record(2)]));
    r.expect_approve()
        .times(1)
        .withf(move |_, _, now, _, _| *now == at)
        .returning(|_, _, _, _, _| Ok(true));
    GroupService::new(Arc::new(r))
        .with_clock(clock())
        .approve(&caller(), gid(), uid(2))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_feed_summarises_each_items_reactions_for_the_caller() {
    use pursue_domain::social::Reaction;
    use pursue_ports::activity::{ActivityPage, ActivityRecord};

    let reaction = |n: u128, name: &str, emoji: &str| Reaction {
        user: uid(n),
        display_name: pursue_domain::user::DisplayName::stored(name.into()),
        emoji: emoji.into(),
        created_at: Utc::now(),
    };
    let mut r = MockGroupRepository::new();
    r.expect_role_of().returning(|_, _| Ok(Some(Role::Member)));
    r.expect_list_activities()
        .withf(|g, limit, offset| *g == gid() && *limit == 50 && *offset == 0)
        .returning(move |_, _, _| {
            Ok(ActivityPage {
                items: vec![ActivityRecord {
                    id: Uuid::from_u128(9),
                    activity_type: "progress_logged".into(),
                    user: Some((
                        uid(2),
                        pursue_domain::user::DisplayName::stored("Bob".into()),
                    )),
                    metadata: serde_json::json!({}),
                    created_at: Utc::now(),
                    reactions: vec![
                        reaction(3, "Cleo Park", "🔥"),
                        reaction(1, "Ann Lee", "🔥"),
                        reaction(4, "Dan", "💪"),
                    ],
                }],
                total: 1,
            })
        });
    let page = service(r).feed(&caller(), gid(), 50, 0).await.unwrap();
    assert_eq!(page.total, 1);
    let item = &page.items[0];
    assert!(item.activity.reactions.is_empty(), "moved into the summary");
    assert_eq!(item.reactions.total_count, 3);
    assert_eq!(item.reactions.reactions[0].emoji, "🔥");
    assert_eq!(item.reactions.reactions[0].count, 2);
    assert!(item.reactions.reactions[0].current_user_reacted);
    assert!(!item.reactions.reactions[1].current_user_reacted);
    assert_eq!(item.reactions.top_reactors[0].0, uid(1), "the caller first");
}
