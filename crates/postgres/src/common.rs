//! Table functions shared by the group, goal and progress repositories.

use bigdecimal::num_bigint::BigInt;
use bigdecimal::{BigDecimal, ToPrimitive};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::caps::{CapExceeded, CappedResource};
use pursue_domain::decimal::Decimal2;
use pursue_domain::group::{GroupDescription, GroupName, IconColor, IconEmoji, IconUrl};
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::{Membership, MembershipStatus, Role};
use pursue_ports::activity::NewActivity;
use pursue_ports::error::RepoError;
use pursue_ports::groups::GroupRecord;
use pursue_ports::outbox::{OutboxMessage, PushEvent};
use uuid::Uuid;

use crate::errors::raised_message;
use crate::outbox::enqueue;
use crate::schema::{group_activities, group_memberships, groups, users};

/// A transaction's failure: a business outcome decided inside it, or a driver error.
#[derive(Debug)]
pub(crate) enum TxError<B> {
    /// A business outcome (rolls the transaction back).
    Business(B),
    /// A driver error.
    Db(DieselError),
}

impl<B> From<DieselError> for TxError<B> {
    fn from(e: DieselError) -> Self {
        TxError::Db(e)
    }
}

/// The cap behind a trigger exception (docs/API.md, Caps), when `e` is one.
pub(crate) fn trigger_cap(e: &DieselError) -> Option<CapExceeded> {
    let message = raised_message(e)?;
    let resource = [
        ("USER_GROUP_LIMIT_EXCEEDED", CappedResource::GroupsCreated),
        (
            "USER_GROUP_MEMBERSHIP_LIMIT_EXCEEDED",
            CappedResource::GroupsJoined,
        ),
        ("GROUP_MEMBER_LIMIT_EXCEEDED", CappedResource::GroupMembers),
        ("GROUP_GOALS_LIMIT_EXCEEDED", CappedResource::GroupGoals),
    ]
    .into_iter()
    .find(|(prefix, _)| message.starts_with(prefix))?
    .1;
    Some(CapExceeded {
        resource,
        limit: resource.limit(),
        current: resource.limit(),
    })
}

/// A stored `DECIMAL(10,2)` as a [`Decimal2`].
pub(crate) fn to_decimal(value: &BigDecimal) -> Result<Decimal2, RepoError> {
    let (digits, _) = value.with_scale(2).into_bigint_and_exponent();
    digits
        .to_i64()
        .map(Decimal2::from_hundredths)
        .ok_or_else(|| RepoError::Unexpected(anyhow::anyhow!("decimal out of range: {value}")))
}

/// A [`Decimal2`] for a `DECIMAL(10,2)` column.
pub(crate) fn from_decimal(value: Decimal2) -> BigDecimal {
    BigDecimal::new(BigInt::from(value.hundredths()), 2)
}

/// Corrupt stored data (an unknown enum name, …).
pub(crate) fn corrupt(what: &str, value: &str) -> RepoError {
    RepoError::Unexpected(anyhow::anyhow!("unexpected stored {what}: {value:?}"))
}

/// A stored role name as a role.
pub(crate) fn parse_role(role: &str) -> Result<Role, RepoError> {
    Role::parse(role).map_err(|_| corrupt("role", role))
}

/// A stored `(role, status)` pair as a membership.
pub(crate) fn membership(role: &str, status: &str) -> Result<Membership, RepoError> {
    Ok(Membership {
        role: parse_role(role)?,
        status: MembershipStatus::parse(status)
            .map_err(|_| corrupt("membership status", status))?,
    })
}

