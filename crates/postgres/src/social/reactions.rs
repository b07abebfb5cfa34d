//! Reactions in `activity_reactions`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::ids::{GroupId, UserId};
use pursue_ports::social::{ActivityRef, Notice, ReactionRecord, ReactorRecord};
use serde_json::Value;
use uuid::Uuid;

use super::notice::store_notice;
use crate::schema::{activity_reactions, group_activities, groups, users};

/// Reactions listed per activity at most (one per member, members are capped far lower).
pub(crate) const MAX_REACTIONS: i64 = 1000;

type ActivityRow = (
    Uuid,
    Uuid,
    String,
    Option<Uuid>,
    Option<DateTime<Utc>>,
    Option<Value>,
);

pub(crate) async fn find_activity(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<ActivityRef>> {
    let row: Option<ActivityRow> = group_activities::table
        .inner_join(groups::table)
        .left_join(users::table.on(users::id.nullable().eq(group_activities::user_id)))
        .filter(group_activities::id.eq(id))
        .filter(groups::deleted_at.is_null())
        .select((
            group_activities::id,
            group_activities::group_id,
            group_activities::activity_type,
            users::id.nullable(),
            users::deleted_at.nullable(),
            group_activities::metadata,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(row.map(|(id, group, kind, user, deleted, metadata)| {
        let owner = match (user, deleted) {
            (Some(u), None) => Some(UserId::from_uuid(u)),
            _ => None,
        };
        ActivityRef {
            id,
            group: GroupId::from_uuid(group),
            activity_type: kind,
            owner,
            metadata: metadata.unwrap_or_else(|| Value::Object(Default::default())),
        }
    }))
}

pub(crate) async fn put_reaction(
    conn: &mut AsyncPgConnection,
    activity: Uuid,
    user: UserId,
    emoji: String,
    notice: Option<Notice>,
) -> QueryResult<(ReactionRecord, bool)> {
    let uid = user.as_uuid();
    let inserted: Option<DateTime<Utc>> = diesel::insert_into(activity_reactions::table)
        .values((
            activity_reactions::activity_id.eq(activity),
            activity_reactions::user_id.eq(uid),
            activity_reactions::emoji.eq(&emoji),
        ))
        .on_conflict((activity_reactions::activity_id, activity_reactions::user_id))
        .do_nothing()
        .returning(activity_reactions::created_at)
        .get_result(conn)
        .await
        .optional()?;
    let record = |created_at| ReactionRecord {
        activity_id: activity,
        user,
        emoji: emoji.clone(),
        created_at,
    };
    if let Some(created_at) = inserted {
        if let Some(notice) = &notice {
            store_notice(conn, notice).await?;
        }
        return Ok((record(created_at), false));
    }
    let mine = activity_reactions::table
        .filter(activity_reactions::activity_id.eq(activity))
        .filter(activity_reactions::user_id.eq(uid));
    let (current, at): (String, DateTime<Utc>) = mine
        .select((activity_reactions::emoji, activity_reactions::created_at))
        .for_update()
        .first(conn)
        .await?;
    if current == emoji {
        return Ok((record(at), false));
    }
    let at: DateTime<Utc> = diesel::update(mine)
        .set((
            activity_reactions::emoji.eq(&emoji),
            activity_reactions::created_at.eq(diesel::dsl::now),
        ))
        .returning(activity_reactions::created_at)
        .get_result(conn)
        .await?;
    Ok((record(at), true))
}

pub(crate) async fn delete_reaction(
    conn: &mut AsyncPgConnection,
    activity: Uuid,
    user: UserId,
) -> QueryResult<bool> {
    let n = diesel::delete(
        activity_reactions::table
            .filter(activity_reactions::activity_id.eq(activity))
            .filter(activity_reactions::user_id.eq(user.as_uuid())),
    )
    .execute(conn)
    .await?;
    Ok(n > 0)
}

pub(crate) async fn list_reactions(
    conn: &mut AsyncPgConnection,
    activity: Uuid,
) -> QueryResult<Vec<ReactorRecord>> {
    let rows: Vec<(String, Uuid, String, bool, DateTime<Utc>)> = activity_reactions::table
        .inner_join(users::table)
        .filter(activity_reactions::activity_id.eq(activity))
        .filter(users::deleted_at.is_null())
        .order((
            activity_reactions::created_at.desc(),
            activity_reactions::id.desc(),
        ))
        .limit(MAX_REACTIONS)
        .select((
            activity_reactions::emoji,
            users::id,
            users::display_name,
            users::avatar_mime_type.is_not_null(),
            activity_reactions::created_at,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(emoji, id, display_name, has_avatar, created_at)| ReactorRecord {
                emoji,
                user: UserId::from_uuid(id),
                display_name: pursue_domain::user::DisplayName::stored(display_name),
                has_avatar,
                created_at,
            },
        )
        .collect())
}
