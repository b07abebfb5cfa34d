//! Bodies and answers of the reaction, nudge and notification routes.

use chrono::{DateTime, NaiveDate, Utc};
use pursue_app::social::SendNudge;
use pursue_domain::ids::{GoalId, GroupId, UserId};
use pursue_domain::social::{Emoji, ReactionSummary};
use pursue_ports::social::{NotificationRecord, ReactorRecord};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::fields::Fields;
use crate::error::ApiError;

/// `PUT /api/activities/:id/reactions`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct ReactionRequest {
    /// One of the picker's emoji.
    #[garde(skip)]
    #[schema(schema_with = super::schema::reaction_emoji)]
    pub emoji: String,
}

impl TryFrom<ReactionRequest> for Emoji {
    type Error = ApiError;

    /// The emoji (`❤` becomes `❤️`).
    fn try_from(r: ReactionRequest) -> Result<Self, ApiError> {
        super::fields::single("emoji", Emoji::parse(&r.emoji))
    }
}

/// `POST /api/nudges`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct NudgeRequest {
    /// Recipient id.
    #[garde(skip)]
    #[schema(schema_with = super::schema::uuid)]
    pub recipient_user_id: String,
    /// Group id.
    #[garde(skip)]
    #[schema(schema_with = super::schema::uuid)]
    pub group_id: String,
    /// Optional goal id.
    #[garde(skip)]
    #[schema(schema_with = super::schema::nullable_uuid)]
    pub goal_id: Option<String>,
    /// `YYYY-MM-DD`.
    #[garde(skip)]
    #[schema(schema_with = super::schema::date)]
    pub sender_local_date: String,
}

/// A strict `YYYY-MM-DD` date.
pub fn strict_date(value: &str) -> Result<NaiveDate, &'static str> {
    const MESSAGE: &str = "must be a date YYYY-MM-DD";
    if value.len() != 10 {
        return Err(MESSAGE);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| MESSAGE)
}

/// A `YYYY-MM-DD` date of `field`, or the `400` naming it.
pub fn local_date(field: &str, value: &str) -> Result<NaiveDate, ApiError> {
    strict_date(value).map_err(|e| ApiError::field(field, e))
}

impl TryFrom<NudgeRequest> for SendNudge {
    type Error = ApiError;

    /// The typed request; every bad field is one detail of the `400`.
    fn try_from(r: NudgeRequest) -> Result<Self, ApiError> {
        const UUID: &str = "must be a UUID";
        let mut f = Fields::default();
        let recipient = f.check(
            "recipient_user_id",
            UserId::parse(&r.recipient_user_id).ok_or(UUID),
        );
        let group = f.check("group_id", GroupId::parse(&r.group_id).ok_or(UUID));
        let goal = f.optional("goal_id", r.goal_id.as_deref(), |g| {
            GoalId::parse(g).ok_or(UUID)
        });
        let date = f.check("sender_local_date", strict_date(&r.sender_local_date));
        let nudge = match (recipient, group, goal, date) {
            (Some(recipient), Some(group), Some(goal), Some(sender_local_date)) => {
                Some(SendNudge {
                    recipient,
                    group,
                    goal,
                    sender_local_date,
                })
            }
            _ => None,
        };
        f.finish(nudge)
    }
}

/// `?sender_local_date=` of the sent-today list.
#[derive(Debug, Deserialize)]
pub struct SentTodayQuery {
    /// `YYYY-MM-DD`, required.
    pub sender_local_date: Option<String>,
}

/// `?limit=&before_id=` of the inbox.
#[derive(Debug, Deserialize)]
pub struct InboxQuery {
    /// 1–50, default 30.
    pub limit: Option<String>,
    /// Keyset cursor.
    pub before_id: Option<String>,
}

impl InboxQuery {
    /// `(limit, before)` or 400.
    pub fn resolve(&self) -> Result<(i64, Option<uuid::Uuid>), ApiError> {
        let limit = match self.limit.as_deref() {
            None => 30,
            Some(s) => match s.parse::<i64>() {
                Ok(n) if (1..=50).contains(&n) => n,
                _ => return Err(ApiError::field("limit", "must be an integer from 1 to 50")),
            },
        };
        let before = match self.before_id.as_deref() {
            None => None,
            Some(s) => Some(
                UserId::parse(s)
                    .map(|u| u.as_uuid())
                    .ok_or_else(|| ApiError::field("before_id", "must be a UUID"))?,
            ),
        };
        Ok((limit, before))
    }
}

