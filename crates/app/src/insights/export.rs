//! The group export: range checks and the workbook's content (the file format is the
//! caller's).

use chrono::NaiveDate;
use pursue_domain::activity::ActivityType;
use pursue_domain::decimal::Decimal2;
use pursue_domain::goal::Cadence;
use pursue_domain::ids::{GoalId, GroupId};
use pursue_domain::period::Period;
use pursue_domain::progress::insights::{DayEntry, breakdown};
use pursue_domain::progress::percentage;
use pursue_domain::role::GroupAction;
use pursue_domain::subscription::Tier;
use pursue_ports::goals::GoalFilter;
use pursue_ports::users::UserRecord;
use serde_json::json;

use super::history::day_entry;
use super::{InsightService, cadence_label, facts, oldest_first, zone_or_utc};
use crate::errors::CoreError;
use crate::groups::access;
use crate::notify::activity;

/// Longest export for anyone, in days.
pub const ABSOLUTE_MAX_DAYS: i64 = 730;

/// The longest export of a tier, in days.
pub const fn tier_max_days(tier: Tier) -> i64 {
    match tier {
        Tier::Free => 30,
        Tier::Premium => 365,
    }
}

/// The message for a range over the tier's maximum.
pub fn tier_message(tier: Tier) -> &'static str {
    match tier {
        Tier::Free => {
            "Free tier users can export up to 30 days of data. Upgrade to Premium for up to 12 months."
        }
        Tier::Premium => "Export range exceeds 12 months.",
    }
}

/// The answer of the range check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeCheck {
    /// The tier's maximum (730 when over the absolute maximum).
    pub max_days_allowed: i64,
    /// `end − start + 1`.
    pub requested_days: i64,
    /// The caller's tier.
    pub tier: Tier,
    /// `(error, message)` when the range is refused.
    pub error: Option<(&'static str, &'static str)>,
}

/// One daily, weekly or monthly goal's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    /// Title.
    pub title: String,
    /// `Daily`, `Weekly`, `Monthly`.
    pub cadence: &'static str,
    /// `<pct, 1 dp>%`.
    pub completion: String,
    /// `<completed>/<possible>`.
    pub days: String,
}

/// One yearly goal's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearlyRow {
    /// Title.
    pub title: String,
    /// Any value above 0 in the range.
    pub complete: bool,
}

/// One member's sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSheet {
    /// The unique sheet name.
    pub sheet_name: String,
    /// The member's display name.
    pub display_name: String,
    /// Daily, weekly and monthly goals.
    pub rows: Vec<ExportRow>,
    /// Yearly goals.
    pub yearly: Vec<YearlyRow>,
}

/// The workbook's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportReport {
    /// Group name.
    pub group_name: String,
    /// The range.
    pub range: Period,
    /// One sheet per active member, by display name.
    pub sheets: Vec<ExportSheet>,
}

impl InsightService {
    /// Checks an export range against the caller's tier (active members only).
    pub async fn check_export_range(
        &self,
        caller: &UserRecord,
        group: GroupId,
        range: Period,
    ) -> Result<RangeCheck, CoreError> {
        access(&*self.groups, group, caller.id, GroupAction::ReadProgress).await?;
        let tier = self.tier_of(caller.id).await?;
        Ok(range_check(tier, range.len_days()))
    }

    /// The workbook's content for `range` (active members only; over the tier's maximum
    /// → `SubscriptionRequired`).
    pub async fn export_report(
        &self,
        caller: &UserRecord,
        group: GroupId,
        range: Period,
    ) -> Result<ExportReport, CoreError> {
        let (record, _) =
            access(&*self.groups, group, caller.id, GroupAction::ReadProgress).await?;
        let tier = self.tier_of(caller.id).await?;
        if range.len_days() > tier_max_days(tier) {
            return Err(CoreError::SubscriptionRequired(tier_message(tier).into()));
        }
        let mut members = self.groups.list_members(group).await?;
        members.sort_by(|a, b| {
            a.display_name
                .to_lowercase()
                .cmp(&b.display_name.to_lowercase())
                .then_with(|| a.user_id.as_uuid().cmp(&b.user_id.as_uuid()))
        });
        let goals = oldest_first(self.goals.list_goals(group, GoalFilter::default()).await?);
        let ids: Vec<GoalId> = goals.iter().map(|g| g.id).collect();
        let weeks = Period::containing(range.start(), Cadence::Weekly);
        let months = Period::containing(range.start(), Cadence::Monthly);
        let from = weeks.start().min(months.start());
        let to = Period::containing(range.end(), Cadence::Weekly)
            .end()
            .max(Period::containing(range.end(), Cadence::Monthly).end());
        let entries = if ids.is_empty() {
            Vec::new()
        } else {
            self.goals
                .entries_between(ids, None, Some(from), Some(to))
                .await?
        };
        let utc = zone_or_utc(None);
        let mut names = SheetNames::default();
        let sheets = members
            .into_iter()
            .map(|m| {
                let mine: Vec<DayEntry> = entries
                    .iter()
                    .filter(|e| e.user_id == m.user_id)
                    .map(day_entry)
                    .collect();
                let mut rows = Vec::new();
                let mut yearly = Vec::new();
                for g in &goals {
                    if g.cadence == Cadence::Yearly {
                        yearly.push(YearlyRow {
                            title: g.title.to_string(),
                            complete: mine.iter().any(|e| {
                                e.goal == g.id && range.contains(e.date) && e.value > Decimal2::ZERO
                            }),
                        });
                    } else {
                        let b = breakdown(&facts(g, &utc), Some(range), &mine);
                        rows.push(ExportRow {
                            title: g.title.to_string(),
                            cadence: cadence_label(g.cadence),
                            completion: percent_1dp(b.completed, b.total),
                            days: format!("{}/{}", b.completed, b.total),
                        });
                    }
                }
                ExportSheet {
                    sheet_name: names.next(&m.display_name),
                    display_name: m.display_name.into_inner(),
                    rows,
                    yearly,
                }
            })
            .collect();
        Ok(ExportReport {
            group_name: record.name.into_inner(),
            range,
            sheets,
        })
    }

