//! Groups: name, description, icon emoji and colour, invite codes and their limits.

mod icon;
mod invite;

pub use icon::{IconColor, IconColorError, IconEmoji, IconEmojiError};
pub use invite::{InviteCode, InviteCodeError};

bounded_text!(
    /// A group name: trimmed, 1–100 code points.
    pub struct GroupName, 1, 100
);

bounded_text!(
    /// An icon image URL the client shows instead of the emoji: trimmed, 1–500 code points.
    pub struct IconUrl, 1, 500
);

bounded_text!(
    /// A group description: trimmed, at most 500 code points (may be empty).
    pub struct GroupDescription, 0, 500, Multi
);

/// Why an invite's `max_uses` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MaxUsesError {
    /// Zero or negative.
    #[error("must be at least 1")]
    TooSmall,
    /// Does not fit the `INT` column.
    #[error("must be at most 2147483647")]
    TooLarge,
}

/// How many times an invite code may be used (`null` = unlimited is `Option<MaxUses>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MaxUses(i32);

impl MaxUses {
    /// Accepts `1 ..= i32::MAX`.
    pub fn new(value: i64) -> Result<Self, MaxUsesError> {
        if value < 1 {
            return Err(MaxUsesError::TooSmall);
        }
        i32::try_from(value)
            .map(Self)
            .map_err(|_| MaxUsesError::TooLarge)
    }

    /// The limit.
    pub const fn value(self) -> i32 {
        self.0
    }

    /// Whether an invite used `current_uses` times is exhausted.
    pub const fn exhausted_by(self, current_uses: i32) -> bool {
        current_uses >= self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextError;

    #[test]
    fn group_name() {
        assert_eq!(GroupName::parse("  Runners ").unwrap().as_str(), "Runners");
        assert_eq!(GroupName::parse(""), Err(TextError::Empty));
        assert_eq!(GroupName::parse("  "), Err(TextError::Empty));
        assert!(GroupName::parse(&"ü".repeat(100)).is_ok());
        assert_eq!(
            GroupName::parse(&"ü".repeat(101)),
            Err(TextError::TooLong { max: 100 })
        );
    }

    #[test]
    fn group_description() {
        assert_eq!(GroupDescription::parse("").unwrap().as_str(), "");
        assert_eq!(GroupDescription::parse(" hi ").unwrap().into_inner(), "hi");
        assert!(GroupDescription::parse(&"x".repeat(500)).is_ok());
        assert_eq!(
            GroupDescription::parse(&"x".repeat(501)),
            Err(TextError::TooLong { max: 500 })
        );
    }

    #[test]
    fn max_uses() {
        assert_eq!(MaxUses::new(1).unwrap().value(), 1);
        assert_eq!(MaxUses::new(0), Err(MaxUsesError::TooSmall));
        assert_eq!(MaxUses::new(-3), Err(MaxUsesError::TooSmall));
        assert_eq!(MaxUses::new(i64::from(i32::MAX)).unwrap().value(), i32::MAX);
        assert_eq!(
            MaxUses::new(i64::from(i32::MAX) + 1),
            Err(MaxUsesError::TooLarge)
        );
        let m = MaxUses::new(2).unwrap();
        assert!(!m.exhausted_by(1));
        assert!(m.exhausted_by(2));
        assert!(m.exhausted_by(3));
    }
}
