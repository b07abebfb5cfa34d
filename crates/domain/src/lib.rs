//! Pursue domain: entities, validated values and business rules, free of I/O.
