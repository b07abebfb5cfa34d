#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use chrono::{Duration, Utc};
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::purchase::{LineItem, PlayPurchase, PlayState, RowStatus};
use pursue_domain::subscription_state::SubscriptionFacts;
use pursue_ports::purchases::{MockPurchaseVerifier, PurchaseError};
use pursue_ports::subscription_store::{
    MockSubscriptionStore, SelectOutcome, StoreOutcome, StoredPurchase,
};
use uuid::Uuid;

use super::{Platform, SubscriptionError, SubscriptionService};

fn uid() -> UserId {
    UserId::from_uuid(Uuid::from_u128(1))
}

fn purchase(state: PlayState, days: i64) -> PlayPurchase {
    PlayPurchase {
        state: Some(state),
        line_items: vec![LineItem {
            product_id: "pursue_premium_annual".into(),
            expiry_time: Some(Utc::now() + Duration::days(days)),
            auto_renew: Some(true),
            latest_successful_order_id: Some("GPA.1".into()),
        }],
        start_time: None,
        latest_order_id: None,
        linked_purchase_token: None,
        raw: "{}".into(),
    }
}

fn stored(status: RowStatus) -> StoredPurchase {
    StoredPurchase {
        subscription_id: Uuid::from_u128(9),
        user: uid(),
        purchase_token: "tok".into(),
        status,
        expires_at: Utc::now() + Duration::days(30),
    }
}

fn svc(store: MockSubscriptionStore, play: MockPurchaseVerifier) -> SubscriptionService {
    SubscriptionService::new(Arc::new(store), Arc::new(play))
}

#[tokio::test]
async fn upgrade_checks_in_the_contract_order_and_never_grants_unverified() {
    // Product, then platform: nothing is asked.
    let s = svc(MockSubscriptionStore::new(), MockPurchaseVerifier::new());
    assert!(matches!(
        s.upgrade(uid(), Platform::GooglePlay, "t", "other").await,
        Err(SubscriptionError::InvalidProduct)
    ));
    assert!(matches!(
        s.upgrade(uid(), Platform::AppStore, "t", "pursue_premium_annual")
            .await,
        Err(SubscriptionError::UnsupportedPlatform)
    ));
    // Held by another account: Google is not asked.
    let mut store = MockSubscriptionStore::new();
    store
        .expect_token_held_by_other()
        .returning(|_, _| Ok(true));
    assert!(matches!(
        svc(store, MockPurchaseVerifier::new())
            .upgrade(uid(), Platform::GooglePlay, "t", "pursue_premium_annual")
            .await,
        Err(SubscriptionError::TokenInUse)
    ));
    // Unknown, not entitled, unavailable: nothing stored.
    for (answer, want) in [
        (Err(PurchaseError::UnknownToken), "invalid"),
        (Ok(purchase(PlayState::Expired, 10)), "invalid"),
        (Ok(purchase(PlayState::Active, -1)), "invalid"),
        (
            Err(PurchaseError::Unavailable(anyhow::anyhow!("down"))),
            "unavailable",
        ),
    ] {
        let mut store = MockSubscriptionStore::new();
        store
            .expect_token_held_by_other()
            .returning(|_, _| Ok(false));
        store.expect_store_purchase().never();
        let mut play = MockPurchaseVerifier::new();
        let answer = std::sync::Mutex::new(Some(answer));
        play.expect_subscription()
            .returning(move |_| answer.lock().unwrap().take().unwrap());
        let r = svc(store, play)
            .upgrade(uid(), Platform::GooglePlay, "t", "pursue_premium_annual")
            .await;
        match (r, want) {
            (Err(SubscriptionError::InvalidToken), "invalid") => {}
            (Err(SubscriptionError::VerificationUnavailable(_)), "unavailable") => {}
            (other, want) => panic!("{other:?} vs {want}"),
        }
    }
    // Verified: stored.
    let mut store = MockSubscriptionStore::new();
    store
        .expect_token_held_by_other()
        .returning(|_, _| Ok(false));
    store
        .expect_store_purchase()
        .withf(|_, p| p.purchase_token == "t" && p.row.status == RowStatus::Cancelled)
        .returning(|_, _| Ok(StoreOutcome::Stored(stored(RowStatus::Cancelled))));
    let mut play = MockPurchaseVerifier::new();
    play.expect_subscription()
        .returning(|_| Ok(purchase(PlayState::Canceled, 10)));
    let up = svc(store, play)
        .upgrade(uid(), Platform::GooglePlay, "t", "pursue_premium_annual")
        .await
        .unwrap();
    assert_eq!(up.purchase.status, RowStatus::Cancelled);
}

