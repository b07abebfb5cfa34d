//! Decoding with limits: dimensions are read from the header and checked before any pixel
//! buffer is allocated; large JPEGs are decoded at a reduced DCT scale.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use jpeg_decoder::PixelFormat;
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
        Format::Jpeg => match decode_jpeg_scaled(bytes, limits)? {
            Some(decoded) => Ok(decoded),
            None => decode_generic(bytes, ImageFormat::Jpeg, limits),
        },
        Format::Png => decode_generic(bytes, ImageFormat::Png, limits),
        Format::WebP => decode_generic(bytes, ImageFormat::WebP, limits),
    }
}

/// The JPEG fast path: header first, then a DCT-scaled decode. `Ok(None)` for colour
/// layouts it does not handle (CMYK, 16-bit lossless), which take the generic path.
fn decode_jpeg_scaled(bytes: &[u8], limits: &DecodeLimits) -> Result<Option<Decoded>, ImageError> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.read_info().map_err(invalid)?;
    let info = decoder
        .info()
        .ok_or_else(|| invalid("no JPEG frame header"))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    check_dimensions(width, height, limits)?;
    if !matches!(info.pixel_format, PixelFormat::L8 | PixelFormat::RGB24) {
        return Ok(None);
    }

    // `scale` keeps the result at least as large as requested on one axis: ask only for
    // the shorter side.
    let target = u16::try_from(limits.min_short_side).unwrap_or(u16::MAX);
    let request = if width <= height {
        (target, u16::MAX)
    } else {
        (u16::MAX, target)
    };
    let (out_w, out_h) = decoder.scale(request.0, request.1).map_err(invalid)?;
    let channels = if info.pixel_format == PixelFormat::L8 {
        1
    } else {
        3
    };
    decoder.set_max_decoding_buffer_size(usize::from(out_w) * usize::from(out_h) * channels);
    let raw = decoder.decode().map_err(invalid)?;

    let orientation = decoder
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let pixels = if channels == 1 {
        raw.iter().flat_map(|&l| [l, l, l]).collect()
    } else {
        raw
    };
    let expected = usize::from(out_w) * usize::from(out_h) * 3;
    if pixels.len() != expected {
        return Err(invalid(format!(
            "the JPEG decoder returned {} bytes for {out_w}×{out_h}",
            pixels.len()
        )));
    }
    Ok(Some(Decoded {
        pixels,
        width: u32::from(out_w),
        height: u32::from(out_h),
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
