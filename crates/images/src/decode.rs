//! Decoding with limits: dimensions are read from the header and checked before any pixel
//! buffer is allocated; large JPEGs are decoded at a reduced DCT scale.

use std::io::Cursor;
use std::panic::AssertUnwindSafe;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use pursue_ports::images::ImageError;

use crate::sniff::Format;

/// Size limits applied while decoding.
#[derive(Debug, Clone, Copy)]
pub struct DecodeLimits {
    /// Largest accepted width or height, in pixels.
    pub max_side: u32,
    /// Largest accepted width × height.
    pub max_pixels: u64,
    /// Shortest side the caller needs; JPEGs are decoded at the smallest DCT scale that
    /// keeps their shorter side at least this long.
    pub min_short_side: u32,
}

/// Decoded pixels, 8 bits per channel, RGB or RGBA, not yet oriented.
pub struct Decoded {
    /// Row-major pixels without padding: 3 bytes per pixel, or 4 when `alpha`.
    pub pixels: Vec<u8>,
    /// Width of `pixels`.
    pub width: u32,
    /// Height of `pixels`.
    pub height: u32,
    /// Whether `pixels` carries an alpha channel.
    pub alpha: bool,
    /// The EXIF orientation still to apply.
    pub orientation: Orientation,
}

fn invalid(what: impl std::fmt::Display) -> ImageError {
    ImageError::InvalidImage(what.to_string())
}

/// Refuses empty pictures, sides over the limit and pixel counts over the budget.
pub fn check_dimensions(width: u32, height: u32, limits: &DecodeLimits) -> Result<(), ImageError> {
    if width == 0 || height == 0 {
        return Err(invalid(format!("the picture is empty ({width}×{height})")));
    }
    if width > limits.max_side || height > limits.max_side {
        return Err(invalid(format!(
            "{width}×{height} has a side longer than {} pixels",
            limits.max_side
        )));
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(invalid(format!(
            "{width}×{height} has more than {} pixels",
            limits.max_pixels
        )));
    }
    Ok(())
}

/// Decodes `bytes` of the sniffed `format` within `limits`.
pub fn decode(bytes: &[u8], format: Format, limits: &DecodeLimits) -> Result<Decoded, ImageError> {
    match format {
        Format::Jpeg if count_scans(bytes) <= MAX_JPEG_SCANS && !ends_after_last_scan(bytes) => {
            Err(invalid(
                "the JPEG is truncated (no end-of-image marker after its last scan)",
            ))
        }
        Format::Jpeg => match decode_jpeg_scaled(bytes, limits)? {
            Some(decoded) => Ok(decoded),
            None => decode_generic(bytes, ImageFormat::Jpeg, limits),
        },
        Format::Png => decode_generic(bytes, ImageFormat::Png, limits),
        Format::WebP => decode_generic(bytes, ImageFormat::WebP, limits),
    }
}

/// The JPEG fast path through libjpeg-turbo: header first, then a DCT-scaled decode.
/// `Ok(None)` for CMYK/YCCK pictures, which take the generic path.
fn decode_jpeg_scaled(bytes: &[u8], limits: &DecodeLimits) -> Result<Option<Decoded>, ImageError> {
    // libjpeg reports fatal errors by unwinding (without calling the panic hook); catch them
    // here and report them as an invalid picture.
    match std::panic::catch_unwind(AssertUnwindSafe(|| jpeg_turbo(bytes, limits))) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("the JPEG decoder failed");
            Err(invalid(message))
        }
    }
}

/// Most scans a JPEG may have. Baseline files have one per component at most, progressive
/// ones about ten; a crafted file with thousands of tiny scans would make the decoder walk
/// the whole coefficient buffer thousands of times.
const MAX_JPEG_SCANS: usize = 256;

/// Counts start-of-scan markers. Entropy-coded data never contains `FF DA` (a data byte
/// `FF` is always followed by `00`), so every occurrence is a real marker.
fn count_scans(bytes: &[u8]) -> usize {
    memchr::memmem::find_iter(bytes, &[0xFF, 0xDA]).count()
}

/// Whether an end-of-image marker (`FF D9`) follows the last scan. libjpeg only warns
/// about a premature end and pads the picture with grey, so a truncated upload would be
/// accepted; entropy-coded data never holds `FF D9`, so its presence is a reliable sign.
fn ends_after_last_scan(bytes: &[u8]) -> bool {
    let last_scan = memchr::memmem::rfind(bytes, &[0xFF, 0xDA]).unwrap_or(0);
    memchr::memmem::rfind(&bytes[last_scan..], &[0xFF, 0xD9]).is_some()
}

