//! Tests of [`super::Config::from_vars`].

use super::*;

fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const GOOD_A: &str = "q8Zr4mWc1Ls9Vb2Nx7Pt5Hy3Kd6Jf0Ga1Bc";
const GOOD_B: &str = "t4Yp9Qw2Ez7Rx1Uc8Io3Ka6Sd5Fg0Hj2Lm";

#[test]
fn defaults_follow_d12() {
    let c = Config::from_vars(&vars(&[])).unwrap();
    assert_eq!(c.environment, Environment::Development);
    assert_eq!(c.host, IpAddr::from([127, 0, 0, 1]));
    assert_eq!(c.port, 8080);
    assert_eq!(c.db_pool_size, 10);
    assert_eq!(c.data_dir, PathBuf::from("./.data"));
    assert!(c.database_url.is_none());
    assert!(c.rate_limits);
    assert_eq!(c.account_purge_days, 30);
    assert_eq!(c.log_format, LogFormat::Json);
    assert_eq!(c.image_store, ImageStoreKind::Postgres);
    assert!(c.google_client_ids.is_empty());
    assert!(c.jwt_secret.is_none());
}

#[test]
fn parses_every_variable() {
    let c = Config::from_vars(&vars(&[
        ("DATABASE_URL", "postgres://u:p@db/pursue"),
        ("PURSUE_DATA_DIR", "/var/lib/pursue"),
        ("HOST", "0.0.0.0"),
        ("PORT", "9000"),
        ("PURSUE_ENV", "production"),
        ("JWT_SECRET", GOOD_A),
        ("JWT_REFRESH_SECRET", GOOD_B),
        ("DB_POOL_SIZE", "25"),
        ("GOOGLE_CLIENT_ID", "web.apps, android.apps"),
        ("RATE_LIMITS", "off"),
        ("ACCOUNT_PURGE_DAYS", "7"),
        ("LOG_FORMAT", "pretty"),
        ("IMAGE_STORE", "s3"),
        ("S3_BUCKET", "pursue-images"),
        ("S3_ENDPOINT", "https://acct.r2.cloudflarestorage.com"),
        ("S3_REGION", "auto"),
        ("S3_ACCESS_KEY_ID", "AKID"),
        ("S3_SECRET_ACCESS_KEY", "s3-secret-value"),
        ("FRONTEND_URL", "https://example.org/"),
        ("CONSENT_HASH_SALT", "a-production-salt-0123456789"),
        ("REFERRAL_SECRET", "w3Ne8Rb5Tc2Ym7Ua4Io9Pd1Sf6Gh0Jk3Zx"),
        ("PURSUE_SHARE_BASE_URL", "https://share.example.org/"),
        (
            "PURSUE_MILESTONE_ASSET_BASE_URL",
            "https://assets.example.org",
        ),
    ]))
    .unwrap();
    assert_eq!(c.share_base_url, "https://share.example.org");
    assert_eq!(c.milestone_asset_base_url, "https://assets.example.org");
    assert!(c.referral_secret.is_some());
    assert_eq!(c.database_url.unwrap().expose(), "postgres://u:p@db/pursue");
    assert_eq!(c.host, IpAddr::from([0, 0, 0, 0]));
    assert_eq!(c.port, 9000);
    assert_eq!(c.environment, Environment::Production);
    assert_eq!(c.db_pool_size, 25);
    assert_eq!(c.google_client_ids, vec!["web.apps", "android.apps"]);
    assert!(!c.rate_limits);
    assert_eq!(c.account_purge_days, 7);
    assert_eq!(c.log_format, LogFormat::Pretty);
    assert_eq!(c.image_store, ImageStoreKind::S3);
    assert_eq!(c.s3.bucket.as_deref(), Some("pursue-images"));
    assert_eq!(
        c.s3.endpoint.as_deref(),
        Some("https://acct.r2.cloudflarestorage.com")
    );
    assert_eq!(c.s3.region.as_deref(), Some("auto"));
    assert_eq!(c.s3.access_key_id.as_deref(), Some("AKID"));
    assert!(!format!("{:?}", c.s3).contains("s3-secret-value"));
    assert_eq!(c.frontend_url, "https://example.org");
}

#[test]
fn production_refuses_missing_secrets() {
    let err = Config::from_vars(&vars(&[("PURSUE_ENV", "production")])).unwrap_err();
    assert_eq!(err.0.len(), 4, "{err}");
    assert!(
        err.to_string()
            .contains("CONSENT_HASH_SALT is required in production")
    );
    assert!(
        err.to_string()
            .contains("REFERRAL_SECRET is required in production")
    );
    assert!(
        err.to_string()
            .contains("JWT_SECRET is required in production")
    );
    assert!(
        err.to_string()
            .contains("JWT_REFRESH_SECRET is required in production")
    );
}

