//! Group use-case tests.
