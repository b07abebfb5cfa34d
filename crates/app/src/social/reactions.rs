//! `put_reaction`, `remove_reaction`, `list_reactions` (the feed's reactions come with
//! its page: `GroupService::feed`).

use std::collections::BTreeMap;

use pursue_domain::ids::{GoalId, UserId};
use pursue_domain::notification::NotificationType;
use pursue_domain::role::GroupAction;
use pursue_domain::social::Emoji;
use pursue_ports::groups::WriteGuard;
use pursue_ports::social::{ActivityRef, Notice, NoticePush, ReactionRecord, ReactorRecord};
use pursue_ports::users::UserRecord;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{SocialError, SocialService};
use crate::errors::CoreError;
use crate::groups::authorize_write;

fn meta_uuid(metadata: &Value, key: &str) -> Option<Uuid> {
    metadata
        .get(key)
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
}

impl SocialService {
    /// The activity when it exists and the caller is an active member of its group, with
    /// the guard a reaction write re-checks inside its transaction.
    async fn reachable(
        &self,
        caller: UserId,
        activity: Uuid,
    ) -> Result<(ActivityRef, WriteGuard), SocialError> {
        let found = self
            .social
            .find_activity(activity)
            .await?
            .ok_or(CoreError::NotFound)?;
        let guard = authorize_write(
            &*self.groups,
            found.group,
            caller,
            GroupAction::ReadActivity,
        )
        .await?;
        Ok((found, guard))
    }

    /// Sets the caller's reaction (see docs/API.md, Reactions): the owner of another
    /// user's `progress_logged` activity gets an inbox row and push when it is new.
    pub async fn put_reaction(
        &self,
        caller: &UserRecord,
        activity: Uuid,
        emoji: Emoji,
    ) -> Result<(ReactionRecord, bool), SocialError> {
        let (found, guard) = self.reachable(caller.id, activity).await?;
        let notice = match found.owner {
            Some(owner) if owner != caller.id && found.activity_type == "progress_logged" => {
                let group = self
                    .groups
                    .find_group(found.group)
                    .await?
                    .ok_or(CoreError::NotFound)?;
                let goal_title = found
                    .metadata
                    .get("goal_title")
                    .and_then(Value::as_str)
                    .unwrap_or("goal");
                let goal = meta_uuid(&found.metadata, "goal_id");
                let entry = meta_uuid(&found.metadata, "progress_entry_id");
                let mut extras = BTreeMap::new();
                if let Some(goal) = goal {
                    extras.insert("goal_id".to_string(), goal.to_string());
                }
                extras.insert("activity_id".to_string(), found.id.to_string());
                Some(Notice {
                    user: owner,
                    kind: NotificationType::ReactionReceived,
                    actor: Some(caller.id),
                    group: Some(found.group),
                    goal: goal.map(GoalId::from_uuid),
                    progress_entry: entry,
                    metadata: json!({ "emoji": emoji.as_str() }),
                    shareable_card_data: None,
                    push: Some(NoticePush {
                        title: group.name.into_inner(),
                        body: format!(
                            "{} reacted {} to your {goal_title} log",
                            caller.display_name,
                            emoji.as_str()
                        ),
                        extras,
                    }),
                })
            }
            _ => None,
        };
        Ok(self
            .social
            .put_reaction(
                guard,
                activity,
                caller.id,
                emoji.as_str().to_string(),
                notice,
            )
            .await?)
    }

    /// Removes the caller's reaction (404 when there is none).
    pub async fn remove_reaction(
        &self,
        caller: &UserRecord,
        activity: Uuid,
    ) -> Result<(), SocialError> {
        let (_, guard) = self.reachable(caller.id, activity).await?;
        if self
            .social
            .delete_reaction(guard, activity, caller.id)
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound.into())
        }
    }

    /// The reactions on an activity, newest first.
    pub async fn list_reactions(
        &self,
        caller: &UserRecord,
        activity: Uuid,
    ) -> Result<Vec<ReactorRecord>, SocialError> {
        self.reachable(caller.id, activity).await?;
        Ok(self.social.list_reactions(activity).await?)
    }
}
