//! Hand-written SQL that each connection prepares once.
//!
//! Diesel never keeps a raw `sql_query` as a prepared statement: every call sends its text
//! and PostgreSQL parses and plans it again. For the large statements of the hot paths
//! (the progress log's context read and write, the worker's milestone check) that planning
//! is a large share of their cost. [`Prepared`] is the same raw SQL with `$N` placeholders,
//! but with a static query id chosen by the caller (a marker type), so diesel's statement
//! cache keeps it per connection and later calls only bind and execute.
//!
//! The rule that makes this safe: **one marker type, one SQL text** (per database). The
//! cache is keyed by the marker alone, so two texts under one marker would run the wrong
//! statement. Each call site declares its own marker next to its constant SQL.
//!
//! A `$` followed by digits is always taken for a placeholder, even inside a quoted
//! literal, so the SQL given here must not quote such text; a `$` without digits stays.

use std::marker::PhantomData;

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};

/// One bound value, pushed where its placeholder stands.
trait Bind: Send {
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()>;
}

struct Bound<ST, T>(T, PhantomData<fn() -> ST>);

impl<ST, T> Bind for Bound<ST, T>
where
    Pg: HasSqlType<ST>,
    T: ToSql<ST, Pg> + Send,
{
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_bind_param::<ST, T>(&self.0)
    }
}

/// Raw SQL with `$1`…`$N` placeholders, cached per connection under the marker `Id`.
/// A placeholder may appear several times; its value is sent once per appearance.
pub(crate) struct Prepared<'a, Id> {
    sql: &'static str,
    binds: Vec<Box<dyn Bind + 'a>>,
    id: PhantomData<fn() -> Id>,
}

/// The statement `sql`, cached under `Id` (see the module's rule).
pub(crate) fn prepared<'a, Id: 'static>(sql: &'static str) -> Prepared<'a, Id> {
    Prepared {
        sql,
        binds: Vec::new(),
        id: PhantomData,
    }
}

impl<'a, Id> Prepared<'a, Id> {
    /// Binds the next placeholder (`$1` first) as SQL type `ST`.
    pub(crate) fn bind<ST: 'a, T>(mut self, value: T) -> Self
    where
        Pg: HasSqlType<ST>,
        T: ToSql<ST, Pg> + Send + 'a,
    {
        self.binds
            .push(Box::new(Bound::<ST, T>(value, PhantomData)));
        self
    }
}

/// Splits `sql` at its placeholders: the text before each and the placeholder's number.
fn placeholders(sql: &str) -> impl Iterator<Item = (&str, Option<usize>)> {
    let mut rest = sql;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(at) = rest.find('$') else {
            let text = rest;
            rest = "";
            return Some((text, None));
        };
        let digits = rest[at + 1..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len() - at - 1, |n| n);
        if digits == 0 {
            // A `$` without a number is text.
            let text = &rest[..=at];
            rest = &rest[at + 1..];
            return Some((text, None));
        }
        let text = &rest[..at];
        // A number too large for `usize` has no bound value either: reported, not dropped.
        let number = Some(rest[at + 1..at + 1 + digits].parse().unwrap_or(usize::MAX));
        rest = &rest[at + 1 + digits..];
        Some((text, number))
    })
}

impl<Id> QueryFragment<Pg> for Prepared<'_, Id> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        for (text, number) in placeholders(self.sql) {
            out.push_sql(text);
            if let Some(n) = number {
                let bind = n
                    .checked_sub(1)
                    .and_then(|i| self.binds.get(i))
                    .ok_or_else(|| {
                        diesel::result::Error::QueryBuilderError(
                            format!("placeholder ${n} has no bound value").into(),
                        )
                    })?;
                bind.push(&mut out)?;
            }
        }
        Ok(())
    }
}

impl<Id: 'static> QueryId for Prepared<'_, Id> {
    type QueryId = Id;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<Id> Query for Prepared<'_, Id> {
    type SqlType = Untyped;
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn text_splits_at_each_placeholder() {
        let parts: Vec<_> = placeholders("SELECT $1, $12 WHERE x = $1").collect();
        assert_eq!(
            parts,
            [
                ("SELECT ", Some(1)),
                (", ", Some(12)),
                (" WHERE x = ", Some(1))
            ]
        );
        let tail: Vec<_> = placeholders("a $2 b").collect();
        assert_eq!(tail, [("a ", Some(2)), (" b", None)]);
    }

    #[test]
    fn a_lone_dollar_is_no_placeholder() {
        let parts: Vec<_> = placeholders("a $ b").collect();
        assert_eq!(parts, [("a $", None), (" b", None)]);
    }
}
