#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use pursue_domain::ids::{GroupId, UserId};
use pursue_ports::error::RepoError;
use pursue_ports::groups::{LeaveResult, MockGroupRepository};
use pursue_ports::subscription_store::{DowngradeCandidate, MockSubscriptionStore};
use uuid::Uuid;

use super::fixtures;
use super::{DowngradeJob, DowngradeReport};

fn gid(n: u128) -> GroupId {
    GroupId::from_uuid(Uuid::from_u128(n))
}

fn candidate(user: u128) -> DowngradeCandidate {
    DowngradeCandidate {
        user: UserId::from_uuid(Uuid::from_u128(user)),
        display_name: pursue_domain::user::DisplayName::stored("Ann".into()),
        groups: vec![gid(1), gid(2), gid(3)],
    }
}

/// A store answering `facts` like [`fixtures::store`] and one page of `candidates`.
fn store(premium: bool, candidates: Vec<DowngradeCandidate>) -> MockSubscriptionStore {
    let mut s = fixtures::store(premium, 3, Some(gid(2)));
    s.expect_downgrade_candidates()
        .times(1)
        .returning(move |before, _, after, limit| {
            assert_eq!(after, None);
            assert!(limit > 0);
            assert!(before < Utc::now());
            Ok(candidates.clone())
        });
    s
}

#[tokio::test]
async fn an_overdue_free_user_leaves_every_group_but_the_kept_one() {
    let mut s = store(false, vec![candidate(7)]);
    s.expect_refresh_cache().times(1).returning(|_| Ok(()));
    let mut groups = MockGroupRepository::new();
    groups
        .expect_leave_group()
        .withf(|g, r| *g != gid(2) && r.display_name == "Ann")
        .times(2)
        .returning(|g, _| {
            Ok(if g == gid(1) {
                LeaveResult::Left { promoted: None }
            } else {
                LeaveResult::GroupDeleted
            })
        });
    let job = DowngradeJob::new(Arc::new(s), Arc::new(groups));
    let report = job.run(Utc::now()).await.unwrap();
    assert_eq!(
        report,
        DowngradeReport {
            users: 1,
            left: 2,
            failed: 0
        }
    );
}

#[tokio::test]
async fn premium_users_and_recent_selections_are_untouched() {
    // Premium: the computed state says nothing is due; the groups are never touched.
    let job = DowngradeJob::new(
        Arc::new(store(true, vec![candidate(7)])),
        Arc::new(MockGroupRepository::new()),
    );
    assert_eq!(
        job.run(Utc::now()).await.unwrap(),
        DowngradeReport::default()
    );
    // The fixture's selection dates from 2026-03-01: not overdue on 2026-03-20.
    let job = DowngradeJob::new(
        Arc::new(store(false, vec![candidate(7)])),
        Arc::new(MockGroupRepository::new()),
    );
    let early = Utc.with_ymd_and_hms(2026, 3, 20, 0, 0, 0).unwrap();
    assert_eq!(job.run(early).await.unwrap(), DowngradeReport::default());
}

#[tokio::test]
async fn a_failing_user_is_counted_and_the_run_goes_on() {
    let mut s = store(false, vec![candidate(7), candidate(8)]);
    s.expect_refresh_cache().times(1).returning(|_| Ok(()));
    let mut groups = MockGroupRepository::new();
    groups
        .expect_leave_group()
        .returning(|_, r| match r.user.as_uuid().as_u128() {
            7 => Err(RepoError::Unavailable(anyhow::anyhow!("down"))),
            _ => Ok(LeaveResult::Left { promoted: None }),
        });
    let job = DowngradeJob::new(Arc::new(s), Arc::new(groups));
    let report = job.run(Utc::now()).await.unwrap();
    assert_eq!(
        report,
        DowngradeReport {
            users: 1,
            left: 2,
            failed: 1
        }
    );
}