#[tokio::test]
async fn cancel_needs_a_premium_row_and_google() {
    let mut store = MockSubscriptionStore::new();
    store.expect_premium_purchase().returning(|_, _| Ok(None));
    assert!(matches!(
        svc(store, MockPurchaseVerifier::new()).cancel(uid()).await,
        Err(SubscriptionError::NotFound)
    ));
    for google_up in [true, false] {
        let mut store = MockSubscriptionStore::new();
        store
            .expect_premium_purchase()
            .returning(|_, _| Ok(Some(stored(RowStatus::Active))));
        store
            .expect_mark_cancelled()
            .times(usize::from(google_up))
            .returning(|_| Ok(()));
        let mut play = MockPurchaseVerifier::new();
        play.expect_cancel().returning(move |_, _| {
            if google_up {
                Ok(())
            } else {
                Err(PurchaseError::Unavailable(anyhow::anyhow!("down")))
            }
        });
        let r = svc(store, play).cancel(uid()).await;
        assert_eq!(r.is_ok(), google_up);
    }
}

fn facts(count: u32) -> SubscriptionFacts {
    SubscriptionFacts {
        premium: None,
        has_expired_premium: true,
        group_count: count,
        kept: None,
    }
}

#[tokio::test]
async fn select_group_needs_over_limit_and_membership() {
    let g = GroupId::from_uuid(Uuid::from_u128(5));
    let mut store = MockSubscriptionStore::new();
    store.expect_facts().returning(|_, _| Ok(facts(1)));
    assert!(matches!(
        svc(store, MockPurchaseVerifier::new())
            .select_group(uid(), g)
            .await,
        Err(SubscriptionError::InvalidState)
    ));
    let mut store = MockSubscriptionStore::new();
    store.expect_facts().returning(|_, _| Ok(facts(3)));
    store
        .expect_select_group()
        .returning(|_, _| Ok(SelectOutcome::InvalidGroup));
    assert!(matches!(
        svc(store, MockPurchaseVerifier::new())
            .select_group(uid(), g)
            .await,
        Err(SubscriptionError::InvalidGroup)
    ));
}

#[tokio::test]
async fn group_limit_follows_the_tier() {
    use super::{GroupLimitAction, GroupLimitReached};
    use pursue_domain::subscription_state::PremiumRow;
    for (premium, count, ok) in [
        (false, 0, true),
        (false, 1, false),
        (true, 9, true),
        (true, 10, false),
    ] {
        let mut store = MockSubscriptionStore::new();
        store.expect_facts().returning(move |_, _| {
            Ok(SubscriptionFacts {
                premium: premium.then(|| PremiumRow {
                    status: RowStatus::Active,
                    expires_at: Utc::now() + Duration::days(1),
                    auto_renew: true,
                }),
                has_expired_premium: false,
                group_count: count,
                kept: None,
            })
        });
        let r = svc(store, MockPurchaseVerifier::new())
            .check_group_limit(uid(), GroupLimitAction::Approve)
            .await
            .unwrap();
        assert_eq!(
            r,
            if ok {
                Ok(())
            } else {
                Err(GroupLimitReached {
                    premium,
                    action: GroupLimitAction::Approve,
                })
            }
        );
    }
}

#[tokio::test]
async fn reverification_extends_expires_or_defers() {
    let now = Utc::now();
    let mut past = stored(RowStatus::Active);
    past.purchase_token = "gone".into();
    past.expires_at = now - Duration::hours(1);
    let mut soon = stored(RowStatus::Active);
    soon.purchase_token = "renewed".into();
    let mut flaky = stored(RowStatus::Active);
    flaky.purchase_token = "flaky".into();
    let rows = vec![past, soon, flaky];
    let mut store = MockSubscriptionStore::new();
    store
        .expect_expiring()
        .withf(move |before, _| *before == now + Duration::hours(24))
        .returning(move |_, _| Ok(rows.clone()));
    store.expect_expire().times(1).returning(|_| Ok(()));
    store
        .expect_store_purchase()
        .withf(|_, p| p.purchase_token == "renewed")
        .times(1)
        .returning(|_, _| Ok(StoreOutcome::Stored(stored(RowStatus::Active))));
    let mut play = MockPurchaseVerifier::new();
    play.expect_subscription().returning(|t| match t {
        "gone" => Err(PurchaseError::UnknownToken),
        "renewed" => Ok(purchase(PlayState::Active, 365)),
        _ => Err(PurchaseError::Unavailable(anyhow::anyhow!("503"))),
    });
    let report = svc(store, play).reverify_expiring(now).await.unwrap();
    assert_eq!(
        (report.refreshed, report.expired, report.skipped),
        (1, 1, 1)
    );
}
