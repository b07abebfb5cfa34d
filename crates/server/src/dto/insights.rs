//! Query strings and bodies of the progress views (see docs/API.md, Progress views).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use pursue_app::insights::{HistoryQuery, LogItem, MemberHistory, MyProgress};
use pursue_domain::ids::EntryId;
use pursue_domain::period::{Period, Timezone, UserDate};
use pursue_ports::views::EntryCursor;
use serde::Deserialize;
use serde_json::{Value, json};

use super::goals::{date, number};
use crate::error::ApiError;

/// `?start_date&end_date&limit&cursor` of a member's history.
#[derive(Debug, Deserialize)]
pub struct HistoryParams {
    /// Required start.
    pub start_date: Option<String>,
    /// Required end.
    pub end_date: Option<String>,
    /// 1–50, default 50.
    pub limit: Option<String>,
    /// From `pagination.next_cursor`.
    pub cursor: Option<String>,
}

/// A required `YYYY-MM-DD` query value.
pub fn required_date(field: &str, value: Option<&str>) -> Result<NaiveDate, ApiError> {
    let v = value.ok_or_else(|| ApiError::field(field, "Required"))?;
    UserDate::parse(v)
        .map(UserDate::date)
        .map_err(|e| ApiError::field(field, e))
}

/// An optional `YYYY-MM-DD` query value.
pub fn optional_date(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    value.map(|v| required_date(field, Some(v))).transpose()
}

impl HistoryParams {
    /// The checked query: dates (400), order (`INVALID_DATE_RANGE`), limit (400), cursor
    /// (`INVALID_CURSOR`).
    pub fn resolve(&self) -> Result<HistoryQuery, ApiError> {
        let start = required_date("start_date", self.start_date.as_deref())?;
        let end = required_date("end_date", self.end_date.as_deref())?;
        let limit = match self.limit.as_deref() {
            None => 50,
            Some(s) => match s.parse::<i64>() {
                Ok(n) if (1..=50).contains(&n) => n,
                _ => return Err(ApiError::field("limit", "must be an integer from 1 to 50")),
            },
        };
        let range = Period::new(start, end).map_err(|_| {
            ApiError::bad_request(
                "INVALID_DATE_RANGE",
                "end_date must not be before start_date",
            )
        })?;
        let cursor = self.cursor.as_deref().map(decode_cursor).transpose()?;
        Ok(HistoryQuery {
            range,
            limit,
            cursor,
        })
    }
}

/// `base64({"logged_at": <RFC 3339 µs>, "entry_id"})`.
pub fn encode_cursor(c: &EntryCursor) -> String {
    let text = json!({
        "logged_at": c.logged_at.to_rfc3339_opts(SecondsFormat::Micros, true),
        "entry_id": c.entry_id.to_string(),
    })
    .to_string();
    STANDARD.encode(text)
}

fn decode_cursor(s: &str) -> Result<EntryCursor, ApiError> {
    let bad = || ApiError::bad_request("INVALID_CURSOR", "Invalid cursor");
    let bytes = STANDARD.decode(s.trim()).map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let logged_at = v
        .get("logged_at")
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .ok_or_else(bad)?
        .with_timezone(&Utc);
    let entry_id = v
        .get("entry_id")
        .and_then(Value::as_str)
        .and_then(EntryId::parse)
        .ok_or_else(bad)?;
    Ok(EntryCursor {
        logged_at,
        entry_id,
    })
}

fn log_item(i: LogItem) -> Value {
    let reactions: Vec<Value> = i
        .reactions
        .into_iter()
        .map(|(emoji, count)| json!({ "emoji": emoji, "count": count }))
        .collect();
    json!({
        "entry_id": i.entry.id.to_string(),
        "goal_id": i.goal.id.to_string(),
        "goal_title": i.goal.title.as_str(),
        "goal_emoji": null,
        "value": number(i.entry.value),
        "unit": i.goal.unit.as_deref(),
        "metric_type": i.goal.metric.as_str(),
        "entry_date": date(i.entry.period_start),
        "logged_at": i.entry.logged_at,
        "note": i.entry.note.as_deref(),
        "log_title": i.entry.log_title.as_deref(),
        "photo_url": null,
        "reactions": reactions,
    })
}

