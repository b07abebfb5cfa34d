//! Invite codes `PURSUE-XXXXXX-XXXXXX`, built from a caller-supplied source of
//! random indices so the domain stays free of I/O.

use std::fmt;

/// Why a string is not a well-formed invite code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InviteCodeError {
    /// Not `PURSUE-` followed by two groups of six characters from [`InviteCode::ALPHABET`].
    #[error("must look like PURSUE-XXXXXX-XXXXXX")]
    InvalidFormat,
}

/// A well-formed invite code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InviteCode(String);

impl InviteCode {
    /// Characters of the random part (no `I`, `O`, `0`, `1`).
    pub const ALPHABET: &'static [u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    /// Fixed prefix.
    pub const PREFIX: &'static str = "PURSUE-";
    /// Length of each random group.
    pub const GROUP_LEN: usize = 6;
    /// Total length of a code.
    pub const LEN: usize = 20;

    /// Trims and upper-cases user input before matching (codes from older servers
    /// may not follow [`InviteCode::parse`]'s format, so look up by this string).
    /// Control characters become U+FFFD, which no code holds, so they cannot reach a
    /// lookup (see docs/SECURITY.md, "Clean text").
    pub fn normalize_input(input: &str) -> String {
        input
            .trim()
            .chars()
            .map(|c| if c.is_control() { '\u{fffd}' } else { c })
            .collect::<String>()
            .to_uppercase()
    }

    /// Builds a code from `next_index(n)`, which must return a uniformly random index in
    /// `0..n` (e.g. from a CSPRNG); out-of-range answers are reduced modulo `n`.
    pub fn from_random(mut next_index: impl FnMut(usize) -> usize) -> Self {
        let n = Self::ALPHABET.len();
        let mut code = String::with_capacity(Self::LEN);
        code.push_str(Self::PREFIX);
        for i in 0..2 * Self::GROUP_LEN {
            if i == Self::GROUP_LEN {
                code.push('-');
            }
            let byte = Self::ALPHABET[next_index(n) % n];
            code.push(char::from(byte));
        }
        Self(code)
    }

    /// Checks the exact format (no normalisation).
    pub fn parse(input: &str) -> Result<Self, InviteCodeError> {
        let bytes = input.as_bytes();
        let well_formed = bytes.len() == Self::LEN
            && input.starts_with(Self::PREFIX)
            && bytes[Self::PREFIX.len() + Self::GROUP_LEN] == b'-'
            && bytes
                .iter()
                .enumerate()
                .skip(Self::PREFIX.len())
                .all(|(i, b)| {
                    i == Self::PREFIX.len() + Self::GROUP_LEN || Self::ALPHABET.contains(b)
                });
        if well_formed {
            Ok(Self(input.to_owned()))
        } else {
            Err(InviteCodeError::InvalidFormat)
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for InviteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn alphabet_has_no_ambiguous_characters() {
        assert_eq!(InviteCode::ALPHABET.len(), 32);
        for c in b"IO01" {
            assert!(!InviteCode::ALPHABET.contains(c));
        }
    }

    #[test]
    fn from_random_uses_the_indices() {
        let mut i = 0;
        let code = InviteCode::from_random(|n| {
            assert_eq!(n, 32);
            i += 1;
            i - 1
        });
        assert_eq!(code.as_str(), "PURSUE-ABCDEF-GHJKLM");
        assert_eq!(
            InviteCode::from_random(|_| 31).as_str(),
            "PURSUE-999999-999999"
        );
        // Out-of-range indices wrap instead of panicking.
        assert_eq!(
            InviteCode::from_random(|_| 32 + 8).as_str(),
            "PURSUE-JJJJJJ-JJJJJJ"
        );
        assert_eq!(
            InviteCode::from_random(|_| usize::MAX).to_string(),
            "PURSUE-999999-999999"
        );
    }

    #[test]
    fn normalize_input() {
        assert_eq!(
            InviteCode::normalize_input("  pursue-abcdef-ghjklm\n"),
            "PURSUE-ABCDEF-GHJKLM"
        );
    }

    #[test]
    fn parse_format() {
        assert!(InviteCode::parse("PURSUE-ABCDEF-GHJK23").is_ok());
        for bad in [
            "",
            "PURSUE-ABCDEF-GHJKL",
            "PURSUE-ABCDEF-GHJKLMN",
            "pursue-ABCDEF-GHJKLM",
            "PURSUE-ABCDEF GHJKLM",
            "PURSUE-ABCDEFGHJKLM-",
            "PURSUE-ABCDE0-GHJKLM",
            "PURSUE-ABCDEI-GHJKLM",
            "PURSUE-abcdef-ghjklm",
            "PURSUX-ABCDEF-GHJKLM",
            "PURSUE-ABCDEF-GHJKLÉ",
        ] {
            assert_eq!(
                InviteCode::parse(bad),
                Err(InviteCodeError::InvalidFormat),
                "{bad:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn random_codes_are_well_formed(seed in proptest::collection::vec(0usize..1000, 12)) {
            let mut it = seed.into_iter();
            let code = InviteCode::from_random(|_| it.next().unwrap_or(0));
            prop_assert_eq!(InviteCode::parse(code.as_str()), Ok(code.clone()));
            prop_assert_eq!(InviteCode::normalize_input(&code.as_str().to_lowercase()), code.into_inner());
        }
    }
}
