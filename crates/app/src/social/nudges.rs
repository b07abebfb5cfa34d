//! `send_nudge`, `nudged_today`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use pursue_domain::activity::ActivityType;
use pursue_domain::ids::{GoalId, GroupId, UserId};
use pursue_domain::notification::NotificationType;
use pursue_domain::role::GroupAction;
use pursue_domain::social::{date_in_window, is_active_day};
use pursue_ports::social::{NewNudge, Notice, NoticePush, NudgeError, NudgeRecord};
use pursue_ports::users::UserRecord;
use serde_json::json;

use super::{SocialError, SocialService};
use crate::errors::CoreError;
use crate::groups::{access, access_write};
use crate::notify::activity;

/// Nudges one user may send per local date.
pub const DAILY_NUDGE_LIMIT: i64 = 20;

/// A shape-checked `POST /api/nudges` request.
#[derive(Debug, Clone)]
pub struct SendNudge {
    /// Recipient.
    pub recipient: UserId,
    /// Group.
    pub group: GroupId,
    /// Goal.
    pub goal: Option<GoalId>,
    /// The sender's local date.
    pub sender_local_date: NaiveDate,
}

impl SocialService {
    /// Sends a nudge, checking in the order of docs/API.md, Nudges.
    pub async fn send_nudge(
        &self,
        caller: &UserRecord,
        input: SendNudge,
        now: DateTime<Utc>,
    ) -> Result<NudgeRecord, SocialError> {
        if !date_in_window(input.sender_local_date, now) {
            return Err(CoreError::invalid(
                "sender_local_date",
                "must be within one day of today (UTC)",
            )
            .into());
        }
        if input.recipient == caller.id {
            return Err(SocialError::CannotNudgeSelf);
        }
        let (group, guard) = access_write(
            &*self.groups,
            input.group,
            caller.id,
            GroupAction::ReadMembers,
        )
        .await?;
        let recipient = self
            .groups
            .find_member(input.group, input.recipient)
            .await?
            .ok_or(SocialError::RecipientNotInGroup)?;
        let goal = match input.goal {
            None => None,
            Some(id) => match self.goals.find_goal(id).await? {
                Some(g) if g.group_id == input.group && g.archived_at.is_none() => Some(g),
                _ => {
                    return Err(CoreError::invalid(
                        "goal_id",
                        "must be an active goal of the group",
                    )
                    .into());
                }
            },
        };
        if let Some(g) = &goal {
            let days = self.social.goal_active_days(g.id).await?;
            if !is_active_day(days, input.sender_local_date) {
                return Err(SocialError::GoalOffDay);
            }
        }
        let goal_title = goal.as_ref().map(|g| g.title.to_string());
        let act = activity(
            ActivityType::NudgeSent,
            caller.id,
            json!({
                "sender_user_id": caller.id.to_string(),
                "sender_display_name": caller.display_name.as_str(),
                "recipient_user_id": recipient.user_id.to_string(),
                "recipient_display_name": recipient.display_name.as_str(),
                "goal_id": goal.as_ref().map(|g| g.id.to_string()),
                "goal_title": goal_title,
            }),
        );
        let body = match &goal_title {
            Some(t) => format!(
                "{} is rooting for you! Don't forget your {t} goal. 💪",
                caller.display_name
            ),
            None => format!(
                "{} is rooting for you! Keep going today. 💪",
                caller.display_name
            ),
        };
        let mut extras = BTreeMap::new();
        if let Some(g) = &goal {
            extras.insert("goal_id".to_string(), g.id.to_string());
        }
        extras.insert("sender_user_id".to_string(), caller.id.to_string());
        extras.insert(
            "sender_display_name".to_string(),
            caller.display_name.to_string(),
        );
        let notice = Notice {
            user: recipient.user_id,
            kind: NotificationType::NudgeReceived,
            actor: Some(caller.id),
            group: Some(input.group),
            goal: goal.as_ref().map(|g| g.id),
            progress_entry: None,
            metadata: json!({}),
            shareable_card_data: None,
            push: Some(NoticePush {
                title: group.name.into_inner(),
                body,
                extras,
            }),
        };
        let nudge = NewNudge {
            sender: caller.id,
            recipient: recipient.user_id,
            group: input.group,
            goal: goal.map(|g| g.id),
            sender_local_date: input.sender_local_date,
        };
        self.social
            .send_nudge(guard, nudge, DAILY_NUDGE_LIMIT, act, notice)
            .await
            .map_err(|e| match e {
                NudgeError::AlreadyNudged => SocialError::AlreadyNudged,
                NudgeError::DailyLimit => SocialError::DailyLimit,
                NudgeError::Repo(r) => r.into(),
            })
    }

    /// Users the caller nudged on `date` in any group who are members of `group`.
    pub async fn nudged_today(
        &self,
        caller: &UserRecord,
        group: GroupId,
        date: NaiveDate,
    ) -> Result<Vec<UserId>, SocialError> {
        access(&*self.groups, group, caller.id, GroupAction::ReadMembers).await?;
        Ok(self.social.nudged_on(caller.id, date, group).await?)
    }
}
