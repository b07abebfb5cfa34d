//! Query-string parameters.

use serde::Deserialize;

use crate::error::ApiError;

/// `?limit&offset` (docs/API.md, Conventions).
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    /// 1–100 (larger values are clamped), default 50.
    pub limit: Option<String>,
    /// ≥ 0, default 0.
    pub offset: Option<String>,
}

impl PageQuery {
    /// `(limit, offset)`, or `400` for values that are not integers or out of range.
    pub fn resolve(&self) -> Result<(i64, i64), ApiError> {
        let limit = match self.limit.as_deref() {
            None => 50,
            Some(s) => match s.parse::<i64>() {
                Ok(n) if n >= 1 => n.min(100),
                _ => return Err(ApiError::field("limit", "must be an integer ≥ 1")),
            },
        };
        let offset = match self.offset.as_deref() {
            None => 0,
            Some(s) => match s.parse::<i64>() {
                Ok(n) if n >= 0 => n,
                _ => return Err(ApiError::field("offset", "must be an integer ≥ 0")),
            },
        };
        Ok((limit, offset))
    }
}

/// `GET /api/groups/:id/goals` parameters; invalid values count as absent.
#[derive(Debug, Deserialize)]
pub struct GoalListQuery {
    /// Cadence filter.
    pub cadence: Option<String>,
    /// `true` adds archived goals.
    pub archived: Option<String>,
    /// `true` adds `current_period_progress`.
    pub include_progress: Option<String>,
    /// IANA zone defining "today" (UTC by default).
    pub user_timezone: Option<String>,
}

/// `?start_date&end_date` of progress reads.
#[derive(Debug, Deserialize)]
pub struct RangeQuery {
    /// Inclusive start.
    pub start_date: Option<String>,
    /// Inclusive end.
    pub end_date: Option<String>,
}
