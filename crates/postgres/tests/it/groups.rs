//! The group repository through its port: membership and role changes, invite codes,
//! push recipients and the caps.

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_domain::activity::ActivityType;
use pursue_domain::caps::CappedResource;
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::{AssignableRole, GroupAction, Role};
use pursue_ports::groups::{CapError, GroupRepository, JoinError, LeaveRequest, LeaveResult};
use pursue_postgres::PgGroups;
use pursue_postgres::schema::{group_memberships, users};
use pursue_testkit::fresh_database;

use crate::fixtures::{activity, code, group, guard, pool, push, push_recipients, user};

fn repo(db: &pursue_testkit::TestDatabase) -> PgGroups {
    PgGroups::new(pool(db))
}

/// `user` asks to join with the group's invite code and `approver` lets them in.
async fn join(groups: &PgGroups, id: GroupId, seed: u64, user: UserId, approver: UserId) {
    groups
        .request_join(code(seed).as_str(), user, Utc::now(), false)
        .await
        .unwrap();
    let approved = groups
        .approve(
            guard(id, approver, GroupAction::ReviewJoinRequests),
            user,
            Utc::now(),
            activity(ActivityType::MemberApproved, approver),
            push(),
        )
        .await
        .unwrap();
    assert!(approved);
}

/// `by` makes `who` an admin; whether `who` was a member whose role could change.
async fn promote(
    groups: &PgGroups,
    id: GroupId,
    by: UserId,
    who: UserId,
) -> Result<bool, pursue_ports::error::RepoError> {
    groups
        .change_role(
            guard(id, by, GroupAction::ChangeRoles),
            id,
            who,
            AssignableRole::Admin,
            activity(ActivityType::MemberPromoted, by),
        )
        .await
}

#[tokio::test]
async fn a_join_request_is_pending_until_approved_or_declined() {
    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let (ann, bob, cy) = (
        user(&mut conn, "ann").await,
        user(&mut conn, "bob").await,
        user(&mut conn, "cy").await,
    );
    let groups = repo(&db);
    let g = group(&groups, ann, 1).await.unwrap();

    assert!(matches!(
        groups
            .request_join(code(2).as_str(), bob, Utc::now(), false)
            .await,
        Err(JoinError::InvalidCode)
    ));
    groups
        .request_join(code(1).as_str(), bob, Utc::now(), false)
        .await
        .unwrap();
    assert!(matches!(
        groups
            .request_join(code(1).as_str(), bob, Utc::now(), false)
            .await,
        Err(JoinError::AlreadyPending)
    ));
    assert_eq!(groups.role_of(g.id, bob).await.unwrap(), None);
    let pending = groups.list_pending(g.id).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].user_id, bob);

    let approve = |who| {
        groups.approve(
            guard(g.id, ann, GroupAction::ReviewJoinRequests),
            who,
            Utc::now(),
            activity(ActivityType::MemberApproved, ann),
            push(),
        )
    };
    assert!(approve(bob).await.unwrap());
    assert!(!approve(bob).await.unwrap(), "approved twice");
    assert_eq!(groups.role_of(g.id, bob).await.unwrap(), Some(Role::Member));
    assert!(matches!(
        groups
            .request_join(code(1).as_str(), bob, Utc::now(), false)
            .await,
        Err(JoinError::AlreadyMember)
    ));

    groups
        .request_join(code(1).as_str(), cy, Utc::now(), false)
        .await
        .unwrap();
    let decline = || {
        groups.decline(
            guard(g.id, ann, GroupAction::ReviewJoinRequests),
            g.id,
            cy,
            activity(ActivityType::MemberDeclined, ann),
        )
    };
    assert!(decline().await.unwrap());
    assert!(!decline().await.unwrap(), "declined twice");
    assert_eq!(groups.membership_of(g.id, cy).await.unwrap(), None);
    assert!(groups.list_pending(g.id).await.unwrap().is_empty());
    assert_eq!(
        groups.find_group(g.id).await.unwrap().unwrap().member_count,
        2
    );
}

#[tokio::test]
async fn roles_change_for_members_but_never_for_the_creator() {
    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let (ann, bob) = (user(&mut conn, "ann").await, user(&mut conn, "bob").await);
    let groups = repo(&db);
    let g = group(&groups, ann, 1).await.unwrap();
    join(&groups, g.id, 1, bob, ann).await;

    assert!(promote(&groups, g.id, ann, bob).await.unwrap());
    assert_eq!(groups.role_of(g.id, bob).await.unwrap(), Some(Role::Admin));
    assert!(
        !promote(&groups, g.id, ann, ann).await.unwrap(),
        "the creator's role changed"
    );
    assert_eq!(
        groups.role_of(g.id, ann).await.unwrap(),
        Some(Role::Creator)
    );
}

