//! Shared text rules: lengths in code points, the characters text may hold, and errors for
//! enum names.
//!
//! Every text value refuses NUL and the other C0/C1 control characters, bidirectional
//! embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the line and
//! paragraph separators (U+2028, U+2029). Multi-line values (notes, descriptions) keep
//! CR, LF and TAB; single-line values refuse them too. See docs/SECURITY.md, "Clean text".

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
    /// Holds a control, bidirectional-formatting or separator character.
    #[error("must not contain control or invisible formatting characters")]
    ForbiddenCharacter,
}

/// Which line breaks a text value may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: no control character at all.
    Single,
    /// Several lines: CR, LF and TAB allowed.
    Multi,
}

/// Whether `c` may never appear in a text value of kind `lines`.
pub fn is_forbidden_char(c: char, lines: Lines) -> bool {
    match c {
        '\t' | '\n' | '\r' => lines == Lines::Single,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        '\u{2028}' | '\u{2029}' => true,
        _ => false,
    }
}

/// Refuses `input` if it holds a character [`is_forbidden_char`] rules out.
pub fn check_chars(input: &str, lines: Lines) -> Result<(), TextError> {
    if input.chars().any(|c| is_forbidden_char(c, lines)) {
        Err(TextError::ForbiddenCharacter)
    } else {
        Ok(())
    }
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

/// Trims `input` and checks `min ..= max` code points (`min` of 0 allows empty) and the
/// characters that remain.
pub(crate) fn bounded(
    input: &str,
    min: usize,
    max: usize,
    lines: Lines,
) -> Result<String, TextError> {
    let trimmed = input.trim();
    check_chars(trimmed, lines)?;
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
        let one = Lines::Single;
        assert_eq!(bounded("  abc ", 1, 3, one), Ok("abc".to_owned()));
        assert_eq!(bounded("éèà", 1, 3, one), Ok("éèà".to_owned()));
        assert_eq!(
            bounded("abcd", 1, 3, one),
            Err(TextError::TooLong { max: 3 })
        );
        assert_eq!(bounded("   ", 1, 3, one), Err(TextError::Empty));
        assert_eq!(bounded("   ", 0, 3, one), Ok(String::new()));
    }

    #[test]
    fn control_and_bidi_characters_are_refused() {
        let bad = TextError::ForbiddenCharacter;
        for input in [
            "a\u{0}b",
            "\u{1b}[2J\u{202e}evil",
            "x\u{7f}",
            "x\u{85}y",
            "x\u{9b}",
            "left\u{202a}",
            "iso\u{2066}late\u{2069}",
            "line\u{2028}sep",
            "para\u{2029}sep",
        ] {
            assert_eq!(
                bounded(input, 0, 100, Lines::Single),
                Err(bad.clone()),
                "{input:?}"
            );
            assert_eq!(
                bounded(input, 0, 100, Lines::Multi),
                Err(bad.clone()),
                "{input:?}"
            );
        }
    }

    #[test]
    fn only_multi_line_text_keeps_cr_lf_and_tab() {
        for input in ["a\nb", "a\r\nb", "a\tb"] {
            assert_eq!(
                bounded(input, 0, 100, Lines::Single),
                Err(TextError::ForbiddenCharacter)
            );
            assert_eq!(bounded(input, 0, 100, Lines::Multi), Ok(input.to_owned()));
        }
        // Right-to-left text, emoji and marks stay allowed.
        for input in ["שלום", "مرحبا\u{200f}", "👍🏽 ok", "e\u{301}"] {
            assert!(bounded(input, 0, 100, Lines::Single).is_ok(), "{input:?}");
        }
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
