//! Builders for activities and push events (docs/API.md, Activity feed; docs/PUSH.md).

use std::collections::BTreeMap;

use pursue_domain::activity::ActivityType;
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::push::PushKind;
use pursue_ports::activity::NewActivity;
use pursue_ports::outbox::PushEvent;
use serde_json::Value;
use uuid::Uuid;

/// A feed item by `user`.
pub(crate) fn activity(kind: ActivityType, user: UserId, metadata: Value) -> NewActivity {
    NewActivity {
        kind,
        user,
        metadata,
    }
}

/// A push about `kind` in `group` (recipients are filled in by the repository).
pub(crate) fn push(
    kind: PushKind,
    group: GroupId,
    group_name: &str,
    display_name: &str,
    goal_title: &str,
    extra: &[(&str, String)],
) -> PushEvent {
    let text = kind.text(group_name, display_name, goal_title);
    let mut data = BTreeMap::new();
    data.insert("type".to_string(), kind.as_str().to_string());
    data.insert("group_id".to_string(), group.to_string());
    for (k, v) in extra {
        data.insert((*k).to_string(), v.clone());
    }
    PushEvent {
        event_id: Uuid::new_v4(),
        recipients: Vec::new(),
        title: text.title,
        body: text.body,
        data,
    }
}
