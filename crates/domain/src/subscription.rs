//! Subscription tiers.

/// A user's computed tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tier {
    /// Free.
    Free,
    /// Premium.
    Premium,
}

impl Tier {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Tier::Free => "free",
            Tier::Premium => "premium",
        }
    }

    /// Groups a user of this tier may be in.
    pub const fn group_limit(self) -> i64 {
        match self {
            Tier::Free => 1,
            Tier::Premium => 10,
        }
    }
}
