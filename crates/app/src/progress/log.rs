//! `log_progress`: the rules run inside the adapter's one logging transaction.

use chrono::{DateTime, Utc};
use pursue_domain::activity::ActivityType;
use pursue_domain::goal::MetricType;
use pursue_domain::ids::{EntryId, GoalId, UserId};
use pursue_domain::period::{Timezone, UserDate, check_not_future};
use pursue_domain::progress::{LogTitle, Note, ProgressValue};
use pursue_domain::push::PushKind;
use pursue_domain::role::{GroupAction, authorize_membership};
use pursue_domain::subscription_state::SubscriptionState;
use pursue_ports::goals::EntryRecord;
use pursue_ports::progress::{
    IdempotencyKey, LogContext, LogOutcome, LogRequest, LogWrite, NewEntry, Refusal,
};
use pursue_ports::users::UserRecord;
use serde_json::json;
use uuid::Uuid;

use super::ProgressService;
use crate::errors::CoreError;
use crate::notify::{activity, push};

/// A parsed `POST /api/progress` request (built once, at the edge).
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
    /// The caller's zone.
    pub user_timezone: Timezone,
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
            self.user_timezone.as_str()
        )
    }
}

fn invalid(field: &'static str, message: impl std::fmt::Display) -> Refusal {
    Refusal::Invalid {
        field,
        message: message.to_string(),
    }
}

/// Who logs.
struct Author {
    id: UserId,
    display_name: String,
}

/// The rules of a log, in the order of docs/API.md: the goal (404), the membership and
/// role (403), the subscription write check (403), then the date, the value and the
/// journal title (400).
fn decide(
    caller: &Author,
    input: &LogProgress,
    now: DateTime<Utc>,
    ctx: &LogContext,
) -> Result<LogWrite, Refusal> {
    if ctx.archived {
        return Err(Refusal::NotFound);
    }
    authorize_membership(ctx.membership, GroupAction::LogOwnProgress).map_err(Refusal::Denied)?;
    if !ctx.is_challenge {
        SubscriptionState::compute(&ctx.subscription)
            .write_check(ctx.group_id.as_uuid())
            .map_err(Refusal::WriteDenied)?;
    }
    check_not_future(input.user_date.date(), input.user_timezone.tz(), now)
        .map_err(|e| invalid("user_date", e))?;
    let value =
        ProgressValue::validate(ctx.metric, input.value).map_err(|e| invalid("value", e))?;
    if ctx.metric == MetricType::Journal && input.log_title.is_none() {
        return Err(invalid(
            "log_title",
            "log_title is required for journal goals",
        ));
    }
    let entry_id = EntryId::from_uuid(Uuid::new_v4());
    let log_title = input.log_title.as_ref().map(LogTitle::as_str);
    let activity = activity(
        ActivityType::ProgressLogged,
        caller.id,
        json!({
            "goal_id": ctx.goal_id.to_string(),
            "goal_title": ctx.goal_title.as_str(),
            "value": value.to_f64(),
            "progress_entry_id": entry_id.to_string(),
            "log_title": log_title,
        }),
    );
    let push = push(
        PushKind::ProgressLogged,
        ctx.group_id,
        &ctx.group_name,
        &caller.display_name,
        &ctx.goal_title,
        &[
            ("goal_id", ctx.goal_id.to_string()),
            ("user_id", caller.id.to_string()),
        ],
    );
    let entry = NewEntry {
        id: entry_id,
        goal_id: ctx.goal_id,
        user_id: caller.id,
        value,
        note: input.note.clone(),
        user_date: input.user_date.date(),
        user_timezone: input.user_timezone.clone(),
        one_per_day: ctx.metric.counts_days(),
        log_title: input.log_title.clone(),
    };
    Ok(LogWrite {
        entry,
        activity,
        push,
    })
}

impl From<Refusal> for CoreError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::NotFound => CoreError::NotFound,
            Refusal::Denied(d) => CoreError::Forbidden(d),
            Refusal::WriteDenied(w) => CoreError::WriteDenied(w),
            Refusal::Invalid { field, message } => CoreError::Invalid { field, message },
        }
    }
}

impl ProgressService {
    /// Logs progress on an active goal of one of the caller's groups: one port call, in
    /// which the adapter reads what the rules need and writes what they decide in one
    /// transaction. Returns the entry and whether it was created now (`false` = an
    /// idempotent replay).
    #[tracing::instrument(level = "debug", name = "progress.log_progress", skip_all)]
    pub async fn log_progress(
        &self,
        caller: &UserRecord,
        input: LogProgress,
    ) -> Result<(EntryRecord, bool), CoreError> {
        let now = self.clock.now();
        let request = LogRequest {
            user: caller.id,
            goal_id: input.goal_id,
            key: input.idempotency_key.clone().map(|key| IdempotencyKey {
                key,
                request: input.canonical(),
            }),
            now,
        };
        let author = Author {
            id: caller.id,
            display_name: caller.display_name.to_string(),
        };
        let rules = Box::new(move |ctx: &LogContext| decide(&author, &input, now, ctx));
        match self.progress.log_progress(request, rules).await? {
            LogOutcome::Created(e) => Ok((e, true)),
            LogOutcome::Replayed(e) => Ok((e, false)),
        }
    }
}