#[tokio::test]
async fn the_creator_leaving_promotes_the_admin_and_the_last_member_deletes_the_group() {
    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let (ann, bob, cy) = (
        user(&mut conn, "ann").await,
        user(&mut conn, "bob").await,
        user(&mut conn, "cy").await,
    );
    let groups = repo(&db);
    let g = group(&groups, ann, 1).await.unwrap();
    join(&groups, g.id, 1, bob, ann).await;
    join(&groups, g.id, 1, cy, ann).await;
    promote(&groups, g.id, ann, cy).await.unwrap();
    let leave = |who: UserId| {
        groups.leave_group(
            g.id,
            LeaveRequest {
                user: who,
                display_name: pursue_domain::user::DisplayName::stored("someone".into()),
            },
        )
    };

    let left = leave(ann).await.unwrap();
    assert_eq!(
        left,
        LeaveResult::Left {
            promoted: Some((cy, Role::Creator))
        }
    );
    assert_eq!(groups.role_of(g.id, cy).await.unwrap(), Some(Role::Creator));
    assert_eq!(groups.role_of(g.id, ann).await.unwrap(), None);
    assert_eq!(leave(ann).await.unwrap(), LeaveResult::NotMember);

    assert!(matches!(
        leave(bob).await.unwrap(),
        LeaveResult::Left { .. }
    ));
    assert_eq!(leave(cy).await.unwrap(), LeaveResult::GroupDeleted);
    assert_eq!(groups.find_group(g.id).await.unwrap(), None);
}

