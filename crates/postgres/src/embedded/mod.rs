//! Support that production repository code does not carry: the private local PostgreSQL
//! cluster (feature `embedded`: the server's default database when no `DATABASE_URL` is set,
//! and every test run's database) and the statement counter of the query-count tests
//! (feature `testing`).

#[cfg(feature = "embedded")]
pub mod cluster;
#[cfg(feature = "testing")]
pub mod counter;
