//! `create_goal`, `get_goal`, `update_goal`, `archive_goal`.

use pursue_domain::activity::ActivityType;
use pursue_domain::goal::{ActiveDays, Cadence, GoalSpecError, NewGoalSpec};
use pursue_domain::ids::{GoalId, GroupId};
use pursue_domain::push::PushKind;
use pursue_domain::role::GroupAction;
use pursue_ports::goals::{GoalPatch, GoalRecord};
use pursue_ports::users::UserRecord;
use serde_json::json;

use super::GoalService;
use crate::errors::CoreError;
use crate::groups::{access_write, authorize_in, authorize_write};
use crate::notify::{activity, push};

impl GoalService {
    /// Creates a goal (admin or creator) with `goal_added` activity and push.
    #[tracing::instrument(level = "debug", name = "goals.create_goal", skip_all)]
    pub async fn create_goal(
        &self,
        caller: &UserRecord,
        group: GroupId,
        spec: NewGoalSpec,
    ) -> Result<GoalRecord, CoreError> {
        let (record, guard) =
            access_write(&*self.groups, group, caller.id, GroupAction::ManageGoals).await?;
        self.subscriptions.check_write(caller.id, group).await?;
        let id = GoalId::from_uuid(self.ids.new_id());
        let title = spec.title().as_str().to_string();
        let act = activity(
            ActivityType::GoalAdded,
            caller.id,
            json!({ "goal_id": id.to_string(), "goal_title": title }),
        );
        let event = push(
            PushKind::GoalAdded,
            group,
            &record.name,
            &caller.display_name,
            &title,
            &[("goal_id", id.to_string())],
        );
        Ok(self.goals.create_goal(guard, id, spec, act, event).await?)
    }

    /// The active goal (members only).
    #[tracing::instrument(level = "debug", name = "goals.get_goal", skip_all)]
    pub async fn get_goal(&self, caller: &UserRecord, id: GoalId) -> Result<GoalRecord, CoreError> {
        let goal = self.active_goal(id).await?;
        authorize_in(
            &*self.groups,
            goal.group_id,
            caller.id,
            GroupAction::ReadGoals,
        )
        .await?;
        Ok(goal)
    }

    /// Edits title, description and active days of an active goal (admin or creator).
    /// Active days apply to daily goals only; a changed value writes `goal_updated`.
    #[tracing::instrument(level = "debug", name = "goals.update_goal", skip_all)]
    pub async fn update_goal(
        &self,
        caller: &UserRecord,
        id: GoalId,
        patch: GoalPatch,
    ) -> Result<GoalRecord, CoreError> {
        let goal = self.active_goal(id).await?;
        let guard = authorize_write(
            &*self.groups,
            goal.group_id,
            caller.id,
            GroupAction::ManageGoals,
        )
        .await?;
        self.subscriptions
            .check_write(caller.id, goal.group_id)
            .await?;
        if matches!(patch.active_days, Some(Some(_))) && goal.cadence != Cadence::Daily {
            return Err(CoreError::invalid(
                "active_days",
                GoalSpecError::ActiveDaysNotDaily,
            ));
        }
        let act = match patch.active_days {
            Some(new) if new != goal.active_days => Some(activity(
                ActivityType::GoalUpdated,
                caller.id,
                json!({
                    "goal_id": id.to_string(),
                    "field": "active_days",
                    "old_value": goal.active_days.map(ActiveDays::days),
                    "new_value": new.map(ActiveDays::days),
                }),
            )),
            _ => None,
        };
        self.goals
            .update_goal(guard, id, patch, act)
            .await?
            .ok_or(CoreError::NotFound)
    }

    /// Archives an active goal (admin or creator) with `goal_archived` activity and push.
    #[tracing::instrument(level = "debug", name = "goals.archive_goal", skip_all)]
    pub async fn archive_goal(&self, caller: &UserRecord, id: GoalId) -> Result<(), CoreError> {
        let goal = self.active_goal(id).await?;
        let (record, guard) = access_write(
            &*self.groups,
            goal.group_id,
            caller.id,
            GroupAction::ManageGoals,
        )
        .await?;
        self.subscriptions
            .check_write(caller.id, goal.group_id)
            .await?;
        let act = activity(
            ActivityType::GoalArchived,
            caller.id,
            json!({ "goal_id": id.to_string(), "goal_title": goal.title.as_str() }),
        );
        let event = push(
            PushKind::GoalArchived,
            goal.group_id,
            &record.name,
            &caller.display_name,
            &goal.title,
            &[("goal_id", id.to_string())],
        );
        if self
            .goals
            .archive_goal(guard, id, caller.id, act, event)
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }
}
