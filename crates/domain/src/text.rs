//! Shared text rules: lengths in code points and errors for enum names.

/// Why a bounded text value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Empty (or only whitespace) where a value is required.
    #[error("must not be empty")]
    Empty,
    /// Longer than allowed.
    #[error("must be at most {max} characters")]
    TooLong {
        /// Maximum length in Unicode code points.
        max: usize,
    },
}

/// A string that is not one of an enum's wire names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of: {}", .expected.join(", "))]
pub struct UnknownVariant {
    expected: &'static [&'static str],
}

impl UnknownVariant {
    /// An error listing the accepted names.
    pub const fn new(expected: &'static [&'static str]) -> Self {
        Self { expected }
    }

    /// The accepted names.
    pub const fn expected(&self) -> &'static [&'static str] {
        self.expected
    }
}

/// Number of Unicode code points in `s` (the contract's unit for string lengths).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Trims `input` and checks `min ..= max` code points (`min` of 0 allows empty).
pub(crate) fn bounded(input: &str, min: usize, max: usize) -> Result<String, TextError> {
    let trimmed = input.trim();
    let len = char_len(trimmed);
    if len < min {
        return Err(TextError::Empty);
    }
    if len > max {
        return Err(TextError::TooLong { max });
    }
    Ok(trimmed.to_owned())
}

/// Keeps at most `max` code points of `input`.
pub(crate) fn truncate_chars(input: &str, max: usize) -> &str {
    match input.char_indices().nth(max) {
        Some((idx, _)) => &input[..idx],
        None => input,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_trims_and_counts_code_points() {
        assert_eq!(bounded("  abc ", 1, 3), Ok("abc".to_owned()));
        assert_eq!(bounded("éèà", 1, 3), Ok("éèà".to_owned()));
        assert_eq!(bounded("abcd", 1, 3), Err(TextError::TooLong { max: 3 }));
        assert_eq!(bounded("   ", 1, 3), Err(TextError::Empty));
        assert_eq!(bounded("   ", 0, 3), Ok(String::new()));
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate_chars("héllo", 2), "hé");
        assert_eq!(truncate_chars("hé", 5), "hé");
        assert_eq!(truncate_chars("", 0), "");
    }

    #[test]
    fn unknown_variant_lists_names() {
        let e = UnknownVariant::new(&["a", "b"]);
        assert_eq!(e.to_string(), "must be one of: a, b");
        assert_eq!(e.expected(), &["a", "b"]);
    }
}
