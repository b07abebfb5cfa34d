//! E-mail addresses, normalised (trimmed, lower-cased) before storing or comparing.

use std::fmt;

use crate::text::{Lines, char_len, is_forbidden_char};

/// Why an e-mail address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Empty after trimming.
    #[error("must not be empty")]
    Empty,
    /// More than 255 code points.
    #[error("must be at most 255 characters")]
    TooLong,
    /// Not a plausible address.
    #[error("must be a valid e-mail address")]
    Invalid,
}

/// A plausible e-mail address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Longest accepted address, in code points.
    pub const MAX_CHARS: usize = 255;

    /// Trims, lower-cases and checks: one `@`, a non-empty local part, a domain of
    /// non-empty dot-separated labels (at least two), no whitespace, ≤ 255 code points.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let normalised = input.trim().to_lowercase();
        if normalised.is_empty() {
            return Err(EmailError::Empty);
        }
        if char_len(&normalised) > Self::MAX_CHARS {
            return Err(EmailError::TooLong);
        }
        if !plausible(&normalised) {
            return Err(EmailError::Invalid);
        }
        Ok(Self(normalised))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The normalised address, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

stored_text!(Email);

fn plausible(address: &str) -> bool {
    if address
        .chars()
        .any(|c| c.is_whitespace() || is_forbidden_char(c, Lines::Single))
    {
        return false;
    }
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    if local.is_empty() || domain.contains('@') {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2 && labels.iter().all(|label| !label.is_empty())
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        let e = Email::parse("  Ann.Lee+tag@Example.COM \n").unwrap();
        assert_eq!(e.as_str(), "ann.lee+tag@example.com");
        assert_eq!(e.to_string(), "ann.lee+tag@example.com");
        assert_eq!(e.into_inner(), "ann.lee+tag@example.com");
    }

    #[test]
    fn accepts_plausible_addresses() {
        for ok in ["a@b.co", "x.y@sub.domain.org", "ünï@例え.jp", "o'neil@x.ie"] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_implausible_addresses() {
        for bad in [
            "plain",
            "@example.com",
            "a@",
            "a@localhost",
            "a@@b.com",
            "a@b@c.com",
            "a b@c.com",
            "a@b .com",
            "a@.com",
            "a@b.",
            "a@b..com",
            "a\u{7}@b.com",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Invalid), "{bad:?}");
        }
    }

    #[test]
    fn empty_and_length() {
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        let domain = "@example.com";
        let local_ok = "a".repeat(255 - domain.len());
        assert!(Email::parse(&format!("{local_ok}{domain}")).is_ok());
        let local_long = "a".repeat(256 - domain.len());
        assert_eq!(
            Email::parse(&format!("{local_long}{domain}")),
            Err(EmailError::TooLong)
        );
        // Counted in code points, not bytes.
        let local_multi = "é".repeat(255 - domain.len());
        assert!(Email::parse(&format!("{local_multi}{domain}")).is_ok());
    }
}
