//! A tracing span per SQL statement (target `pursue_postgres::query`, level `debug`), so
//! exported traces show each database call inside its request (see docs/OPERATIONS.md,
//! Traces). Disabled spans cost one level check; bound values never reach the span.

use diesel::connection::{Instrumentation, InstrumentationEvent};

/// Longest SQL text kept on a span.
const MAX_SQL_CHARS: usize = 2000;

/// Opens a span when a statement starts and closes it when it finishes.
#[derive(Default)]
pub struct QuerySpans {
    open: Option<tracing::Span>,
}

/// The SQL of a statement's debug form, without its `-- binds: […]` suffix.
fn sql_text(debug: String) -> String {
    let sql = debug.split(" -- binds:").next().unwrap_or_default();
    sql.chars().take(MAX_SQL_CHARS).collect()
}

impl Instrumentation for QuerySpans {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { query, .. } => {
                let span = tracing::debug_span!(
                    target: "pursue_postgres::query",
                    "db.query",
                    otel.kind = "client",
                    db.system.name = "postgresql",
                    db.query.text = tracing::field::Empty,
                    otel.status_code = tracing::field::Empty,
                );
                if span.is_disabled() {
                    return;
                }
                span.record("db.query.text", sql_text(query.to_string()));
                self.open = Some(span);
            }
            InstrumentationEvent::FinishQuery { error, .. } => {
                if let Some(span) = self.open.take()
                    && error.is_some()
                {
                    span.record("otel.status_code", "ERROR");
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_values_are_cut_off() {
        assert_eq!(
            sql_text("SELECT 1 WHERE email = $1 -- binds: [\"a@b.c\"]".into()),
            "SELECT 1 WHERE email = $1"
        );
    }
}
