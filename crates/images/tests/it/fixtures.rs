//! Pictures built in memory for the tests.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageEncoder, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use pursue_images::ImagePipeline;
use pursue_ports::images::ProcessedImage;

/// A picture with smooth gradients, `width`×`height`.
pub fn gradient(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([
            (x * 255 / width.max(1)) as u8,
            (y * 255 / height.max(1)) as u8,
            ((x + y) % 256) as u8,
        ])
    })
}

/// JPEG bytes of `image` at quality 85, with `exif` (from the TIFF header) when given.
pub fn jpeg(image: &DynamicImage, exif: Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, 85);
    if let Some(exif) = exif {
        encoder.set_exif_metadata(exif).unwrap();
    }
    encoder.encode_image(image).unwrap();
    out
}

/// PNG bytes of `image`.
pub fn png(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(
            image.as_bytes(),
            image.width(),
            image.height(),
            image.color().into(),
        )
        .unwrap();
    out
}

/// Lossless WebP bytes of `image` (the `image` crate's encoder).
pub fn webp_lossless(image: &DynamicImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::WebP).unwrap();
    out.into_inner()
}

/// Lossy WebP bytes of an RGB `image` (libwebp).
pub fn webp_lossy(image: &RgbImage) -> Vec<u8> {
    webp::Encoder::from_rgb(image.as_raw(), image.width(), image.height())
        .encode(80.0)
        .to_vec()
}

/// An RGBA picture: opaque red left half, fully transparent right half.
pub fn half_transparent(width: u32, height: u32) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            Rgba([255, 0, 0, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    })
}

/// A minimal little-endian TIFF/EXIF block holding only an orientation tag.
pub fn exif_orientation(value: u16) -> Vec<u8> {
    let mut exif = b"II*\0".to_vec();
    exif.extend_from_slice(&8u32.to_le_bytes()); // first IFD right after the header
    exif.extend_from_slice(&1u16.to_le_bytes()); // one entry
    exif.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    exif.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    exif.extend_from_slice(&1u32.to_le_bytes()); // one value
    exif.extend_from_slice(&value.to_le_bytes());
    exif.extend_from_slice(&[0, 0]); // padding of the 4-byte value field
    exif.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    exif
}

/// A PNG chunk with its CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    chunk.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    chunk
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Runs the default pipeline synchronously.
pub fn process(
    bytes: &[u8],
    mime: &str,
) -> Result<ProcessedImage, pursue_ports::images::ImageError> {
    ImagePipeline::default().process_blocking(bytes, Some(mime))
}

/// Checks that `out` is a metadata-free 256×256 WebP and returns it decoded.
pub fn assert_square_webp(out: &ProcessedImage) -> DynamicImage {
    assert_eq!(out.mime, "image/webp");
    assert_eq!((out.width, out.height), (256, 256));
    assert_eq!(image::guess_format(&out.bytes).unwrap(), ImageFormat::WebP);
    for chunk in [b"EXIF", b"ICCP", b"XMP "] {
        assert!(
            !out.bytes.windows(4).any(|w| w == chunk),
            "output carries a {} chunk",
            String::from_utf8_lossy(chunk)
        );
    }
    assert!(
        out.bytes.windows(4).any(|w| w == b"VP8 "),
        "output is not lossy WebP"
    );
    let decoded = image::load_from_memory_with_format(&out.bytes, ImageFormat::WebP).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 256));
    decoded
}
