//! Hard resource caps (docs/API.md, Caps): checked before inserts, backed by triggers.

/// Groups a user may have created (non-deleted).
pub const MAX_GROUPS_CREATED: i64 = 10;
/// Groups a user may belong to, any role (the creator's own membership counts).
pub const MAX_GROUPS_JOINED: i64 = 10;
/// Members per group.
pub const MAX_MEMBERS_PER_GROUP: i64 = 50;
/// Active (non-archived) goals per group.
pub const MAX_ACTIVE_GOALS_PER_GROUP: i64 = 100;

/// A capped resource, as reported in `429 RESOURCE_LIMIT_EXCEEDED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CappedResource {
    /// Groups created by the user.
    GroupsCreated,
    /// Groups the user belongs to.
    GroupsJoined,
    /// Members of one group.
    GroupMembers,
    /// Active goals of one group.
    GroupGoals,
}

impl CappedResource {
    /// The cap.
    pub const fn limit(self) -> i64 {
        match self {
            CappedResource::GroupsCreated => MAX_GROUPS_CREATED,
            CappedResource::GroupsJoined => MAX_GROUPS_JOINED,
            CappedResource::GroupMembers => MAX_MEMBERS_PER_GROUP,
            CappedResource::GroupGoals => MAX_ACTIVE_GOALS_PER_GROUP,
        }
    }

    /// The API's `resource` field.
    pub const fn as_str(self) -> &'static str {
        match self {
            CappedResource::GroupsCreated => "groups_created",
            CappedResource::GroupsJoined => "group_memberships",
            CappedResource::GroupMembers => "group_members",
            CappedResource::GroupGoals => "group_goals",
        }
    }
}

/// Adding one more would pass the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("resource limit exceeded: {} (limit {limit}, current {current})", .resource.as_str())]
pub struct CapExceeded {
    /// Which cap.
    pub resource: CappedResource,
    /// The cap.
    pub limit: i64,
    /// How many exist now.
    pub current: i64,
}

/// Allows adding one more `resource` when `current` (existing count) is below the cap.
pub fn check_cap(resource: CappedResource, current: i64) -> Result<(), CapExceeded> {
    let limit = resource.limit();
    if current >= limit {
        Err(CapExceeded {
            resource,
            limit,
            current,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_names() {
        let table = [
            (CappedResource::GroupsCreated, 10, "groups_created"),
            (CappedResource::GroupsJoined, 10, "group_memberships"),
            (CappedResource::GroupMembers, 50, "group_members"),
            (CappedResource::GroupGoals, 100, "group_goals"),
        ];
        for (resource, limit, name) in table {
            assert_eq!(resource.limit(), limit);
            assert_eq!(resource.as_str(), name);
        }
    }

    #[test]
    fn exceeded_at_the_limit() {
        assert_eq!(check_cap(CappedResource::GroupsCreated, 0), Ok(()));
        assert_eq!(check_cap(CappedResource::GroupsCreated, 9), Ok(()));
        assert_eq!(
            check_cap(CappedResource::GroupsCreated, 10),
            Err(CapExceeded {
                resource: CappedResource::GroupsCreated,
                limit: 10,
                current: 10
            })
        );
        assert!(check_cap(CappedResource::GroupMembers, 49).is_ok());
        assert!(check_cap(CappedResource::GroupMembers, 50).is_err());
        assert!(check_cap(CappedResource::GroupGoals, 99).is_ok());
        let e = check_cap(CappedResource::GroupGoals, 120).unwrap_err();
        assert_eq!((e.limit, e.current), (100, 120));
        assert_eq!(
            e.to_string(),
            "resource limit exceeded: group_goals (limit 100, current 120)"
        );
    }
}
