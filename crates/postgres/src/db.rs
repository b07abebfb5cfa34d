//! The one way repositories reach the database: [`Db::read`] runs statements on a pooled
//! connection, [`Db::write`] and [`Db::transaction`] run them in one transaction. A pool
//! failure and a driver failure are translated into the port error here, once (see
//! [`crate::errors`]).
//!
//! The work is a closure returning a boxed future that borrows the connection:
//!
//! ```text
//! self.db.write(|conn| Box::pin(async move {
//!     diesel::delete(table).execute(conn).await
//! })).await
//! ```

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use diesel::result::Error as DieselError;
use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use pursue_ports::error::RepoError;
use pursue_ports::groups::WriteGuard;

use crate::errors::{db_error, pool_error};
use crate::pool::PgPool;

/// Makes `'upper: 'subject` an implied bound of [`ScopedFuture`], so a unit of work may
/// borrow from its caller (`'upper`) as well as the connection (`'subject`).
type ImpliedBound<'upper, 'subject> = PhantomData<&'subject &'upper ()>;

mod sealed {
    pub trait Sealed {}
    impl<'upper, 'subject> Sealed for super::ImpliedBound<'upper, 'subject> {}
}

/// A future that lives as long as the connection it borrows (`'subject`) and may hold
/// borrows of its caller's data (`'upper`, which outlives the connection borrow).
pub(crate) trait ScopedFuture<'upper, 'subject, Bound = ImpliedBound<'upper, 'subject>>:
    Future
where
    Bound: sealed::Sealed,
{
}

impl<'upper: 'subject, 'subject, F: Future + 'subject> ScopedFuture<'upper, 'subject> for F {}

/// The boxed future of a unit of work on a connection borrowed for `'r`.
pub(crate) type Work<'a, 'r, T> = Pin<Box<dyn ScopedFuture<'a, 'r, Output = T> + Send + 'r>>;

/// A failure inside a unit of work that is not a business outcome: a driver error, or a
/// port error decided on the way (corrupt stored data, …).
#[derive(Debug)]
pub(crate) enum Fail {
    /// A driver error, translated by [`db_error`].
    Db(DieselError),
    /// Already a port error.
    Repo(RepoError),
}

impl From<DieselError> for Fail {
    fn from(e: DieselError) -> Self {
        Fail::Db(e)
    }
}

impl From<RepoError> for Fail {
    fn from(e: RepoError) -> Self {
        Fail::Repo(e)
    }
}

impl From<Fail> for RepoError {
    fn from(e: Fail) -> Self {
        match e {
            Fail::Db(e) => db_error(e),
            Fail::Repo(e) => e,
        }
    }
}

/// The connection pool as the repositories use it.
#[derive(Clone)]
pub(crate) struct Db {
    pool: PgPool,
}

impl Db {
    /// Repositories over `pool`.
    pub(crate) fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// A pooled connection; a pool timeout or a refused connection is unavailable (503).
    pub(crate) async fn conn(&self) -> Result<Object<AsyncPgConnection>, RepoError> {
        self.pool.get().await.map_err(pool_error)
    }

    /// Runs `work` on a pooled connection, outside a transaction (reads, and single
    /// statements that are atomic by themselves). `work` translates its driver errors with
    /// [`db_error`].
    pub(crate) async fn read<'a, T, F>(&self, work: F) -> Result<T, RepoError>
    where
        F: for<'r> FnOnce(&'r mut AsyncPgConnection) -> Work<'a, 'r, Result<T, RepoError>>
            + Send
            + 'a,
    {
        let mut conn = self.conn().await?;
        work(&mut conn).await
    }

    /// Runs `work` in one transaction on a pooled connection: committed when it returns
    /// `Ok`, rolled back otherwise.
    pub(crate) async fn write<'a, T, E, F>(&self, work: F) -> Result<T, RepoError>
    where
        F: for<'r> FnOnce(&'r mut AsyncPgConnection) -> Work<'a, 'r, Result<T, E>> + Send + 'a,
        E: From<DieselError> + Into<Fail> + Send + 'a,
        T: Send + 'a,
    {
        match self.transaction(work).await? {
            Ok(value) => Ok(value),
            Err(e) => Err(e.into().into()),
        }
    }

    /// Runs `work` like [`Db::write`], after checking `guard` as the first statement of the
    /// same transaction ([`crate::guard::check`]); a refusal writes nothing and is
    /// [`RepoError::Denied`].
    pub(crate) async fn guarded<'a, T, E, F>(
        &self,
        guard: WriteGuard,
        work: F,
    ) -> Result<T, RepoError>
    where
        F: for<'r> FnOnce(&'r mut AsyncPgConnection) -> Work<'a, 'r, Result<T, E>> + Send + 'a,
        E: From<DieselError> + Into<Fail> + Send + 'a,
        T: Send + 'a,
    {
        let outcome = self
            .transaction::<_, E, _>(move |conn| {
                Box::pin(async move {
                    if let Err(refused) = crate::guard::check(conn, guard).await? {
                        return Ok(Err(refused));
                    }
                    work(conn).await.map(Ok)
                })
            })
            .await?;
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(refused)) => Err(refused),
            Err(e) => Err(e.into().into()),
        }
    }

    /// Runs `work` in one transaction like [`Db::write`] and hands back its own outcome
    /// untranslated (business outcomes that roll back, driver errors the caller inspects);
    /// only a pool failure is answered as the port error.
    pub(crate) async fn transaction<'a, T, E, F>(&self, work: F) -> Result<Result<T, E>, RepoError>
    where
        F: for<'r> FnOnce(&'r mut AsyncPgConnection) -> Work<'a, 'r, Result<T, E>> + Send + 'a,
        E: From<DieselError> + Send + 'a,
        T: Send + 'a,
    {
        let mut conn = self.conn().await?;
        let conn: &mut AsyncPgConnection = &mut conn;
        Ok(conn.transaction(async move |conn| work(conn).await).await)
    }
}
