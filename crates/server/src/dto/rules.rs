//! garde validators that defer to the domain's validated types.

use pursue_domain::user::{DisplayName, Email, Password};

fn rule<T, E: std::fmt::Display>(result: Result<T, E>) -> garde::Result {
    result
        .map(drop)
        .map_err(|e| garde::Error::new(e.to_string()))
}

/// A well-formed e-mail address (domain rule).
pub fn email(value: &str, _: &()) -> garde::Result {
    rule(Email::parse(value))
}

/// A password meeting the password policy (domain rule, D4).
pub fn password(value: &str, _: &()) -> garde::Result {
    rule(Password::parse(value))
}

/// A display name of 1–100 characters (domain rule).
pub fn display_name(value: &str, _: &()) -> garde::Result {
    rule(DisplayName::parse(value))
}

/// No control, bidirectional-formatting or separator character (the domain's one-line
/// text rule, see docs/SECURITY.md, "Clean text").
pub fn one_line(value: &str, _: &()) -> garde::Result {
    rule(pursue_domain::text::check_chars(
        value,
        pursue_domain::text::Lines::Single,
    ))
}

/// A non-empty string.
pub fn non_empty(value: &str, _: &()) -> garde::Result {
    if value.is_empty() {
        Err(garde::Error::new("must not be empty"))
    } else {
        Ok(())
    }
}

/// A group name of 1–100 characters (domain rule).
pub fn group_name(value: &str, _: &()) -> garde::Result {
    rule(pursue_domain::group::GroupName::parse(value))
}

/// A goal title of 1–200 characters (domain rule).
pub fn goal_title(value: &str, _: &()) -> garde::Result {
    rule(pursue_domain::goal::GoalTitle::parse(value))
}

/// `admin` or `member` (domain rule).
pub fn assignable_role(value: &str, _: &()) -> garde::Result {
    rule(pursue_domain::role::AssignableRole::parse(value))
}

/// A `YYYY-MM-DD` real date (domain rule).
pub fn user_date(value: &str, _: &()) -> garde::Result {
    rule(pursue_domain::period::UserDate::parse(value))
}

/// An FCM registration token of 1–256 characters (domain rule).
pub fn fcm_token(value: &str, _: &()) -> garde::Result {
    rule(pursue_domain::device::FcmToken::parse(value))
}

/// A device name of at most 128 characters (domain rule).
pub fn device_name(value: &str, _: &()) -> garde::Result {
    rule(pursue_domain::device::DeviceName::parse(value))
}

/// `android`, `ios` or `web` (domain rule).
pub fn platform(value: &str, _: &()) -> garde::Result {
    rule(pursue_domain::device::Platform::parse(value))
}

/// A real `YYYY-MM-DD` birth date between 1900 and today (UTC); the age rule is checked
/// after the shape (see docs/API.md, Age and consents).
pub fn birth_date(value: &str, _: &()) -> garde::Result {
    use pursue_domain::user::{AdultBirthDate, BirthDateError};
    match AdultBirthDate::parse(value, chrono::Utc::now().date_naive()) {
        Err(BirthDateError::Invalid) => Err(garde::Error::new(BirthDateError::Invalid.to_string())),
        _ => Ok(()),
    }
}

/// Exactly `true`.
pub fn agreed(value: &Option<bool>, _: &()) -> garde::Result {
    if *value == Some(true) {
        Ok(())
    } else {
        Err(garde::Error::new("must be true"))
    }
}

/// Longest policy version the app may send, in characters.
pub const VERSION_MAX_CHARS: usize = 30;

/// At most [`VERSION_MAX_CHARS`] characters (policy versions sent by the app; accepted
/// and ignored).
pub fn version_text(value: &Option<String>, _: &()) -> garde::Result {
    match value {
        Some(v) if v.chars().count() > VERSION_MAX_CHARS => {
            Err(garde::Error::new("at most 30 characters"))
        }
        _ => Ok(()),
    }
}