/// The member-progress body.
pub fn history_body(h: MemberHistory, range: Period) -> Value {
    let m = &h.member;
    let summaries: Vec<Value> = h
        .summaries
        .iter()
        .map(|(g, s)| {
            json!({
                "goal_id": g.id.to_string(),
                "title": g.title.as_str(),
                "emoji": null,
                "cadence": g.cadence.as_str(),
                "metric_type": g.metric.as_str(),
                "target_value": g.target_value.map(number),
                "unit": g.unit.as_deref(),
                "completed": number(s.completed),
                "total": number(s.total),
                "percentage": s.percentage,
            })
        })
        .collect();
    let has_more = h.next_cursor.is_some();
    json!({
        "member": {
            "user_id": m.user_id.to_string(),
            "display_name": m.display_name.as_str(),
            "avatar_url": m.has_avatar.then(|| format!("/api/users/{}/avatar", m.user_id)),
            "role": m.role.as_str(),
            "joined_at": m.joined_at,
        },
        "timeframe": { "start_date": date(range.start()), "end_date": date(range.end()) },
        "goal_summaries": summaries,
        "activity_log": h.log.into_iter().map(log_item).collect::<Vec<_>>(),
        "pagination": {
            "next_cursor": h.next_cursor.as_ref().map(encode_cursor),
            "has_more": has_more,
            "total_in_timeframe": h.total,
        },
    })
}

/// `?start_date&end_date&user_timezone` of My Progress.
#[derive(Debug, Deserialize)]
pub struct MyProgressParams {
    /// Window start.
    pub start_date: Option<String>,
    /// Window end.
    pub end_date: Option<String>,
    /// The zone of "today".
    pub user_timezone: Option<String>,
}

impl MyProgressParams {
    /// Parsed values (400 when malformed).
    pub fn resolve(&self) -> Result<pursue_app::insights::MyProgressQuery, ApiError> {
        Ok(pursue_app::insights::MyProgressQuery {
            start: optional_date("start_date", self.start_date.as_deref())?,
            end: optional_date("end_date", self.end_date.as_deref())?,
            zone: self
                .user_timezone
                .as_deref()
                .map(Timezone::parse)
                .transpose()
                .map_err(|e| ApiError::field("user_timezone", e))?,
        })
    }
}

/// The My Progress body.
pub fn my_progress_body(p: MyProgress) -> Value {
    let week: Vec<Value> = p
        .week
        .iter()
        .map(|d| {
            json!({
                "date": date(d.date),
                "completed": d.percent == 100,
                "completion_percent": d.percent,
            })
        })
        .collect();
    let days: Vec<Value> = p
        .heatmap
        .iter()
        .map(|d| json!({ "date": date(d.date), "completion_percent": d.percent }))
        .collect();
    let breakdown: Vec<Value> = p
        .breakdown
        .iter()
        .map(|b| {
            json!({
                "goal_id": b.goal_id.to_string(),
                "goal_title": b.goal_title,
                "completed_count": b.completed,
                "total_count": b.total,
                "completion_percent": b.percent,
            })
        })
        .collect();
    json!({
        "streak": {
            "current_streak_days": p.current_streak,
            "longest_streak_days": p.longest_streak,
            "streak_goal_days": null,
        },
        "weekly_activity": {
            "week_start_date": date(p.week_start),
            "completion_data": week,
        },
        "heatmap": {
            "start_date": date(p.window.start()),
            "end_date": date(p.window.end()),
            "days": days,
        },
        "goal_breakdown": breakdown,
    })
}

/// `?start_date&end_date&user_timezone` of the export routes.
#[derive(Debug, Deserialize)]
pub struct ExportParams {
    /// Required start.
    pub start_date: Option<String>,
    /// Required end.
    pub end_date: Option<String>,
    /// Required for the workbook.
    pub user_timezone: Option<String>,
}

impl ExportParams {
    /// The range: both dates real, `start ≤ end` (400 otherwise).
    pub fn range(&self) -> Result<Period, ApiError> {
        let start = required_date("start_date", self.start_date.as_deref())?;
        let end = required_date("end_date", self.end_date.as_deref())?;
        Period::new(start, end).map_err(|e| ApiError::field("end_date", e))
    }
}
