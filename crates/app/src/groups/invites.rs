//! The standing invite code, join requests and their review (docs/API.md, "Invites and
//! the approval queue").

use pursue_domain::activity::ActivityType;
use pursue_domain::group::InviteCode;
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::push::PushKind;
use pursue_domain::role::GroupAction;
use pursue_ports::error::RepoError;
use pursue_ports::groups::{GroupRecord, InviteRecord, JoinError, PendingRecord};
use pursue_ports::users::UserRecord;
use rand::Rng;
use serde_json::json;

use super::{GroupService, access, access_write};
use crate::errors::CoreError;
use crate::notify::{activity, push};
use crate::subscriptions::GroupLimitAction;

/// How many random codes are tried before giving up.
pub(crate) const CODE_ATTEMPTS: usize = 10;

/// A fresh code from the thread-local CSPRNG.
pub(crate) fn new_code() -> InviteCode {
    let mut rng = rand::rng();
    InviteCode::from_random(|n| rng.random_range(0..n))
}

/// Every attempt collided with a stored code.
pub(crate) fn no_free_code() -> CoreError {
    CoreError::Repo(RepoError::Unexpected(anyhow::anyhow!(
        "no free invite code after {CODE_ATTEMPTS} attempts"
    )))
}

/// The answer of `POST /groups/:id/invite/regenerate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regenerated {
    /// The new code.
    pub invite: InviteRecord,
    /// The revoked code, if the group had one.
    pub previous_code: Option<String>,
}

/// The answer of `POST /groups/join`: the group the request was sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequested {
    /// The group (with its active member count).
    pub group: GroupRecord,
}

impl GroupService {
    /// The group's live code (active members); a group without one gets one.
    #[tracing::instrument(level = "debug", name = "groups.invite", skip_all)]
    pub async fn invite(
        &self,
        caller: &UserRecord,
        group: GroupId,
    ) -> Result<InviteRecord, CoreError> {
        access(&*self.groups, group, caller.id, GroupAction::ReadInvite).await?;
        if let Some(invite) = self.groups.active_invite(group).await? {
            return Ok(invite);
        }
        for _ in 0..CODE_ATTEMPTS {
            if let Some(invite) = self
                .groups
                .ensure_invite(group, &new_code(), caller.id)
                .await?
            {
                return Ok(invite);
            }
        }
        Err(no_free_code())
    }

    /// Revokes the live code and issues a new one (admins), with the
    /// `invite_code_regenerated` activity.
    #[tracing::instrument(level = "debug", name = "groups.regenerate_invite", skip_all)]
    pub async fn regenerate_invite(
        &self,
        caller: &UserRecord,
        group: GroupId,
    ) -> Result<Regenerated, CoreError> {
        let (_, guard) = access_write(
            &*self.groups,
            group,
            caller.id,
            GroupAction::RegenerateInvite,
        )
        .await?;
        for _ in 0..CODE_ATTEMPTS {
            if let Some((invite, previous_code)) = self
                .groups
                .regenerate_invite(guard, group, &new_code(), caller.id)
                .await?
            {
                return Ok(Regenerated {
                    invite,
                    previous_code,
                });
            }
        }
        Err(no_free_code())
    }

    /// Asks to join the group of a live code (trimmed, case-insensitive); admins are told.
    /// The subscription group limit, `GROUP_LIMIT_REACHED`, is read first and applied by
    /// the repository after the membership checks and before the caps (see docs/API.md,
    /// "Invites and the approval queue").
    #[tracing::instrument(level = "debug", name = "groups.join", skip_all)]
    pub async fn join(&self, caller: &UserRecord, code: &str) -> Result<JoinRequested, CoreError> {
        let code = InviteCode::normalize_input(code);
        let limit = self
            .subscriptions
            .group_limit(caller.id, GroupLimitAction::Join)
            .await?;
        let group = self
            .groups
            .request_join(&code, caller.id, self.clock.now(), limit.is_some())
            .await
            .map_err(|e| match (e, limit) {
                (JoinError::GroupLimit, Some(limit)) => CoreError::GroupLimit(limit),
                (e, _) => e.into(),
            })?;
        Ok(JoinRequested { group })
    }

    /// Pending join requests, oldest first (admins).
    pub async fn pending_members(
        &self,
        caller: &UserRecord,
        group: GroupId,
    ) -> Result<Vec<PendingRecord>, CoreError> {
        access(
            &*self.groups,
            group,
            caller.id,
            GroupAction::ReviewJoinRequests,
        )
        .await?;
        Ok(self.groups.list_pending(group).await?)
    }

    /// Approves a pending request (admins): 404 when none is pending.
    pub async fn approve(
        &self,
        caller: &UserRecord,
        group: GroupId,
        target: UserId,
    ) -> Result<(), CoreError> {
        let (record, guard) = access_write(
            &*self.groups,
            group,
            caller.id,
            GroupAction::ReviewJoinRequests,
        )
        .await?;
        let pending = self.pending_request(group, target).await?;
        if let Some(limit) = self
            .subscriptions
            .group_limit(target, GroupLimitAction::Approve)
            .await?
        {
            return Err(CoreError::GroupLimit(limit));
        }
        let act = activity(
            ActivityType::MemberApproved,
            caller.id,
            json!({
                "approved_user_id": target.to_string(),
                "approved_user_display_name": pending.display_name.as_str(),
            }),
        );
        let event = push(
            PushKind::MemberApproved,
            group,
            &record.name,
            &pending.display_name,
            "",
            &[("user_id", target.to_string())],
        );
        if self
            .groups
            .approve(guard, target, self.clock.now(), act, event)
            .await?
        {
            self.subscriptions.refresh_cache(&[target]).await;
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }

    /// Declines a pending request (admins) by deleting it: 404 when none is pending.
    pub async fn decline(
        &self,
        caller: &UserRecord,
        group: GroupId,
        target: UserId,
    ) -> Result<(), CoreError> {
        let (_, guard) = access_write(
            &*self.groups,
            group,
            caller.id,
            GroupAction::ReviewJoinRequests,
        )
        .await?;
        let pending = self.pending_request(group, target).await?;
        let act = activity(
            ActivityType::MemberDeclined,
            caller.id,
            json!({
                "declined_user_id": target.to_string(),
                "declined_user_display_name": pending.display_name.as_str(),
            }),
        );
        if self.groups.decline(guard, group, target, act).await? {
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }

    async fn pending_request(
        &self,
        group: GroupId,
        user: UserId,
    ) -> Result<PendingRecord, CoreError> {
        self.groups
            .list_pending(group)
            .await?
            .into_iter()
            .find(|p| p.user_id == user)
            .ok_or(CoreError::NotFound)
    }
}
