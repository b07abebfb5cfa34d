//! Times the OWASP argon2id settings on this machine, one thread, with a reused block
//! buffer as the hashing pool does: `cargo run --release -p pursue-auth --example
//! argon2_settings`. The default of `PASSWORD_HASH_MEMORY_KIB` / `PASSWORD_HASH_ITERATIONS`
//! is the fastest of them (see docs/BENCHMARKS.md, Password hashing).

use std::time::Instant;

use argon2::{Algorithm, Argon2, Block, Params, Version};

fn main() -> Result<(), argon2::Error> {
    let settings = [(19 * 1024, 2), (12 * 1024, 3), (9 * 1024, 4), (7 * 1024, 5)];
    let rounds = 40;
    println!("| memory | t | ms per hash (median of {rounds}) | min ms | hashes/s per core |");
    println!("|---:|---:|---:|---:|---:|");
    for (m, t) in settings {
        let params = Params::new(m, t, 1, Some(32))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let mut blocks = vec![Block::default(); params.block_count()];
        let mut out = [0u8; 32];
        argon.hash_password_into_with_memory(
            b"warm-up",
            b"saltsaltsalt",
            &mut out,
            blocks.as_mut_slice(),
        )?;
        let mut times: Vec<f64> = (0..rounds)
            .map(|i| {
                let started = Instant::now();
                let pwd = format!("Secret{i}");
                let r = argon.hash_password_into_with_memory(
                    pwd.as_bytes(),
                    b"saltsaltsalt",
                    &mut out,
                    blocks.as_mut_slice(),
                );
                (r, started.elapsed().as_secs_f64() * 1000.0)
            })
            .map(|(r, ms)| r.map(|()| ms))
            .collect::<Result<_, _>>()?;
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "| {} MiB | {t} | {median:.1} | {:.1} | {:.0} |",
            m / 1024,
            times[0],
            1000.0 / median
        );
    }
    Ok(())
}
