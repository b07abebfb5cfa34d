//! Bodies of goal endpoints.

use chrono::{DateTime, NaiveDate, Utc};
use pursue_app::goals::{GoalView, PeriodProgress};
use pursue_app::progress::LogProgress;
use pursue_domain::decimal::Decimal2;
use pursue_domain::goal::{
    ActiveDays, Cadence, GoalDescription, GoalTitle, LogTitlePrompt, MetricType, NewGoalSpec,
    TargetValue, Unit,
};
use pursue_domain::ids::GoalId;
use pursue_domain::period::{Timezone, UserDate};
use pursue_domain::progress::{LogTitle, Note};
use pursue_ports::goals::{EntryRecord, GoalPatch, GoalRecord};
use serde::{Deserialize, Serialize};

use super::fields::{Fields, clearable, not_null};
use super::patch::nullable;
use crate::error::ApiError;

/// `POST /api/groups/:id/goals` (and an `initial_goals` item).
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct CreateGoalRequest {
    /// Title, 1–200.
    #[garde(skip)]
    #[schema(schema_with = super::schema::goal_title)]
    pub title: String,
    /// Description, ≤ 1000.
    #[garde(skip)]
    #[schema(schema_with = super::schema::goal_description)]
    pub description: Option<String>,
    /// Cadence.
    #[garde(skip)]
    #[schema(schema_with = super::schema::cadence)]
    pub cadence: String,
    /// Metric.
    #[garde(skip)]
    #[schema(schema_with = super::schema::metric_type)]
    pub metric_type: String,
    /// Target: required for `numeric`, a whole number for `binary` (default 1) and
    /// `duration` (seconds), absent for `journal`; see the schema's `allOf`.
    #[garde(skip)]
    #[schema(schema_with = super::schema::target_value)]
    pub target_value: Option<f64>,
    /// Unit, ≤ 50.
    #[garde(skip)]
    #[schema(schema_with = super::schema::unit)]
    pub unit: Option<String>,
    /// Journal prompt, ≤ 80.
    #[garde(skip)]
    #[schema(schema_with = super::schema::log_title_prompt)]
    pub log_title_prompt: Option<String>,
    /// 1–7 unique days, 0 (Sunday) to 6 (Saturday); daily goals only.
    #[garde(skip)]
    #[schema(schema_with = super::schema::active_days)]
    pub active_days: Option<Vec<Day>>,
}

/// One `active_days` item: a JSON integer, also when written with a zero fraction (`3.0`
/// is the integer 3, as in JSON Schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day(pub i64);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(deserializer)?;
        n.as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                    .map(|f| f as i64)
            })
            .map(Day)
            .ok_or_else(|| serde::de::Error::custom("must be an integer"))
    }
}

/// Parses an `active_days` array.
fn active_days(days: &[Day]) -> Result<ActiveDays, String> {
    let days: Vec<i64> = days.iter().map(|d| d.0).collect();
    ActiveDays::from_days(&days).map_err(|e| e.to_string())
}

impl TryFrom<CreateGoalRequest> for NewGoalSpec {
    type Error = ApiError;

    /// The validated goal: every bad field is one detail, then the rules across fields
    /// (target and unit per metric, active days per cadence).
    fn try_from(r: CreateGoalRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let title = f.check("title", GoalTitle::parse(&r.title));
        let description = f.optional(
            "description",
            r.description.as_deref(),
            GoalDescription::parse,
        );
        let cadence = f.check("cadence", Cadence::parse(&r.cadence));
        let metric = f.check("metric_type", MetricType::parse(&r.metric_type));
        let target = f.check(
            "target_value",
            r.target_value.map(TargetValue::try_from_f64).transpose(),
        );
        let unit = f.optional("unit", r.unit.as_deref(), Unit::parse);
        let prompt = f.optional(
            "log_title_prompt",
            r.log_title_prompt.as_deref(),
            LogTitlePrompt::parse,
        );
        let days = f.optional("active_days", r.active_days.as_deref(), active_days);
        let (
            Some(title),
            Some(description),
            Some(cadence),
            Some(metric),
            Some(target),
            Some(unit),
            Some(prompt),
            Some(days),
        ) = (
            title,
            description,
            cadence,
            metric,
            target,
            unit,
            prompt,
            days,
        )
        else {
            return f.finish(None);
        };
        NewGoalSpec::new(title, description, cadence, metric, target, unit)
            .and_then(|s| s.with_schedule(days, prompt))
            .map_err(|e| ApiError::field(e.field(), e))
    }
}

/// `PATCH /api/goals/:id`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct UpdateGoalRequest {
    /// New title (`null` is refused).
    #[garde(skip)]
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = super::schema::goal_title)]
    pub title: Option<Option<String>>,
    /// New description or null.
    #[garde(skip)]
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = super::schema::goal_description)]
    pub description: Option<Option<String>>,
    /// New active days, or null for every day.
    #[garde(skip)]
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = super::schema::active_days)]
    pub active_days: Option<Option<Vec<Day>>>,
}

