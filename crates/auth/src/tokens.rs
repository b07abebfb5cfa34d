//! HS256 access and refresh tokens (docs/ACCOUNTS.md, Tokens; decision D5 in docs/DECISIONS.md).

use std::time::Duration;

use anyhow::anyhow;
use chrono::Utc;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use pursue_ports::auth::{
    AccessClaims, CryptoError, IssuedToken, RefreshClaims, TokenError, TokenService,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Lifetime of access tokens.
pub const ACCESS_TTL: Duration = Duration::from_secs(60 * 60);
/// Lifetime of refresh tokens.
pub const REFRESH_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);

#[derive(Debug, Serialize, Deserialize)]
struct AccessBody {
    user_id: Uuid,
    email: String,
    iat: i64,
    exp: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct RefreshBody {
    user_id: Uuid,
    token_id: Uuid,
    iat: i64,
    exp: i64,
}

/// Signs with `JWT_SECRET` (access) and `JWT_REFRESH_SECRET` (refresh); accepts HS256 only.
pub struct JwtTokens {
    access_enc: EncodingKey,
    access_dec: DecodingKey,
    refresh_enc: EncodingKey,
    refresh_dec: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for JwtTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtTokens").finish_non_exhaustive()
    }
}

impl JwtTokens {
    /// Keys from the two secrets.
    pub fn new(access_secret: &str, refresh_secret: &str) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        // A token "not valid before" a future time is refused like an expired one.
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp"]);
        Self {
            access_enc: EncodingKey::from_secret(access_secret.as_bytes()),
            access_dec: DecodingKey::from_secret(access_secret.as_bytes()),
            refresh_enc: EncodingKey::from_secret(refresh_secret.as_bytes()),
            refresh_dec: DecodingKey::from_secret(refresh_secret.as_bytes()),
            validation,
        }
    }

    fn sign<T: Serialize>(&self, body: &T, key: &EncodingKey) -> Result<String, CryptoError> {
        encode(&Header::new(Algorithm::HS256), body, key).map_err(|e| CryptoError(anyhow!(e)))
    }
}

fn window(ttl: Duration) -> (i64, i64, chrono::DateTime<Utc>) {
    let now = Utc::now();
    let expires =
        now + chrono::Duration::from_std(ttl).unwrap_or_else(|_| chrono::Duration::hours(1));
    (now.timestamp(), expires.timestamp(), expires)
}

fn token_error(e: jsonwebtoken::errors::Error) -> TokenError {
    match e.kind() {
        ErrorKind::ExpiredSignature => TokenError::Expired,
        _ => TokenError::Invalid,
    }
}

impl TokenService for JwtTokens {
    fn issue_access(&self, user_id: Uuid, email: &str) -> Result<IssuedToken, CryptoError> {
        let (iat, exp, expires_at) = window(ACCESS_TTL);
        let token = self.sign(
            &AccessBody {
                user_id,
                email: email.to_string(),
                iat,
                exp,
            },
            &self.access_enc,
        )?;
        Ok(IssuedToken { token, expires_at })
    }

    fn issue_refresh(&self, user_id: Uuid, token_id: Uuid) -> Result<IssuedToken, CryptoError> {
        let (iat, exp, expires_at) = window(REFRESH_TTL);
        let token = self.sign(
            &RefreshBody {
                user_id,
                token_id,
                iat,
                exp,
            },
            &self.refresh_enc,
        )?;
        Ok(IssuedToken { token, expires_at })
    }

    fn verify_access(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let data =
            decode::<AccessBody>(token, &self.access_dec, &self.validation).map_err(token_error)?;
        Ok(AccessClaims {
            user_id: data.claims.user_id,
            email: data.claims.email,
        })
    }

    fn verify_refresh(&self, token: &str) -> Result<RefreshClaims, TokenError> {
        let data = decode::<RefreshBody>(token, &self.refresh_dec, &self.validation)
            .map_err(token_error)?;
        Ok(RefreshClaims {
            user_id: data.claims.user_id,
            token_id: data.claims.token_id,
        })
    }

