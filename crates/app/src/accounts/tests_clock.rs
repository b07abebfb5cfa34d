//! The account use cases at a fixed instant and with fixed ids (clock and id ports).

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use pursue_domain::ids::UserId;
use pursue_domain::user::{BirthDate, DisplayName, Email, Password};
use pursue_ports::auth::{IssuedToken, MockPasswordHasher, MockTokenService};
use pursue_ports::clock::{MockClock, MockIdGen};
use pursue_ports::users::{LoginRecord, MockUserRepository, UserRecord};
use uuid::Uuid;

use super::reset::RESET_TTL_MINUTES;
use super::{AccountService, Registration};

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 29, 0, 30, 0).unwrap()
}

fn user(id: UserId) -> UserRecord {
    UserRecord {
        id,
        email: pursue_domain::user::Email::stored("ann@example.com".into()),
        display_name: pursue_domain::user::DisplayName::stored("Ann".into()),
        has_avatar: false,
        age_verified: true,
        created_at: at(),
        updated_at: at(),
    }
}

fn tokens() -> MockTokenService {
    let mut t = MockTokenService::new();
    t.expect_issue_access().returning(|_, _| {
        Ok(IssuedToken {
            token: "access".into(),
            expires_at: at(),
        })
    });
    t.expect_issue_refresh().returning(|_, _| {
        Ok(IssuedToken {
            token: "refresh".into(),
            expires_at: at(),
        })
    });
    t.expect_random_token().returning(|| "plain".into());
    t.expect_fingerprint().returning(|t| format!("hash-of-{t}"));
    t
}

fn clock() -> MockClock {
    let mut clock = MockClock::new();
    clock.expect_now().returning(at);
    clock
}

#[tokio::test]
async fn a_reset_link_expires_one_hour_after_the_clock_reads() {
    let mut users = MockUserRepository::new();
    users.expect_find_login().returning(|_| {
        Ok(Some(LoginRecord {
            user: user(UserId::from_uuid(Uuid::from_u128(1))),
            password_hash: Some("h".into()),
        }))
    });
    users
        .expect_create_reset_token()
        .withf(|_, row, _| row.expires_at == at() + Duration::minutes(RESET_TTL_MINUTES))
        .times(1)
        .returning(|_, _, _| Ok(()));
    let service = AccountService::new(
        Arc::new(users),
        Arc::new(MockPasswordHasher::new()),
        Arc::new(tokens()),
    )
    .with_clock(Arc::new(clock()));
    let email = Email::parse("ann@example.com").unwrap();
    service.forgot_password(email).await.unwrap();
}

#[tokio::test]
async fn a_new_account_and_its_first_session_take_their_ids_from_the_id_port() {
    let mut ids = MockIdGen::new();
    let mut next = 0u128;
    ids.expect_new_id().times(2).returning(move || {
        next += 1;
        Uuid::from_u128(next)
    });
    let mut users = MockUserRepository::new();
    users.expect_email_taken().returning(|_| Ok(false));
    users
        .expect_create_account()
        .withf(|account, session| {
            account.id == UserId::from_uuid(Uuid::from_u128(1)) && session.id == Uuid::from_u128(2)
        })
        .times(1)
        .returning(|account, _| Ok(user(account.id)));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_hash().returning(|_| Ok("argon".into()));
    let service = AccountService::new(Arc::new(users), Arc::new(hasher), Arc::new(tokens()))
        .with_clock(Arc::new(clock()))
        .with_ids(Arc::new(ids));
    let registration = Registration {
        email: Email::parse("ann@example.com").unwrap(),
        password: Password::parse("Secret123").unwrap(),
        display_name: DisplayName::parse("Ann").unwrap(),
        birth_date: BirthDate::parse("1990-05-01").unwrap(),
    };
    let session = service.register(registration, None).await.unwrap();
    assert_eq!(session.user.id, UserId::from_uuid(Uuid::from_u128(1)));
}

fn signing_up(birth: &str) -> Registration {
    Registration {
        email: Email::parse("kid@example.com").unwrap(),
        password: Password::parse("Secret123").unwrap(),
        display_name: DisplayName::parse("Kid").unwrap(),
        birth_date: BirthDate::parse(birth).unwrap(),
    }
}

/// No expectation on the repository or the hasher: a refused age touches neither.
fn untouched() -> AccountService {
    AccountService::new(
        Arc::new(MockUserRepository::new()),
        Arc::new(MockPasswordHasher::new()),
        Arc::new(tokens()),
    )
    .with_clock(Arc::new(clock()))
}

#[tokio::test]
async fn the_age_rule_reads_the_clock_day() {
    use super::{AccountError, ProfileChange};

    // The clock reads 2026-03-29: born 2008-03-29 is eighteen today, a day later is not.
    let service = untouched();
    let minor = service.register(signing_up("2008-03-30"), None).await;
    assert!(matches!(
        minor,
        Err(AccountError::UnderAge { signing_up: true })
    ));
    let future = service.register(signing_up("2026-03-30"), None).await;
    assert!(matches!(future, Err(AccountError::InvalidBirthDate)));
    let change = ProfileChange {
        display_name: Some(DisplayName::parse("Kid").unwrap()),
        birth_date: Some(BirthDate::parse("2008-03-30").unwrap()),
    };
    assert!(matches!(
        service
            .update_profile(UserId::from_uuid(Uuid::nil()), change)
            .await,
        Err(AccountError::UnderAge { signing_up: false })
    ));

    let mut users = MockUserRepository::new();
    users.expect_email_taken().returning(|_| Ok(true));
    let adult_today = AccountService::new(
        Arc::new(users),
        Arc::new(MockPasswordHasher::new()),
        Arc::new(tokens()),
    )
    .with_clock(Arc::new(clock()))
    .register(signing_up("2008-03-29"), None)
    .await;
    assert!(matches!(adult_today, Err(AccountError::EmailExists)));
}
