//! PostgreSQL adapter for Pursue: the diesel schema, the connection pool, embedded
//! migrations, repository implementations of the ports, and the private local cluster
//! used when no `DATABASE_URL` is configured (decision D9).

pub mod cluster;
pub mod errors;
pub mod migrations;
pub mod outbox;
pub mod pool;
pub mod probe;
pub mod schema;
pub mod users;

pub use cluster::{ClusterError, ClusterOptions, LocalCluster};
pub use pool::{PgPool, PoolSettings, build_pool, ensure_database};
pub use probe::PgProbe;
pub use users::PgUsers;
