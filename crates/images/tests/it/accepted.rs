//! Every accepted format comes out as a 256×256 WebP.

use std::sync::Arc;

use bytes::Bytes;
use image::{DynamicImage, GenericImageView, GrayImage, Luma};
use pursue_images::{ImagePipeline, PipelineConfig};
use pursue_ports::images::{ImageError, ImageProcessor};

use crate::fixtures::*;

fn rgb(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(gradient(width, height))
}

#[test]
fn jpeg_rgb_and_grey() {
    for (image, what) in [
        (rgb(640, 480), "RGB"),
        (rgb(2100, 1500), "RGB, DCT-scaled"),
        (
            DynamicImage::ImageLuma8(GrayImage::from_fn(300, 500, |x, _| Luma([x as u8]))),
            "grey",
        ),
    ] {
        let out =
            process(&jpeg(&image, None), "image/jpeg").unwrap_or_else(|e| panic!("{what}: {e}"));
        let decoded = assert_square_webp(&out);
        assert!(!decoded.color().has_alpha(), "{what}");
    }
}

#[test]
fn png_rgb_and_16_bit() {
    let out = process(&png(&rgb(500, 300)), "image/png").unwrap();
    assert_square_webp(&out);

    let deep = DynamicImage::ImageRgb16(rgb(120, 90).into_rgb16());
    let out = process(&png(&deep), "image/png").unwrap();
    assert_square_webp(&out);
}

#[test]
fn png_alpha_is_kept() {
    let image = DynamicImage::ImageRgba8(half_transparent(400, 400));
    let out = process(&png(&image), "image/png").unwrap();
    let decoded = assert_square_webp(&out);
    assert!(decoded.color().has_alpha());
    let left = decoded.get_pixel(10, 128);
    let right = decoded.get_pixel(245, 128);
    assert_eq!(left[3], 255, "left half stays opaque");
    assert!(
        left[0] > 200 && left[1] < 60,
        "left half stays red: {left:?}"
    );
    assert_eq!(right[3], 0, "right half stays transparent");
}

#[test]
fn webp_lossless_and_lossy() {
    let out = process(&webp_lossless(&rgb(300, 600)), "image/webp").unwrap();
    assert_square_webp(&out);
    let out = process(&webp_lossy(&gradient(333, 222)), "image/webp").unwrap();
    assert_square_webp(&out);
}

#[test]
fn small_pictures_are_scaled_up() {
    let out = process(&png(&rgb(40, 25)), "image/png").unwrap();
    assert_square_webp(&out);
    let out = process(&jpeg(&rgb(1, 1), None), "image/jpeg").unwrap();
    assert_square_webp(&out);
}

#[test]
fn the_bytes_decide_not_the_declaration() {
    // A JPEG declared as PNG is still a JPEG; with no declared type at all it is refused
    // (docs/IMAGES.md, The pipeline, step 1: the declaration must be one of the accepted types).
    let bytes = jpeg(&rgb(320, 240), None);
    assert_square_webp(&process(&bytes, "image/png").unwrap());
    let err = ImagePipeline::default()
        .process_blocking(&bytes, None)
        .unwrap_err();
    assert!(matches!(err, ImageError::InvalidFileType(_)), "{err:?}");
}

#[test]
fn output_guard() {
    let pipeline = ImagePipeline::new(PipelineConfig {
        max_output_bytes: 100,
        ..PipelineConfig::default()
    });
    let err = pipeline
        .process_blocking(&png(&rgb(64, 64)), Some("image/png"))
        .unwrap_err();
    assert!(
        matches!(err, ImageError::OutputTooLarge { limit: 100, .. }),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_uploads_through_the_port() {
    let processor: Arc<dyn ImageProcessor> = Arc::new(ImagePipeline::new(PipelineConfig {
        max_concurrent: 2,
        ..PipelineConfig::default()
    }));
    let bytes = Bytes::from(jpeg(&rgb(800, 600), None));
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let processor = Arc::clone(&processor);
            let bytes = bytes.clone();
            tokio::spawn(async move {
                processor
                    .process(bytes, Some("image/jpeg".to_owned()))
                    .await
            })
        })
        .collect();
    for task in tasks {
        assert_square_webp(&task.await.unwrap().unwrap());
    }
}
