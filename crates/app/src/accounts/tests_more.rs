//! Every branch of the session, reset, profile, Google and deletion use cases.

use std::sync::Arc;

use chrono::Utc;
use pursue_domain::ids::UserId;
use pursue_domain::user::{AuthProvider, DisplayName, Email, Password};
use pursue_ports::auth::{
    IssuedToken, MockPasswordHasher, MockTokenService, PasswordCheck, RefreshClaims, TokenError,
};
use pursue_ports::google::{GoogleError, GoogleIdentity, MockGoogleVerifier};
use pursue_ports::users::{
    CreateAccountError, LinkError, LoginRecord, MockUserRepository, RotateOutcome, UnlinkOutcome,
    UserRecord,
};
use uuid::Uuid;

use super::{AccountError, AccountService, AccountSettings, DeleteProof, ProfileChange};

fn uid() -> UserId {
    UserId::from_uuid(Uuid::from_u128(7))
}

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

fn creds(hash: Option<&str>) -> LoginRecord {
    LoginRecord {
        user: user(uid()),
        password_hash: hash.map(String::from),
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
    t.expect_random_token().returning(|| "plain".into());
    t.expect_verify_refresh().returning(|t| match t {
        "good" => Ok(RefreshClaims {
            user_id: Uuid::from_u128(7),
            token_id: Uuid::from_u128(9),
        }),
        "foreign" => Ok(RefreshClaims {
            user_id: Uuid::from_u128(8),
            token_id: Uuid::from_u128(9),
        }),
        "expired" => Err(TokenError::Expired),
        _ => Err(TokenError::Invalid),
    });
    t
}

fn svc(users: MockUserRepository, hasher: MockPasswordHasher) -> AccountService {
    AccountService::new(Arc::new(users), Arc::new(hasher), Arc::new(tokens())).with_settings(
        AccountSettings {
            frontend_url: "https://app.example".into(),
            purge_days: 30,
            consent_salt: "salt".into(),
            ..AccountSettings::default()
        },
    )
}

fn hasher_says(check: PasswordCheck) -> MockPasswordHasher {
    let mut h = MockPasswordHasher::new();
    h.expect_verify().returning(move |_, _| Ok(check.clone()));
    h.expect_hash().returning(|_| Ok("argon".into()));
    h
}

fn pw() -> Password {
    Password::parse("Newpass123").unwrap()
}

// ---- refresh / logout

#[tokio::test]
async fn refresh_rotates_and_maps_every_outcome() {
    for (outcome, ok) in [
        (RotateOutcome::Rotated(user(uid())), true),
        (RotateOutcome::Reused, false),
        (RotateOutcome::Invalid, false),
    ] {
        let mut users = MockUserRepository::new();
        users
            .expect_rotate_session()
            .withf(|u, old, fp, next| {
                *u == uid()
                    && *old == Uuid::from_u128(9)
                    && fp == "hash-of-good"
                    && next.token_hash == "hash-of-refresh"
            })
            .times(1)
            .return_once(move |_, _, _, _| Ok(outcome));
        let result = svc(users, MockPasswordHasher::new()).refresh("good").await;
        match result {
            Ok(pair) => {
                assert!(ok && pair.access_token == "access" && pair.refresh_token == "refresh")
            }
            Err(e) => assert!(!ok && matches!(e, AccountError::InvalidRefreshToken)),
        }
    }
}

#[tokio::test]
async fn refresh_refuses_bad_or_expired_tokens_without_touching_storage() {
    let s = svc(MockUserRepository::new(), MockPasswordHasher::new());
    for t in ["bad", "expired"] {
        assert!(matches!(
            s.refresh(t).await,
            Err(AccountError::InvalidRefreshToken)
        ));
    }
}

#[tokio::test]
async fn logout_revokes_only_own_verified_tokens() {
    let mut users = MockUserRepository::new();
    users
        .expect_revoke_session()
        .withf(|u, id, fp| *u == uid() && *id == Uuid::from_u128(9) && fp == "hash-of-good")
        .times(1)
        .returning(|_, _, _| Ok(()));
    let s = svc(users, MockPasswordHasher::new());
    s.logout(uid(), "good").await.unwrap();
    s.logout(uid(), "foreign").await.unwrap();
    s.logout(uid(), "bad").await.unwrap();
}

// ---- forgot / reset

#[tokio::test]
async fn forgot_password_queues_the_link_for_active_users_only() {
    let mut users = MockUserRepository::new();
    let mut n = 0;
    users.expect_find_login().returning(move |_| {
        n += 1;
        Ok((n == 1).then(|| creds(Some("h"))))
    });
    users
        .expect_create_reset_token()
        .withf(|u, t, mail| {
            *u == uid()
                && t.token_hash == "hash-of-plain"
                && mail.to == "ann@example.com"
                && mail
                    .text
                    .contains("https://app.example/reset-password?token=plain")
        })
        .times(1)
        .returning(|_, _, _| Ok(()));
    let s = svc(users, MockPasswordHasher::new());
    let email = Email::parse("ann@example.com").unwrap();
    s.forgot_password(email.clone()).await.unwrap();
    s.forgot_password(email).await.unwrap(); // unknown now: nothing queued
}

#[tokio::test]
async fn reset_password_branches() {
    // unknown token
    let mut users = MockUserRepository::new();
    users.expect_find_reset_token().returning(|_| Ok(None));
    let err = svc(users, MockPasswordHasher::new())
        .reset_password("t", pw())
        .await
        .unwrap_err();
    assert!(matches!(err, AccountError::InvalidResetToken));
    // lost race, then success
    for consumed in [false, true] {
        let mut users = MockUserRepository::new();
        users
            .expect_find_reset_token()
            .withf(|h| h == "hash-of-t")
            .returning(|_| Ok(Some(user(uid()))));
        users
            .expect_reset_password()
            .withf(|u, h, p, s| {
                *u == uid() && h == "hash-of-t" && p == "argon" && s.token_hash == "hash-of-refresh"
            })
            .returning(move |_, _, _, _| Ok(consumed));
        let result = svc(users, hasher_says(PasswordCheck::Mismatch))
            .reset_password("t", pw())
            .await;
        assert_eq!(result.is_ok(), consumed);
    }
}

// ---- profile, providers, unlink

#[tokio::test]
async fn profile_and_providers() {
    let mut users = MockUserRepository::new();
    users
        .expect_update_profile()
        .returning(|_, name, verify| Ok((name.is_some() || verify).then(|| user(uid()))));
    users
        .expect_find_credentials()
        .returning(|_| Ok(Some(creds(None))));
    users.expect_list_providers().returning(|_| Ok(vec![]));
    let s = svc(users, MockPasswordHasher::new());
    assert!(
        s.update_profile(
            uid(),
            ProfileChange {
                display_name: Some(DisplayName::parse("A").unwrap()),
                birth_date: None,
            }
        )
        .await
        .is_ok()
    );
    assert!(matches!(
        s.update_profile(uid(), ProfileChange::default()).await,
        Err(AccountError::UserGone)
    ));
    let p = s.providers(uid()).await.unwrap();
    assert!(!p.has_password && p.providers.is_empty());
}

#[tokio::test]
async fn unlink_maps_outcomes() {
    for (outcome, expect) in [
        (UnlinkOutcome::Unlinked, None),
        (UnlinkOutcome::LastProvider, Some("last")),
        (UnlinkOutcome::NotLinked, Some("missing")),
    ] {
        let mut users = MockUserRepository::new();
        users
            .expect_unlink_provider()
            .returning(move |_, _| Ok(outcome));
        let r = svc(users, MockPasswordHasher::new())
            .unlink(uid(), AuthProvider::Google)
            .await;
        match (r, expect) {
            (Ok(()), None) => {}
            (Err(AccountError::CannotUnlinkLastProvider), Some("last")) => {}
            (Err(AccountError::ProviderNotFound), Some("missing")) => {}
            (other, e) => panic!("{other:?} {e:?}"),
        }
    }
}

// ---- change password

#[tokio::test]
async fn change_password_branches() {
    let cases: Vec<(Option<&str>, Option<&str>, PasswordCheck, &str)> = vec![
        (Some("x"), None, PasswordCheck::Mismatch, "no_password"),
        (None, Some("h"), PasswordCheck::Mismatch, "required"),
        (Some("x"), Some("h"), PasswordCheck::Mismatch, "invalid"),
        (
            Some("x"),
            Some("h"),
            PasswordCheck::Match { rehash: None },
            "ok",
        ),
        (None, None, PasswordCheck::Mismatch, "ok"),
    ];
    for (current, stored, check, expect) in cases {
        let stored = stored.map(String::from);
        let mut users = MockUserRepository::new();
        users.expect_find_credentials().returning(move |_| {
            Ok(Some(LoginRecord {
                user: user(uid()),
                password_hash: stored.clone(),
            }))
        });
        users
            .expect_set_password()
            .withf(|_, h| h == "argon")
            .times(usize::from(expect == "ok"))
            .returning(|_, _| Ok(()));
        let r = svc(users, hasher_says(check))
            .change_password(uid(), current.map(String::from), pw())
            .await;
        let got = match r {
            Ok(()) => "ok",
            Err(AccountError::NoPassword) => "no_password",
            Err(AccountError::PasswordRequired) => "required",
            Err(AccountError::InvalidPassword) => "invalid",
            Err(e) => panic!("{e:?}"),
        };
        assert_eq!(got, expect);
    }
}

// ---- deletion and purge

fn proof(confirmation: bool, password: Option<&str>) -> DeleteProof {
    DeleteProof {
        confirmation,
        password: password.map(String::from),
    }
}

#[tokio::test]
async fn delete_account_branches() {
    let matched = PasswordCheck::Match { rehash: None };
    let cases: Vec<(DeleteProof, Option<&str>, PasswordCheck, bool)> = vec![
        (proof(false, Some("p")), Some("h"), matched.clone(), true),
        (
            proof(false, Some("p")),
            Some("h"),
            PasswordCheck::Mismatch,
            false,
        ),
        (
            proof(false, Some("p")),
            None,
            PasswordCheck::Mismatch,
            false,
        ),
        (proof(true, None), None, PasswordCheck::Mismatch, true),
        // The app sends only the confirmation, also for password accounts.
        (proof(true, None), Some("h"), PasswordCheck::Mismatch, true),
        // Both: both must pass.
        (proof(true, Some("p")), Some("h"), matched, true),
        (
            proof(true, Some("p")),
            Some("h"),
            PasswordCheck::Mismatch,
            false,
        ),
        (
            proof(false, None),
            Some("h"),
            PasswordCheck::Mismatch,
            false,
        ),
    ];
    let hash = pursue_domain::user::consent_email_hash("ann@example.com", "salt");
    for (proof, stored, check, ok) in cases {
        let stored = stored.map(String::from);
        let mut users = MockUserRepository::new();
        users.expect_find_credentials().returning(move |_| {
            Ok(Some(LoginRecord {
                user: user(uid()),
                password_hash: stored.clone(),
            }))
        });
        let want = hash.clone();
        users
            .expect_soft_delete()
            .withf(move |u, h, mail| {
                *u == uid()
                    && *h == want
                    && mail.to == "ann@example.com"
                    && mail.text.contains("30 days")
            })
            .times(usize::from(ok))
            .returning(|_, _, _| Ok(()));
        let r = svc(users, hasher_says(check))
            .delete_account(uid(), proof)
            .await;
        assert_eq!(r.is_ok(), ok, "{r:?}");
        if !ok {
            assert!(matches!(r, Err(AccountError::InvalidPassword)));
        }
    }
    let mut users = MockUserRepository::new();
    users.expect_find_credentials().returning(|_| Ok(None));
    let r = svc(users, MockPasswordHasher::new())
        .delete_account(uid(), proof(true, None))
        .await;
    assert!(matches!(r, Err(AccountError::UserGone)));
}

#[tokio::test]
async fn purge_uses_the_grace_period_and_drains_in_batches() {
    let now = Utc::now();
    let mut users = MockUserRepository::new();
    let mut calls = 0;
    users
        .expect_purge_deleted()
        .withf(move |cutoff, limit, salt| {
            *cutoff == now - chrono::Duration::days(30) && *limit == 50 && salt == "salt"
        })
        .times(2)
        .returning(move |_, _, _| {
            calls += 1;
            Ok(if calls == 1 { 50 } else { 3 })
        });
    let n = svc(users, MockPasswordHasher::new())
        .purge_due(now)
        .await
        .unwrap();
    assert_eq!(n, 53);
}

// ---- Google

fn identity(verified: bool) -> GoogleIdentity {
    GoogleIdentity {
        sub: "sub-1".into(),
        email: "Ann@Example.com".into(),
        email_verified: verified,
        name: Some("Ann G".into()),
        picture: None,
    }
}

fn google(result: fn() -> Result<GoogleIdentity, GoogleError>) -> Arc<MockGoogleVerifier> {
    let mut g = MockGoogleVerifier::new();
    g.expect_verify().returning(move |_| result());
    Arc::new(g)
}

#[tokio::test]
async fn google_disabled_and_verifier_errors_map() {
    let s = svc(MockUserRepository::new(), MockPasswordHasher::new());
    assert!(matches!(
        s.google_sign_in("t", true, None).await,
        Err(AccountError::GoogleDisabled)
    ));
    for (f, check) in [
        ((|| Err(GoogleError::Malformed)) as fn() -> _, "malformed"),
        (|| Err(GoogleError::Invalid), "invalid"),
        (|| Err(GoogleError::Disabled), "disabled"),
        (
            || Err(GoogleError::Unavailable(anyhow::anyhow!("down"))),
            "unavailable",
        ),
    ] {
        let s = svc(MockUserRepository::new(), MockPasswordHasher::new()).with_google(google(f));
        let got = match s.google_sign_in("t", true, None).await {
            Err(AccountError::GoogleMalformed) => "malformed",
            Err(AccountError::InvalidGoogleToken) => "invalid",
            Err(AccountError::GoogleDisabled) => "disabled",
            Err(AccountError::GoogleUnavailable(_)) => "unavailable",
            other => panic!("{other:?}"),
        };
        assert_eq!(got, check);
    }
}

#[tokio::test]
async fn google_existing_by_sub_opens_a_session() {
    let mut users = MockUserRepository::new();
    users
        .expect_find_by_google()
        .returning(|_| Ok(Some(user(uid()))));
    users
        .expect_open_session()
        .withf(|u, _, up| *u == uid() && up.is_none())
        .times(1)
        .returning(|_, _, _| Ok(()));
    let s = svc(users, MockPasswordHasher::new()).with_google(google(|| Ok(identity(true))));
    let r = s.google_sign_in("t", true, None).await.unwrap();
    assert!(!r.is_new_user);
}

#[tokio::test]
async fn google_links_by_verified_email_and_refuses_unverified() {
    for verified in [true, false] {
        let mut users = MockUserRepository::new();
        users.expect_find_by_google().returning(|_| Ok(None));
        users
            .expect_find_login()
            .returning(|_| Ok(Some(creds(Some("h")))));
        users
            .expect_link_google()
            .withf(|u, g, s| {
                *u == uid() && g.sub == "sub-1" && g.email == "ann@example.com" && s.is_some()
            })
            .times(usize::from(verified))
            .returning(|_, _, _| Ok(()));
        let f: fn() -> _ = if verified {
            || Ok(identity(true))
        } else {
            || Ok(identity(false))
        };
        let s = svc(users, MockPasswordHasher::new()).with_google(google(f));
        let r = s.google_sign_in("t", true, None).await;
        if verified {
            assert!(!r.unwrap().is_new_user);
        } else {
            assert!(matches!(r, Err(AccountError::InvalidGoogleToken)));
        }
    }
}

#[tokio::test]
async fn google_creates_new_users_and_maps_conflicts() {
    for taken in [false, true] {
        let mut users = MockUserRepository::new();
        users.expect_find_by_google().returning(|_| Ok(None));
        users.expect_find_login().returning(|_| Ok(None));
        users.expect_find_deleted().returning(|_, _| Ok(None));
        users
            .expect_create_google_account()
            .withf(|a, _| {
                a.display_name.as_str() == "Ann G" && a.email.as_str() == "ann@example.com"
            })
            .returning(move |a, _| {
                if taken {
                    Err(CreateAccountError::EmailTaken)
                } else {
                    Ok(user(a.id))
                }
            });
        let s = svc(users, MockPasswordHasher::new()).with_google(google(|| Ok(identity(true))));
        let r = s.google_sign_in("t", true, None).await;
        if taken {
            assert!(matches!(r, Err(AccountError::EmailExists)));
        } else {
            assert!(r.unwrap().is_new_user);
        }
    }
}

#[tokio::test]
async fn link_google_maps_conflicts() {
    for (err, expect) in [
        (None, "ok"),
        (Some(true), "in_use"),
        (Some(false), "already"),
    ] {
        let mut users = MockUserRepository::new();
        users.expect_link_google().returning(move |_, _, s| {
            assert!(s.is_none());
            match err {
                None => Ok(()),
                Some(true) => Err(LinkError::InUse),
                Some(false) => Err(LinkError::AlreadyLinked),
            }
        });
        let s = svc(users, MockPasswordHasher::new()).with_google(google(|| Ok(identity(true))));
        let got = match s.link_google(uid(), "t").await {
            Ok(l) => {
                assert_eq!(l.provider_email, "ann@example.com");
                "ok"
            }
            Err(AccountError::GoogleAccountInUse) => "in_use",
            Err(AccountError::AlreadyLinked) => "already",
            Err(e) => panic!("{e:?}"),
        };
        assert_eq!(got, expect);
    }
}

fn with_picture() -> Result<GoogleIdentity, GoogleError> {
    Ok(GoogleIdentity {
        picture: Some("https://pics.example/ann.jpg".into()),
        ..identity(true)
    })
}

#[tokio::test]
async fn google_pictures_are_imported_for_new_and_avatar_less_linked_accounts_only() {
    // New account: import.
    let mut users = MockUserRepository::new();
    users.expect_find_by_google().returning(|_| Ok(None));
    users.expect_find_login().returning(|_| Ok(None));
    users.expect_find_deleted().returning(|_, _| Ok(None));
    users
        .expect_create_google_account()
        .returning(|a, _| Ok(user(a.id)));
    let s = svc(users, MockPasswordHasher::new()).with_google(google(with_picture));
    let r = s.google_sign_in("t", true, None).await.unwrap();
    assert_eq!(
        r.import_picture.as_deref(),
        Some("https://pics.example/ann.jpg")
    );

    // Linked by e-mail: only when the account has no avatar yet.
    for has_avatar in [false, true] {
        let mut users = MockUserRepository::new();
        users.expect_find_by_google().returning(|_| Ok(None));
        users.expect_find_login().returning(move |_| {
            let mut c = creds(Some("h"));
            c.user.has_avatar = has_avatar;
            Ok(Some(c))
        });
        users.expect_link_google().returning(|_, _, _| Ok(()));
        let s = svc(users, MockPasswordHasher::new()).with_google(google(with_picture));
        let r = s.google_sign_in("t", true, None).await.unwrap();
        assert_eq!(r.import_picture.is_some(), !has_avatar);
    }

    // Known by `sub`: never (the user may have chosen another avatar).
    let mut users = MockUserRepository::new();
    users
        .expect_find_by_google()
        .returning(|_| Ok(Some(user(uid()))));
    users.expect_open_session().returning(|_, _, _| Ok(()));
    let s = svc(users, MockPasswordHasher::new()).with_google(google(with_picture));
    assert_eq!(
        s.google_sign_in("t", true, None)
            .await
            .unwrap()
            .import_picture,
        None
    );
}

#[tokio::test]
async fn google_sign_up_needs_consent_and_records_it() {
    // Without consent: 422 before any write (no create expectation).
    let mut users = MockUserRepository::new();
    users.expect_find_by_google().returning(|_| Ok(None));
    users.expect_find_login().returning(|_| Ok(None));
    users.expect_find_deleted().returning(|_, _| Ok(None));
    let s = svc(users, MockPasswordHasher::new()).with_google(google(|| Ok(identity(true))));
    assert!(matches!(
        s.google_sign_in("t", false, None).await,
        Err(AccountError::ConsentRequired)
    ));

    // With consent: the two policy rows go with the account.
    let mut users = MockUserRepository::new();
    users.expect_find_by_google().returning(|_| Ok(None));
    users.expect_find_login().returning(|_| Ok(None));
    users.expect_find_deleted().returning(|_, _| Ok(None));
    users
        .expect_create_google_account()
        .withf(|a, _| {
            a.consents.types.len() == 2
                && a.consents.ip_address.as_deref() == Some("1.2.3.4")
                && a.consents.action == pursue_domain::user::ConsentAction::Grant
        })
        .times(1)
        .returning(|a, _| Ok(user(a.id)));
    let s = svc(users, MockPasswordHasher::new()).with_google(google(|| Ok(identity(true))));
    assert!(
        s.google_sign_in("t", true, Some("1.2.3.4".into()))
            .await
            .unwrap()
            .is_new_user
    );
}

#[tokio::test]
async fn google_consent_is_not_needed_for_existing_accounts() {
    let mut users = MockUserRepository::new();
    users
        .expect_find_by_google()
        .returning(|_| Ok(Some(user(uid()))));
    users.expect_open_session().returning(|_, _, _| Ok(()));
    let s = svc(users, MockPasswordHasher::new()).with_google(google(|| Ok(identity(true))));
    assert!(
        !s.google_sign_in("t", false, None)
            .await
            .unwrap()
            .is_new_user
    );
}

#[tokio::test]
async fn google_sign_in_of_an_account_in_its_grace_period_is_account_deleted() {
    let deleted_at = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let mut users = MockUserRepository::new();
    users.expect_find_by_google().returning(|_| Ok(None));
    users.expect_find_login().returning(|_| Ok(None));
    users
        .expect_find_deleted()
        .withf(|sub, email| sub == "sub-1" && email.as_str() == "ann@example.com")
        .returning(move |_, _| Ok(Some(deleted_at)));
    let s = svc(users, MockPasswordHasher::new()).with_google(google(|| Ok(identity(true))));
    match s.google_sign_in("t", true, None).await {
        Err(AccountError::AccountDeleted { purge_date }) => {
            assert_eq!(purge_date.to_string(), "2026-03-31")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn profile_birth_date_verifies_the_age() {
    let mut users = MockUserRepository::new();
    users
        .expect_update_profile()
        .withf(|_, name, verify| name.is_none() && *verify)
        .times(1)
        .returning(|_, _, _| {
            let mut u = user(uid());
            u.age_verified = true;
            Ok(Some(u))
        });
    let change = ProfileChange {
        display_name: None,
        birth_date: Some(pursue_domain::user::BirthDate::parse("1990-01-01").unwrap()),
    };
    let s = svc(users, MockPasswordHasher::new());
    assert!(s.update_profile(uid(), change).await.unwrap().age_verified);
}

#[tokio::test]
async fn consents_are_recorded_listed_and_summarised() {
    use pursue_domain::user::{ConsentAction, ConsentType};
    use pursue_ports::users::{ConsentRecord, NewConsents};
    let at = Utc::now();
    let mut users = MockUserRepository::new();
    let mut first = true;
    users
        .expect_record_consents()
        .withf(|u, c| *u == uid() && c.types.len() == 2 && c.action == ConsentAction::Revoke)
        .times(2)
        .returning(move |_, _| {
            let ok = first;
            first = false;
            Ok(ok)
        });
    users.expect_latest_consents().returning(move |_| {
        Ok(vec![ConsentRecord {
            consent_type: "analytics".into(),
            action: "revoke".into(),
            agreed_at: at,
            ip_address: None,
        }])
    });
    users
        .expect_list_consents()
        .withf(|_, limit| *limit > 0)
        .returning(|_, _| Ok(vec![]));
    let s = svc(users, MockPasswordHasher::new());
    let c = || NewConsents {
        types: vec![
            ConsentType::parse("analytics").unwrap(),
            ConsentType::parse("crash_reporting").unwrap(),
        ],
        action: ConsentAction::Revoke,
        ip_address: None,
    };
    assert!(s.record_consents(uid(), c()).await.is_ok());
    assert!(matches!(
        s.record_consents(uid(), c()).await,
        Err(AccountError::UserGone)
    ));
    let status = s.consent_status(uid()).await.unwrap();
    assert_eq!(status[0].consent_type, "analytics");
    assert_eq!(status[0].updated_at, at);
    assert!(s.consents(uid()).await.unwrap().is_empty());
}
