//! The few garde validators left (list lengths and characters, non-empty strings, policy
//! versions); bodies with domain values parse them in their `TryFrom` (see `fields.rs`).

fn rule<T, E: std::fmt::Display>(result: Result<T, E>) -> garde::Result {
    result
        .map(drop)
        .map_err(|e| garde::Error::new(e.to_string()))
}

/// No control, bidirectional-formatting or separator character (the domain's one-line
/// text rule, see docs/SECURITY.md, "Clean text").
pub fn one_line(value: &str, _: &()) -> garde::Result {
    rule(pursue_domain::text::check_chars(
        value,
        pursue_domain::text::Lines::Single,
    ))
}

/// A non-empty string (garde rule of [`filled`]).
pub fn non_empty(value: &str, _: &()) -> garde::Result {
    rule(filled(value))
}

/// `value` unless it is empty.
pub fn filled(value: &str) -> Result<&str, &'static str> {
    if value.is_empty() {
        Err("must not be empty")
    } else {
        Ok(value)
    }
}

/// Longest policy version the app may send, in characters.
pub const VERSION_MAX_CHARS: usize = 30;

/// At most [`VERSION_MAX_CHARS`] characters (policy versions sent by the app; accepted
/// and ignored). The garde rule of [`policy_version`].
pub fn version_text(value: &Option<String>, _: &()) -> garde::Result {
    rule(policy_version(value))
}

/// A policy version of at most [`VERSION_MAX_CHARS`] characters, or none.
pub fn policy_version(value: &Option<String>) -> Result<(), &'static str> {
    match value {
        Some(v) if v.chars().count() > VERSION_MAX_CHARS => Err("at most 30 characters"),
        _ => Ok(()),
    }
}
