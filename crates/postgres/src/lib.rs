//! PostgreSQL adapter for Pursue: the diesel schema, the connection pool, embedded
//! migrations and repository implementations of the ports. The private local cluster used
//! when no `DATABASE_URL` is configured (feature `embedded`) and the statement counter of
//! the query-count tests (feature `testing`) live apart, in [`embedded`].

mod accounts;
mod common;
pub mod connect;
mod consents;
mod db;
mod deletion;
pub mod devices;
#[cfg(any(feature = "embedded", feature = "testing"))]
pub mod embedded;
pub mod errors;
pub mod export;
pub mod goals;
pub mod groups;
mod guard;
pub mod images;
pub mod inbox;
pub mod jobs;
pub mod migrations;
pub mod notify;
pub mod outbox;
pub mod outbox_store;
pub mod pool;
mod prepared;
pub mod probe;
pub mod progress;
mod progress_log;
mod purge;
mod query_spans;
pub mod schema;
pub mod social;
pub mod subscription_store;
pub mod subscriptions;
mod user_rows;
pub mod users;
pub mod views;

pub use devices::PgDevices;
#[cfg(feature = "embedded")]
pub use embedded::cluster::{self, ClusterError, ClusterOptions, LocalCluster};
#[cfg(feature = "testing")]
pub use embedded::counter::{QueryCounter, build_counting_pool};
pub use export::PgDataExport;
pub use goals::PgGoals;
pub use groups::PgGroups;
pub use images::{PgImageRefs, PgImageStore};
pub use notify::OutboxListener;
pub use outbox_store::PgOutbox;
pub use pool::{PgPool, PoolSettings, build_pool, ensure_database};
pub use probe::PgProbe;
pub use progress::PgProgress;
pub use social::{PgMilestones, PgSocial};
pub use subscription_store::PgSubscriptions;
pub use subscriptions::PgTiers;
pub use users::PgUsers;
pub use views::PgViews;
