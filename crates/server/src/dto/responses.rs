//! OpenAPI schemas of the success bodies that handlers build as JSON values (see
//! docs/API.md, OpenAPI). Only the document uses these types; the fuzz run
//! (`scripts/fuzz.sh`, check `response_schema_conformance`) compares them with what the
//! server sends. Bodies that exist as structs (`UserBody`, `GroupBody`, …) derive their
//! schema themselves.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::goals::GoalBody;
use super::groups::{MemberBody, MyGroupBody, PendingBody};
use super::social::NotificationBody;

/// `{success: true}`.
#[derive(ToSchema)]
pub struct SuccessBody {
    /// Always `true`.
    pub success: bool,
}

/// `{message}`.
#[derive(ToSchema)]
pub struct MessageBody {
    /// What happened.
    pub message: String,
}

/// `POST /api/auth/link/google`.
#[derive(ToSchema)]
pub struct LinkedBody {
    /// `true`.
    pub success: bool,
    /// `google`.
    pub provider: String,
    /// The Google account's e-mail.
    pub provider_email: Option<String>,
}

/// `DELETE /api/auth/unlink/{provider}`, `POST/DELETE /api/users/me/avatar`.
#[derive(ToSchema)]
pub struct AvatarStateBody {
    /// `true`.
    pub success: bool,
    /// Whether an avatar is stored now.
    pub has_avatar: bool,
}

/// `POST /api/devices/register`.
#[derive(ToSchema)]
pub struct RegisteredDeviceBody {
    /// Id.
    pub id: String,
    /// Name.
    pub device_name: Option<String>,
    /// Platform.
    pub platform: Option<String>,
}

/// `GET /api/devices`.
#[derive(ToSchema)]
pub struct DeviceListBody {
    /// The caller's devices.
    pub devices: Vec<super::devices::DeviceBody>,
}

/// One sign-in method of `GET /api/users/me/providers`.
#[derive(ToSchema)]
pub struct ProviderBody {
    /// `email` or `google`.
    pub provider: String,
    /// `email` only: whether a password is set.
    pub has_password: Option<bool>,
    /// `google` only: the Google account's e-mail.
    pub provider_email: Option<String>,
    /// When it was linked.
    pub linked_at: Option<DateTime<Utc>>,
}

/// `GET /api/users/me/providers`.
#[derive(ToSchema)]
pub struct ProvidersBody {
    /// The sign-in methods.
    pub providers: Vec<ProviderBody>,
}

/// `GET /api/users/me/groups`.
#[derive(ToSchema)]
pub struct MyGroupsBody {
    /// One page of the caller's groups.
    pub groups: Vec<MyGroupBody>,
    /// All of them.
    pub total: i64,
}

/// `GET /api/groups/{group_id}/members`: members plus `logged_this_period` and
/// `last_log_at`.
#[derive(ToSchema)]
pub struct MembersBody {
    /// Creator first, then admins, then members.
    pub members: Vec<MemberBody>,
}

/// `GET /api/groups/{group_id}/members/pending`.
#[derive(ToSchema)]
pub struct PendingListBody {
    /// Oldest first.
    pub pending_members: Vec<PendingBody>,
}

/// `GET /api/groups/{group_id}/activity`.
#[derive(Serialize, ToSchema)]
pub struct ActivityListBody {
    /// One page, newest first, each item with its reactions.
    pub activities: Vec<super::social::FeedItemBody>,
    /// All of them.
    pub total: i64,
}

/// `GET /api/groups/{group_id}/goals`.
#[derive(ToSchema)]
pub struct GoalListBody {
    /// The goals.
    pub goals: Vec<GoalBody>,
    /// Their number.
    pub total: i64,
}

/// `POST /api/groups/join`.
#[derive(ToSchema)]
pub struct JoinBody {
    /// `pending`.
    pub status: String,
    /// What happens next.
    pub message: String,
    /// The group asked for.
    #[schema(value_type = Object)]
    pub group: Value,
}

/// `PATCH /api/goals/{goal_id}`.
#[derive(ToSchema)]
pub struct UpdatedGoalBody {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Active days, or null for every day.
    pub active_days: Option<Vec<u8>>,
    /// `Every day`, `Weekdays only`, ….
    pub active_days_label: String,
    /// Number of active days.
    pub active_days_count: u32,
}

