//! [`PgSocial`]: reactions, nudges and the inbox over `activity_reactions`, `nudges` and
//! `user_notifications`.

mod inbox;
mod milestones;
mod notice;
mod nudges;
mod reactions;
mod retention;

pub use milestones::{PgMilestones, referral_candidate};

use async_trait::async_trait;
use chrono::NaiveDate;
use pursue_domain::ids::{GoalId, GroupId, UserId};
use pursue_domain::social::Reaction;
use pursue_ports::activity::NewActivity;
use pursue_ports::error::RepoError;
use pursue_ports::social::{
    ActivityRef, NewNudge, Notice, NotificationPage, NudgeError, NudgeRecord, ReactionRecord,
    ReactorRecord, SocialRepository,
};
use uuid::Uuid;

use crate::common::TxError;
use crate::errors::{db_error, is_unique_violation, pool_error};
use crate::pool::PgPool;

/// Reactions, nudges and the inbox.
#[derive(Clone)]
pub struct PgSocial {
    pool: PgPool,
}

impl PgSocial {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl SocialRepository for PgSocial {
    async fn find_activity(&self, id: Uuid) -> Result<Option<ActivityRef>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        reactions::find_activity(&mut conn, id)
            .await
            .map_err(db_error)
    }

    async fn put_reaction(
        &self,
        activity: Uuid,
        user: UserId,
        emoji: String,
        notice: Option<Notice>,
    ) -> Result<(ReactionRecord, bool), RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        reactions::put_reaction(&mut conn, activity, user, emoji, notice)
            .await
            .map_err(db_error)
    }

    async fn delete_reaction(&self, activity: Uuid, user: UserId) -> Result<bool, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        reactions::delete_reaction(&mut conn, activity, user)
            .await
            .map_err(db_error)
    }

    async fn list_reactions(&self, activity: Uuid) -> Result<Vec<ReactorRecord>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        reactions::list_reactions(&mut conn, activity)
            .await
            .map_err(db_error)
    }

    async fn feed_reactions(
        &self,
        activities: Vec<Uuid>,
    ) -> Result<Vec<(Uuid, Reaction)>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        reactions::feed_reactions(&mut conn, &activities)
            .await
            .map_err(db_error)
    }

    async fn goal_active_days(&self, goal: GoalId) -> Result<Option<i32>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        nudges::goal_active_days(&mut conn, goal)
            .await
            .map_err(db_error)
    }

    async fn send_nudge(
        &self,
        nudge: NewNudge,
        daily_limit: i64,
        activity: NewActivity,
        notice: Notice,
    ) -> Result<NudgeRecord, NudgeError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        match nudges::send_nudge(&mut conn, nudge, daily_limit, activity, notice).await {
            Ok(record) => Ok(record),
            Err(TxError::Business(nudges::Stop::Already)) => Err(NudgeError::AlreadyNudged),
            Err(TxError::Business(nudges::Stop::Limit)) => Err(NudgeError::DailyLimit),
            Err(TxError::Db(e)) if is_unique_violation(&e, None) => Err(NudgeError::AlreadyNudged),
            Err(TxError::Db(e)) => Err(NudgeError::Repo(db_error(e))),
        }
    }

    async fn nudged_on(
        &self,
        sender: UserId,
        date: NaiveDate,
        group: GroupId,
    ) -> Result<Vec<UserId>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        nudges::nudged_on(&mut conn, sender, date, group)
            .await
            .map_err(db_error)
    }

    async fn list_notifications(
        &self,
        user: UserId,
        limit: i64,
        before: Option<Uuid>,
    ) -> Result<NotificationPage, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        inbox::list(&mut conn, user, limit, before)
            .await
            .map_err(db_error)
    }

    async fn unread_count(&self, user: UserId) -> Result<i64, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        inbox::unread(&mut conn, user).await.map_err(db_error)
    }

    async fn mark_all_read(&self, user: UserId) -> Result<i64, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        inbox::mark_all(&mut conn, user).await.map_err(db_error)
    }

    async fn mark_read(&self, user: UserId, id: Uuid) -> Result<bool, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        inbox::mark_one(&mut conn, user, id).await.map_err(db_error)
    }

    async fn delete_notification(&self, user: UserId, id: Uuid) -> Result<bool, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        inbox::delete_one(&mut conn, user, id)
            .await
            .map_err(db_error)
    }
}
