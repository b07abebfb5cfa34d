//! Activity feed items written by the operations that produce them (docs/API.md, Activity feed).

use chrono::{DateTime, Utc};
use pursue_domain::activity::ActivityType;
use pursue_domain::ids::UserId;
use pursue_domain::social::Reaction;
use serde_json::Value;
use uuid::Uuid;

/// A feed item to store with a change, in the same transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewActivity {
    /// The type.
    pub kind: ActivityType,
    /// The user it is attributed to (the actor).
    pub user: UserId,
    /// The type's metadata object.
    pub metadata: Value,
}

/// A stored feed item with its user, when that user still exists, and its reactions.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRecord {
    /// Row id.
    pub id: Uuid,
    /// Stored type name.
    pub activity_type: String,
    /// `(id, display_name)` of the user, `None` once deleted.
    pub user: Option<(UserId, pursue_domain::user::DisplayName)>,
    /// Metadata (`{}` when none was stored).
    pub metadata: Value,
    /// Creation instant.
    pub created_at: DateTime<Utc>,
    /// The reactions of users not deleted, in no particular order (at most 1,000).
    pub reactions: Vec<Reaction>,
}

/// One page of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityPage {
    /// Items, newest first.
    pub items: Vec<ActivityRecord>,
    /// Number of items in the whole feed.
    pub total: i64,
}
