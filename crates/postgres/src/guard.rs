//! The authorization check of a write, run again as the first statement of the write's
//! transaction ([`WriteGuard`]).

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::role::authorize_membership;
use pursue_ports::error::RepoError;
use pursue_ports::groups::WriteGuard;

use crate::common::{ACTIVE, PENDING, membership};
use crate::schema::group_memberships;

/// Locks the caller's membership row `FOR SHARE` (a concurrent removal or role change
/// waits for this transaction, and this read waits for one already under way) and judges
/// it: `Ok(Err(RepoError::Denied))` when the guard refuses.
pub(crate) async fn check(
    conn: &mut AsyncPgConnection,
    guard: WriteGuard,
) -> QueryResult<Result<(), RepoError>> {
    let row: Option<(String, String)> = group_memberships::table
        .filter(group_memberships::group_id.eq(guard.group.as_uuid()))
        .filter(group_memberships::user_id.eq(guard.user.as_uuid()))
        .filter(group_memberships::status.eq_any([ACTIVE, PENDING]))
        .select((group_memberships::role, group_memberships::status))
        .for_share()
        .first(conn)
        .await
        .optional()?;
    let found = match row
        .map(|(role, status)| membership(&role, &status))
        .transpose()
    {
        Ok(found) => found,
        Err(corrupt) => return Ok(Err(corrupt)),
    };
    Ok(authorize_membership(found, guard.action).map_err(RepoError::Denied))
}
