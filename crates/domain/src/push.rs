//! Push notification triggers and their texts (docs/PUSH.md).

use crate::activity::ActivityType;

string_enum!(
    /// What caused a push; the payload's `type` equals the activity name.
    pub enum PushKind {
        /// Someone logged progress.
        ProgressLogged => "progress_logged",
        /// Someone joined.
        MemberJoined => "member_joined",
        /// Someone left.
        MemberLeft => "member_left",
        /// Someone was removed.
        MemberRemoved => "member_removed",
        /// A goal was added.
        GoalAdded => "goal_added",
        /// A goal was archived.
        GoalArchived => "goal_archived",
        /// A join request was approved (not sent to the joiner).
        MemberApproved => "member_approved",
        /// Someone was made admin or creator when the last admin left.
        MemberPromoted => "member_promoted",
    }
);

/// The visible part of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushText {
    /// The group name.
    pub title: String,
    /// One line describing the event.
    pub body: String,
}

impl PushKind {
    /// The matching activity type.
    pub const fn activity_type(self) -> ActivityType {
        match self {
            PushKind::ProgressLogged => ActivityType::ProgressLogged,
            PushKind::MemberJoined => ActivityType::MemberJoined,
            PushKind::MemberLeft => ActivityType::MemberLeft,
            PushKind::MemberRemoved => ActivityType::MemberRemoved,
            PushKind::GoalAdded => ActivityType::GoalAdded,
            PushKind::GoalArchived => ActivityType::GoalArchived,
            PushKind::MemberApproved => ActivityType::MemberApproved,
            PushKind::MemberPromoted => ActivityType::MemberPromoted,
        }
    }

    /// Keys of the `data` payload besides `type` and `group_id`.
    pub const fn data_keys(self) -> &'static [&'static str] {
        match self {
            PushKind::ProgressLogged => &["goal_id", "user_id"],
            PushKind::MemberJoined
            | PushKind::MemberLeft
            | PushKind::MemberRemoved
            | PushKind::MemberApproved => &["user_id"],
            PushKind::MemberPromoted => &["promoted_user_id", "new_role"],
            PushKind::GoalAdded | PushKind::GoalArchived => &["goal_id"],
        }
    }

    /// Builds title (the group name) and body. `display_name` is the user the event is
    /// about (the logger, joiner or leaver; for a removal, the removed member);
    /// `goal_title` is used by progress and goal events and ignored otherwise.
    pub fn text(self, group_name: &str, display_name: &str, goal_title: &str) -> PushText {
        let body = match self {
            PushKind::ProgressLogged => format!("{display_name} completed '{goal_title}'"),
            PushKind::MemberJoined => format!("{display_name} joined the group"),
            PushKind::MemberLeft => format!("{display_name} left the group"),
            PushKind::MemberRemoved => format!("{display_name} was removed from the group"),
            PushKind::GoalAdded => format!("New goal: {goal_title}"),
            PushKind::GoalArchived => "Goal archived".to_owned(),
            PushKind::MemberApproved => format!("{display_name} joined the group"),
            PushKind::MemberPromoted => format!("{display_name} is now an admin"),
        };
        PushText {
            title: group_name.to_owned(),
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(kind: PushKind) -> String {
        kind.text("Runners", "Ann", "Run 5k").body
    }

    #[test]
    fn texts() {
        assert_eq!(
            PushKind::GoalAdded.text("Runners", "Ann", "Run 5k").title,
            "Runners"
        );
        assert_eq!(body(PushKind::ProgressLogged), "Ann completed 'Run 5k'");
        assert_eq!(body(PushKind::MemberJoined), "Ann joined the group");
        assert_eq!(body(PushKind::MemberLeft), "Ann left the group");
        assert_eq!(
            body(PushKind::MemberRemoved),
            "Ann was removed from the group"
        );
        assert_eq!(body(PushKind::GoalAdded), "New goal: Run 5k");
        assert_eq!(body(PushKind::GoalArchived), "Goal archived");
    }

    #[test]
    fn type_equals_activity_name() {
        assert_eq!(PushKind::ALL.len(), 8);
        for kind in PushKind::ALL {
            assert_eq!(kind.as_str(), kind.activity_type().as_str());
            assert_eq!(PushKind::parse(kind.as_str()), Ok(*kind));
        }
        assert!(PushKind::parse("group_created").is_err());
    }

    #[test]
    fn data_keys() {
        assert_eq!(
            PushKind::ProgressLogged.data_keys(),
            &["goal_id", "user_id"]
        );
        assert_eq!(PushKind::MemberRemoved.data_keys(), &["user_id"]);
        assert_eq!(PushKind::GoalArchived.data_keys(), &["goal_id"]);
    }
}