/// The columns every group read selects (the member count is read separately).
#[derive(Queryable, Selectable)]
#[diesel(table_name = groups)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub(crate) struct GroupRow {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) icon_emoji: Option<String>,
    pub(crate) icon_color: Option<String>,
    #[diesel(select_expression = groups::icon_mime_type.is_not_null())]
    #[diesel(select_expression_type = diesel::dsl::IsNotNull<groups::icon_mime_type>)]
    pub(crate) has_icon: bool,
    pub(crate) icon_url: Option<String>,
    pub(crate) creator_user_id: Uuid,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl GroupRow {
    /// The record, with `member_count`.
    pub(crate) fn into_record(self, member_count: i64) -> GroupRecord {
        GroupRecord {
            id: GroupId::from_uuid(self.id),
            name: GroupName::stored(self.name),
            description: self.description.map(GroupDescription::stored),
            icon_emoji: self.icon_emoji.map(IconEmoji::stored),
            icon_color: self.icon_color.map(IconColor::stored),
            has_icon: self.has_icon,
            icon_url: self.icon_url.map(IconUrl::stored),
            creator_user_id: UserId::from_uuid(self.creator_user_id),
            member_count,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The non-deleted group `id`, optionally locked `FOR UPDATE`.
pub(crate) async fn load_group(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    lock: bool,
) -> QueryResult<Option<GroupRow>> {
    let query = groups::table
        .filter(groups::id.eq(id))
        .filter(groups::deleted_at.is_null())
        .select(GroupRow::as_select());
    if lock {
        query.for_update().first(conn).await.optional()
    } else {
        query.first(conn).await.optional()
    }
}

/// `group_memberships.status` of a member.
pub(crate) const ACTIVE: &str = "active";
/// `group_memberships.status` of a join request.
pub(crate) const PENDING: &str = "pending";

/// Number of active members of `group` who are not soft-deleted (`member_count`).
pub(crate) async fn count_active_members(
    conn: &mut AsyncPgConnection,
    group: Uuid,
) -> QueryResult<i64> {
    group_memberships::table
        .inner_join(users::table)
        .filter(group_memberships::group_id.eq(group))
        .filter(group_memberships::status.eq(ACTIVE))
        .filter(users::deleted_at.is_null())
        .count()
        .get_result(conn)
        .await
}

/// Number of membership rows of `group`, pending ones included (the member cap).
pub(crate) async fn count_members(conn: &mut AsyncPgConnection, group: Uuid) -> QueryResult<i64> {
    group_memberships::table
        .filter(group_memberships::group_id.eq(group))
        .count()
        .get_result(conn)
        .await
}

/// Locks the user row `id` (serialises cap checks of one user).
pub(crate) async fn lock_user(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    users::table
        .filter(users::id.eq(id))
        .select(users::id)
        .for_update()
        .first::<Uuid>(conn)
        .await
        .map(drop)
}

/// Number of groups `user` belongs to.
pub(crate) async fn count_memberships(
    conn: &mut AsyncPgConnection,
    user: Uuid,
) -> QueryResult<i64> {
    group_memberships::table
        .filter(group_memberships::user_id.eq(user))
        .count()
        .get_result(conn)
        .await
}

/// Stores a feed item of `group`.
pub(crate) async fn insert_activity(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    activity: &NewActivity,
) -> QueryResult<()> {
    diesel::insert_into(group_activities::table)
        .values((
            group_activities::group_id.eq(group),
            group_activities::user_id.eq(Some(activity.user.as_uuid())),
            group_activities::activity_type.eq(activity.kind.as_str()),
            group_activities::metadata.eq(Some(&activity.metadata)),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Stores `push` for the current active members of `group` except `actor` (users not
/// soft-deleted); nothing when nobody is left to notify.
pub(crate) async fn enqueue_push(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    actor: Uuid,
    push: PushEvent,
) -> QueryResult<()> {
    enqueue_push_except(conn, group, &[actor], push).await
}

/// [`enqueue_push`] leaving out every user of `except`.
pub(crate) async fn enqueue_push_except(
    conn: &mut AsyncPgConnection,
    group: Uuid,
    except: &[Uuid],
    mut push: PushEvent,
) -> QueryResult<()> {
    let recipients: Vec<Uuid> = group_memberships::table
        .inner_join(users::table)
        .filter(group_memberships::group_id.eq(group))
        .filter(group_memberships::user_id.ne_all(except))
        .filter(group_memberships::status.eq(ACTIVE))
        .filter(users::deleted_at.is_null())
        .order(group_memberships::joined_at.asc())
        .select(group_memberships::user_id)
        .load(conn)
        .await?;
    if recipients.is_empty() {
        return Ok(());
    }
    push.recipients = recipients;
    enqueue(conn, &[OutboxMessage::Push(push)]).await
}

#[cfg(test)]
mod tests {
    use diesel::result::DatabaseErrorKind;

    use super::*;

    fn raised(message: &str) -> DieselError {
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, Box::new(message.to_string()))
    }

    #[test]
    fn trigger_exceptions_become_caps() {
        let cases = [
            (
                "USER_GROUP_LIMIT_EXCEEDED: user x already created 10 groups",
                CappedResource::GroupsCreated,
            ),
            (
                "USER_GROUP_MEMBERSHIP_LIMIT_EXCEEDED: user x",
                CappedResource::GroupsJoined,
            ),
            (
                "GROUP_MEMBER_LIMIT_EXCEEDED: group x already has 50 members",
                CappedResource::GroupMembers,
            ),
            (
                "GROUP_GOALS_LIMIT_EXCEEDED: group x",
                CappedResource::GroupGoals,
            ),
        ];
        for (message, resource) in cases {
            let cap = trigger_cap(&raised(message));
            assert_eq!(
                cap,
                Some(CapExceeded {
                    resource,
                    limit: resource.limit(),
                    current: resource.limit()
                })
            );
        }
        assert_eq!(trigger_cap(&raised("INVITE_MAX_USES_EXCEEDED: x")), None);
        assert_eq!(trigger_cap(&DieselError::NotFound), None);
    }

    #[test]
    fn decimals_convert_exactly() {
        for h in [0, 1, 50, 1250, 99_999_999] {
            let d = Decimal2::from_hundredths(h);
            assert_eq!(to_decimal(&from_decimal(d)).ok(), Some(d));
        }
        let parsed: BigDecimal = "12.5".parse().unwrap_or_default();
        assert_eq!(
            to_decimal(&parsed).ok(),
            Some(Decimal2::from_hundredths(1250))
        );
    }
}