fn avatar(user: impl std::fmt::Display, has: bool) -> Option<String> {
    has.then(|| format!("/api/users/{user}/avatar"))
}

/// One reaction of `GET /api/activities/:id/reactions`.
pub fn reactor_json(r: &ReactorRecord) -> Value {
    json!({
        "emoji": r.emoji,
        "user": {
            "id": r.user.to_string(),
            "display_name": r.display_name.as_str(),
            "avatar_url": avatar(r.user, r.has_avatar),
        },
        "created_at": r.created_at,
    })
}

/// One reaction group of a feed item.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmojiCountBody {
    /// The emoji.
    pub emoji: String,
    /// How many reacted with it.
    pub count: usize,
    /// Who, newest first.
    pub reactor_ids: Vec<String>,
    /// Whether the caller is among them.
    pub current_user_reacted: bool,
}

/// A reactor named in a feed item's summary.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TopReactorBody {
    /// Id.
    pub user_id: String,
    /// First word and the initial of the last word.
    pub display_name: String,
}

/// A feed item's `reaction_summary`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReactionSummaryBody {
    /// All reactions of the item.
    pub total_count: usize,
    /// Up to three: the caller first when they reacted, then the newest others.
    pub top_reactors: Vec<TopReactorBody>,
}

/// One feed item with its reactions (docs/API.md, Activity feed and Reactions), serialised
/// straight from these fields.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FeedItemBody {
    /// The activity.
    #[serde(flatten)]
    pub activity: crate::dto::groups::ActivityBody,
    /// Reactions per emoji.
    pub reactions: Vec<EmojiCountBody>,
    /// Totals and the named reactors.
    pub reaction_summary: ReactionSummaryBody,
    /// Always null (photos are not served).
    #[schema(value_type = Option<String>)]
    pub photo: Option<String>,
}

impl FeedItemBody {
    /// The item for `activity` with its reactions.
    pub fn new(activity: crate::dto::groups::ActivityBody, summary: &ReactionSummary) -> Self {
        let reactions = summary
            .reactions
            .iter()
            .map(|g| EmojiCountBody {
                emoji: g.emoji.clone(),
                count: g.count,
                reactor_ids: g.reactor_ids.iter().map(ToString::to_string).collect(),
                current_user_reacted: g.current_user_reacted,
            })
            .collect();
        let reaction_summary = ReactionSummaryBody {
            total_count: summary.total_count,
            top_reactors: summary
                .top_reactors
                .iter()
                .map(|(id, name)| TopReactorBody {
                    user_id: id.to_string(),
                    display_name: name.clone(),
                })
                .collect(),
        };
        Self {
            activity,
            reactions,
            reaction_summary,
            photo: None,
        }
    }
}

/// One inbox item.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationBody {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    is_read: bool,
    created_at: DateTime<Utc>,
    actor: Option<Value>,
    group: Option<Value>,
    goal: Option<Value>,
    progress_entry_id: Option<String>,
    metadata: Value,
    shareable_card_data: Option<Value>,
}

impl From<NotificationRecord> for NotificationBody {
    fn from(n: NotificationRecord) -> Self {
        Self {
            id: n.id.to_string(),
            kind: n.kind,
            is_read: n.is_read,
            created_at: n.created_at,
            actor: n.actor.map(|(id, name, has)| {
                json!({"id": id.to_string(), "display_name": name, "avatar_url": avatar(id, has)})
            }),
            group: n
                .group
                .map(|(id, name)| json!({"id": id.to_string(), "name": name})),
            goal: n
                .goal
                .map(|(id, title)| json!({"id": id.to_string(), "title": title})),
            progress_entry_id: n.progress_entry_id.map(|e| e.to_string()),
            metadata: n.metadata,
            shareable_card_data: n.shareable_card_data,
        }
    }
}
