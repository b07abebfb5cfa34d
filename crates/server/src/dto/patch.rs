//! Optional-and-nullable request fields: absent, `null`, or a value.

use serde::{Deserialize, Deserializer};

/// Deserialises a present key into `Some(value_or_null)`; with `#[serde(default)]` an
/// absent key stays `None`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
