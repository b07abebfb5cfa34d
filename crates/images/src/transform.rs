//! Centre-crop, resize, orient and encode the decoded pixels.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::metadata::Orientation;
use image::{DynamicImage, RgbImage, RgbaImage};
use pursue_ports::images::ImageError;

use crate::decode::Decoded;

fn unexpected(what: impl std::fmt::Display) -> ImageError {
    ImageError::Unexpected(anyhow::anyhow!("{what}"))
}

/// Crops the centred square of `decoded` and resizes it to `side`×`side` (Lanczos3, alpha
/// premultiplied while filtering), then applies the EXIF orientation.
///
/// Cropping the centre commutes with the EXIF rotations and flips, so the orientation is
/// applied to the small square instead of the large decoded picture.
pub fn square(decoded: Decoded, side: u32) -> Result<DynamicImage, ImageError> {
    let pixel_type = if decoded.alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let src = ImageRef::new(decoded.width, decoded.height, &decoded.pixels, pixel_type)
        .map_err(unexpected)?;
    let mut dst = Image::new(side, side, pixel_type);

    let crop = decoded.width.min(decoded.height);
    let left = f64::from(decoded.width - crop) / 2.0;
    let top = f64::from(decoded.height - crop) / 2.0;
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .crop(left, top, f64::from(crop), f64::from(crop));
    Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(unexpected)?;

    let buffer = dst.into_vec();
    let mut image = if decoded.alpha {
        RgbaImage::from_raw(side, side, buffer)
            .map(DynamicImage::ImageRgba8)
            .ok_or_else(|| unexpected("resized RGBA buffer has the wrong size"))?
    } else {
        RgbImage::from_raw(side, side, buffer)
            .map(DynamicImage::ImageRgb8)
            .ok_or_else(|| unexpected("resized RGB buffer has the wrong size"))?
    };
    if decoded.orientation != Orientation::NoTransforms {
        image.apply_orientation(decoded.orientation);
    }
    Ok(image)
}

/// Encodes lossy WebP at `quality` (0–100) and effort `method` (0–6, clamped) without any
/// metadata; alpha is kept.
pub fn encode_webp(image: &DynamicImage, quality: f32, method: u8) -> Result<Vec<u8>, ImageError> {
    let (width, height) = (image.width(), image.height());
    let encoder = match image {
        DynamicImage::ImageRgb8(rgb) => webp::Encoder::from_rgb(rgb.as_raw(), width, height),
        DynamicImage::ImageRgba8(rgba) => webp::Encoder::from_rgba(rgba.as_raw(), width, height),
        other => return Err(unexpected(format!("cannot encode {:?}", other.color()))),
    };
    let mut config =
        webp::WebPConfig::new().map_err(|()| unexpected("libwebp rejected its defaults"))?;
    config.lossless = 0;
    config.quality = quality;
    config.method = i32::from(method.min(6));
    config.alpha_compression = 1;
    config.alpha_quality = 100;
    let encoded = encoder
        .encode_advanced(&config)
        .map_err(|e| unexpected(format!("WebP encoding failed: {e:?}")))?;
    Ok(encoded.to_vec())
}
