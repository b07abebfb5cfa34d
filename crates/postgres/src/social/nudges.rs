//! Nudges in `nudges`.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::ids::{GoalId, GroupId, UserId};
use pursue_ports::activity::NewActivity;
use pursue_ports::social::{NewNudge, Notice, NudgeRecord};
use uuid::Uuid;

use super::notice::store_notice;
use crate::common::{TxError, insert_activity, lock_user};
use crate::errors::is_unique_violation;
use crate::prepared::prepared;
use crate::schema::{group_memberships, nudges, users};

/// Why the nudge transaction stopped.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The pair is done for the date.
    Already,
    /// The sender's daily maximum is reached.
    Limit,
}

#[derive(QueryableByName)]
struct ActiveDays {
    #[diesel(sql_type = Nullable<Integer>)]
    active_days: Option<i32>,
}

/// A goal's active days: one SQL text, prepared once per connection (see [`crate::prepared`]).
struct ActiveDaysStatement;

pub(crate) async fn goal_active_days(
    conn: &mut AsyncPgConnection,
    goal: GoalId,
) -> QueryResult<Option<i32>> {
    let row: Option<ActiveDays> =
        prepared::<ActiveDaysStatement>("SELECT active_days FROM goals WHERE id = $1")
            .bind::<diesel::sql_types::Uuid, _>(goal.as_uuid())
            .get_result(conn)
            .await
            .optional()?;
    Ok(row.and_then(|r| r.active_days))
}

pub(crate) async fn send_nudge(
    conn: &mut AsyncPgConnection,
    nudge: NewNudge,
    daily_limit: i64,
    activity: NewActivity,
    notice: Notice,
) -> Result<NudgeRecord, TxError<Stop>> {
    let sender = nudge.sender.as_uuid();
    // Serialises one sender's nudges, so the daily count cannot be passed.
    lock_user(conn, sender).await?;
    let of_date = nudges::table
        .filter(nudges::sender_user_id.eq(sender))
        .filter(nudges::sender_local_date.eq(nudge.sender_local_date));
    let pair: i64 = of_date
        .filter(nudges::recipient_user_id.eq(nudge.recipient.as_uuid()))
        .count()
        .get_result(conn)
        .await?;
    if pair > 0 {
        return Err(TxError::Business(Stop::Already));
    }
    let sent: i64 = of_date.count().get_result(conn).await?;
    if sent >= daily_limit {
        return Err(TxError::Business(Stop::Limit));
    }
    let (id, sent_at): (Uuid, DateTime<Utc>) = diesel::insert_into(nudges::table)
        .values((
            nudges::sender_user_id.eq(sender),
            nudges::recipient_user_id.eq(nudge.recipient.as_uuid()),
            nudges::group_id.eq(nudge.group.as_uuid()),
            nudges::goal_id.eq(nudge.goal.map(|g| g.as_uuid())),
            nudges::sender_local_date.eq(nudge.sender_local_date),
        ))
        .returning((nudges::id, nudges::sent_at))
        .get_result(conn)
        .await
        .map_err(|e| {
            if is_unique_violation(&e, None) {
                TxError::Business(Stop::Already)
            } else {
                TxError::Db(e)
            }
        })?;
    insert_activity(conn, nudge.group.as_uuid(), &activity).await?;
    store_notice(conn, &notice).await?;
    Ok(NudgeRecord {
        id,
        recipient: nudge.recipient,
        group: nudge.group,
        goal: nudge.goal,
        sent_at,
    })
}

pub(crate) async fn nudged_on(
    conn: &mut AsyncPgConnection,
    sender: UserId,
    date: NaiveDate,
    group: GroupId,
) -> QueryResult<Vec<UserId>> {
    let rows: Vec<(Uuid, Option<DateTime<Utc>>)> = nudges::table
        .inner_join(users::table.on(users::id.eq(nudges::recipient_user_id)))
        .inner_join(
            group_memberships::table.on(group_memberships::user_id
                .eq(nudges::recipient_user_id)
                .and(group_memberships::group_id.eq(group.as_uuid()))
                .and(group_memberships::status.eq("active"))),
        )
        .filter(nudges::sender_user_id.eq(sender.as_uuid()))
        .filter(nudges::sender_local_date.eq(date))
        .filter(users::deleted_at.is_null())
        .group_by(nudges::recipient_user_id)
        .select((nudges::recipient_user_id, diesel::dsl::min(nudges::sent_at)))
        .order(diesel::dsl::min(nudges::sent_at).asc())
        .limit(1000)
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, _)| UserId::from_uuid(id))
        .collect())
}
