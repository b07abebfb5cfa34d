//! Bodies of `/api/groups/*` and `/api/users/me/groups`.

use chrono::{DateTime, Utc};
use pursue_app::groups::CreateGroup;
use pursue_domain::goal::NewGoalSpec;
use pursue_domain::group::{GroupDescription, GroupName, IconColor, IconEmoji, IconUrl};
use pursue_domain::role::{AssignableRole, Role};
use pursue_ports::activity::ActivityRecord;
use pursue_ports::groups::{
    GroupPatch, GroupRecord, InviteRecord, MemberRecord, MyGroupRecord, PendingRecord,
};
use pursue_ports::images::IconRecord;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::fields::{Fields, clearable, not_null};
use super::goals::CreateGoalRequest;
use super::group_fields::GroupExtras;
use super::patch::nullable;
use super::rules;
use crate::error::ApiError;

/// `POST /api/groups`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct CreateGroupRequest {
    /// Name, 1–100.
    #[garde(skip)]
    #[schema(schema_with = super::schema::group_name)]
    pub name: String,
    /// Description, ≤ 500.
    #[garde(skip)]
    #[schema(schema_with = super::schema::group_description)]
    pub description: Option<String>,
    /// One emoji.
    #[garde(skip)]
    #[schema(schema_with = super::schema::icon_emoji)]
    pub icon_emoji: Option<String>,
    /// `#RRGGBB`.
    #[garde(skip)]
    #[schema(schema_with = super::schema::icon_color)]
    pub icon_color: Option<String>,
    /// Icon image URL, ≤ 500.
    #[garde(skip)]
    #[schema(schema_with = super::schema::icon_url)]
    pub icon_url: Option<String>,
    /// Goals created with the group (≤ 100).
    #[garde(length(max = 100), dive)]
    #[serde(default)]
    #[schema(max_items = 100)]
    pub initial_goals: Vec<CreateGoalRequest>,
}

impl TryFrom<CreateGroupRequest> for CreateGroup {
    type Error = ApiError;

    /// The validated domain input; every bad field (and every bad field of each initial
    /// goal) is one detail.
    fn try_from(r: CreateGroupRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let name = f.check("name", GroupName::parse(&r.name));
        let description = f.optional(
            "description",
            r.description.as_deref(),
            GroupDescription::parse,
        );
        let icon_emoji = f.optional("icon_emoji", r.icon_emoji.as_deref(), IconEmoji::parse);
        let icon_color = f.optional("icon_color", r.icon_color.as_deref(), IconColor::parse);
        let icon_url = f.optional("icon_url", r.icon_url.as_deref(), IconUrl::parse);
        // Every goal is converted (collected first, so a bad goal does not hide the
        // details of the goals after it), then the page is complete only if all are.
        let goals: Vec<_> = r
            .initial_goals
            .into_iter()
            .map(|g| f.nested(NewGoalSpec::try_from(g)))
            .collect();
        let initial_goals: Option<Vec<_>> = goals.into_iter().collect();
        let input = match (
            name,
            description,
            icon_emoji,
            icon_color,
            icon_url,
            initial_goals,
        ) {
            (
                Some(name),
                Some(description),
                Some(icon_emoji),
                Some(icon_color),
                Some(icon_url),
                Some(initial_goals),
            ) => Some(CreateGroup {
                name,
                description,
                icon_emoji,
                icon_color,
                icon_url,
                initial_goals,
            }),
            _ => None,
        };
        f.finish(input)
    }
}

/// `PATCH /api/groups/:id`: absent keys stay, `null` clears (not the name).
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct UpdateGroupRequest {
    /// New name (`null` is refused: a group always has a name).
    #[garde(skip)]
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = super::schema::group_name_patch)]
    pub name: Option<Option<String>>,
    /// New description or null.
    #[garde(skip)]
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = super::schema::group_description)]
    pub description: Option<Option<String>>,
    /// New emoji or null.
    #[garde(skip)]
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = super::schema::icon_emoji)]
    pub icon_emoji: Option<Option<String>>,
    /// New colour or null.
    #[garde(skip)]
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = super::schema::icon_color)]
    pub icon_color: Option<Option<String>>,
    /// New icon image URL or null.
    #[garde(skip)]
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = super::schema::icon_url)]
    pub icon_url: Option<Option<String>>,
}

impl TryFrom<UpdateGroupRequest> for GroupPatch {
    type Error = ApiError;

