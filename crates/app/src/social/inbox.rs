//! The notification inbox: list, unread count, mark read, delete.

use pursue_ports::social::NotificationPage;
use pursue_ports::users::UserRecord;
use uuid::Uuid;

use super::{SocialError, SocialService};
use crate::errors::CoreError;

impl SocialService {
    /// One page of the caller's inbox (`limit` already checked, 1–50).
    pub async fn notifications(
        &self,
        caller: &UserRecord,
        limit: i64,
        before: Option<Uuid>,
    ) -> Result<NotificationPage, SocialError> {
        Ok(self
            .social
            .list_notifications(caller.id, limit, before)
            .await?)
    }

    /// The caller's unread count.
    pub async fn unread_count(&self, caller: &UserRecord) -> Result<i64, SocialError> {
        Ok(self.social.unread_count(caller.id).await?)
    }

    /// Marks all the caller's rows read; returns how many changed.
    pub async fn mark_all_read(&self, caller: &UserRecord) -> Result<i64, SocialError> {
        Ok(self.social.mark_all_read(caller.id).await?)
    }

    /// Marks one of the caller's rows read (404 when not theirs).
    pub async fn mark_read(&self, caller: &UserRecord, id: Uuid) -> Result<(), SocialError> {
        if self.social.mark_read(caller.id, id).await? {
            Ok(())
        } else {
            Err(CoreError::NotFound.into())
        }
    }

    /// Deletes one of the caller's rows (404 when not theirs).
    pub async fn delete_notification(
        &self,
        caller: &UserRecord,
        id: Uuid,
    ) -> Result<(), SocialError> {
        if self.social.delete_notification(caller.id, id).await? {
            Ok(())
        } else {
            Err(CoreError::NotFound.into())
        }
    }
}