fn jpeg_turbo(bytes: &[u8], limits: &DecodeLimits) -> Result<Option<Decoded>, ImageError> {
    let scans = count_scans(bytes);
    if scans > MAX_JPEG_SCANS {
        return Err(invalid(format!(
            "the JPEG has {scans} scans, more than {MAX_JPEG_SCANS}"
        )));
    }
    let mut decoder = mozjpeg::Decompress::with_markers(&[mozjpeg::Marker::APP(1)])
        .from_mem(bytes)
        .map_err(invalid)?;
    let (width, height) = decoder.size();
    let width = u32::try_from(width).map_err(invalid)?;
    let height = u32::try_from(height).map_err(invalid)?;
    check_dimensions(width, height, limits)?;
    if matches!(
        decoder.color_space(),
        mozjpeg::ColorSpace::JCS_CMYK | mozjpeg::ColorSpace::JCS_YCCK
    ) {
        return Ok(None);
    }
    let orientation = decoder
        .markers()
        .filter(|m| m.marker == mozjpeg::Marker::APP(1))
        .find_map(|m| m.data.strip_prefix(b"Exif\0\0"))
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);

    // The smallest scale n/8 that keeps the shorter side at least `min_short_side`.
    let short = u64::from(width.min(height));
    let wanted = u64::from(limits.min_short_side);
    let numerator = [1u8, 2, 4]
        .into_iter()
        .find(|&n| (short * u64::from(n)).div_ceil(8) >= wanted)
        .unwrap_or(8);
    decoder.scale(numerator);

    let mut started = decoder.rgb().map_err(invalid)?;
    let (out_w, out_h) = (started.width(), started.height());
    let pixels: Vec<u8> = started.read_scanlines().map_err(invalid)?;
    started.finish().map_err(invalid)?;
    if pixels.len() != out_w * out_h * 3 {
        return Err(invalid(format!(
            "the JPEG decoder returned {} bytes for {out_w}×{out_h}",
            pixels.len()
        )));
    }
    Ok(Some(Decoded {
        pixels,
        width: u32::try_from(out_w).map_err(invalid)?,
        height: u32::try_from(out_h).map_err(invalid)?,
        alpha: false,
        orientation,
    }))
}

/// Every other case through the `image` crate, with its allocation limits set.
fn decode_generic(
    bytes: &[u8],
    format: ImageFormat,
    limits: &DecodeLimits,
) -> Result<Decoded, ImageError> {
    // The dimensions are checked by `check_dimensions` as soon as the header is read; the
    // allocation cap leaves room for the largest accepted picture at 16 bits per channel
    // with alpha and bounds whatever a decoder allocates besides.
    let mut image_limits = image::Limits::default();
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8));

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(image_limits);
    let mut decoder = reader.into_decoder().map_err(invalid)?;
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height, limits)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(invalid)?;

    let (alpha, pixels) = if image.color().has_alpha() {
        (true, image.into_rgba8().into_raw())
    } else {
        (false, image.into_rgb8().into_raw())
    };
    Ok(Decoded {
        pixels,
        width,
        height,
        alpha,
        orientation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_jpegs_are_invalid() {
        let mut jpeg = Vec::new();
        let picture = image::RgbImage::from_fn(320, 240, |x, y| image::Rgb([x as u8, y as u8, 7]));
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
            .encode_image(&picture)
            .unwrap();
        let limits = DecodeLimits {
            max_side: 4096,
            max_pixels: 4096 * 4096,
            min_short_side: 256,
        };
        assert!(decode(&jpeg, Format::Jpeg, &limits).is_ok());
        let mut padded = jpeg.clone();
        padded.extend_from_slice(&[0, 0, 0]);
        assert!(decode(&padded, Format::Jpeg, &limits).is_ok());
        for cut in [jpeg.len() / 2, jpeg.len() - 2] {
            match decode(&jpeg[..cut], Format::Jpeg, &limits) {
                Err(ImageError::InvalidImage(message)) => assert!(message.contains("truncated")),
                Err(other) => panic!("{other:?}"),
                Ok(_) => panic!("decoded a JPEG cut at {cut} of {}", jpeg.len()),
            }
        }
    }

    #[test]
    fn scan_bombs_are_refused_before_decoding() {
        let mut bytes = vec![0xFF, 0xD8];
        for _ in 0..=MAX_JPEG_SCANS {
            bytes.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0xFF, 0x00]);
        }
        assert_eq!(count_scans(&bytes), MAX_JPEG_SCANS + 1);
        let limits = DecodeLimits {
            max_side: 4096,
            max_pixels: 4096 * 4096,
            min_short_side: 256,
        };
        match decode(&bytes, Format::Jpeg, &limits) {
            Err(ImageError::InvalidImage(message)) => assert!(message.contains("scans")),
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("decoded a scan bomb"),
        }
    }
}
