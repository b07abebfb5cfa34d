//! Password rules (decision D4, docs/ACCOUNTS.md, Passwords). The secret never appears in `Debug`.

use std::fmt;

use crate::text::char_len;

/// Why a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than 8 characters.
    #[error("must be at least 8 characters")]
    TooShort,
    /// More than 100 characters.
    #[error("must be at most 100 characters")]
    TooLong,
    /// No lower-case letter.
    #[error("must contain a lower-case letter")]
    MissingLowercase,
    /// No upper-case letter.
    #[error("must contain an upper-case letter")]
    MissingUppercase,
    /// No digit.
    #[error("must contain a digit")]
    MissingDigit,
}

/// A new password that meets the rules: 8–100 code points with at least one
/// lower-case letter, one upper-case letter and one digit. Not trimmed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Shortest accepted password, in code points.
    pub const MIN_CHARS: usize = 8;
    /// Longest accepted password, in code points.
    pub const MAX_CHARS: usize = 100;

    /// Checks the rules; the first failing rule is reported.
    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        let len = char_len(input);
        if len < Self::MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if len > Self::MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if !input.chars().any(char::is_lowercase) {
            return Err(PasswordError::MissingLowercase);
        }
        if !input.chars().any(char::is_uppercase) {
            return Err(PasswordError::MissingUppercase);
        }
        if !input.chars().any(|c| c.is_ascii_digit()) {
            return Err(PasswordError::MissingDigit);
        }
        Ok(Self(input.to_owned()))
    }

    /// The secret, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid() {
        let p = Password::parse("Secret123").unwrap();
        assert_eq!(p.expose(), "Secret123");
        assert!(Password::parse("Ab1 with spaces ").is_ok());
        assert_eq!(Password::parse(" Ab1xxxx ").unwrap().expose(), " Ab1xxxx ");
    }

    #[test]
    fn length_in_code_points() {
        assert_eq!(Password::parse("Ab1defg"), Err(PasswordError::TooShort));
        assert!(Password::parse("Ab1defgh").is_ok());
        let max = format!("Ab1{}", "é".repeat(97));
        assert!(Password::parse(&max).is_ok());
        let over = format!("Ab1{}", "é".repeat(98));
        assert_eq!(Password::parse(&over), Err(PasswordError::TooLong));
        // 4 code points but 16 bytes: still too short.
        assert_eq!(Password::parse("Aé1😀"), Err(PasswordError::TooShort));
    }

    #[test]
    fn character_classes() {
        assert_eq!(
            Password::parse("SECRET123"),
            Err(PasswordError::MissingLowercase)
        );
        assert_eq!(
            Password::parse("secret123"),
            Err(PasswordError::MissingUppercase)
        );
        assert_eq!(
            Password::parse("SecretPass"),
            Err(PasswordError::MissingDigit)
        );
        assert!(Password::parse("ÉCOLEé123").is_ok());
    }

    #[test]
    fn debug_hides_the_secret() {
        let p = Password::parse("Secret123").unwrap();
        let shown = format!("{p:?}");
        assert!(!shown.contains("Secret123"));
        assert_eq!(shown, "Password(<redacted>)");
    }
}
