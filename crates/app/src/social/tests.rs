//! Branches of the social use cases, with mocked ports.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use pursue_domain::goal::{Cadence, MetricType};
use pursue_domain::ids::{GoalId, GroupId, UserId};
use pursue_domain::role::Role;
use pursue_domain::social::Emoji;
use pursue_ports::goals::{GoalRecord, MockGoalRepository};
use pursue_ports::groups::{GroupRecord, MemberRecord, MockGroupRepository};
use pursue_ports::social::{
    ActivityRef, MockSocialRepository, NudgeError, NudgeRecord, ReactionRecord,
};
use pursue_ports::users::UserRecord;
use serde_json::json;
use uuid::Uuid;

use super::{SendNudge, SocialError, SocialService};
use crate::errors::CoreError;

fn uid(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

fn gid() -> GroupId {
    GroupId::from_uuid(Uuid::from_u128(99))
}

fn caller() -> UserRecord {
    UserRecord {
        id: uid(1),
        email: pursue_domain::user::Email::stored("ann@example.com".into()),
        display_name: pursue_domain::user::DisplayName::stored("Ann Lee".into()),
        has_avatar: false,
        age_verified: true,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
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

fn groups(role: Option<Role>) -> MockGroupRepository {
    let mut r = MockGroupRepository::new();
    r.expect_find_group().returning(|_| Ok(Some(group())));
    r.expect_role_of().returning(move |_, _| Ok(role));
    r.expect_membership_of().returning(|_, _| Ok(None));
    r
}

fn goal(group: GroupId, archived: bool) -> GoalRecord {
    GoalRecord {
        id: GoalId::from_uuid(Uuid::from_u128(7)),
        group_id: group,
        title: pursue_domain::goal::GoalTitle::stored("Run".into()),
        description: None,
        cadence: Cadence::Daily,
        metric: MetricType::Binary,
        target_value: None,
        unit: None,
        created_by_user_id: None,
        created_at: Utc::now(),
        archived_at: archived.then(Utc::now),
        active_days: None,
        log_title_prompt: None,
    }
}

fn service(
    s: MockSocialRepository,
    g: MockGroupRepository,
    goals: MockGoalRepository,
) -> SocialService {
    SocialService::new(Arc::new(s), Arc::new(g), Arc::new(goals))
}

fn activity(kind: &str, owner: Option<UserId>) -> ActivityRef {
    ActivityRef {
        id: Uuid::from_u128(5),
        group: gid(),
        activity_type: kind.into(),
        owner,
        metadata: json!({"goal_id": Uuid::from_u128(7).to_string(), "goal_title": "Run"}),
    }
}

fn stored() -> ReactionRecord {
    ReactionRecord {
        activity_id: Uuid::from_u128(5),
        user: uid(1),
        emoji: "🔥".into(),
        created_at: Utc::now(),
    }
}

fn fire() -> Emoji {
    Emoji::parse("🔥").unwrap_or_else(|_| unreachable!())
}

#[tokio::test]
async fn a_reaction_to_another_users_log_carries_the_owners_notice() {
    let mut s = MockSocialRepository::new();
    s.expect_find_activity()
        .returning(|_| Ok(Some(activity("progress_logged", Some(uid(2))))));
    s.expect_put_reaction()
        .withf(|guard, _, user, emoji, notice| {
            let Some(n) = notice else { return false };
            if guard.action != pursue_domain::role::GroupAction::ReadActivity
                || guard.user != uid(1)
            {
                return false;
            }
            let push = n.push.as_ref().map(|p| (p.title.as_str(), p.body.as_str()));
            *user == uid(1)
                && emoji == "🔥"
                && n.user == uid(2)
                && n.kind == pursue_domain::notification::NotificationType::ReactionReceived
                && n.actor == Some(uid(1))
                && n.goal == Some(GoalId::from_uuid(Uuid::from_u128(7)))
                && n.metadata == json!({"emoji": "🔥"})
                && push == Some(("Runners", "Ann Lee reacted 🔥 to your Run log"))
        })
        .times(1)
        .returning(|_, _, _, _, _| Ok((stored(), false)));
    let svc = service(s, groups(Some(Role::Member)), MockGoalRepository::new());
    let (_, replaced) = svc
        .put_reaction(&caller(), Uuid::from_u128(5), fire())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!replaced);
}

#[tokio::test]
async fn own_logs_and_other_activity_types_carry_no_notice() {
    for a in [
        activity("progress_logged", Some(uid(1))),
        activity("member_joined", Some(uid(2))),
        activity("progress_logged", None),
    ] {
        let mut s = MockSocialRepository::new();
        s.expect_find_activity()
            .returning(move |_| Ok(Some(a.clone())));
        s.expect_put_reaction()
            .withf(|_, _, _, _, notice| notice.is_none())
            .times(1)
            .returning(|_, _, _, _, _| Ok((stored(), true)));
        let svc = service(s, groups(Some(Role::Admin)), MockGoalRepository::new());
        assert!(
            svc.put_reaction(&caller(), Uuid::from_u128(5), fire())
                .await
                .is_ok()
        );
    }
}

#[tokio::test]
async fn unknown_activities_are_404_and_outsiders_403() {
    let mut s = MockSocialRepository::new();
    s.expect_find_activity().returning(|_| Ok(None));
    let svc = service(s, groups(Some(Role::Member)), MockGoalRepository::new());
    assert!(matches!(
        svc.list_reactions(&caller(), Uuid::nil()).await,
        Err(SocialError::Core(CoreError::NotFound))
    ));

    let mut s = MockSocialRepository::new();
    s.expect_find_activity()
        .returning(|_| Ok(Some(activity("progress_logged", Some(uid(2))))));
    let svc = service(s, groups(None), MockGoalRepository::new());
    assert!(matches!(
        svc.remove_reaction(&caller(), Uuid::nil()).await,
        Err(SocialError::Core(CoreError::Forbidden(_)))
    ));

    let mut s = MockSocialRepository::new();
    s.expect_find_activity()
        .returning(|_| Ok(Some(activity("progress_logged", Some(uid(2))))));
    s.expect_delete_reaction().returning(|_, _, _| Ok(false));
    let svc = service(s, groups(Some(Role::Member)), MockGoalRepository::new());
    assert!(matches!(
        svc.remove_reaction(&caller(), Uuid::nil()).await,
        Err(SocialError::Core(CoreError::NotFound))
    ));
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn nudge(recipient: UserId, goal: Option<GoalId>, date: NaiveDate) -> SendNudge {
    SendNudge {
        recipient,
        group: gid(),
        goal,
        sender_local_date: date,
    }
}

fn with_member(mut g: MockGroupRepository, present: bool) -> MockGroupRepository {
    g.expect_find_member().returning(move |_, user| {
        Ok(present.then(|| MemberRecord {
            user_id: user,
            display_name: pursue_domain::user::DisplayName::stored("Bob Stone".into()),
            has_avatar: false,
            role: Role::Member,
            joined_at: Utc::now(),
        }))
    });
    g
}

#[tokio::test]
async fn nudge_checks_run_in_order() {
    let now = Utc::now();
    // The date window comes first, then self, then the group (the mocks would panic).
    let svc = service(
        MockSocialRepository::new(),
        MockGroupRepository::new(),
        MockGoalRepository::new(),
    );
    let far = today() - chrono::Duration::days(3);
    assert!(matches!(
        svc.send_nudge(&caller(), nudge(uid(1), None, far), now)
            .await,
        Err(SocialError::Core(CoreError::Invalid {
            field: "sender_local_date",
            ..
        }))
    ));
    assert!(matches!(
        svc.send_nudge(&caller(), nudge(uid(1), None, today()), now)
            .await,
        Err(SocialError::CannotNudgeSelf)
    ));
    // Outsider.
    let svc = service(
        MockSocialRepository::new(),
        groups(None),
        MockGoalRepository::new(),
    );
    assert!(matches!(
        svc.send_nudge(&caller(), nudge(uid(2), None, today()), now)
            .await,
        Err(SocialError::Core(CoreError::Forbidden(_)))
    ));
    // Recipient not a member.
    let svc = service(
        MockSocialRepository::new(),
        with_member(groups(Some(Role::Member)), false),
        MockGoalRepository::new(),
    );
    assert!(matches!(
        svc.send_nudge(&caller(), nudge(uid(2), None, today()), now)
            .await,
        Err(SocialError::RecipientNotInGroup)
    ));
    // A goal of another group, then an archived goal.
    for other in [
        goal(GroupId::from_uuid(Uuid::from_u128(98)), false),
        goal(gid(), true),
    ] {
        let mut goals = MockGoalRepository::new();
        goals
            .expect_find_goal()
            .returning(move |_| Ok(Some(other.clone())));
        let svc = service(
            MockSocialRepository::new(),
            with_member(groups(Some(Role::Member)), true),
            goals,
        );
        let g = Some(GoalId::from_uuid(Uuid::from_u128(7)));
        assert!(matches!(
            svc.send_nudge(&caller(), nudge(uid(2), g, today()), now)
                .await,
            Err(SocialError::Core(CoreError::Invalid {
                field: "goal_id",
                ..
            }))
        ));
    }
}

#[tokio::test]
async fn off_days_and_the_stored_limits_are_refused() {
    use chrono::Datelike;
    let now = Utc::now();
    let date = today();
    let other_days = 0x7f & !(1 << date.weekday().num_days_from_sunday());
    let mut goals = MockGoalRepository::new();
    goals
        .expect_find_goal()
        .returning(|_| Ok(Some(goal(gid(), false))));
    let mut s = MockSocialRepository::new();
    s.expect_goal_active_days()
        .returning(move |_| Ok(Some(other_days)));
    let svc = service(s, with_member(groups(Some(Role::Member)), true), goals);
    let g = Some(GoalId::from_uuid(Uuid::from_u128(7)));
    assert!(matches!(
        svc.send_nudge(&caller(), nudge(uid(2), g, date), now).await,
        Err(SocialError::GoalOffDay)
    ));

    for (stored, expected) in [
        (NudgeError::AlreadyNudged, "already"),
        (NudgeError::DailyLimit, "limit"),
    ] {
        let mut s = MockSocialRepository::new();
        let stored = std::sync::Mutex::new(Some(stored));
        s.expect_send_nudge().returning(move |_, _, _, _, _| {
            Err(stored
                .lock()
                .ok()
                .and_then(|mut s| s.take())
                .unwrap_or(NudgeError::DailyLimit))
        });
        let svc = service(
            s,
            with_member(groups(Some(Role::Member)), true),
            MockGoalRepository::new(),
        );
        let got = svc
            .send_nudge(&caller(), nudge(uid(2), None, date), now)
            .await;
        match expected {
            "already" => assert!(matches!(got, Err(SocialError::AlreadyNudged))),
            _ => assert!(matches!(got, Err(SocialError::DailyLimit))),
        }
    }
}

#[tokio::test]
async fn a_nudge_stores_the_activity_and_the_recipients_notice() {
    let mut s = MockSocialRepository::new();
    s.expect_send_nudge()
        .withf(|guard, n, limit, act, notice| {
            let push = notice.push.as_ref();
            guard.action == pursue_domain::role::GroupAction::ReadMembers
                && guard.user == uid(1)
                && n.recipient == uid(2)
                && *limit == 20
                && act.metadata["recipient_display_name"] == "Bob Stone"
                && act.metadata["goal_title"].is_null()
                && notice.kind == pursue_domain::notification::NotificationType::NudgeReceived
                && notice.user == uid(2)
                && push.map(|p| p.body.as_str())
                    == Some("Ann Lee is rooting for you! Keep going today. 💪")
                && push.and_then(|p| p.extras.get("sender_user_id")).cloned()
                    == Some(uid(1).to_string())
        })
        .times(1)
        .returning(|_, n, _, _, _| {
            Ok(NudgeRecord {
                id: Uuid::nil(),
                recipient: n.recipient,
                group: n.group,
                goal: n.goal,
                sent_at: Utc::now(),
            })
        });
    let svc = service(
        s,
        with_member(groups(Some(Role::Member)), true),
        MockGoalRepository::new(),
    );
    assert!(
        svc.send_nudge(&caller(), nudge(uid(2), None, today()), Utc::now())
            .await
            .is_ok()
    );
}

mod milestones {
    use std::sync::{Arc, Mutex};

    use chrono::{Duration, Utc};
    use pursue_domain::ids::{GoalId, GroupId, UserId};
    use pursue_ports::outbox::MilestoneCheck;
    use pursue_ports::social::{MilestoneFacts, MockMilestoneRepository};
    use uuid::Uuid;

    use crate::social::{MilestoneHandler, MilestoneLinks};

    fn facts(rank: i64, days: i64, latest_is_new: bool) -> MilestoneFacts {
        let today = Utc::now().date_naive();
        MilestoneFacts {
            user: UserId::from_uuid(Uuid::from_u128(1)),
            goal: GoalId::from_uuid(Uuid::from_u128(7)),
            group: GroupId::from_uuid(Uuid::from_u128(99)),
            goal_title: pursue_domain::goal::GoalTitle::stored("Run".into()),
            user_date: today,
            rank,
            latest_goal_date: if latest_is_new {
                today
            } else {
                today + Duration::days(1)
            },
            goal_dates: (0..days).map(|d| today - Duration::days(d)).collect(),
            active_days: None,
        }
    }

    async fn granted(f: MilestoneFacts) -> Vec<(String, Option<i64>, String)> {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut repo = MockMilestoneRepository::new();
        repo.expect_milestone_facts()
            .returning(move |_| Ok(Some(f.clone())));
        repo.expect_referral_token()
            .returning(|_| Ok("abcdef012345".into()));
        let log = seen.clone();
        repo.expect_grant_milestone()
            .returning(move |key, again, notice| {
                let title = notice.push.map(|p| p.title).unwrap_or_default();
                log.lock().unwrap().push((key, again, title));
                Ok(true)
            });
        let handler = MilestoneHandler::new(
            Arc::new(repo),
            MilestoneLinks {
                share_base_url: "https://s".into(),
                asset_base_url: "https://a".into(),
            },
        );
        handler
            .check(MilestoneCheck {
                entry_id: Uuid::nil(),
            })
            .await
            .unwrap();
        seen.lock().unwrap().clone()
    }

    #[tokio::test]
    async fn first_log_and_a_seven_day_streak_are_granted() {
        let goal = Uuid::from_u128(7);
        assert_eq!(
            granted(facts(1, 7, true)).await,
            vec![
                ("first_log".into(), None, "🎉 First log!".into()),
                (
                    format!("streak_7:{goal}"),
                    Some(14),
                    "🎉 7-day streak!".into()
                ),
            ]
        );
    }

    #[tokio::test]
    async fn backdated_entries_and_other_counts_earn_nothing() {
        assert!(granted(facts(2, 7, false)).await.is_empty());
        assert!(granted(facts(3, 6, true)).await.is_empty());
        assert_eq!(
            granted(facts(100, 1, true)).await,
            vec![("total_logs_100".into(), None, "🎉 100 total logs!".into())]
        );
    }

    #[tokio::test]
    async fn a_vanished_entry_is_done() {
        let mut repo = MockMilestoneRepository::new();
        repo.expect_milestone_facts().returning(|_| Ok(None));
        let handler = MilestoneHandler::new(
            Arc::new(repo),
            MilestoneLinks {
                share_base_url: "https://s".into(),
                asset_base_url: "https://a".into(),
            },
        );
        assert!(
            handler
                .check(MilestoneCheck {
                    entry_id: Uuid::nil()
                })
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn the_card_is_stamped_with_the_clock_instant() {
        use chrono::TimeZone;
        use pursue_ports::clock::MockClock;

        let at = Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap();
        let mut clock = MockClock::new();
        clock.expect_now().return_const(at);
        let cards = Arc::new(Mutex::new(Vec::new()));
        let mut repo = MockMilestoneRepository::new();
        repo.expect_milestone_facts()
            .returning(|_| Ok(Some(facts(1, 1, true))));
        repo.expect_referral_token()
            .returning(|_| Ok("abcdef012345".into()));
        let seen = cards.clone();
        repo.expect_grant_milestone()
            .returning(move |_, _, notice| {
                seen.lock().unwrap().push(notice.shareable_card_data);
                Ok(true)
            });
        MilestoneHandler::new(
            Arc::new(repo),
            MilestoneLinks {
                share_base_url: "https://s".into(),
                asset_base_url: "https://a".into(),
            },
        )
        .with_clock(Arc::new(clock))
        .check(MilestoneCheck {
            entry_id: Uuid::nil(),
        })
        .await
        .unwrap();
        let cards = cards.lock().unwrap();
        assert_eq!(cards.len(), 1, "the first log only");
        let card = cards[0].as_ref().unwrap();
        assert_eq!(card["generated_at"], serde_json::json!(at));
        assert_eq!(card["referral_token"], "abcdef012345");
    }
}
