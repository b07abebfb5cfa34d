//! [`PgSocial`]: reactions, nudges and the inbox over `activity_reactions`, `nudges` and
//! `user_notifications`.

mod inbox;
mod milestones;
mod notice;
mod nudges;
mod reactions;
mod retention;

pub(crate) use reactions::MAX_REACTIONS;

pub use milestones::{PgMilestones, referral_candidate};

use async_trait::async_trait;
use chrono::NaiveDate;
use pursue_domain::ids::{GoalId, GroupId, UserId};
use pursue_ports::activity::NewActivity;
use pursue_ports::error::RepoError;
use pursue_ports::groups::WriteGuard;
use pursue_ports::social::{
    ActivityRef, NewNudge, Notice, NotificationPage, NudgeError, NudgeRecord, ReactionRecord,
    ReactorRecord, SocialRepository,
};
use uuid::Uuid;

use crate::common::TxError;
use crate::db::Db;
use crate::errors::{db_error, is_unique_violation};
use crate::pool::PgPool;

/// Reactions, nudges and the inbox.
#[derive(Clone)]
pub struct PgSocial {
    db: Db,
}

impl PgSocial {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { db: Db::new(pool) }
    }
}

#[async_trait]
impl SocialRepository for PgSocial {
    async fn find_activity(&self, id: Uuid) -> Result<Option<ActivityRef>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move { reactions::find_activity(conn, id).await.map_err(db_error) })
            })
            .await
    }

    async fn put_reaction(
        &self,
        guard: WriteGuard,
        activity: Uuid,
        user: UserId,
        emoji: String,
        notice: Option<Notice>,
    ) -> Result<(ReactionRecord, bool), RepoError> {
        self.db
            .guarded(guard, |conn| {
                Box::pin(async move {
                    reactions::put_reaction(conn, activity, user, emoji, notice).await
                })
            })
            .await
    }

    async fn delete_reaction(
        &self,
        guard: WriteGuard,
        activity: Uuid,
        user: UserId,
    ) -> Result<bool, RepoError> {
        self.db
            .guarded::<_, diesel::result::Error, _>(guard, |conn| {
                Box::pin(reactions::delete_reaction(conn, activity, user))
            })
            .await
    }

    async fn list_reactions(&self, activity: Uuid) -> Result<Vec<ReactorRecord>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    reactions::list_reactions(conn, activity)
                        .await
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn goal_active_days(&self, goal: GoalId) -> Result<Option<i32>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(
                    async move { nudges::goal_active_days(conn, goal).await.map_err(db_error) },
                )
            })
            .await
    }

    async fn send_nudge(
        &self,
        guard: WriteGuard,
        nudge: NewNudge,
        daily_limit: i64,
        activity: NewActivity,
        notice: Notice,
    ) -> Result<NudgeRecord, NudgeError> {
        let result = self
            .db
            .transaction(|conn| {
                Box::pin(async move {
                    if let Err(refused) = crate::guard::check(conn, guard).await? {
                        return Ok(Err(refused));
                    }
                    nudges::send_nudge(conn, nudge, daily_limit, activity, notice)
                        .await
                        .map(Ok)
                })
            })
            .await?;
        match result {
            Ok(Ok(record)) => Ok(record),
            Ok(Err(refused)) => Err(NudgeError::Repo(refused)),
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
        self.db
            .read(|conn| {
                Box::pin(async move {
                    nudges::nudged_on(conn, sender, date, group)
                        .await
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn list_notifications(
        &self,
        user: UserId,
        limit: i64,
        before: Option<Uuid>,
    ) -> Result<NotificationPage, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    inbox::list(conn, user, limit, before)
                        .await
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn unread_count(&self, user: UserId) -> Result<i64, RepoError> {
        self.db
            .read(|conn| Box::pin(async move { inbox::unread(conn, user).await.map_err(db_error) }))
            .await
    }

    async fn mark_all_read(&self, user: UserId) -> Result<i64, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move { inbox::mark_all(conn, user).await.map_err(db_error) })
            })
            .await
    }

    async fn mark_read(&self, user: UserId, id: Uuid) -> Result<bool, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move { inbox::mark_one(conn, user, id).await.map_err(db_error) })
            })
            .await
    }

    async fn delete_notification(&self, user: UserId, id: Uuid) -> Result<bool, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move { inbox::delete_one(conn, user, id).await.map_err(db_error) })
            })
            .await
    }
}
