//! Group fields the shipped app reads for features that come later, with the values
//! they have until then (docs/API.md, "Group fields").

use serde_json::{Map, Value, json};

/// Extra keys of a group object, added per endpoint.
#[derive(Debug, Default, Clone)]
pub struct GroupExtras(Map<String, Value>);

impl GroupExtras {
    /// No extra keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// The keys, for `#[serde(flatten)]`.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }

    fn set(mut self, key: &str, value: Value) -> Self {
        self.0.insert(key.to_string(), value);
        self
    }

    /// `is_challenge: false` and the challenge fields `null` (list, detail, create, join).
    pub fn challenge(self) -> Self {
        self.set("is_challenge", json!(false))
            .set("challenge_start_date", Value::Null)
            .set("challenge_end_date", Value::Null)
            .set("challenge_status", Value::Null)
            .set("template_id", Value::Null)
    }

    /// `visibility: "private"` (list, detail, create, PATCH).
    pub fn visibility(self) -> Self {
        self.set("visibility", json!("private"))
    }

    /// `category`, `spot_limit`, `comm_platform`, `comm_link` null and
    /// `auto_approve: false` (detail, PATCH).
    pub fn listing(self) -> Self {
        self.set("category", Value::Null)
            .set("spot_limit", Value::Null)
            .set("comm_platform", Value::Null)
            .set("comm_link", Value::Null)
            .set("auto_approve", json!(false))
    }

    /// The cold `heat` object; the detail adds `yesterday_gcr` and `baseline_gcr`.
    pub fn heat(self, detail: bool) -> Self {
        let mut heat = json!({
            "score": 0,
            "tier": 0,
            "tier_name": "Cold",
            "streak_days": 0,
            "peak_score": 0,
            "peak_date": null,
            "last_calculated_at": null,
        });
        if detail && let Some(h) = heat.as_object_mut() {
            h.insert("yesterday_gcr".to_string(), Value::Null);
            h.insert("baseline_gcr".to_string(), Value::Null);
        }
        self.set("heat", heat)
    }

    /// The caller's `membership_status` (`active` / `pending`).
    pub fn membership_status(self, status: &str) -> Self {
        self.set("membership_status", json!(status))
    }

    /// `is_read_only`: the caller's subscription write check refuses this group.
    pub fn read_only(self, read_only: bool) -> Self {
        self.set("is_read_only", json!(read_only))
    }

    /// The group's standing `invite_code` (create).
    pub fn invite_code(self, code: &str) -> Self {
        self.set("invite_code", json!(code))
    }
}
