//! `GET /api/users/me/data`: the right-of-access export (docs/API.md, Data export).

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use pursue_domain::ids::UserId;
use pursue_ports::error::RepoError;
use pursue_ports::export::DataExport;
use serde_json::Value;

/// Why the export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The caller's row vanished after the token was accepted.
    #[error("user gone")]
    UserGone,
    /// Storage failure.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Adds the computed subscription object to an export.
pub type SubscriptionObject = Arc<
    dyn Fn(UserId) -> futures_util::future::BoxFuture<'static, Result<Value, RepoError>>
        + Send
        + Sync,
>;

/// The export use case.
#[derive(Clone)]
pub struct DataExportService {
    data: Arc<dyn DataExport>,
    subscription: Option<SubscriptionObject>,
}

impl DataExportService {
    /// Wires the port.
    pub fn new(data: Arc<dyn DataExport>) -> Self {
        Self {
            data,
            subscription: None,
        }
    }

    /// Fills the `subscription` key with `object` (the subscription endpoint's body).
    pub fn with_subscription(mut self, object: SubscriptionObject) -> Self {
        self.subscription = Some(object);
        self
    }

    /// Everything stored about `user`, stamped with `now`.
    pub async fn export(&self, user: UserId, now: DateTime<Utc>) -> Result<Value, ExportError> {
        let mut doc = self.data.export(user).await?.ok_or(ExportError::UserGone)?;
        let subscription = match &self.subscription {
            Some(object) => object(user).await?,
            None => Value::Null,
        };
        if let Value::Object(map) = &mut doc {
            map.insert(
                "exported_at".into(),
                Value::String(now.to_rfc3339_opts(SecondsFormat::Millis, true)),
            );
            map.insert("subscription".into(), subscription);
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use pursue_ports::export::MockDataExport;
    use uuid::Uuid;

    fn uid() -> UserId {
        UserId::from_uuid(Uuid::from_u128(1))
    }

    #[tokio::test]
    async fn stamps_the_document_and_adds_the_subscription() {
        let mut data = MockDataExport::new();
        data.expect_export().returning(|_| {
            Ok(Some(
                serde_json::json!({"format_version": 1, "devices": []}),
            ))
        });
        let svc = DataExportService::new(Arc::new(data)).with_subscription(Arc::new(|_| {
            Box::pin(async { Ok(serde_json::json!({"tier": "free"})) })
        }));
        let now = Utc::now();
        let doc = svc.export(uid(), now).await.unwrap();
        assert_eq!(doc["subscription"]["tier"], "free");
        assert_eq!(doc["format_version"], 1);
        assert_eq!(
            doc["exported_at"],
            now.to_rfc3339_opts(SecondsFormat::Millis, true)
        );
    }

    #[tokio::test]
    async fn a_vanished_user_is_user_gone() {
        let mut data = MockDataExport::new();
        data.expect_export().returning(|_| Ok(None));
        let svc = DataExportService::new(Arc::new(data));
        assert!(matches!(
            svc.export(uid(), Utc::now()).await,
            Err(ExportError::UserGone)
        ));
    }
}
