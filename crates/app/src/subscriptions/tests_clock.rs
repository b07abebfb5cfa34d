//! Subscription use cases at a fixed instant (clock port): the store decides entitlement
//! and expiry against the instant the clock reads, never the system time.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use pursue_domain::ids::UserId;
use pursue_domain::subscription_state::SubscriptionFacts;
use pursue_ports::clock::MockClock;
use pursue_ports::purchases::MockPurchaseVerifier;
use pursue_ports::subscription_store::MockSubscriptionStore;
use uuid::Uuid;

use super::SubscriptionService;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 2, 29, 23, 59, 59).unwrap()
}

#[tokio::test]
async fn the_state_is_computed_at_the_clock_instant() {
    let mut clock = MockClock::new();
    clock.expect_now().returning(at);
    let mut store = MockSubscriptionStore::new();
    store
        .expect_facts()
        .withf(|_, now| *now == at())
        .times(1)
        .returning(|_, _| {
            Ok(SubscriptionFacts {
                premium: None,
                has_expired_premium: true,
                group_count: 1,
                kept: None,
            })
        });
    let service = SubscriptionService::new(Arc::new(store), Arc::new(MockPurchaseVerifier::new()))
        .with_clock(Arc::new(clock));
    let state = service
        .state(UserId::from_uuid(Uuid::from_u128(1)))
        .await
        .unwrap();
    assert!(!state.premium);
    assert_eq!(state.group_count, 1);
}