    fn fingerprint(&self, token: &str) -> String {
        hex::encode(Sha256::digest(token.as_bytes()))
    }

    fn random_token(&self) -> String {
        let bytes: [u8; 32] = rand::random();
        hex::encode(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "access-secret-access-secret-access-secret";
    const R: &str = "refresh-secret-refresh-secret-refresh-secret";

    #[test]
    fn access_round_trip_and_claims() {
        let t = JwtTokens::new(A, R);
        let user = Uuid::new_v4();
        let issued = t.issue_access(user, "a@b.co").unwrap();
        let claims = t.verify_access(&issued.token).unwrap();
        assert_eq!(
            claims,
            AccessClaims {
                user_id: user,
                email: "a@b.co".into()
            }
        );
        let ttl = issued.expires_at - Utc::now();
        assert!(ttl > chrono::Duration::minutes(59) && ttl <= chrono::Duration::hours(1));
    }

    #[test]
    fn keys_are_not_interchangeable() {
        let t = JwtTokens::new(A, R);
        let refresh = t.issue_refresh(Uuid::new_v4(), Uuid::new_v4()).unwrap();
        assert_eq!(t.verify_access(&refresh.token), Err(TokenError::Invalid));
        let access = t.issue_access(Uuid::new_v4(), "a@b.co").unwrap();
        assert_eq!(
            t.verify_refresh(&access.token).unwrap_err(),
            TokenError::Invalid
        );
        let other = JwtTokens::new("another-secret-another-secret-another", R);
        assert_eq!(other.verify_access(&access.token), Err(TokenError::Invalid));
    }

    #[test]
    fn expired_and_foreign_algorithms_are_refused() {
        let t = JwtTokens::new(A, R);
        let past = Utc::now().timestamp() - 10;
        let body = AccessBody {
            user_id: Uuid::new_v4(),
            email: "a@b.co".into(),
            iat: past - 3600,
            exp: past,
        };
        let expired = encode(
            &Header::new(Algorithm::HS256),
            &body,
            &EncodingKey::from_secret(A.as_bytes()),
        )
        .unwrap();
        assert_eq!(t.verify_access(&expired), Err(TokenError::Expired));
        let body = AccessBody {
            exp: Utc::now().timestamp() + 600,
            ..body
        };
        let hs512 = encode(
            &Header::new(Algorithm::HS512),
            &body,
            &EncodingKey::from_secret(A.as_bytes()),
        )
        .unwrap();
        assert_eq!(t.verify_access(&hs512), Err(TokenError::Invalid));
        // alg "none": header {"alg":"none"} with an empty signature
        let none = format!(
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.",
            hs512.split('.').nth(1).unwrap()
        );
        assert_eq!(t.verify_access(&none), Err(TokenError::Invalid));
        assert_eq!(t.verify_access("garbage"), Err(TokenError::Invalid));
    }

    #[test]
    fn tokens_not_yet_valid_are_refused() {
        #[derive(Serialize)]
        struct WithNbf {
            user_id: Uuid,
            email: String,
            iat: i64,
            exp: i64,
            nbf: i64,
        }
        let t = JwtTokens::new(A, R);
        let now = Utc::now().timestamp();
        let sign = |nbf: i64| {
            let body = WithNbf {
                user_id: Uuid::new_v4(),
                email: "a@b.co".into(),
                iat: now,
                exp: now + 600,
                nbf,
            };
            encode(
                &Header::new(Algorithm::HS256),
                &body,
                &EncodingKey::from_secret(A.as_bytes()),
            )
            .unwrap()
        };
        assert!(t.verify_access(&sign(now + 300)).is_err());
        assert!(t.verify_access(&sign(now - 5)).is_ok());
    }

    #[test]
    fn random_tokens_are_64_hex_and_distinct() {
        let t = JwtTokens::new(A, R);
        let (a, b) = (t.random_token(), t.random_token());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn fingerprint_is_sha256_hex() {
        let t = JwtTokens::new(A, R);
        assert_eq!(
            t.fingerprint("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
