//! Activity feed item types (contract §4.4).

string_enum!(
    /// The type of a group activity (feed item), stored in `activity_type`.
    pub enum ActivityType {
        /// A group was created (`{group_name}`).
        GroupCreated => "group_created",
        /// Someone joined with an invite (`{}`).
        MemberJoined => "member_joined",
        /// Someone left (`{}`).
        MemberLeft => "member_left",
        /// A role changed (`{target_user_id, new_role}`), by the actor.
        MemberPromoted => "member_promoted",
        /// A member was removed (`{removed_user_id}`), by the actor.
        MemberRemoved => "member_removed",
        /// A goal was created (`{goal_id, goal_title}`).
        GoalAdded => "goal_added",
        /// A goal was archived (`{goal_id, goal_title}`).
        GoalArchived => "goal_archived",
        /// The group was renamed (`{old_name, new_name}`).
        GroupRenamed => "group_renamed",
        /// Progress was logged (`{goal_id, goal_title, value}`).
        ProgressLogged => "progress_logged",
        /// A member nudged another (`{sender_user_id, sender_display_name,
        /// recipient_user_id, recipient_display_name, goal_id, goal_title}`).
        NudgeSent => "nudge_sent",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(ActivityType::ALL.len(), 10);
        for t in ActivityType::ALL {
            assert_eq!(ActivityType::parse(t.as_str()), Ok(*t));
        }
        assert_eq!(ActivityType::GroupCreated.as_str(), "group_created");
        assert_eq!(ActivityType::ProgressLogged.to_string(), "progress_logged");
        assert!(ActivityType::parse("goal_edited").is_err());
    }
}
