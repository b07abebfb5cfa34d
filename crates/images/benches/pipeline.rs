//! Pipeline timing: `just bench-images` (or `cargo bench -p pursue-images --bench pipeline`).
//!
//! Builds photo-like pictures in memory (a 4000×3000 camera-style 4:2:0 JPEG of about 1 MB,
//! the same picture as a 4:4:4 JPEG, a 2-megapixel PNG, a 512×512 JPEG like the ones the
//! Android client sends) and prints, for the whole pipeline, the median and best wall time
//! and the CPU time per image (`BENCH_RUNS` runs each, 25 by default).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::Cursor;
use std::time::{Duration, Instant};

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use pursue_images::{ImagePipeline, PipelineConfig};

/// Deterministic noise (xorshift), so every run measures the same picture.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u8 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 56) as u8
    }
}

/// Smooth shapes plus sensor-like noise: compresses like a photo, not like a gradient.
fn photo_like(width: u32, height: u32, noise_amplitude: i32) -> RgbImage {
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let base = [
            128.0 + 100.0 * (fx * 9.0).sin() * (fy * 5.0).cos(),
            128.0 + 90.0 * (fx * 3.0 + fy * 7.0).sin(),
            128.0 + 80.0 * ((fx - 0.5).hypot(fy - 0.5) * 30.0).cos(),
        ];
        Rgb(base.map(|b| {
            let n = i32::from(noise.next()) * noise_amplitude / 255 - noise_amplitude / 2;
            (b as i32 + n).clamp(0, 255) as u8
        }))
    })
}

/// CPU time used so far by this process, all threads (user + system), from `/proc`.
/// Unlike wall time it does not grow when other processes compete for the cores.
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): utime is the 12th, stime
    // the 13th; both in clock ticks of 1/100 s.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// A baseline 4:2:0 JPEG as camera firmware writes it (libjpeg defaults, standard tables).
fn camera_jpeg(image: &RgbImage, quality: f32) -> Vec<u8> {
    let mut compress = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    compress.set_fastest_defaults();
    compress.set_size(image.width() as usize, image.height() as usize);
    compress.set_quality(quality);
    compress.set_chroma_sampling_pixel_sizes((2, 2), (2, 2));
    let mut started = compress.start_compress(Vec::new()).unwrap();
    started.write_scanlines(image.as_raw()).unwrap();
    started.finish().unwrap()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn time(label: &str, pipeline: &ImagePipeline, bytes: &[u8], mime: &str, runs: usize) {
    // Warm-up (page faults, CPU feature detection, lazily built tables).
    let output = pipeline
        .process_blocking(bytes, Some(mime))
        .unwrap()
        .bytes
        .len();
    let cpu_before = process_cpu_time();
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let out = pipeline.process_blocking(bytes, Some(mime)).unwrap();
            let elapsed = start.elapsed();
            assert_eq!((out.width, out.height), (256, 256));
            elapsed
        })
        .collect();
    let cpu = match (cpu_before, process_cpu_time()) {
        (Some(before), Some(after)) => format!("{:>6.1}", ms(after - before) / runs as f64),
        _ => "   n/a".to_owned(),
    };
    samples.sort();
    println!(
        "{label:<40} in {:>8} B  out {:>6} B   wall median {:>6.2} ms  min {:>6.2} ms   CPU {cpu} ms/image  ({runs} runs)",
        bytes.len(),
        output,
        ms(samples[runs / 2]),
        ms(samples[0]),
    );
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25);
    let pipeline = ImagePipeline::default();

    let photo = photo_like(4000, 3000, 14);
    let jpeg = camera_jpeg(&photo, 84.0);
    time(
        "JPEG 4000×3000 4:2:0 (camera-like)",
        &pipeline,
        &jpeg,
        "image/jpeg",
        runs,
    );
    let slower = ImagePipeline::new(PipelineConfig {
        webp_method: 4,
        ..PipelineConfig::default()
    });
    time(
        "  same, WebP effort 4 (libwebp default)",
        &slower,
        &jpeg,
        "image/jpeg",
        runs,
    );

    // The `image` crate's encoder writes 4:4:4: twice the blocks to entropy-decode.
    let mut jpeg444 = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg444, 75)
        .encode_image(&photo)
        .unwrap();
    time(
        "JPEG 4000×3000 4:4:4",
        &pipeline,
        &jpeg444,
        "image/jpeg",
        runs,
    );

    let mut png = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(photo_like(1732, 1155, 6))
        .write_to(&mut png, ImageFormat::Png)
        .unwrap();
    let png = png.into_inner();
    time("PNG 1732×1155 (2 MP)", &pipeline, &png, "image/png", runs);

    let small = photo_like(512, 512, 16);
    let mut client_jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut client_jpeg, 85)
        .encode_image(&small)
        .unwrap();
    time(
        "JPEG 512×512 q85 (what the app sends)",
        &pipeline,
        &client_jpeg,
        "image/jpeg",
        runs,
    );
}
