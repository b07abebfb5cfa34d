//! Notification inbox row types and the `data.type` of their pushes (docs/API.md,
//! "Notification inbox").

string_enum!(
    /// The `type` of a `user_notifications` row.
    pub enum NotificationType {
        /// Someone reacted to the user's progress log.
        ReactionReceived => "reaction_received",
        /// Someone nudged the user.
        NudgeReceived => "nudge_received",
        /// Someone asked to join a group the user administers.
        JoinRequestReceived => "join_request_received",
        /// The user's join request was approved.
        MembershipApproved => "membership_approved",
        /// The user's join request was declined.
        MembershipRejected => "membership_rejected",
        /// The user became an admin (or the creator) of a group.
        PromotedToAdmin => "promoted_to_admin",
        /// The user was removed from a group.
        RemovedFromGroup => "removed_from_group",
        /// The user reached a milestone.
        MilestoneAchieved => "milestone_achieved",
    }
);

impl NotificationType {
    /// The `data.type` of the row's push: the row type, except for join requests, whose
    /// push opens the pending approvals screen of the app (`join_request`).
    pub const fn push_type(self) -> &'static str {
        match self {
            NotificationType::JoinRequestReceived => "join_request",
            other => other.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_push_types() {
        assert_eq!(NotificationType::ALL.len(), 8);
        for t in NotificationType::ALL {
            assert_eq!(NotificationType::parse(t.as_str()), Ok(*t));
        }
        assert_eq!(
            NotificationType::JoinRequestReceived.push_type(),
            "join_request"
        );
        assert_eq!(
            NotificationType::ReactionReceived.push_type(),
            "reaction_received"
        );
        assert!(NotificationType::parse("join_request").is_err());
    }
}
