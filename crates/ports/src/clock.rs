//! Time and identity as ports, so the use cases that depend on "now" (periods, token and
//! code expiry, purge dates, the nudge day) and on fresh ids are tested at fixed instants
//! with fixed ids.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The current instant.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// Fresh ids for new rows (users, groups, goals, entries, sessions, …).
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait IdGen: Send + Sync {
    /// A new random id.
    fn new_id(&self) -> Uuid;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Random (version 4) ids.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl IdGen for RandomIds {
    fn new_id(&self) -> Uuid {
        Uuid::new_v4()
    }
}