#[tokio::test]
async fn a_pending_request_is_withdrawn_by_leaving() {
    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let (ann, bob) = (user(&mut conn, "ann").await, user(&mut conn, "bob").await);
    let groups = repo(&db);
    let g = group(&groups, ann, 1).await.unwrap();
    groups
        .request_join(code(1).as_str(), bob, Utc::now(), false)
        .await
        .unwrap();
    let left = groups
        .leave_group(
            g.id,
            LeaveRequest {
                user: bob,
                display_name: pursue_domain::user::DisplayName::stored("Bob".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(left, LeaveResult::WithdrewRequest);
    assert!(groups.list_pending(g.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn pushes_go_to_active_members_who_are_not_deleted_and_never_to_the_actor() {
    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let (ann, bob, cy, dee, eve) = (
        user(&mut conn, "ann").await,
        user(&mut conn, "bob").await,
        user(&mut conn, "cy").await,
        user(&mut conn, "dee").await,
        user(&mut conn, "eve").await,
    );
    let groups = repo(&db);
    let g = group(&groups, ann, 1).await.unwrap();
    join(&groups, g.id, 1, bob, ann).await;
    join(&groups, g.id, 1, cy, ann).await;
    join(&groups, g.id, 1, eve, ann).await;
    // dee only asked to join; cy's account is soft-deleted.
    groups
        .request_join(code(1).as_str(), dee, Utc::now(), false)
        .await
        .unwrap();
    diesel::update(users::table.find(cy.as_uuid()))
        .set(users::deleted_at.eq(diesel::dsl::now))
        .execute(&mut conn)
        .await
        .unwrap();
    diesel::delete(diesel_outbox())
        .execute(&mut conn)
        .await
        .unwrap();

    // bob removes eve: the push goes to ann only (not bob the actor, not eve who left,
    // not cy who is deleted, not dee who is pending).
    promote(&groups, g.id, ann, bob).await.unwrap();
    let removed = groups
        .remove_member(
            guard(g.id, bob, GroupAction::RemoveMembers),
            g.id,
            eve,
            bob,
            activity(ActivityType::MemberRemoved, bob),
            push(),
        )
        .await
        .unwrap();
    assert!(removed);
    assert_eq!(push_recipients(&mut conn).await, vec![vec![ann.as_uuid()]]);
    let statuses: Vec<String> = group_memberships::table
        .filter(group_memberships::group_id.eq(g.id.as_uuid()))
        .filter(group_memberships::user_id.eq(eve.as_uuid()))
        .select(group_memberships::status)
        .load(&mut conn)
        .await
        .unwrap();
    assert!(statuses.is_empty());
}

fn diesel_outbox() -> pursue_postgres::schema::outbox::table {
    pursue_postgres::schema::outbox::table
}

#[tokio::test]
async fn invite_codes_are_kept_until_regenerated() {
    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let (ann, bob) = (user(&mut conn, "ann").await, user(&mut conn, "bob").await);
    let groups = repo(&db);
    let g = group(&groups, ann, 1).await.unwrap();

    let first = groups.active_invite(g.id).await.unwrap().unwrap();
    assert_eq!(first.code, code(1).as_str());
    // ensure keeps the active code
    let kept = groups.ensure_invite(g.id, &code(2), ann).await.unwrap();
    assert_eq!(kept.map(|i| i.code), Some(code(1).as_str().to_string()));

    let (new, old) = groups
        .regenerate_invite(
            guard(g.id, ann, GroupAction::RegenerateInvite),
            g.id,
            &code(3),
            ann,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(new.code, code(3).as_str());
    assert_eq!(old.as_deref(), Some(code(1).as_str()));
    assert_eq!(
        groups.active_invite(g.id).await.unwrap().map(|i| i.code),
        Some(code(3).as_str().to_string())
    );
    assert!(matches!(
        groups
            .request_join(code(1).as_str(), bob, Utc::now(), false)
            .await,
        Err(JoinError::InvalidCode)
    ));
    let joined = groups
        .request_join(code(3).as_str(), bob, Utc::now(), false)
        .await
        .unwrap();
    assert_eq!(joined.id, g.id);
}

#[tokio::test]
async fn a_user_creates_ten_groups_at_most() {
    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let ann = user(&mut conn, "ann").await;
    let groups = repo(&db);
    for seed in 1..=10 {
        group(&groups, ann, seed).await.unwrap();
    }
    let Err(CapError::Cap(cap)) = group(&groups, ann, 11).await else {
        panic!("an eleventh group was created");
    };
    // the membership cap (10) is reached at the same time as the creation cap
    assert!(matches!(
        cap.resource,
        CappedResource::GroupsCreated | CappedResource::GroupsJoined
    ));
    assert_eq!(cap.limit, 10);
}

#[tokio::test]
async fn a_write_is_refused_when_the_callers_membership_does_not_allow_it() {
    use pursue_domain::role::Denied;
    use pursue_ports::error::RepoError;

    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let (ann, bob, cy) = (
        user(&mut conn, "ann").await,
        user(&mut conn, "bob").await,
        user(&mut conn, "cy").await,
    );
    let groups = repo(&db);
    let g = group(&groups, ann, 1).await.unwrap();
    join(&groups, g.id, 1, bob, ann).await;
    join(&groups, g.id, 1, cy, ann).await;

    // bob is a plain member: promoting cy is refused and changes nothing.
    let refused = promote(&groups, g.id, bob, cy).await;
    assert!(
        matches!(refused, Err(RepoError::Denied(Denied::RoleTooLow))),
        "{refused:?}"
    );
    assert_eq!(groups.role_of(g.id, cy).await.unwrap(), Some(Role::Member));

    // After leaving, bob is nobody there: not even a member-level write goes through.
    groups
        .leave_group(
            g.id,
            LeaveRequest {
                user: bob,
                display_name: pursue_domain::user::DisplayName::stored("Bob".into()),
            },
        )
        .await
        .unwrap();
    let refused = groups
        .regenerate_invite(
            guard(g.id, bob, GroupAction::RegenerateInvite),
            g.id,
            &code(9),
            bob,
        )
        .await;
    assert!(
        matches!(refused, Err(RepoError::Denied(Denied::NotMember))),
        "{refused:?}"
    );
    assert_eq!(
        groups.active_invite(g.id).await.unwrap().map(|i| i.code),
        Some(code(1).as_str().to_string())
    );
}

#[tokio::test]
async fn an_admin_removed_while_writing_waits_for_the_removal_and_is_refused() {
    use diesel_async::SimpleAsyncConnection;
    use pursue_domain::group::GroupName;
    use pursue_domain::role::Denied;
    use pursue_ports::error::RepoError;
    use pursue_ports::groups::GroupPatch;

    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let (ann, bob) = (user(&mut conn, "ann").await, user(&mut conn, "bob").await);
    let groups = repo(&db);
    let g = group(&groups, ann, 1).await.unwrap();
    join(&groups, g.id, 1, bob, ann).await;
    promote(&groups, g.id, ann, bob).await.unwrap();

    // The removal is under way (not committed) when bob's rename starts.
    conn.batch_execute("BEGIN").await.unwrap();
    diesel::delete(
        group_memberships::table
            .filter(group_memberships::group_id.eq(g.id.as_uuid()))
            .filter(group_memberships::user_id.eq(bob.as_uuid())),
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let rename = {
        let groups = groups.clone();
        tokio::spawn(async move {
            groups
                .update_group(
                    guard(g.id, bob, GroupAction::EditGroup),
                    g.id,
                    GroupPatch {
                        name: Some(GroupName::parse("Taken over").unwrap()),
                        ..GroupPatch::default()
                    },
                    None,
                )
                .await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !rename.is_finished(),
        "the rename did not wait for the removal"
    );
    conn.batch_execute("COMMIT").await.unwrap();
    let refused = rename.await.unwrap();
    assert!(
        matches!(refused, Err(RepoError::Denied(Denied::NotMember))),
        "{refused:?}"
    );
    assert_eq!(
        groups.find_group(g.id).await.unwrap().unwrap().name,
        "Runners"
    );
}

#[tokio::test]
async fn a_deleted_group_has_no_active_roles() {
    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let ann = user(&mut conn, "ann").await;
    let groups = repo(&db);
    let g = group(&groups, ann, 1).await.unwrap();
    assert_eq!(
        groups.role_of(g.id, ann).await.unwrap(),
        Some(Role::Creator)
    );
    // A group the Node server soft-deleted keeps its membership rows.
    diesel::update(pursue_postgres::schema::groups::table.find(g.id.as_uuid()))
        .set(pursue_postgres::schema::groups::deleted_at.eq(diesel::dsl::now))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(groups.role_of(g.id, ann).await.unwrap(), None);
    assert_eq!(groups.find_group(g.id).await.unwrap(), None);
}
