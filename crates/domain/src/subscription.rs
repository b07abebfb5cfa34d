//! Subscription tiers and their product limits (docs/API.md, "Subscriptions").

string_enum!(
    /// The caller's computed subscription tier.
    pub enum Tier {
        /// No entitled purchase.
        Free => "free",
        /// A premium purchase that is active, cancelled but not yet expired, or in grace.
        Premium => "premium",
    }
);

impl Tier {
    /// How many active non-challenge groups a user of this tier may be in.
    pub const fn group_limit(self) -> u32 {
        match self {
            Tier::Free => 1,
            Tier::Premium => 10,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_names() {
        assert_eq!(Tier::Free.group_limit(), 1);
        assert_eq!(Tier::Premium.group_limit(), 10);
        assert_eq!(Tier::parse("premium"), Ok(Tier::Premium));
        assert_eq!(Tier::Free.as_str(), "free");
    }
}