/// `GET /api/goals/{goal_id}/progress`.
#[derive(ToSchema)]
pub struct GoalProgressBody {
    /// The goal: `id`, `title`, `cadence` and its active days.
    #[schema(value_type = Object)]
    pub goal: Value,
    /// Each member's entries.
    #[schema(value_type = Vec<Object>)]
    pub progress: Vec<Value>,
}

/// `GET /api/goals/{goal_id}/progress/me`.
#[derive(ToSchema)]
pub struct MyGoalProgressBody {
    /// The goal.
    pub goal_id: String,
    /// The caller's entries.
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<Value>,
}

/// `GET /api/groups/{group_id}/members/{user_id}/progress`.
#[derive(ToSchema)]
pub struct MemberHistoryBody {
    /// The member.
    #[schema(value_type = Object)]
    pub member: Value,
    /// The requested range.
    #[schema(value_type = Object)]
    pub timeframe: Value,
    /// One summary per goal.
    #[schema(value_type = Vec<Object>)]
    pub goal_summaries: Vec<Value>,
    /// One page of entries.
    #[schema(value_type = Vec<Object>)]
    pub activity_log: Vec<Value>,
    /// `next_cursor` and `has_more`.
    #[schema(value_type = Object)]
    pub pagination: Value,
}

/// `GET /api/groups/{group_id}/export-progress/validate-range`.
#[derive(ToSchema)]
pub struct ExportRangeBody {
    /// Whether the range may be exported.
    pub valid: bool,
    /// The tier's longest range.
    pub max_days_allowed: i64,
    /// The range's length.
    pub requested_days: i64,
    /// `free` or `premium`.
    pub subscription_tier: String,
}

/// `GET /api/groups/{group_id}/nudges/sent-today`.
#[derive(ToSchema)]
pub struct NudgedTodayBody {
    /// Members the caller nudged on that date.
    pub nudged_user_ids: Vec<String>,
}

/// `POST /api/nudges`.
#[derive(ToSchema)]
pub struct NudgeSentBody {
    /// `id`, `recipient_user_id`, `group_id`, `goal_id`, `sent_at`.
    #[schema(value_type = Object)]
    pub nudge: Value,
}

/// `GET /api/notifications`.
#[derive(ToSchema)]
pub struct NotificationListBody {
    /// Newest first.
    pub notifications: Vec<NotificationBody>,
    /// Unread in the whole inbox.
    pub unread_count: i64,
    /// Whether older ones exist.
    pub has_more: bool,
}

/// `POST /api/notifications/mark-all-read`.
#[derive(ToSchema)]
pub struct MarkedBody {
    /// How many were unread.
    pub marked_read: i64,
}

/// `PATCH /api/notifications/{id}/read`.
#[derive(ToSchema)]
pub struct ReadBody {
    /// Id.
    pub id: String,
    /// `true`.
    pub is_read: bool,
}

/// `GET /api/notifications/unread-count`.
#[derive(ToSchema)]
pub struct UnreadBody {
    /// Unread notifications.
    pub unread_count: i64,
}

/// `GET /api/activities/{activity_id}/reactions`.
#[derive(ToSchema)]
pub struct ReactionListBody {
    /// The activity.
    pub activity_id: String,
    /// Number of reactions.
    pub total: i64,
    /// Newest first.
    #[schema(value_type = Vec<Object>)]
    pub reactions: Vec<Value>,
}

/// `PUT /api/activities/{activity_id}/reactions`.
#[derive(ToSchema)]
pub struct ReactionSetBody {
    /// `activity_id`, `user_id`, `emoji`, `created_at`.
    #[schema(value_type = Object)]
    pub reaction: Value,
    /// Whether it replaced the caller's previous emoji.
    pub replaced: bool,
}

/// `GET /api/users/me/consents`.
#[derive(ToSchema)]
pub struct ConsentListBody {
    /// `consent_type`, `action`, `agreed_at`; newest first.
    #[schema(value_type = Vec<Object>)]
    pub consents: Vec<Value>,
}

/// `GET /api/users/me/consents/status`.
#[derive(ToSchema)]
pub struct ConsentStatusBody {
    /// The latest `{action, updated_at}` per consent type.
    #[schema(value_type = Object)]
    pub status: Value,
}

