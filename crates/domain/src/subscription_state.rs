//! The computed subscription state: tier, status, limits, the kept group after a
//! downgrade and the write check of read-only groups (docs/API.md, Subscriptions).

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::purchase::RowStatus;

/// Groups a premium user may be in.
pub const PREMIUM_GROUP_LIMIT: u32 = 10;
/// Groups a free user may be in.
pub const FREE_GROUP_LIMIT: u32 = 1;
/// Days a removed group stays readable after a downgrade selection.
pub const READ_ONLY_DAYS: i64 = 30;

/// The newest entitled premium row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PremiumRow {
    /// `active`, `cancelled` or `grace_period`.
    pub status: RowStatus,
    /// Its expiry (in the future).
    pub expires_at: DateTime<Utc>,
    /// Whether it renews.
    pub auto_renew: bool,
}

/// The kept group chosen after a downgrade (still an active membership).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptSelection {
    /// The group kept writable.
    pub group_id: uuid::Uuid,
    /// When the choice was made.
    pub downgrade_date: DateTime<Utc>,
}

/// What the store knows about a user's subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionFacts {
    /// The entitled premium row, if any.
    pub premium: Option<PremiumRow>,
    /// Whether some premium-tier row exists that no longer entitles.
    pub has_expired_premium: bool,
    /// Active memberships in non-challenge groups.
    pub group_count: u32,
    /// The kept selection, if one applies.
    pub kept: Option<KeptSelection>,
}

/// The status shown to the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionStatus {
    /// `active`.
    Active,
    /// `cancelled` (premium until expiry).
    Cancelled,
    /// `grace_period`.
    GracePeriod,
    /// `expired` (free after premium).
    Expired,
    /// `over_limit` (free, in more groups than allowed, no kept selection).
    OverLimit,
}

impl SubscriptionStatus {
    /// The API and cache text.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Cancelled => "cancelled",
            Self::GracePeriod => "grace_period",
            Self::Expired => "expired",
            Self::OverLimit => "over_limit",
        }
    }
}

/// Why a write to a group is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteDenied {
    /// Free, over the limit, no group chosen yet.
    SelectionRequired,
    /// Not the kept group: read-only until this date.
    ReadOnly {
        /// `downgrade_date + 30 d`.
        until: NaiveDate,
    },
}

/// The computed state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionState {
    /// Premium iff an entitled row exists.
    pub premium: bool,
    /// Status.
    pub status: SubscriptionStatus,
    /// 10 premium / 1 free.
    pub group_limit: u32,
    /// Active non-challenge memberships.
    pub group_count: u32,
    /// The premium row's expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// The premium row's renewal flag.
    pub auto_renew: Option<bool>,
    /// The kept selection.
    pub kept: Option<KeptSelection>,
}

impl SubscriptionState {
    /// Computes the state from `facts`.
    pub fn compute(facts: &SubscriptionFacts) -> Self {
        let premium = facts.premium.is_some();
        let group_limit = if premium {
            PREMIUM_GROUP_LIMIT
        } else {
            FREE_GROUP_LIMIT
        };
        let status = match &facts.premium {
            Some(row) => match row.status {
                RowStatus::Cancelled => SubscriptionStatus::Cancelled,
                RowStatus::GracePeriod => SubscriptionStatus::GracePeriod,
                _ => SubscriptionStatus::Active,
            },
            None if facts.group_count > FREE_GROUP_LIMIT && facts.kept.is_none() => {
                SubscriptionStatus::OverLimit
            }
            None if facts.has_expired_premium => SubscriptionStatus::Expired,
            None => SubscriptionStatus::Active,
        };
        Self {
            premium,
            status,
            group_limit,
            group_count: facts.group_count,
            expires_at: facts.premium.as_ref().map(|p| p.expires_at),
            auto_renew: facts.premium.as_ref().map(|p| p.auto_renew),
            kept: facts.kept.clone(),
        }
    }

