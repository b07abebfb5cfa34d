//! The password-hashing variables of the configuration (see README.md, Configuration, and
//! docs/OPERATIONS.md, Password hashing).

use std::time::Duration;

use pursue_auth::{HasherSettings, PoolSettings};

/// The smallest memory cost accepted (KiB): OWASP's lowest argon2id setting.
const MIN_MEMORY_KIB: u32 = 7 * 1024;
/// The largest memory cost accepted (KiB).
const MAX_MEMORY_KIB: u32 = 256 * 1024;
/// memory × iterations of OWASP's lowest setting (7 MiB, t=5); every accepted pair costs
/// at least this much.
const MIN_WORK: u64 = 7 * 1024 * 5;

/// Reads `PASSWORD_HASH_CONCURRENCY`, `PASSWORD_HASH_QUEUE`, `PASSWORD_HASH_WAIT_MS`,
/// `PASSWORD_HASH_MEMORY_KIB` and `PASSWORD_HASH_ITERATIONS`; one message per bad variable.
pub(crate) fn password_hashing(
    get: &impl Fn(&str) -> Option<String>,
    errors: &mut Vec<String>,
) -> HasherSettings {
    let defaults = HasherSettings::default();
    let mut num = |name: &str, default: u64| match get(name) {
        None => default,
        Some(v) => v.parse().unwrap_or_else(|_| {
            errors.push(format!(
                "{name} must be a non-negative whole number, not `{v}`"
            ));
            default
        }),
    };
    let size = num("PASSWORD_HASH_CONCURRENCY", defaults.pool.size as u64);
    let queue = num("PASSWORD_HASH_QUEUE", defaults.pool.queue as u64);
    let wait_ms = num(
        "PASSWORD_HASH_WAIT_MS",
        defaults.pool.wait.as_millis() as u64,
    );
    let memory = num("PASSWORD_HASH_MEMORY_KIB", u64::from(defaults.memory_kib));
    let iterations = num("PASSWORD_HASH_ITERATIONS", u64::from(defaults.iterations));
    if !(1..=256).contains(&size) {
        errors.push("PASSWORD_HASH_CONCURRENCY must be between 1 and 256".into());
    }
    if queue > 100_000 {
        errors.push("PASSWORD_HASH_QUEUE must be at most 100000".into());
    }
    if !(1..=600_000).contains(&wait_ms) {
        errors.push("PASSWORD_HASH_WAIT_MS must be between 1 and 600000".into());
    }
    if !(u64::from(MIN_MEMORY_KIB)..=u64::from(MAX_MEMORY_KIB)).contains(&memory) {
        errors.push(format!(
            "PASSWORD_HASH_MEMORY_KIB must be between {MIN_MEMORY_KIB} and {MAX_MEMORY_KIB}"
        ));
    } else if !(1..=100).contains(&iterations) {
        errors.push("PASSWORD_HASH_ITERATIONS must be between 1 and 100".into());
    } else if memory * iterations < MIN_WORK {
        errors.push(format!(
            "PASSWORD_HASH_ITERATIONS × PASSWORD_HASH_MEMORY_KIB must be at least {MIN_WORK} \
             (OWASP: 19456×2, 12288×3, 9216×4 or 7168×5)"
        ));
    }
    HasherSettings {
        memory_kib: u32::try_from(memory).unwrap_or(defaults.memory_kib),
        iterations: u32::try_from(iterations).unwrap_or(defaults.iterations),
        pool: PoolSettings {
            size: usize::try_from(size).unwrap_or(1).max(1),
            queue: usize::try_from(queue).unwrap_or(defaults.pool.queue),
            wait: Duration::from_millis(wait_ms.max(1)),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> (HasherSettings, Vec<String>) {
        let vars: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut errors = Vec::new();
        let s = password_hashing(&|n: &str| vars.get(n).cloned(), &mut errors);
        (s, errors)
    }

    #[test]
    fn defaults_come_from_the_cores_and_the_benchmark() {
        let (s, errors) = parse(&[]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(s, HasherSettings::default());
        assert!(s.pool.size >= 1);
        assert_eq!(s.pool.queue, 64);
        assert_eq!(s.pool.wait, Duration::from_secs(5));
    }

    #[test]
    fn every_variable_is_read() {
        let (s, errors) = parse(&[
            ("PASSWORD_HASH_CONCURRENCY", "3"),
            ("PASSWORD_HASH_QUEUE", "0"),
            ("PASSWORD_HASH_WAIT_MS", "250"),
            ("PASSWORD_HASH_MEMORY_KIB", "19456"),
            ("PASSWORD_HASH_ITERATIONS", "2"),
        ]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            s,
            HasherSettings {
                memory_kib: 19456,
                iterations: 2,
                pool: PoolSettings {
                    size: 3,
                    queue: 0,
                    wait: Duration::from_millis(250)
                }
            }
        );
    }

    #[test]
    fn bad_values_name_their_variable() {
        let (_, errors) = parse(&[
            ("PASSWORD_HASH_CONCURRENCY", "0"),
            ("PASSWORD_HASH_QUEUE", "lots"),
            ("PASSWORD_HASH_WAIT_MS", "0"),
            ("PASSWORD_HASH_MEMORY_KIB", "1024"),
        ]);
        let text = errors.join("\n");
        for name in [
            "PASSWORD_HASH_CONCURRENCY",
            "PASSWORD_HASH_QUEUE",
            "PASSWORD_HASH_WAIT_MS",
            "PASSWORD_HASH_MEMORY_KIB",
        ] {
            assert!(text.contains(name), "{name} missing from {text}");
        }
        let (_, errors) = parse(&[
            ("PASSWORD_HASH_MEMORY_KIB", "7168"),
            ("PASSWORD_HASH_ITERATIONS", "2"),
        ]);
        assert!(errors.join("").contains("at least 35840"), "{errors:?}");
    }
}
