//! The group icon's emoji and background colour.

use std::fmt;

use unicode_segmentation::UnicodeSegmentation;

/// Why an icon emoji was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IconEmojiError {
    /// Empty after trimming.
    #[error("must not be empty")]
    Empty,
    /// More than one grapheme (user-perceived character).
    #[error("must be a single emoji")]
    NotSingleGrapheme,
    /// More than 10 code points.
    #[error("must be at most 10 code points")]
    TooLong,
    /// Contains a control character.
    #[error("must not contain control characters")]
    ControlCharacter,
}

/// One extended grapheme cluster of at most 10 code points (e.g. `🏃‍♀️`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IconEmoji(String);

impl IconEmoji {
    /// Most code points in one emoji.
    pub const MAX_CHARS: usize = 10;

    /// Trims and checks: exactly one grapheme, ≤ 10 code points, no control characters.
    pub fn parse(input: &str) -> Result<Self, IconEmojiError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(IconEmojiError::Empty);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(IconEmojiError::ControlCharacter);
        }
        if trimmed.graphemes(true).count() != 1 {
            return Err(IconEmojiError::NotSingleGrapheme);
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(IconEmojiError::TooLong);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The emoji.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The emoji, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

stored_text!(IconEmoji);

impl fmt::Display for IconEmoji {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why an icon colour was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IconColorError {
    /// Not `#` followed by six hex digits.
    #[error("must be a colour like #1A2B3C")]
    InvalidFormat,
}

/// A colour `#RRGGBB` (hex digits of either case, kept as given).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IconColor(String);

impl IconColor {
    /// Checks `^#[0-9A-Fa-f]{6}$` exactly (no trimming).
    pub fn parse(input: &str) -> Result<Self, IconColorError> {
        let valid = input.len() == 7
            && input.starts_with('#')
            && input.bytes().skip(1).all(|b| b.is_ascii_hexdigit());
        if valid {
            Ok(Self(input.to_owned()))
        } else {
            Err(IconColorError::InvalidFormat)
        }
    }

    /// The colour text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The colour text, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

stored_text!(IconColor);

impl fmt::Display for IconColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_emoji_accepted() {
        for ok in ["🏃", " 🎯 ", "🏃‍♀️", "👍🏽", "🇳🇿", "👨‍👩‍👧‍👦", "❤️", "A", "é"]
        {
            let e = IconEmoji::parse(ok).unwrap();
            assert_eq!(e.as_str(), ok.trim());
        }
    }

    #[test]
    fn several_graphemes_refused() {
        for bad in ["🏃🏃", "ab", "🎯 x", "🇳🇿🇦🇺"] {
            assert_eq!(
                IconEmoji::parse(bad),
                Err(IconEmojiError::NotSingleGrapheme),
                "{bad}"
            );
        }
    }

    #[test]
    fn emoji_limits() {
        assert_eq!(IconEmoji::parse("  "), Err(IconEmojiError::Empty));
        assert_eq!(
            IconEmoji::parse("\u{1}"),
            Err(IconEmojiError::ControlCharacter)
        );
        // One grapheme of 11 code points: "e" followed by ten combining acute accents.
        let long = format!("e{}", "\u{301}".repeat(10));
        assert_eq!(long.chars().count(), 11);
        assert_eq!(IconEmoji::parse(&long), Err(IconEmojiError::TooLong));
        let ten = format!("e{}", "\u{301}".repeat(9));
        assert!(IconEmoji::parse(&ten).is_ok());
    }

    #[test]
    fn colours() {
        for ok in ["#000000", "#FFFFFF", "#a1B2c3", "#1e88E5"] {
            assert_eq!(IconColor::parse(ok).unwrap().as_str(), ok);
        }
        for bad in [
            "",
            "#",
            "000000",
            "#00000",
            "#0000000",
            "#GGGGGG",
            " #000000",
            "#000000 ",
            "##00000",
            "#ＦＦＦＦＦＦ",
        ] {
            assert_eq!(
                IconColor::parse(bad),
                Err(IconColorError::InvalidFormat),
                "{bad:?}"
            );
        }
    }
}
