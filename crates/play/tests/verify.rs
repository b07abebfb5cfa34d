//! The Google Play adapter against the local Play fake.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use chrono::{Duration, Utc};
use pursue_domain::purchase::{PlayState, RowStatus};
use pursue_fcm::ServiceAccount;
use pursue_play::{GooglePlay, PlayConfig, UnconfiguredPlay};
use pursue_ports::purchases::{PurchaseError, PurchaseVerifier};
use pursue_testkit::fakes::PlayFake;
use pursue_testkit::fakes::play::FAKE_PACKAGE;

fn client(fake: &PlayFake) -> GooglePlay {
    let account = ServiceAccount::from_json(&fake.service_account_json()).unwrap();
    GooglePlay::new(
        PlayConfig {
            base_url: fake.base_url(),
            package_name: FAKE_PACKAGE.into(),
        },
        &account,
    )
    .unwrap()
}

#[tokio::test]
async fn states_map_to_rows_and_the_access_token_is_cached() {
    let fake = PlayFake::start().await;
    let play = client(&fake);
    let later = Utc::now() + Duration::days(300);
    for (token, state, want) in [
        (
            "t-active",
            "SUBSCRIPTION_STATE_ACTIVE",
            (true, RowStatus::Active),
        ),
        (
            "t-cancel",
            "SUBSCRIPTION_STATE_CANCELED",
            (true, RowStatus::Cancelled),
        ),
        (
            "t-grace",
            "SUBSCRIPTION_STATE_IN_GRACE_PERIOD",
            (true, RowStatus::GracePeriod),
        ),
        (
            "t-expired",
            "SUBSCRIPTION_STATE_EXPIRED",
            (false, RowStatus::Expired),
        ),
        (
            "t-hold",
            "SUBSCRIPTION_STATE_ON_HOLD",
            (false, RowStatus::Expired),
        ),
    ] {
        fake.set(
            token,
            PlayFake::purchase(state, later, &format!("GPA.{token}")),
        );
        let p = play.subscription(token).await.unwrap();
        assert_eq!(p.state.map(PlayState::as_str), Some(state));
        let row = p.to_row(Utc::now()).unwrap();
        assert_eq!((row.entitled, row.status), want, "{token}");
        assert_eq!(row.order_id, Some(format!("GPA.{token}")));
        assert!((row.expires_at - later).num_seconds().abs() <= 1);
    }
    assert_eq!(fake.token_requests(), 1, "one grant serves every call");
    // An active purchase whose expiry passed does not entitle.
    fake.set(
        "t-old",
        PlayFake::purchase(
            "SUBSCRIPTION_STATE_ACTIVE",
            Utc::now() - Duration::hours(1),
            "GPA.o",
        ),
    );
    let row = play
        .subscription("t-old")
        .await
        .unwrap()
        .to_row(Utc::now())
        .unwrap();
    assert!(!row.entitled);
}

#[tokio::test]
async fn unknown_tokens_and_outages_are_told_apart() {
    let fake = PlayFake::start().await;
    let play = client(&fake);
    assert!(matches!(
        play.subscription("never-seen").await,
        Err(PurchaseError::UnknownToken)
    ));
    for status in [400, 404, 410] {
        fake.forget_with("gone", status);
        assert!(
            matches!(
                play.subscription("gone").await,
                Err(PurchaseError::UnknownToken)
            ),
            "{status}"
        );
    }
    fake.set_down(true);
    assert!(matches!(
        play.subscription("gone").await,
        Err(PurchaseError::Unavailable(_))
    ));
    fake.set_down(false);
    // No service account: never verified.
    assert!(matches!(
        UnconfiguredPlay.subscription("t").await,
        Err(PurchaseError::Unavailable(_))
    ));
}

#[tokio::test]
async fn cancel_calls_the_api() {
    let fake = PlayFake::start().await;
    let play = client(&fake);
    fake.set(
        "t1",
        PlayFake::purchase(
            "SUBSCRIPTION_STATE_ACTIVE",
            Utc::now() + Duration::days(10),
            "GPA.1",
        ),
    );
    play.cancel("pursue_premium_annual", "t1").await.unwrap();
    assert_eq!(fake.cancelled(), ["t1"]);
    let p = play.subscription("t1").await.unwrap();
    assert_eq!(p.state, Some(PlayState::Canceled));
    assert_eq!(p.line_items[0].auto_renew, Some(false));
    assert!(matches!(
        play.cancel("pursue_premium_annual", "nope").await,
        Err(PurchaseError::UnknownToken)
    ));
}

#[tokio::test]
async fn a_refused_service_account_is_unavailable() {
    let fake = PlayFake::start().await;
    let mut json: serde_json::Value = serde_json::from_str(&fake.service_account_json()).unwrap();
    json["client_email"] = "someone-else@example.com".into();
    let account = ServiceAccount::from_json(&json.to_string()).unwrap();
    let play = GooglePlay::new(
        PlayConfig {
            base_url: fake.base_url(),
            package_name: FAKE_PACKAGE.into(),
        },
        &account,
    )
    .unwrap();
    assert!(matches!(
        play.subscription("t").await,
        Err(PurchaseError::Unavailable(_))
    ));
}
