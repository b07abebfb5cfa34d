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

/// A non-empty string.
pub fn non_empty(value: &str, _: &()) -> garde::Result {
    if value.is_empty() {
        Err(garde::Error::new("must not be empty"))
    } else {
        Ok(())
    }
}