    /// The validated patch; every bad field is one detail.
    fn try_from(r: UpdateGroupRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let name = f.check("name", not_null(r.name, GroupName::parse));
        let description = f.check(
            "description",
            clearable(r.description, GroupDescription::parse),
        );
        let icon_emoji = f.check("icon_emoji", clearable(r.icon_emoji, IconEmoji::parse));
        let icon_color = f.check("icon_color", clearable(r.icon_color, IconColor::parse));
        let icon_url = f.check("icon_url", clearable(r.icon_url, IconUrl::parse));
        let patch = match (name, description, icon_emoji, icon_color, icon_url) {
            (Some(name), Some(description), Some(icon_emoji), Some(icon_color), Some(icon_url)) => {
                Some(GroupPatch {
                    name,
                    description,
                    icon_emoji,
                    icon_color,
                    icon_url,
                })
            }
            _ => None,
        };
        f.finish(patch)
    }
}

/// `PATCH /api/groups/:id/members/:user_id`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct ChangeRoleRequest {
    /// `admin` or `member`.
    #[garde(skip)]
    #[schema(schema_with = super::schema::assignable_role)]
    pub role: String,
}

impl TryFrom<ChangeRoleRequest> for AssignableRole {
    type Error = ApiError;

    fn try_from(r: ChangeRoleRequest) -> Result<Self, ApiError> {
        super::fields::single("role", AssignableRole::parse(&r.role))
    }
}

/// `POST /api/groups/join`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct JoinRequest {
    /// The code (trimmed, case-insensitive).
    #[garde(custom(|v: &String, c: &()| rules::non_empty(v.trim(), c)))]
    #[schema(schema_with = super::schema::not_blank)]
    pub invite_code: String,
}

/// A group object (D13: with `updated_at`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GroupBody {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Emoji.
    pub icon_emoji: Option<String>,
    /// Colour.
    pub icon_color: Option<String>,
    /// Whether an icon image exists.
    pub has_icon: bool,
    /// Icon image URL.
    pub icon_url: Option<String>,
    /// Creator.
    pub creator_user_id: String,
    /// Members.
    pub member_count: i64,
    /// Creation instant.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// The caller's role (`GET /groups/:id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_role: Option<&'static str>,
    /// Fields of later features, per endpoint.
    #[serde(flatten)]
    #[schema(ignore)]
    pub extras: Map<String, Value>,
}

impl GroupBody {
    /// The body with `extras`.
    pub fn with(g: GroupRecord, role: Option<Role>, extras: GroupExtras) -> Self {
        Self {
            extras: extras.into_map(),
            ..Self::new(g, role)
        }
    }

    /// The body, with the caller's role when given.
    pub fn new(g: GroupRecord, role: Option<Role>) -> Self {
        Self {
            icon_url: g.icon_url.map(String::from),
            extras: Map::new(),
            id: g.id.to_string(),
            name: g.name.into(),
            description: g.description.map(String::from),
            icon_emoji: g.icon_emoji.map(String::from),
            icon_color: g.icon_color.map(String::from),
            has_icon: g.has_icon,
            creator_user_id: g.creator_user_id.to_string(),
            member_count: g.member_count,
            created_at: g.created_at,
            updated_at: g.updated_at,
            user_role: role.map(Role::as_str),
        }
    }
}

/// An item of `GET /users/me/groups`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyGroupBody {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Emoji.
    pub icon_emoji: Option<String>,
    /// Colour.
    pub icon_color: Option<String>,
    /// Whether an icon image exists.
    pub has_icon: bool,
    /// Members.
    pub member_count: i64,
    /// The caller's role.
    pub role: &'static str,
    /// When the caller joined.
    pub joined_at: DateTime<Utc>,
    /// Last change of the group.
    pub updated_at: DateTime<Utc>,
    /// Icon image URL.
    pub icon_url: Option<String>,
    /// Fields of later features and `membership_status`.
    #[serde(flatten)]
    #[schema(ignore)]
    pub extras: Map<String, Value>,
}

