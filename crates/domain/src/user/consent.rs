//! Consents: policy versions, consent types and actions, and the e-mail hash kept on
//! consent rows after an account is deleted (see docs/API.md, Age and consents).

use sha2::{Digest, Sha256};

/// A policy version as the app parses it: `Mmm d, yyyy` (e.g. `Feb 11, 2026`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion(String);

impl PolicyVersion {
    /// Checks the shape `^[A-Z][a-z]{2} \d{1,2}, \d{4}$`.
    pub fn parse(input: &str) -> Option<Self> {
        let (month, rest) = input.split_at_checked(3)?;
        let mut m = month.chars();
        let month_ok =
            m.next().is_some_and(|c| c.is_ascii_uppercase()) && m.all(|c| c.is_ascii_lowercase());
        let rest = rest.strip_prefix(' ')?;
        let (day, year) = rest.split_once(", ")?;
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        let ok = month_ok
            && (1..=2).contains(&day.len())
            && digits(day)
            && year.len() == 4
            && digits(year);
        ok.then(|| Self(input.to_string()))
    }

    /// The version text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The default terms version (`Feb 11, 2026`).
    pub fn default_terms() -> Self {
        Self("Feb 11, 2026".into())
    }

    /// The default privacy-policy version (`Mar 3, 2026`).
    pub fn default_privacy() -> Self {
        Self("Mar 3, 2026".into())
    }
}

/// The consent rows a sign-up writes: `terms <version>` and `privacy policy <version>`.
pub fn signup_consent_types(terms: &PolicyVersion, privacy: &PolicyVersion) -> Vec<ConsentType> {
    vec![
        ConsentType(format!("terms {}", terms.as_str())),
        ConsentType(format!("privacy policy {}", privacy.as_str())),
    ]
}

/// A consent type: 1–50 characters (kept as sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentType(String);

impl ConsentType {
    /// Longest accepted type, in characters.
    pub const MAX_CHARS: usize = 50;

    /// Accepts 1–50 characters.
    pub fn parse(input: &str) -> Option<Self> {
        let n = input.chars().count();
        (1..=Self::MAX_CHARS)
            .contains(&n)
            .then(|| Self(input.to_string()))
    }

    /// The type text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_enum!(
    /// Whether a consent row grants or revokes.
    pub enum ConsentAction {
        /// Consent given.
        Grant => "grant",
        /// Consent withdrawn.
        Revoke => "revoke",
    }
);

/// `hex(SHA-256(lower(email) ‖ salt))`: lets an operator find a deleted user's consent
/// rows from an e-mail address without keeping the address.
pub fn consent_email_hash(email: &str, salt: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(email.trim().to_lowercase().as_bytes());
    hasher.update(salt.as_bytes());
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_versions_must_look_like_the_app_expects() {
        for good in ["Feb 11, 2026", "Mar 3, 2026"] {
            assert_eq!(PolicyVersion::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "feb 11, 2026",
            "FEB 11, 2026",
            "Feb 111, 2026",
            "Feb 11 2026",
            "Feb 11, 26",
            "2026-02-11",
            "",
            "Fé 1, 2026",
        ] {
            assert!(PolicyVersion::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn signup_writes_terms_and_privacy_rows() {
        let t = PolicyVersion::parse("Feb 11, 2026").unwrap();
        let p = PolicyVersion::parse("Mar 3, 2026").unwrap();
        let types: Vec<_> = signup_consent_types(&t, &p)
            .into_iter()
            .map(|c| c.as_str().to_string())
            .collect();
        assert_eq!(types, ["terms Feb 11, 2026", "privacy policy Mar 3, 2026"]);
    }

    #[test]
    fn consent_types_are_bounded() {
        assert!(ConsentType::parse("").is_none());
        assert!(ConsentType::parse(&"a".repeat(50)).is_some());
        assert!(ConsentType::parse(&"a".repeat(51)).is_none());
    }

    #[test]
    fn email_hash_is_salted_sha256_of_the_lower_cased_address() {
        assert_eq!(
            consent_email_hash("ann@example.com", "salt"),
            "e21a870540b69a95a8b32740b879b383d69946570f5c23a668f38fc17c718612"
        );
        assert_eq!(
            consent_email_hash("Ann@Example.com", "salt"),
            consent_email_hash("ann@example.com", "salt")
        );
        assert_ne!(
            consent_email_hash("ann@example.com", "salt"),
            consent_email_hash("ann@example.com", "pepper")
        );
        assert_eq!(consent_email_hash("a", "").len(), 64);
    }
}
