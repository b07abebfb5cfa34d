//! Network failures (no HTTP answer) as push errors.

use std::error::Error as _;

use pursue_ports::push::PushError;

/// A request to `what` that got no usable answer: always worth retrying later.
pub(crate) fn transport_error(what: &str, error: &reqwest::Error) -> PushError {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection failed"
    } else if error.is_body() || error.is_decode() {
        "the response broke off"
    } else {
        "request failed"
    };
    let cause = error
        .source()
        .map(|source| format!(" ({source})"))
        .unwrap_or_default();
    PushError::Retryable {
        retry_after: None,
        reason: format!("{what}: {kind}{cause}"),
    }
}
