//! Activity feed item types (docs/API.md, Activity feed).

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
        /// Progress was logged (`{goal_id, goal_title, value, progress_entry_id, log_title}`).
        ProgressLogged => "progress_logged",
        /// Someone asked to join with the invite code (`{}`), by the requester.
        JoinRequest => "join_request",
        /// A join request was approved (`{approved_user_id, approved_user_display_name}`),
        /// by the approver.
        MemberApproved => "member_approved",
        /// A join request was declined (`{declined_user_id, declined_user_display_name}`),
        /// by the admin.
        MemberDeclined => "member_declined",
        /// The invite code was replaced (`{old_code, new_code}`), by the admin.
        InviteCodeRegenerated => "invite_code_regenerated",
        /// A goal's field changed (`{goal_id, field, old_value, new_value}`).
        GoalUpdated => "goal_updated",
        /// A member exported the group's progress (`{start_date, end_date}`).
        ExportProgress => "export_progress",
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
        assert_eq!(ActivityType::ALL.len(), 16);
        for t in ActivityType::ALL {
            assert_eq!(ActivityType::parse(t.as_str()), Ok(*t));
        }
        assert_eq!(ActivityType::GroupCreated.as_str(), "group_created");
        assert_eq!(ActivityType::ProgressLogged.to_string(), "progress_logged");
        assert!(ActivityType::parse("goal_edited").is_err());
    }
}