impl TryFrom<UpdateGoalRequest> for GoalPatch {
    type Error = ApiError;

    /// The validated patch; every bad field is one detail.
    fn try_from(r: UpdateGoalRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let title = f.check("title", not_null(r.title, GoalTitle::parse));
        let description = f.check(
            "description",
            clearable(r.description, GoalDescription::parse),
        );
        let active_days = f.check(
            "active_days",
            r.active_days
                .map(|d| d.as_deref().map(active_days).transpose())
                .transpose(),
        );
        let patch = match (title, description, active_days) {
            (Some(title), Some(description), Some(active_days)) => Some(GoalPatch {
                title,
                description,
                active_days,
            }),
            _ => None,
        };
        f.finish(patch)
    }
}

/// A decimal as a JSON number.
pub fn number(d: Decimal2) -> f64 {
    d.to_f64()
}

/// `YYYY-MM-DD`.
pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The contract's `Goal`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GoalBody {
    /// Id.
    pub id: String,
    /// Group.
    pub group_id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Cadence.
    pub cadence: &'static str,
    /// Metric.
    pub metric_type: &'static str,
    /// Target (JSON number).
    pub target_value: Option<f64>,
    /// Unit.
    pub unit: Option<String>,
    /// Creator.
    pub created_by_user_id: Option<String>,
    /// Creation instant.
    pub created_at: DateTime<Utc>,
    /// Archive instant.
    pub archived_at: Option<DateTime<Utc>>,
    /// Journal prompt.
    pub log_title_prompt: Option<String>,
    /// Active days, ascending 0–6, or null.
    pub active_days: Option<Vec<u8>>,
    /// `Every day`, `Weekdays only`, … .
    pub active_days_label: String,
    /// Number of active days (7 when null).
    pub active_days_count: u32,
    /// Current period progress (list with `include_progress=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_period_progress: Option<PeriodBody>,
}

impl From<GoalRecord> for GoalBody {
    fn from(g: GoalRecord) -> Self {
        Self {
            id: g.id.to_string(),
            group_id: g.group_id.to_string(),
            title: g.title.into(),
            description: g.description.map(String::from),
            cadence: g.cadence.as_str(),
            metric_type: g.metric.as_str(),
            target_value: g.target_value.map(number),
            unit: g.unit.map(String::from),
            created_by_user_id: g.created_by_user_id.map(|u| u.to_string()),
            created_at: g.created_at,
            archived_at: g.archived_at,
            log_title_prompt: g.log_title_prompt.map(String::from),
            active_days: g.active_days.map(ActiveDays::days),
            active_days_label: ActiveDays::label(g.active_days),
            active_days_count: ActiveDays::count(g.active_days),
            current_period_progress: None,
        }
    }
}

impl From<GoalView> for GoalBody {
    fn from(v: GoalView) -> Self {
        let cadence = v.goal.cadence;
        let mut body = GoalBody::from(v.goal);
        body.current_period_progress = v.progress.map(|p| PeriodBody::new(p, cadence));
        body
    }
}

/// `current_period_progress`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PeriodBody {
    /// `YYYY-MM-DDT00:00:00Z` label.
    pub start_date: String,
    /// `YYYY-MM-DDT23:59:59Z` label.
    pub end_date: String,
    /// The cadence.
    pub period_type: &'static str,
    /// The caller's progress.
    pub user_progress: UserProgressBody,
    /// Every member's progress.
    pub member_progress: Vec<MemberProgressBody>,
}

/// The caller's progress.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserProgressBody {
    /// Completed.
    pub completed: f64,
    /// Target.
    pub total: f64,
    /// Percentage (not capped).
    pub percentage: i64,
    /// Entries.
    pub entries: Vec<DayValue>,
}

/// One entry of the caller.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DayValue {
    /// Local date.
    pub date: String,
    /// Value.
    pub value: f64,
}

/// One member's progress.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberProgressBody {
    /// User id.
    pub user_id: String,
    /// Display name.
    pub display_name: String,
    /// `/api/users/<id>/avatar` or null.
    pub avatar_url: Option<String>,
    /// Completed.
    pub completed: f64,
    /// Percentage.
    pub percentage: i64,
}