    /// Records the `export_progress` feed item after the workbook was written.
    pub async fn record_export(
        &self,
        caller: &UserRecord,
        group: GroupId,
        range: Period,
    ) -> Result<(), CoreError> {
        let act = activity(
            ActivityType::ExportProgress,
            caller.id,
            json!({
                "start_date": range.start().format("%Y-%m-%d").to_string(),
                "end_date": range.end().format("%Y-%m-%d").to_string(),
            }),
        );
        Ok(self.views.record_activity(group, act).await?)
    }
}

/// The range check for `requested` days on `tier`.
pub fn range_check(tier: Tier, requested: i64) -> RangeCheck {
    let (max, error) = if requested > ABSOLUTE_MAX_DAYS {
        (
            ABSOLUTE_MAX_DAYS,
            Some((
                "absolute_maximum_exceeded",
                "Export range cannot exceed 24 months.",
            )),
        )
    } else if requested > tier_max_days(tier) {
        (
            tier_max_days(tier),
            Some(("date_range_exceeds_tier_limit", tier_message(tier))),
        )
    } else {
        (tier_max_days(tier), None)
    };
    RangeCheck {
        max_days_allowed: max,
        requested_days: requested,
        tier,
        error,
    }
}

/// `round_half_up(100 · c / t)` with one decimal and a `%`; `0.0%` when `t` is 0.
pub fn percent_1dp(completed: i64, total: i64) -> String {
    let tenths = percentage(
        Decimal2::from_hundredths(completed.saturating_mul(1000)),
        Decimal2::from_hundredths(total.saturating_mul(100)),
    );
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// Unique sheet names: `\ / * ? : [ ]` and edge apostrophes removed, ≤ 31 characters,
/// `Sheet` when empty, repeats (ignoring case) suffixed ` (2)`, ` (3)`, ….
#[derive(Debug, Default)]
pub struct SheetNames {
    taken: Vec<String>,
}

impl SheetNames {
    /// The sheet name for `display_name`.
    pub fn next(&mut self, display_name: &str) -> String {
        let cleaned: String = display_name
            .chars()
            .filter(|c| !matches!(c, '\\' | '/' | '*' | '?' | ':' | '[' | ']'))
            .collect();
        let cleaned = cleaned.trim().trim_matches('\'').trim();
        let base: String = if cleaned.is_empty() {
            "Sheet".into()
        } else {
            cleaned.chars().take(31).collect()
        };
        let mut name = base.clone();
        let mut n = 2;
        while self
            .taken
            .iter()
            .any(|t| t.to_lowercase() == name.to_lowercase())
        {
            let suffix = format!(" ({n})");
            let keep = 31usize.saturating_sub(suffix.chars().count());
            let head: String = base.chars().take(keep).collect();
            name = format!("{}{suffix}", head.trim_end());
            n += 1;
        }
        self.taken.push(name.clone());
        name
    }
}

/// The file name: `<G>_Progress_<start>_to_<end>.xlsx`, G = the group name with
/// characters outside `[A-Za-z0-9_-]` replaced by `_`, at most 100 characters.
pub fn file_name(group_name: &str, start: NaiveDate, end: NaiveDate) -> String {
    let g: String = group_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    format!(
        "{g}_Progress_{}_to_{}.xlsx",
        start.format("%Y-%m-%d"),
        end.format("%Y-%m-%d")
    )
}
