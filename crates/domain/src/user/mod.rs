//! Users: e-mail, display name, password rules and sign-in providers.

mod age;
mod consent;
mod email;
mod password;

pub use age::{AdultBirthDate, BirthDate, BirthDateError, MIN_AGE, age_on};
pub use consent::{
    ConsentAction, ConsentType, PolicyVersion, consent_email_hash, signup_consent_types,
};

pub use email::{Email, EmailError};
pub use password::{Password, PasswordError};

use crate::text::{TextError, truncate_chars};

bounded_text!(
    /// A display name: trimmed, 1–100 code points.
    pub struct DisplayName, 1, 100
);

impl DisplayName {
    /// Trims `input`, cuts it to 100 code points and trims again (Google's `name`).
    pub fn truncated(input: &str) -> Result<Self, TextError> {
        Self::parse(truncate_chars(input.trim(), Self::MAX_CHARS))
    }
}

string_enum!(
    /// How a user signs in.
    pub enum AuthProvider {
        /// E-mail and password.
        Email => "email",
        /// Google ID token.
        Google => "google",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_is_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ann ").unwrap().as_str(), "Ann");
        assert_eq!(DisplayName::parse(" \t"), Err(TextError::Empty));
        assert!(DisplayName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(
            DisplayName::parse(&"é".repeat(101)),
            Err(TextError::TooLong { max: 100 })
        );
    }

    #[test]
    fn stored_values_are_shown_as_they_are() {
        // A row an earlier server wrote (too long, untrimmed) reads back unchanged, while a
        // new value still has to pass the rule.
        let legacy = format!(" {} ", "x".repeat(150));
        let stored = DisplayName::stored(legacy.clone());
        assert_eq!(stored, legacy.as_str());
        assert_eq!(stored.len(), 152, "dereferences to the stored text");
        assert_eq!(String::from(stored), legacy);
        assert!(DisplayName::parse(&legacy).is_err());
        let email = Email::stored("Old@Example.com".into());
        assert_eq!(email, "Old@Example.com");
    }

    #[test]
    fn display_name_truncated_cuts_long_google_names() {
        let long = format!("  {}", "x".repeat(150));
        assert_eq!(
            DisplayName::truncated(&long)
                .unwrap()
                .as_str()
                .chars()
                .count(),
            100
        );
        let spaced = format!("{} y", "x".repeat(99));
        assert_eq!(
            DisplayName::truncated(&spaced).unwrap().as_str(),
            "x".repeat(99)
        );
        assert_eq!(DisplayName::truncated("   "), Err(TextError::Empty));
    }

    #[test]
    fn auth_provider_names() {
        assert_eq!(AuthProvider::parse("email"), Ok(AuthProvider::Email));
        assert_eq!(AuthProvider::parse("google"), Ok(AuthProvider::Google));
        assert!(AuthProvider::parse("Google").is_err());
        assert!(AuthProvider::parse("facebook").is_err());
        for p in AuthProvider::ALL {
            assert_eq!(AuthProvider::parse(p.as_str()), Ok(*p));
            assert_eq!(p.to_string(), p.as_str());
        }
    }
}
