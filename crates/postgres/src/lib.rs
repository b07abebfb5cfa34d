//! PostgreSQL adapter for Pursue: the diesel schema, the connection pool, embedded
//! migrations, repository implementations of the ports, and the private local cluster
//! used when no `DATABASE_URL` is configured (decision D9).

mod accounts;
pub mod cluster;
mod common;
pub mod connect;
mod consents;
mod deletion;
pub mod devices;
pub mod errors;
pub mod export;
pub mod goals;
pub mod groups;
pub mod images;
pub mod inbox;
pub mod jobs;
pub mod migrations;
pub mod outbox;
pub mod outbox_store;
pub mod pool;
pub mod probe;
pub mod progress;
mod progress_log;
mod purge;
mod query_spans;
pub mod schema;
pub mod social;
pub mod subscription_store;
pub mod subscriptions;
pub mod users;
pub mod views;

pub use cluster::{ClusterError, ClusterOptions, LocalCluster};
pub use devices::PgDevices;
pub use export::PgDataExport;
pub use goals::PgGoals;
pub use groups::PgGroups;
pub use images::{PgImageRefs, PgImageStore};
pub use outbox_store::PgOutbox;
pub use pool::{
    PgPool, PoolSettings, QueryCounter, build_counting_pool, build_pool, ensure_database,
};
pub use probe::PgProbe;
pub use progress::PgProgress;
pub use social::{PgMilestones, PgSocial};
pub use subscription_store::PgSubscriptions;
pub use subscriptions::PgTiers;
pub use users::PgUsers;
pub use views::PgViews;
