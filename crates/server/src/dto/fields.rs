//! Field-by-field parsing of a request body into a typed command: each field is parsed
//! into its domain value once, and every bad field becomes one detail of the
//! `400 VALIDATION_ERROR` (docs/API.md, Errors), not only the first.

use crate::error::{ApiError, FieldError};

/// The problems found so far in one body.
#[derive(Debug, Default)]
pub struct Fields {
    errors: Vec<FieldError>,
}

impl Fields {
    /// The value of `field` when `parsed` succeeded; otherwise remembers the problem.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        parsed: Result<T, E>,
    ) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(problem) => {
                self.errors
                    .push(FieldError::field(field, "invalid", problem.to_string()));
                None
            }
        }
    }

    /// The value of an optional field: absent stays `None`, a value is parsed.
    pub fn optional<V: ?Sized, T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        value: Option<&V>,
        parse: impl Fn(&V) -> Result<T, E>,
    ) -> Option<Option<T>> {
        self.check(field, value.map(parse).transpose())
    }

    /// The value of a nested conversion, or its details added to these.
    pub fn nested<T>(&mut self, converted: Result<T, ApiError>) -> Option<T> {
        match converted {
            Ok(value) => Some(value),
            Err(e) => {
                self.errors.extend(e.into_details());
                None
            }
        }
    }

    /// `value` when no field failed, else the `400` with every detail.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, ApiError> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ => Err(ApiError::validation("Invalid request body", self.errors)),
        }
    }
}

/// The value of a body with one field to parse, or the `400` naming it.
pub fn single<T, E: std::fmt::Display>(field: &str, parsed: Result<T, E>) -> Result<T, ApiError> {
    let mut f = Fields::default();
    let value = f.check(field, parsed);
    f.finish(value)
}

/// A patch field that may be left out but not cleared: absent stays, `null` is refused,
/// a value is parsed.
pub fn not_null<T, E: std::fmt::Display>(
    value: Option<Option<String>>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, String> {
    match value {
        Some(None) => Err("must not be null".to_string()),
        Some(Some(v)) => parse(&v).map(Some).map_err(|e| e.to_string()),
        None => Ok(None),
    }
}

/// A clearable patch field: absent stays, `null` clears, a value is parsed.
pub fn clearable<T, E>(
    value: Option<Option<String>>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<Option<T>>, E> {
    value
        .map(|v| v.as_deref().map(&parse).transpose())
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_a_detail() {
        let mut f = Fields::default();
        let a = f.check("a", "x".parse::<i32>());
        let b = f.check("b", "2".parse::<i32>());
        let c = f.check("c", "y".parse::<i32>());
        assert_eq!((a, b, c), (None, Some(2), None));
        let body = f.finish(a.zip(b)).unwrap_err().body();
        let paths: Vec<_> = body["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["path"][0].as_str().unwrap().to_string())
            .collect();
        assert_eq!(paths, ["a", "c"]);
        assert_eq!(body["error"]["code"], "VALIDATION_ERROR");
    }

    #[test]
    fn nothing_wrong_is_the_value() {
        let mut f = Fields::default();
        let a = f.check("a", "1".parse::<i32>());
        assert_eq!(f.finish(a).unwrap(), 1);
    }
}
