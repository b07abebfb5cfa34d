//! Every branch of the account use cases, with mocked ports.

use std::sync::Arc;

use chrono::Utc;
use mockall::predicate::eq;
use pursue_domain::ids::UserId;
use pursue_domain::user::{DisplayName, Email, Password};
use pursue_ports::auth::{
    AccessClaims, IssuedToken, MockPasswordHasher, MockTokenService, PasswordCheck, TokenError,
};
use pursue_ports::error::RepoError;
use pursue_ports::users::{CreateAccountError, LoginRecord, MockUserRepository, UserRecord};
use uuid::Uuid;

use super::{AccountError, AccountService, AuthError};

fn user(id: UserId) -> UserRecord {
    UserRecord {
        id,
        email: pursue_domain::user::Email::stored("ann@example.com".into()),
        display_name: pursue_domain::user::DisplayName::stored("Ann".into()),
        has_avatar: false,
        age_verified: false,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn tokens() -> MockTokenService {
    let mut t = MockTokenService::new();
    t.expect_issue_access().returning(|_, _| {
        Ok(IssuedToken {
            token: "access".into(),
            expires_at: Utc::now(),
        })
    });
    t.expect_issue_refresh().returning(|_, _| {
        Ok(IssuedToken {
            token: "refresh".into(),
            expires_at: Utc::now(),
        })
    });
    t.expect_fingerprint().returning(|t| format!("hash-of-{t}"));
    t
}

fn service(
    users: MockUserRepository,
    hasher: MockPasswordHasher,
    tokens: MockTokenService,
) -> AccountService {
    AccountService::new(Arc::new(users), Arc::new(hasher), Arc::new(tokens))
}

fn registration() -> crate::accounts::Registration {
    crate::accounts::Registration {
        email: email(),
        password: Password::parse("Secret123").unwrap(),
        display_name: DisplayName::parse("Ann").unwrap(),
        birth_date: pursue_domain::user::BirthDate::parse("1990-05-01").unwrap(),
    }
}

fn email() -> Email {
    Email::parse("Ann@Example.com ").unwrap()
}

#[tokio::test]
async fn register_refuses_a_taken_email_without_hashing() {
    let mut users = MockUserRepository::new();
    users.expect_email_taken().returning(|_| Ok(true));
    let hasher = MockPasswordHasher::new(); // no expectation: hashing would panic
    let err = service(users, hasher, tokens())
        .register(registration(), Some("10.0.0.1".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, AccountError::EmailExists));
}

#[tokio::test]
async fn register_maps_a_lost_race_to_email_exists() {
    let mut users = MockUserRepository::new();
    users.expect_email_taken().returning(|_| Ok(false));
    users
        .expect_create_account()
        .returning(|_, _| Err(CreateAccountError::EmailTaken));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_hash().returning(|_| Ok("argon".into()));
    let err = service(users, hasher, tokens())
        .register(registration(), Some("10.0.0.1".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, AccountError::EmailExists));
}

#[tokio::test]
async fn register_stores_the_hash_and_the_session_fingerprint() {
    let mut users = MockUserRepository::new();
    users.expect_email_taken().returning(|_| Ok(false));
    users
        .expect_create_account()
        .withf(|account, session| {
            account.email.as_str() == "ann@example.com"
                && account.password_hash == "argon"
                && account.consents.ip_address.as_deref() == Some("10.0.0.1")
                && account
                    .consents
                    .types
                    .iter()
                    .map(|t| t.as_str())
                    .eq(["terms Feb 11, 2026", "privacy policy Mar 3, 2026"])
                && session.token_hash == "hash-of-refresh"
        })
        .returning(|account, _| Ok(user(account.id)));
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_hash()
        .with(eq("Secret123"))
        .returning(|_| Ok("argon".into()));
    let session = service(users, hasher, tokens())
        .register(registration(), Some("10.0.0.1".into()))
        .await
        .unwrap();
    assert_eq!(
        (
            session.access_token.as_str(),
            session.refresh_token.as_str()
        ),
        ("access", "refresh")
    );
}

#[tokio::test]
async fn login_with_unknown_email_does_dummy_work_and_fails() {
    let mut users = MockUserRepository::new();
    users.expect_find_login().returning(|_| Ok(None));
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_verify()
        .with(eq("Secret123"), eq(None))
        .times(1)
        .returning(|_, _| Ok(PasswordCheck::Mismatch));
    let err = service(users, hasher, tokens())
        .login(email(), "Secret123")
        .await
        .unwrap_err();
    assert!(matches!(err, AccountError::InvalidCredentials));
}

#[tokio::test]
async fn login_with_wrong_password_fails_the_same_way() {
    let id = UserId::from_uuid(Uuid::new_v4());
    let mut users = MockUserRepository::new();
    users.expect_find_login().returning(move |_| {
        Ok(Some(LoginRecord {
            user: user(id),
            password_hash: Some("argon".into()),
        }))
    });
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_verify()
        .returning(|_, _| Ok(PasswordCheck::Mismatch));
    let err = service(users, hasher, tokens())
        .login(email(), "Wrong123")
        .await
        .unwrap_err();
    assert!(matches!(err, AccountError::InvalidCredentials));
}

#[tokio::test]
async fn login_upgrades_legacy_hashes_in_the_same_write_as_the_session() {
    let id = UserId::from_uuid(Uuid::new_v4());
    let mut users = MockUserRepository::new();
    users.expect_find_login().returning(move |_| {
        Ok(Some(LoginRecord {
            user: user(id),
            password_hash: Some("$2b$10$x".into()),
        }))
    });
    users
        .expect_open_session()
        .withf(move |u, s, upgraded| {
            *u == id && s.token_hash == "hash-of-refresh" && upgraded.as_deref() == Some("argon")
        })
        .times(1)
        .returning(|_, _, _| Ok(()));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().returning(|_, _| {
        Ok(PasswordCheck::Match {
            rehash: Some("argon".into()),
        })
    });
    let session = service(users, hasher, tokens())
        .login(email(), "Secret123")
        .await
        .unwrap();
    assert_eq!(session.user.id, id);
}

#[tokio::test]
async fn login_storage_failures_surface() {
    let mut users = MockUserRepository::new();
    users
        .expect_find_login()
        .returning(|_| Err(RepoError::Unavailable(anyhow::anyhow!("down"))));
    let err = service(users, MockPasswordHasher::new(), tokens())
        .login(email(), "x")
        .await
        .unwrap_err();
    assert!(matches!(err, AccountError::Repo(RepoError::Unavailable(_))));
}

#[tokio::test]
async fn authenticate_checks_token_then_user() {
    let id = UserId::from_uuid(Uuid::new_v4());
    let mut t = MockTokenService::new();
    t.expect_verify_access()
        .with(eq("bad"))
        .returning(|_| Err(TokenError::Invalid));
    t.expect_verify_access()
        .with(eq("expired"))
        .returning(|_| Err(TokenError::Expired));
    t.expect_verify_access().with(eq("gone")).returning(|_| {
        Ok(AccessClaims {
            user_id: Uuid::nil(),
            email: "x@y.z".into(),
        })
    });
    t.expect_verify_access()
        .with(eq("good"))
        .returning(move |_| {
            Ok(AccessClaims {
                user_id: id.as_uuid(),
                email: "ann@example.com".into(),
            })
        });
    let mut users = MockUserRepository::new();
    users
        .expect_find_active()
        .returning(move |u| Ok((u == id).then(|| user(id))));
    let svc = service(users, MockPasswordHasher::new(), t);
    assert!(matches!(
        svc.authenticate("bad").await,
        Err(AuthError::InvalidToken)
    ));
    assert!(matches!(
        svc.authenticate("expired").await,
        Err(AuthError::InvalidToken)
    ));
    assert!(matches!(
        svc.authenticate("gone").await,
        Err(AuthError::InvalidToken)
    ));
    assert_eq!(svc.authenticate("good").await.unwrap().id, id);
}