impl From<MyGroupRecord> for MyGroupBody {
    fn from(m: MyGroupRecord) -> Self {
        Self {
            icon_url: m.group.icon_url.map(String::from),
            extras: GroupExtras::new()
                .membership_status(m.status.as_str())
                .heat(false)
                .challenge()
                .visibility()
                .into_map(),
            id: m.group.id.to_string(),
            name: m.group.name.into(),
            description: m.group.description.map(String::from),
            icon_emoji: m.group.icon_emoji.map(String::from),
            icon_color: m.group.icon_color.map(String::from),
            has_icon: m.group.has_icon,
            member_count: m.group.member_count,
            role: m.role.as_str(),
            joined_at: m.joined_at,
            updated_at: m.group.updated_at,
        }
    }
}

/// A member list item.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberBody {
    /// User id.
    pub user_id: String,
    /// Display name.
    pub display_name: String,
    /// Whether they have an avatar.
    pub has_avatar: bool,
    /// Role.
    pub role: &'static str,
    /// Join instant.
    pub joined_at: DateTime<Utc>,
}

impl From<MemberRecord> for MemberBody {
    fn from(m: MemberRecord) -> Self {
        Self {
            user_id: m.user_id.to_string(),
            display_name: m.display_name.into(),
            has_avatar: m.has_avatar,
            role: m.role.as_str(),
            joined_at: m.joined_at,
        }
    }
}

/// The group's standing invite code (`GET /groups/:id/invite`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InviteBody {
    /// The code.
    pub invite_code: String,
    /// `{PURSUE_SHARE_BASE_URL}/join/<code>`.
    pub share_url: String,
    /// Creation instant.
    pub created_at: DateTime<Utc>,
    /// The revoked code (regenerate only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_code_revoked: Option<Option<String>>,
}

impl InviteBody {
    /// The body; `share_base` is the share link base URL.
    pub fn new(i: InviteRecord, share_base: &str) -> Self {
        Self {
            share_url: format!("{}/join/{}", share_base.trim_end_matches('/'), i.code),
            invite_code: i.code,
            created_at: i.created_at,
            previous_code_revoked: None,
        }
    }
}

/// A pending join request (`GET /groups/:id/members/pending`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PendingBody {
    /// The requester.
    pub user_id: String,
    /// Display name.
    pub display_name: String,
    /// Whether the requester has an avatar.
    pub has_avatar: bool,
    /// When they asked.
    pub requested_at: DateTime<Utc>,
}

impl From<PendingRecord> for PendingBody {
    fn from(p: PendingRecord) -> Self {
        Self {
            user_id: p.user_id.to_string(),
            display_name: p.display_name.into(),
            has_avatar: p.has_avatar,
            requested_at: p.requested_at,
        }
    }
}

/// The user of a feed item.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActivityUser {
    /// Id.
    pub id: String,
    /// Display name.
    pub display_name: String,
}

/// A feed item.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActivityBody {
    /// Id.
    pub id: String,
    /// Type.
    pub activity_type: String,
    /// The user, null once deleted.
    pub user: Option<ActivityUser>,
    /// Metadata.
    pub metadata: Value,
    /// Creation instant.
    pub created_at: DateTime<Utc>,
}

impl From<ActivityRecord> for ActivityBody {
    fn from(a: ActivityRecord) -> Self {
        Self {
            id: a.id.to_string(),
            activity_type: a.activity_type,
            user: a.user.map(|(id, display_name)| ActivityUser {
                id: id.to_string(),
                display_name: display_name.into(),
            }),
            metadata: a.metadata,
            created_at: a.created_at,
        }
    }
}

/// The answer of the icon upload and delete.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IconBody {
    /// Group id.
    pub id: String,
    /// Whether an icon image exists.
    pub has_icon: bool,
    /// Emoji.
    pub icon_emoji: Option<String>,
    /// Colour.
    pub icon_color: Option<String>,
    /// Last change of the group (the icon's cache key).
    pub updated_at: DateTime<Utc>,
}

impl From<IconRecord> for IconBody {
    fn from(i: IconRecord) -> Self {
        Self {
            id: i.id.to_string(),
            has_icon: i.has_icon,
            icon_emoji: i.icon_emoji.map(String::from),
            icon_color: i.icon_color.map(String::from),
            updated_at: i.updated_at,
        }
    }
}

/// `PATCH /api/groups/:id/icon`: a multipart form with the picture in the part `icon`
/// (JPEG, PNG or WebP, at most 5 MB; see docs/API.md).
#[derive(utoipa::ToSchema)]
pub struct IconForm {
    /// The picture.
    #[schema(value_type = String, format = Binary)]
    pub icon: Vec<u8>,
}
