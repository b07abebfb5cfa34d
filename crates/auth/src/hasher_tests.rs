use std::time::Duration;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use pursue_ports::auth::HasherBusy;

use super::*;

fn small(size: usize, queue: usize, wait: Duration) -> Argon2Hasher {
    Argon2Hasher::with_settings(HasherSettings {
        memory_kib: 1024,
        iterations: 1,
        pool: PoolSettings { size, queue, wait },
    })
    .unwrap()
}

/// Occupies one hashing thread until the returned sender is dropped or sent to.
async fn hold(h: &Argon2Hasher) -> (std::sync::mpsc::Sender<()>, tokio::task::JoinHandle<()>) {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let pool = h.pool.clone();
    let before = h.stats().running;
    let task = tokio::spawn(async move {
        let _ = pool
            .run(Box::new(move |_: &mut [Block]| {
                let _ = rx.recv();
                Ok(())
            }))
            .await;
    });
    while h.stats().running == before {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    (tx, task)
}

#[tokio::test]
async fn argon2id_round_trip_with_the_default_cost() {
    let h = Argon2Hasher::new().unwrap();
    let hash = h.hash("Secret123").await.unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{hash}");
    assert_eq!(
        h.verify("Secret123", Some(hash.clone())).await.unwrap(),
        PasswordCheck::Match { rehash: None }
    );
    assert_eq!(
        h.verify("Secret124", Some(hash.clone())).await.unwrap(),
        PasswordCheck::Mismatch
    );
    // The reference implementation accepts what the pool wrote.
    let parsed = PasswordHash::new(&hash).unwrap();
    assert!(
        Argon2::default()
            .verify_password(b"Secret123", &parsed)
            .is_ok()
    );
}

#[tokio::test]
async fn hashes_of_other_settings_verify_and_are_upgraded() {
    let h = Argon2Hasher::new().unwrap();
    for (m, t) in [
        (19 * 1024, 2),
        (12 * 1024, 3),
        (9 * 1024, 4),
        (64 * 1024, 1),
    ] {
        let old = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(m, t, 1, None).unwrap(),
        )
        .hash_password(b"Secret123")
        .unwrap()
        .to_string();
        match h.verify("Secret123", Some(old.clone())).await.unwrap() {
            PasswordCheck::Match { rehash: Some(new) } => {
                assert!(new.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{new}");
                assert_eq!(
                    h.verify("Secret123", Some(new)).await.unwrap(),
                    PasswordCheck::Match { rehash: None }
                );
            }
            other => panic!("m={m} t={t}: {other:?}"),
        }
        assert_eq!(
            h.verify("Secret12", Some(old)).await.unwrap(),
            PasswordCheck::Mismatch
        );
    }
}

#[tokio::test]
async fn bcrypt_hashes_verify_and_ask_for_an_upgrade() {
    let h = Argon2Hasher::new().unwrap();
    for prefix in ["$2a$", "$2b$", "$2y$"] {
        let legacy = bcrypt::hash("Secret123", 4)
            .unwrap()
            .replacen("$2b$", prefix, 1);
        match h.verify("Secret123", Some(legacy.clone())).await.unwrap() {
            PasswordCheck::Match { rehash: Some(new) } => {
                assert!(new.starts_with("$argon2id$"));
                assert_eq!(
                    h.verify("Secret123", Some(new)).await.unwrap(),
                    PasswordCheck::Match { rehash: None }
                );
            }
            other => panic!("{prefix}: {other:?}"),
        }
        assert_eq!(
            h.verify("Wrong1234", Some(legacy)).await.unwrap(),
            PasswordCheck::Mismatch
        );
    }
}

#[tokio::test]
async fn missing_or_garbage_hashes_are_mismatches() {
    let h = Argon2Hasher::new().unwrap();
    for stored in [
        None,
        Some("not-a-hash".to_string()),
        Some("$2b$garbage".to_string()),
        Some("$argon2id$v=19$m=4294967295,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into()),
    ] {
        assert_eq!(
            h.verify("Secret123", stored.clone()).await.unwrap(),
            PasswordCheck::Mismatch,
            "{stored:?}"
        );
    }
}

#[tokio::test]
async fn a_request_beyond_the_queue_is_refused_as_busy() {
    let h = small(1, 1, Duration::from_secs(30));
    let (release, holder) = hold(&h).await;
    // The one queue place is taken by this hash...
    let queued = {
        let h = h.clone();
        tokio::spawn(async move { h.hash("Secret123").await })
    };
    while h.stats().waiting == 0 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    // ...so the next request is refused at once.
    let err = h.verify("Secret123", None).await.unwrap_err();
    assert_eq!(
        err.as_busy(),
        Some(HasherBusy {
            retry_after_secs: 1
        })
    );
    assert_eq!(h.stats().rejected, 1);
    release.send(()).unwrap();
    holder.await.unwrap();
    assert!(queued.await.unwrap().unwrap().starts_with("$argon2id$"));
    // With the thread free again, hashing works.
    assert!(h.hash("Secret123").await.is_ok());
}

#[tokio::test]
async fn a_request_that_waited_too_long_is_refused_as_busy() {
    let h = small(1, 4, Duration::from_millis(20));
    let (release, holder) = hold(&h).await;
    let waiting = {
        let h = h.clone();
        tokio::spawn(async move { h.hash("Secret123").await })
    };
    tokio::time::sleep(Duration::from_millis(60)).await;
    release.send(()).unwrap();
    holder.await.unwrap();
    let err = waiting.await.unwrap().unwrap_err();
    assert!(err.as_busy().is_some(), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_pool_never_runs_more_hashes_than_its_size() {
    let h = small(2, 64, Duration::from_secs(60));
    let tasks: Vec<_> = (0..24)
        .map(|i| {
            let h = h.clone();
            tokio::spawn(async move { h.hash(&format!("Secret{i:03}")).await })
        })
        .collect();
    for task in tasks {
        assert!(task.await.unwrap().is_ok());
    }
    let stats = h.stats();
    assert_eq!(stats.completed, 24);
    assert_eq!(stats.rejected, 0);
    assert!(
        (1..=2).contains(&stats.peak_running),
        "peak {}",
        stats.peak_running
    );
    assert_eq!(stats.running, 0);
}

#[tokio::test]
async fn unknown_accounts_cost_a_hash_and_never_match() {
    let h = small(1, 0, Duration::from_secs(5));
    assert_eq!(
        h.verify("Secret123", None).await.unwrap(),
        PasswordCheck::Mismatch
    );
    assert_eq!(h.stats().completed, 1);
}