/// `GET /api/users/me/subscription`.
#[derive(ToSchema)]
pub struct SubscriptionBody {
    /// `free` or `premium`.
    pub tier: String,
    /// The subscription's state.
    pub status: String,
    /// Groups allowed.
    pub group_limit: i64,
    /// Groups held.
    pub current_group_count: i64,
    /// Groups that may still be added.
    pub groups_remaining: i64,
    /// Whether the account holds more groups than allowed.
    pub is_over_limit: bool,
    /// End of the paid period.
    pub subscription_expires_at: Option<String>,
    /// Whether the store renews it.
    pub auto_renew: Option<bool>,
    /// Whether a group may be created.
    pub can_create_group: bool,
    /// Whether a group may be joined.
    pub can_join_group: bool,
}

/// `GET /api/users/me/subscription/eligibility`.
#[derive(ToSchema)]
pub struct EligibilityBody {
    /// Whether a group may be created.
    pub can_create_group: bool,
    /// Whether a group may be joined.
    pub can_join_group: bool,
    /// Why not, if not.
    pub reason: Option<String>,
    /// Groups held.
    pub current_count: i64,
    /// Groups allowed.
    pub limit: i64,
    /// Whether an upgrade would allow it.
    pub upgrade_required: bool,
}

/// `POST /api/subscriptions/upgrade` and `/verify`.
#[derive(ToSchema)]
pub struct UpgradedBody {
    /// The stored subscription.
    pub subscription_id: String,
    /// `premium`.
    pub tier: String,
    /// The purchase's state.
    pub status: String,
    /// End of the paid period.
    pub expires_at: String,
    /// Groups allowed.
    pub group_limit: i64,
}

/// `POST /api/subscriptions/cancel`.
#[derive(ToSchema)]
pub struct CancelledBody {
    /// `cancelled`.
    pub status: String,
    /// End of the paid period.
    pub access_until: String,
    /// `false`.
    pub auto_renew: bool,
    /// What happens next.
    pub message: String,
}

/// `POST /api/subscriptions/downgrade/select-group`.
#[derive(ToSchema)]
pub struct SelectedGroupBody {
    /// `success`.
    pub status: String,
    /// `{id, name}` of the group kept.
    #[schema(value_type = Object)]
    pub kept_group: Value,
    /// `{id, name}` of the groups made read-only.
    #[schema(value_type = Vec<Object>)]
    pub removed_groups: Vec<Value>,
    /// End of the read-only period.
    pub read_only_access_until: String,
}

/// `GET /api/users/me/progress`.
#[derive(ToSchema)]
pub struct MyProgressBody {
    /// Current and longest streak.
    #[schema(value_type = Object)]
    pub streak: Value,
    /// `week_start_date` and the week's `completion_data`.
    #[schema(value_type = Object)]
    pub weekly_activity: Value,
    /// Completion per day of the range.
    #[schema(value_type = Object)]
    pub heatmap: Value,
    /// Completion per goal.
    #[schema(value_type = Vec<Object>)]
    pub goal_breakdown: Vec<Value>,
}

/// `GET /health`.
#[derive(ToSchema)]
pub struct HealthBody {
    /// `healthy`.
    pub status: String,
    /// When it was checked.
    pub timestamp: String,
    /// Seconds since start.
    pub uptime: f64,
    /// `database`, `database_latency_ms`, `memory`, `memory_usage_mb`, `push`, `email`.
    #[schema(value_type = Object)]
    pub checks: Value,
}

/// Raw bytes (a picture or a workbook); the response's media type says which.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Binary(pub Vec<u8>);

/// `400` of `GET /api/groups/{group_id}/export-progress/validate-range`: a range the tier
/// does not allow, in the flat body the app reads.
#[derive(serde::Serialize, ToSchema)]
pub struct ExportRangeRefusedBody {
    /// `false`.
    pub valid: bool,
    /// The tier's longest range.
    pub max_days_allowed: i64,
    /// The range's length.
    pub requested_days: i64,
    /// `free` or `premium`.
    pub subscription_tier: String,
    /// `absolute_maximum_exceeded` or `date_range_exceeds_tier_limit`.
    pub error: String,
    /// Explanation.
    pub message: String,
}

/// Either answer of a `400` from the range check: the error envelope (invalid dates) or
/// [`ExportRangeRefusedBody`].
#[derive(serde::Serialize, ToSchema)]
#[serde(untagged)]
pub enum ExportRangeError {
    /// `VALIDATION_ERROR` in the envelope.
    #[schema(title = "ErrorBody")]
    Envelope(crate::openapi::ErrorBody),
    /// The flat refusal.
    #[schema(title = "ExportRangeRefusedBody")]
    Refused(ExportRangeRefusedBody),
}