    /// `"premium"` or `"free"`.
    pub fn tier(&self) -> &'static str {
        if self.premium { "premium" } else { "free" }
    }

    /// `max(0, limit − count)`.
    pub fn groups_remaining(&self) -> u32 {
        self.group_limit.saturating_sub(self.group_count)
    }

    /// Whether another group may be created or joined.
    pub fn can_add_group(&self) -> bool {
        self.group_count < self.group_limit
    }

    /// The eligibility `reason`: `over_limit`, `at_group_limit`, or none.
    pub fn eligibility_reason(&self) -> Option<&'static str> {
        if self.status == SubscriptionStatus::OverLimit {
            Some("over_limit")
        } else if !self.can_add_group() {
            Some("at_group_limit")
        } else {
            None
        }
    }

    /// Whether the limit calls for an upgrade (free and at the limit).
    pub fn upgrade_required(&self) -> bool {
        !self.can_add_group() && !self.premium
    }

    /// Whether `group` is read-only for this user (the write check answers `ReadOnly`).
    pub fn is_read_only(&self, group: uuid::Uuid) -> bool {
        matches!(self.write_check(group), Err(WriteDenied::ReadOnly { .. }))
    }

    /// The group to keep when the daily downgrade job must act at `now`: free, more than
    /// one group, and a kept selection at least [`READ_ONLY_DAYS`] old; else `None`.
    pub fn downgrade_due(&self, now: DateTime<Utc>) -> Option<uuid::Uuid> {
        if self.premium || self.group_count <= FREE_GROUP_LIMIT {
            return None;
        }
        self.kept
            .as_ref()
            .filter(|k| k.downgrade_date + Duration::days(READ_ONLY_DAYS) <= now)
            .map(|k| k.group_id)
    }

    /// The write check for a non-challenge group `group` the user is active in.
    pub fn write_check(&self, group: uuid::Uuid) -> Result<(), WriteDenied> {
        if self.premium || self.group_count <= FREE_GROUP_LIMIT {
            return Ok(());
        }
        match &self.kept {
            None => Err(WriteDenied::SelectionRequired),
            Some(k) if k.group_id == group => Ok(()),
            Some(k) => Err(WriteDenied::ReadOnly {
                until: (k.downgrade_date + Duration::days(READ_ONLY_DAYS)).date_naive(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(premium: Option<RowStatus>, expired: bool, count: u32) -> SubscriptionFacts {
        SubscriptionFacts {
            premium: premium.map(|status| PremiumRow {
                status,
                expires_at: Utc::now() + Duration::days(10),
                auto_renew: true,
            }),
            has_expired_premium: expired,
            group_count: count,
            kept: None,
        }
    }

    #[test]
    fn the_downgrade_is_due_thirty_days_after_the_selection_of_a_free_user() {
        let chosen = Utc::now() - Duration::days(40);
        let kept = uuid::Uuid::from_u128(5);
        let with = |premium: Option<RowStatus>, count: u32| {
            let mut f = facts(premium, true, count);
            f.kept = Some(KeptSelection {
                group_id: kept,
                downgrade_date: chosen,
            });
            SubscriptionState::compute(&f)
        };
        let free = with(None, 3);
        assert_eq!(free.downgrade_due(chosen + Duration::days(30)), Some(kept));
        assert_eq!(free.downgrade_due(chosen + Duration::days(29)), None);
        assert_eq!(with(None, 1).downgrade_due(Utc::now()), None);
        assert_eq!(
            with(Some(RowStatus::Active), 3).downgrade_due(Utc::now()),
            None
        );
        assert_eq!(
            SubscriptionState::compute(&facts(None, true, 3)).downgrade_due(Utc::now()),
            None
        );
    }

    #[test]
    fn status_and_limits() {
        let s = SubscriptionState::compute(&facts(Some(RowStatus::Cancelled), false, 3));
        assert_eq!(
            (s.tier(), s.status, s.group_limit),
            ("premium", SubscriptionStatus::Cancelled, 10)
        );
        assert_eq!((s.groups_remaining(), s.can_add_group()), (7, true));
        let s = SubscriptionState::compute(&facts(None, true, 1));
        assert_eq!((s.tier(), s.status), ("free", SubscriptionStatus::Expired));
        assert_eq!(s.eligibility_reason(), Some("at_group_limit"));
        assert!(s.upgrade_required());
        let s = SubscriptionState::compute(&facts(None, true, 3));
        assert_eq!(s.status, SubscriptionStatus::OverLimit);
        assert_eq!(s.eligibility_reason(), Some("over_limit"));
        let s = SubscriptionState::compute(&facts(None, false, 0));
        assert_eq!(
            (s.status, s.eligibility_reason()),
            (SubscriptionStatus::Active, None)
        );
        let s = SubscriptionState::compute(&facts(Some(RowStatus::Active), false, 10));
        assert_eq!(s.eligibility_reason(), Some("at_group_limit"));
        assert!(!s.upgrade_required());
    }

    #[test]
    fn write_check_needs_a_selection_then_allows_only_the_kept_group() {
        let g1 = uuid::Uuid::from_u128(1);
        let g2 = uuid::Uuid::from_u128(2);
        let s = SubscriptionState::compute(&facts(None, true, 2));
        assert_eq!(s.write_check(g1), Err(WriteDenied::SelectionRequired));
        let mut f = facts(None, true, 2);
        let chosen = DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        f.kept = Some(KeptSelection {
            group_id: g1,
            downgrade_date: chosen,
        });
        let s = SubscriptionState::compute(&f);
        assert_eq!(s.status, SubscriptionStatus::Expired);
        assert_eq!(s.write_check(g1), Ok(()));
        assert!(!s.is_read_only(g1) && s.is_read_only(g2));
        assert_eq!(
            s.write_check(g2),
            Err(WriteDenied::ReadOnly {
                until: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
            })
        );
        // Premium, or within the free limit: always writable.
        assert_eq!(
            SubscriptionState::compute(&facts(Some(RowStatus::Active), false, 5)).write_check(g2),
            Ok(())
        );
        assert_eq!(
            SubscriptionState::compute(&facts(None, false, 1)).write_check(g2),
            Ok(())
        );
    }
}