#[test]
fn weak_secrets_are_refused_everywhere() {
    for (secret, expected) in [
        ("short", "at least 32 characters"),
        (&"a".repeat(40)[..], "too repetitive"),
        ("changeme-changeme-changeme-0123456789", "placeholder"),
    ] {
        let err = Config::from_vars(&vars(&[
            ("JWT_SECRET", secret),
            ("JWT_REFRESH_SECRET", GOOD_B),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains(expected), "{secret}: {err}");
    }
    let err = Config::from_vars(&vars(&[
        ("JWT_SECRET", GOOD_A),
        ("JWT_REFRESH_SECRET", GOOD_A),
    ]))
    .unwrap_err();
    assert!(err.to_string().contains("must differ"));
}

#[test]
fn bad_values_name_their_variable() {
    let err = Config::from_vars(&vars(&[
        ("PORT", "eighty"),
        ("HOST", "not-an-ip"),
        ("PURSUE_ENV", "staging"),
        ("RATE_LIMITS", "maybe"),
        ("LOG_FORMAT", "xml"),
        ("IMAGE_STORE", "ftp"),
        ("DB_POOL_SIZE", "0"),
    ]))
    .unwrap_err();
    let text = err.to_string();
    for name in [
        "PORT",
        "HOST",
        "PURSUE_ENV",
        "RATE_LIMITS",
        "LOG_FORMAT",
        "IMAGE_STORE",
        "DB_POOL_SIZE",
    ] {
        assert!(text.contains(name), "{name} missing from {text}");
    }
    assert!(text.contains("LOG_FORMAT must be `json` or `pretty`, not `xml`"));
    assert!(text.contains("IMAGE_STORE must be `postgres` or `s3`, not `ftp`"));
}

#[test]
fn proxy_hops_are_trusted_only_when_asked() {
    let hops = |v: &str| Config::from_vars(&vars(&[("TRUST_PROXY", v)])).map(|c| c.trust_proxy);
    assert_eq!(Config::from_vars(&vars(&[])).unwrap().trust_proxy, 0);
    assert_eq!(hops("on"), Ok(1));
    assert_eq!(hops("off"), Ok(0));
    assert_eq!(hops("2"), Ok(2));
    let err = hops("sometimes").unwrap_err();
    assert!(err.to_string().contains("TRUST_PROXY"));
    assert!(hops("99").is_err());
}

#[test]
fn timeouts_and_redis_have_defaults_and_bounds() {
    let c = Config::from_vars(&vars(&[])).unwrap();
    assert_eq!(
        (c.request_timeout_secs, c.statement_timeout_ms),
        (30, 25_000)
    );
    assert!(c.redis_url.is_none());
    let c = Config::from_vars(&vars(&[("REDIS_URL", "redis://127.0.0.1:6379")])).unwrap();
    assert!(c.redis_url.is_some());
    let err = Config::from_vars(&vars(&[
        ("REQUEST_TIMEOUT_SECS", "0"),
        ("DB_STATEMENT_TIMEOUT_MS", "x"),
        ("REDIS_URL", "localhost"),
    ]))
    .unwrap_err()
    .to_string();
    for name in [
        "REQUEST_TIMEOUT_SECS",
        "DB_STATEMENT_TIMEOUT_MS",
        "REDIS_URL",
    ] {
        assert!(err.contains(name), "{name} missing from {err}");
    }
}

#[test]
fn outbox_timings_have_defaults_and_bounds() {
    let c = Config::from_vars(&vars(&[])).unwrap();
    assert_eq!((c.outbox_poll_ms, c.outbox_retry_base_ms), (500, 2000));
    let c = Config::from_vars(&vars(&[
        ("OUTBOX_POLL_MS", "50"),
        ("OUTBOX_RETRY_BASE_MS", "20"),
    ]))
    .unwrap();
    assert_eq!((c.outbox_poll_ms, c.outbox_retry_base_ms), (50, 20));
    let err = Config::from_vars(&vars(&[
        ("OUTBOX_POLL_MS", "0"),
        ("OUTBOX_RETRY_BASE_MS", "soon"),
    ]))
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("OUTBOX_POLL_MS") && err.contains("OUTBOX_RETRY_BASE_MS"),
        "{err}"
    );
}

#[test]
fn s3_store_needs_a_bucket() {
    let err = Config::from_vars(&vars(&[("IMAGE_STORE", "s3")])).unwrap_err();
    assert!(
        err.to_string().contains("IMAGE_STORE=s3 needs S3_BUCKET"),
        "{err}"
    );
}

#[test]
fn a_bucket_needs_its_keys_and_a_url_endpoint() {
    for store in ["s3", "postgres"] {
        let err = Config::from_vars(&vars(&[
            ("IMAGE_STORE", store),
            ("S3_BUCKET", "b"),
            ("S3_ENDPOINT", "r2.example"),
        ]))
        .unwrap_err();
        let text = err.to_string();
        for name in ["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_ENDPOINT"] {
            assert!(text.contains(name), "{name} missing from {text}");
        }
    }
    // Without a bucket the S3 store is simply not configured.
    let c = Config::from_vars(&vars(&[("S3_REGION", "auto")])).unwrap();
    assert_eq!(c.image_store, ImageStoreKind::Postgres);
    assert!(c.s3.bucket.is_none());
}

#[test]
fn secrets_do_not_leak_through_debug() {
    let c = Config::from_vars(&vars(&[
        ("JWT_SECRET", GOOD_A),
        ("JWT_REFRESH_SECRET", GOOD_B),
    ]))
    .unwrap();
    let printed = format!("{c:?}");
    assert!(!printed.contains(GOOD_A) && !printed.contains(GOOD_B));
}
