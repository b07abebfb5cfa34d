//! Typed identifiers: one newtype over [`Uuid`] per entity, so ids cannot be mixed up.

use std::fmt;

use uuid::Uuid;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an existing UUID.
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            /// The underlying UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// Parses a hyphenated UUID (any case); `None` when malformed, so a bad path
            /// id can be answered like a missing resource.
            pub fn parse(input: &str) -> Option<Self> {
                parse_hyphenated(input).map(Self)
            }
        }

        impl fmt::Display for $name {
            /// Lower-case, hyphenated.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    };
}

/// Accepts only the 36-character hyphenated form.
fn parse_hyphenated(input: &str) -> Option<Uuid> {
    if input.len() != 36 {
        return None;
    }
    Uuid::try_parse(input).ok()
}

id_type!(
    /// Identifies a user.
    UserId
);
id_type!(
    /// Identifies a group.
    GroupId
);
id_type!(
    /// Identifies a goal.
    GoalId
);
id_type!(
    /// Identifies a progress entry.
    EntryId
);
id_type!(
    /// Identifies a registered device (FCM token).
    DeviceId
);
id_type!(
    /// Identifies a group activity (feed item).
    ActivityId
);

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";

    #[test]
    fn parses_hyphenated_any_case_and_displays_lower_case() {
        let id = UserId::parse(TEXT).unwrap();
        assert_eq!(id.to_string(), TEXT);
        let upper = GroupId::parse(&TEXT.to_uppercase()).unwrap();
        assert_eq!(upper.to_string(), TEXT);
        assert_eq!(upper.as_uuid(), id.as_uuid());
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "not-a-uuid",
            "67e5504410b1426f9247bb680e5fe0c8",
            "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
            "urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8",
            "67e55044-10b1-426f-9247-bb680e5fe0cg",
            "67e55044-10b1-426f-9247-bb680e5fe0c8 ",
        ] {
            assert_eq!(GoalId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn round_trips_through_uuid() {
        let uuid = Uuid::parse_str(TEXT).unwrap();
        let id = EntryId::from_uuid(uuid);
        assert_eq!(Uuid::from(id), uuid);
        assert_eq!(DeviceId::from(uuid).as_uuid(), uuid);
        assert_eq!(ActivityId::from_uuid(uuid).to_string(), TEXT);
    }
}
