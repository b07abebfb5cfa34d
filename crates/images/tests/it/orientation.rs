//! EXIF orientation: the output is upright whatever way the camera stored the pixels.

use image::codecs::png::PngEncoder;
use image::{DynamicImage, GenericImageView, ImageEncoder, Rgb, RgbImage};

use crate::fixtures::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Colour {
    Red,
    Green,
    Blue,
}

/// Blue picture, twice as wide as high; the centred square (what survives the crop) has a
/// red block in its top-left corner and a green block in its top-right corner.
fn marked(height: u32) -> DynamicImage {
    let width = height * 2;
    let (left, block) = (height / 2, height / 4);
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        if y < block && (left..left + block).contains(&x) {
            Rgb([255, 0, 0])
        } else if y < block && (left + height - block..left + height).contains(&x) {
            Rgb([0, 255, 0])
        } else {
            Rgb([0, 0, 255])
        }
    }))
}

fn colour_at(image: &DynamicImage, x: u32, y: u32) -> Colour {
    let p = image.get_pixel(x, y);
    match (p[0] > 150, p[1] > 150, p[2] > 150) {
        (true, false, false) => Colour::Red,
        (false, true, false) => Colour::Green,
        (false, false, true) => Colour::Blue,
        _ => panic!("unclear colour {p:?} at {x},{y}"),
    }
}

/// Colours at the corners: top-left, top-right, bottom-left, bottom-right.
fn corners(image: &DynamicImage) -> [Colour; 4] {
    [(20, 20), (235, 20), (20, 235), (235, 235)].map(|(x, y)| colour_at(image, x, y))
}

/// Where the red and green blocks must end up for each EXIF orientation value.
fn expected(orientation: u16) -> [Colour; 4] {
    use Colour::*;
    match orientation {
        1 => [Red, Green, Blue, Blue],
        2 => [Green, Red, Blue, Blue],
        3 => [Blue, Blue, Green, Red],
        4 => [Blue, Blue, Red, Green],
        5 => [Red, Blue, Green, Blue],
        6 => [Blue, Red, Blue, Green],
        7 => [Blue, Green, Blue, Red],
        8 => [Green, Blue, Red, Blue],
        _ => unreachable!(),
    }
}

#[test]
fn jpeg_without_exif_keeps_its_layout() {
    let out = process(&jpeg(&marked(200), None), "image/jpeg").unwrap();
    assert_eq!(corners(&assert_square_webp(&out)), expected(1));
}

#[test]
fn jpeg_every_orientation() {
    for orientation in 1..=8 {
        let bytes = jpeg(&marked(200), Some(exif_orientation(orientation)));
        let out = process(&bytes, "image/jpeg").unwrap();
        assert_eq!(
            corners(&assert_square_webp(&out)),
            expected(orientation),
            "orientation {orientation}"
        );
    }
}

#[test]
fn dct_scaled_jpeg_is_rotated_too() {
    // 2400×1200 is decoded at 1/4 scale (600×300) before cropping.
    let bytes = jpeg(&marked(1200), Some(exif_orientation(6)));
    let out = process(&bytes, "image/jpeg").unwrap();
    assert_eq!(corners(&assert_square_webp(&out)), expected(6));
}

#[test]
fn png_exif_chunk_is_honoured() {
    let image = marked(200);
    let mut bytes = Vec::new();
    let mut encoder = PngEncoder::new(&mut bytes);
    encoder.set_exif_metadata(exif_orientation(8)).unwrap();
    encoder
        .write_image(
            image.as_bytes(),
            image.width(),
            image.height(),
            image.color().into(),
        )
        .unwrap();
    let out = process(&bytes, "image/png").unwrap();
    assert_eq!(corners(&assert_square_webp(&out)), expected(8));
}
