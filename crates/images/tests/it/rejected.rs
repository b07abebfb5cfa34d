//! Uploads that must be refused, quickly and without large allocations.

use std::time::{Duration, Instant};

use bytes::Bytes;
use image::{DynamicImage, RgbImage};
use pursue_images::ImagePipeline;
use pursue_ports::images::{ImageError, ImageProcessor};

use crate::fixtures::*;

fn quickly<T>(f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = f();
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_millis(500), "took {elapsed:?}");
    result
}

#[tokio::test]
async fn more_than_five_mebibytes_is_too_large() {
    let bytes = Bytes::from(vec![0u8; 5_242_881]);
    let err = ImagePipeline::default()
        .process(bytes, Some("image/jpeg".to_owned()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ImageError::FileTooLarge {
                size: 5_242_881,
                limit: 5_242_880
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn wrong_declared_type() {
    let bytes = Bytes::from(png(&DynamicImage::ImageRgb8(gradient(8, 8))));
    for declared in ["image/gif", "application/pdf", "text/plain"] {
        let err = ImagePipeline::default()
            .process(bytes.clone(), Some(declared.to_owned()))
            .await
            .unwrap_err();
        assert!(
            matches!(err, ImageError::InvalidFileType(_)),
            "{declared}: {err:?}"
        );
    }
}

#[test]
fn refused_formats_behind_an_accepted_declaration() {
    let gif = {
        let mut out = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(gradient(8, 8))
            .write_to(&mut out, image::ImageFormat::Gif)
            .unwrap();
        out.into_inner()
    };
    // docs/IMAGES.md, The pipeline, step 2: the decoded format decides, and a refused one is INVALID_IMAGE.
    let err = process(&gif, "image/png").unwrap_err();
    assert!(matches!(err, ImageError::InvalidImage(_)), "{err:?}");
    let err = process(b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0", "image/jpeg").unwrap_err();
    assert!(matches!(err, ImageError::InvalidImage(_)), "{err:?}");
}

#[test]
fn garbage_and_truncated_bytes() {
    for (bytes, what) in [
        (b"definitely not a picture".to_vec(), "text"),
        (Vec::new(), "empty"),
        (b"\xFF\xD8\xFF\xE0\0\x10JFIF\0".to_vec(), "JPEG header only"),
        (
            b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec(),
            "PNG header only",
        ),
        (b"RIFF\x04\0\0\0WEBP".to_vec(), "WebP header only"),
    ] {
        let err = quickly(|| process(&bytes, "image/png")).unwrap_err();
        assert!(
            matches!(err, ImageError::InvalidImage(_)),
            "{what}: {err:?}"
        );
    }
}

#[test]
fn a_side_longer_than_4096() {
    let long = DynamicImage::ImageRgb8(RgbImage::new(5000, 10));
    for (bytes, mime) in [(png(&long), "image/png"), (jpeg(&long, None), "image/jpeg")] {
        let err = quickly(|| process(&bytes, mime)).unwrap_err();
        match err {
            ImageError::InvalidImage(message) => assert!(message.contains("5000×10"), "{message}"),
            other => panic!("{mime}: {other:?}"),
        }
    }
}

#[test]
fn png_bomb_is_refused_from_its_header() {
    // A valid PNG signature and IHDR claiming 100000×100000 RGBA, then a tiny IDAT.
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(png_chunk(b"IHDR", &ihdr));
    bytes.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    bytes.extend(png_chunk(b"IEND", &[]));
    assert!(bytes.len() < 100);

    let err = quickly(|| process(&bytes, "image/png")).unwrap_err();
    match err {
        ImageError::InvalidImage(message) => {
            assert!(message.contains("100000×100000"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn jpeg_bomb_is_refused_from_its_header() {
    // A real small JPEG whose frame header is patched to claim 60000×60000.
    let mut bytes = jpeg(&DynamicImage::ImageRgb8(gradient(16, 16)), None);
    let sof = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("baseline frame header");
    bytes[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);

    let err = quickly(|| process(&bytes, "image/jpeg")).unwrap_err();
    match err {
        ImageError::InvalidImage(message) => {
            assert!(message.contains("60000×60000"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn too_many_pixels_for_a_smaller_budget() {
    let pipeline = ImagePipeline::new(pursue_images::PipelineConfig {
        max_pixels: 100 * 100,
        ..Default::default()
    });
    let bytes = png(&DynamicImage::ImageRgb8(gradient(200, 200)));
    let err = pipeline
        .process_blocking(&bytes, Some("image/png"))
        .unwrap_err();
    assert!(matches!(err, ImageError::InvalidImage(_)), "{err:?}");
}
