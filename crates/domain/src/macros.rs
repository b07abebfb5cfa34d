//! Internal macros shared by the modules.

/// Declares a `Copy` enum whose variants have a fixed lower-case wire name, with
/// `ALL`, `as_str`, `parse` (→ [`crate::text::UnknownVariant`]), `Display` and `FromStr`.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire and storage name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $wire ),+
                }
            }

            /// Parses the exact wire name.
            pub fn parse(input: &str) -> Result<Self, $crate::text::UnknownVariant> {
                match input {
                    $( $wire => Ok($name::$variant), )+
                    _ => Err($crate::text::UnknownVariant::new(&[$($wire),+])),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::text::UnknownVariant;

            fn from_str(input: &str) -> Result<Self, Self::Err> {
                Self::parse(input)
            }
        }
    };
}

/// The read side of a text newtype `$name(String)` whose values are validated by its own
/// `parse`: `stored` for values read back from storage, `String::from`, `Deref<Target =
/// str>` and comparison with `&str`.
macro_rules! stored_text {
    ($name:ident) => {
        impl $name {
            /// A value read back from storage, taken as it is: the database holds what an
            /// earlier server (or an earlier, looser rule) accepted, and a read must show it
            /// rather than fail. New values always go through `parse`.
            pub fn stored(value: String) -> Self {
                Self(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl ::std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

/// Declares a validated text newtype over `String`, trimmed, with a code-point range.
/// `$min` is 0 or 1; `$max` is the upper bound in code points.
macro_rules! bounded_text {
    ($(#[$meta:meta])* $vis:vis struct $name:ident, $min:expr, $max:expr) => {
        bounded_text!($(#[$meta])* $vis struct $name, $min, $max, Single);
    };
    ($(#[$meta:meta])* $vis:vis struct $name:ident, $min:expr, $max:expr, $lines:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis struct $name(String);

        impl $name {
            /// Longest accepted value, in Unicode code points.
            pub const MAX_CHARS: usize = $max;

            /// Trims `input` and checks its length in code points and its characters.
            pub fn parse(input: &str) -> Result<Self, $crate::text::TextError> {
                $crate::text::bounded(input, $min, $max, $crate::text::Lines::$lines).map(Self)
            }

            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The validated text, owned.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        stored_text!($name);
    };
}