impl PeriodBody {
    fn new(p: PeriodProgress, cadence: Cadence) -> Self {
        Self {
            start_date: p.period.start_label(),
            end_date: p.period.end_label(),
            period_type: cadence.as_str(),
            user_progress: UserProgressBody {
                completed: number(p.user.aggregate.completed),
                total: number(p.user.aggregate.total),
                percentage: p.user.aggregate.percentage,
                entries: p
                    .user
                    .entries
                    .into_iter()
                    .map(|(d, v)| DayValue {
                        date: date(d),
                        value: number(v),
                    })
                    .collect(),
            },
            member_progress: p
                .members
                .into_iter()
                .map(|m| MemberProgressBody {
                    user_id: m.member.user_id.to_string(),
                    avatar_url: m
                        .member
                        .has_avatar
                        .then(|| format!("/api/users/{}/avatar", m.member.user_id)),
                    display_name: m.member.display_name.into(),
                    completed: number(m.aggregate.completed),
                    percentage: m.aggregate.percentage,
                })
                .collect(),
        }
    }
}

/// An entry in progress reads.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    /// Id.
    pub id: String,
    /// Value.
    pub value: f64,
    /// Note.
    pub note: Option<String>,
    /// Local date.
    pub period_start: String,
    /// Instant.
    pub logged_at: DateTime<Utc>,
    /// Headline.
    pub log_title: Option<String>,
    /// Photos come later: always null.
    pub photo: Option<()>,
}

impl From<EntryRecord> for HistoryEntry {
    fn from(e: EntryRecord) -> Self {
        Self {
            id: e.id.to_string(),
            value: number(e.value),
            note: e.note.map(String::from),
            period_start: date(e.period_start),
            logged_at: e.logged_at,
            log_title: e.log_title.map(String::from),
            photo: None,
        }
    }
}

/// A full progress entry (`POST /api/progress`, `GET /api/progress/:id`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntryBody {
    /// Id.
    pub id: String,
    /// Goal.
    pub goal_id: String,
    /// Author.
    pub user_id: String,
    /// Value.
    pub value: f64,
    /// Note.
    pub note: Option<String>,
    /// Local date.
    pub period_start: String,
    /// Instant.
    pub logged_at: DateTime<Utc>,
    /// Headline.
    pub log_title: Option<String>,
}

impl From<EntryRecord> for EntryBody {
    fn from(e: EntryRecord) -> Self {
        Self {
            id: e.id.to_string(),
            goal_id: e.goal_id.to_string(),
            user_id: e.user_id.to_string(),
            value: number(e.value),
            note: e.note.map(String::from),
            period_start: date(e.period_start),
            logged_at: e.logged_at,
            log_title: e.log_title.map(String::from),
        }
    }
}

/// `POST /api/progress`. Checked by `TryFrom` into [`LogProgress`], which reports every
/// bad field at once.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct LogProgressRequest {
    /// Goal id.
    #[garde(skip)]
    #[schema(schema_with = super::schema::uuid)]
    pub goal_id: String,
    /// Value.
    #[garde(skip)]
    pub value: f64,
    /// Note, ≤ 500.
    #[garde(skip)]
    #[schema(schema_with = super::schema::note)]
    pub note: Option<String>,
    /// `YYYY-MM-DD`.
    #[garde(skip)]
    #[schema(schema_with = super::schema::date)]
    pub user_date: String,
    /// IANA zone, 1–50.
    #[garde(skip)]
    #[schema(min_length = 1, max_length = 50)]
    pub user_timezone: String,
    /// Headline, 1–120 (required for journal goals).
    #[garde(skip)]
    #[schema(schema_with = super::schema::log_title)]
    pub log_title: Option<String>,
}

impl TryFrom<LogProgressRequest> for LogProgress {
    type Error = ApiError;

    /// The typed command (without the `Idempotency-Key`, which the handler adds); every
    /// bad field is one detail of the `400 VALIDATION_ERROR`.
    fn try_from(body: LogProgressRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let goal_id = f.check(
            "goal_id",
            GoalId::parse(&body.goal_id).ok_or("must be a UUID"),
        );
        let note = f.optional("note", body.note.as_deref(), Note::parse);
        let user_date = f.check("user_date", UserDate::parse(&body.user_date));
        let zone = f.check("user_timezone", Timezone::parse(&body.user_timezone));
        let log_title = f.optional("log_title", body.log_title.as_deref(), LogTitle::parse);
        let command = match (goal_id, note, user_date, zone, log_title) {
            (Some(goal_id), Some(note), Some(user_date), Some(user_timezone), Some(log_title)) => {
                Some(LogProgress {
                    goal_id,
                    value: body.value,
                    note,
                    log_title,
                    user_date,
                    user_timezone,
                    idempotency_key: None,
                })
            }
            _ => None,
        };
        f.finish(command)
    }
}

/// The active-days fields of a goal: `(active_days, active_days_label, active_days_count)`.
pub fn schedule(days: Option<ActiveDays>) -> serde_json::Value {
    serde_json::json!({
        "active_days": days.map(ActiveDays::days),
        "active_days_label": ActiveDays::label(days),
        "active_days_count": ActiveDays::count(days),
    })
}

/// Copies the keys of the object `extra` into the object `body`.
pub fn merge(body: &mut serde_json::Value, extra: serde_json::Value) {
    if let (Some(body), serde_json::Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
}
