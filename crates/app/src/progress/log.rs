//! `log_progress`.

use chrono::Utc;
use pursue_domain::activity::ActivityType;
use pursue_domain::goal::MetricType;
use pursue_domain::ids::{EntryId, GoalId};
use pursue_domain::period::{Timezone, UserDate, check_not_future};
use pursue_domain::progress::{LogTitle, Note, ProgressValue};
use pursue_domain::push::PushKind;
use pursue_domain::role::GroupAction;
use pursue_ports::goals::EntryRecord;
use pursue_ports::progress::{IdempotencyKey, LogOutcome, NewEntry};
use pursue_ports::users::UserRecord;
use serde_json::json;
use uuid::Uuid;

use super::ProgressService;
use crate::errors::CoreError;
use crate::groups::access;
use crate::notify::{activity, push};

/// A shape-checked `POST /api/progress` request.
#[derive(Debug, Clone)]
pub struct LogProgress {
    /// The goal.
    pub goal_id: GoalId,
    /// The raw value (checked against the goal's metric here).
    pub value: f64,
    /// Note.
    pub note: Option<Note>,
    /// Headline (required for journal goals).
    pub log_title: Option<LogTitle>,
    /// The caller's local date.
    pub user_date: UserDate,
    /// The caller's zone name (checked against the tz database here).
    pub user_timezone: String,
    /// `Idempotency-Key` header, already checked for shape.
    pub idempotency_key: Option<String>,
}

impl LogProgress {
    /// Canonical text of the request, compared on key reuse.
    fn canonical(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}|{}",
            self.goal_id,
            self.value,
            self.note.as_ref().map(Note::as_str).unwrap_or(""),
            self.log_title.as_ref().map(LogTitle::as_str).unwrap_or(""),
            self.user_date,
            self.user_timezone
        )
    }
}

impl ProgressService {
    /// Logs progress on an active goal of one of the caller's groups. Returns the entry
    /// and whether it was created now (`false` = an idempotent replay).
    #[tracing::instrument(level = "debug", name = "progress.log_progress", skip_all)]
    pub async fn log_progress(
        &self,
        caller: &UserRecord,
        input: LogProgress,
    ) -> Result<(EntryRecord, bool), CoreError> {
        let goal = match self.goals.find_goal(input.goal_id).await? {
            Some(g) if g.archived_at.is_none() => g,
            _ => return Err(CoreError::NotFound),
        };
        let (group, _) = access(
            &*self.groups,
            goal.group_id,
            caller.id,
            GroupAction::LogOwnProgress,
        )
        .await?;
        self.subscriptions
            .check_write(caller.id, goal.group_id)
            .await?;
        let zone = Timezone::parse(&input.user_timezone)
            .map_err(|e| CoreError::invalid("user_timezone", e))?;
        check_not_future(input.user_date.date(), zone.tz(), Utc::now())
            .map_err(|e| CoreError::invalid("user_date", e))?;
        let value = ProgressValue::validate(goal.metric, input.value)
            .map_err(|e| CoreError::invalid("value", e))?;
        if goal.metric == MetricType::Journal && input.log_title.is_none() {
            return Err(CoreError::invalid(
                "log_title",
                "log_title is required for journal goals",
            ));
        }
        let log_title = input.log_title.as_ref().map(|t| t.as_str().to_string());
        let key = input.idempotency_key.clone().map(|key| IdempotencyKey {
            key,
            request: input.canonical(),
        });
        let entry_id = EntryId::from_uuid(Uuid::new_v4());
        let entry = NewEntry {
            id: entry_id,
            goal_id: goal.id,
            user_id: caller.id,
            value,
            note: input.note.map(|n| n.as_str().to_string()),
            user_date: input.user_date.date(),
            user_timezone: zone.as_str().to_string(),
            one_per_day: goal.metric.counts_days(),
            log_title: log_title.clone(),
        };
        let act = activity(
            ActivityType::ProgressLogged,
            caller.id,
            json!({
                "goal_id": goal.id.to_string(),
                "goal_title": goal.title,
                "value": value.to_f64(),
                "progress_entry_id": entry_id.to_string(),
                "log_title": log_title,
            }),
        );
        let event = push(
            PushKind::ProgressLogged,
            goal.group_id,
            &group.name,
            &caller.display_name,
            &goal.title,
            &[
                ("goal_id", goal.id.to_string()),
                ("user_id", caller.id.to_string()),
            ],
        );
        match self.progress.log_progress(entry, key, act, event).await? {
            LogOutcome::Created(e) => Ok((e, true)),
            LogOutcome::Replayed(e) => Ok((e, false)),
        }
    }
}
