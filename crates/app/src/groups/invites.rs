//! `create_invite`, `join`.

use chrono::{DateTime, Utc};
use pursue_domain::activity::ActivityType;
use pursue_domain::group::{InviteCode, MaxUses};
use pursue_domain::ids::GroupId;
use pursue_domain::push::PushKind;
use pursue_domain::role::GroupAction;
use pursue_ports::groups::{GroupRecord, InviteRecord, NewInvite};
use pursue_ports::users::UserRecord;
use rand::Rng;
use serde_json::json;

use super::{GroupService, access};
use crate::errors::CoreError;
use crate::notify::{activity, push};

/// How many random codes are tried before giving up.
const CODE_ATTEMPTS: usize = 10;

impl GroupService {
    /// Creates an invite code (admin or creator). `expires_at` must be in the future.
    #[tracing::instrument(level = "debug", name = "groups.create_invite", skip_all)]
    pub async fn create_invite(
        &self,
        caller: &UserRecord,
        group: GroupId,
        max_uses: Option<MaxUses>,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<InviteRecord, CoreError> {
        access(&*self.groups, group, caller.id, GroupAction::CreateInvite).await?;
        if expires_at.is_some_and(|t| t <= Utc::now()) {
            return Err(CoreError::invalid("expires_at", "must be in the future"));
        }
        for _ in 0..CODE_ATTEMPTS {
            let mut rng = rand::rng();
            let code = InviteCode::from_random(|n| rng.random_range(0..n));
            let invite = NewInvite {
                group_id: group,
                created_by: caller.id,
                max_uses,
                expires_at,
            };
            if let Some(record) = self.groups.create_invite(&code, invite).await? {
                return Ok(record);
            }
        }
        Err(CoreError::Repo(pursue_ports::error::RepoError::Unexpected(
            anyhow::anyhow!("no free invite code after {CODE_ATTEMPTS} attempts"),
        )))
    }

    /// Joins the group of an invite code (trimmed, case-insensitive) as `member`.
    #[tracing::instrument(level = "debug", name = "groups.join", skip_all)]
    pub async fn join(&self, caller: &UserRecord, code: &str) -> Result<GroupRecord, CoreError> {
        let code = InviteCode::normalize_input(code);
        let invite = self
            .groups
            .find_invite(&code)
            .await?
            .ok_or(CoreError::InvalidInvite)?;
        let group = self
            .groups
            .find_group(invite.group_id)
            .await?
            .ok_or(CoreError::InvalidInvite)?;
        let act = activity(ActivityType::MemberJoined, caller.id, json!({}));
        let event = push(
            PushKind::MemberJoined,
            group.id,
            &group.name,
            &caller.display_name,
            "",
            &[("user_id", caller.id.to_string())],
        );
        Ok(self
            .groups
            .join_with_invite(&code, caller.id, Utc::now(), act, event)
            .await?)
    }
}
