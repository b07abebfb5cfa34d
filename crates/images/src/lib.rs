//! Pursue image pipeline adapter: implements [`ImageProcessor`] for avatars and group icons.
//!
//! An upload goes through these steps (docs/IMAGES.md, The pipeline), all on tokio's blocking pool:
//!
//! 1. **Input checks:** size ≤ 5 MiB, declared media type present and one of
//!    JPEG/PNG/WebP (case-insensitive, parameters ignored), else
//!    [`ImageError::InvalidFileType`].
//! 2. **Sniffing:** the real format comes from the magic bytes, never from the
//!    declaration; GIF, BMP, other refused formats and unknown bytes are
//!    [`ImageError::InvalidImage`].
//! 3. **Header check:** width and height are read from the header before any pixel buffer
//!    exists; a side over 4096 px or more than 4096² pixels is refused, so a tiny file that
//!    claims huge dimensions (a decompression bomb) costs nothing. A JPEG with more than
//!    256 scans (a CPU bomb for progressive decoding) is refused as well.
//! 4. **Decode:** JPEGs go through libjpeg-turbo (the MozJPEG build) at the smallest IDCT
//!    scale (1/8, 1/4, 1/2, 1) that keeps the shorter side ≥ 256 px, so a 12-megapixel
//!    photo is reconstructed directly at 500×375. PNG, WebP and CMYK JPEGs go through the
//!    `image` crate with an allocation cap. Animated PNG and WebP give their first frame.
//! 5. **Square:** the centred square is cropped and resized to 256×256 with Lanczos3
//!    (`fast_image_resize`, alpha premultiplied while filtering); then the EXIF orientation
//!    is applied to the small square (centre-cropping commutes with rotations and flips).
//! 6. **Encode:** lossy WebP at quality 90 (effort 2) through libwebp, alpha kept, no
//!    EXIF/ICC/XMP.
//!    A result over 500 KiB is [`ImageError::OutputTooLarge`] (a server-side guard).
//!
//! At most [`PipelineConfig::max_concurrent`] uploads are processed at once, which bounds
//! the memory used by decoding.

mod decode;
mod sniff;
mod transform;

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use pursue_ports::images::{ImageError, ImageProcessor, ProcessedImage, WEBP_MIME};
use tokio::sync::Semaphore;

pub use sniff::ACCEPTED_MIME_TYPES;

use decode::DecodeLimits;

/// Limits and output settings of the pipeline; [`Default`] gives the contract's values.
#[derive(Debug, Clone)]
pub struct PipelineConfig {
    /// Largest accepted upload in bytes (5 242 880).
    pub max_input_bytes: usize,
    /// Largest accepted width or height in pixels (4096).
    pub max_side: u32,
    /// Largest accepted width × height (4096²).
    pub max_pixels: u64,
    /// Side of the square output in pixels (256).
    pub output_side: u32,
    /// Lossy WebP quality, 0–100 (90).
    pub webp_quality: f32,
    /// libwebp effort, 0 (fastest) – 6 (smallest output) (2: without the rate-distortion
    /// search of 3+, which more than doubles the encoding time of a 256×256 square for a
    /// few percent of size).
    pub webp_method: u8,
    /// Largest allowed encoded output in bytes (500 KiB).
    pub max_output_bytes: usize,
    /// Uploads processed at the same time (the number of CPUs).
    pub max_concurrent: usize,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        Self {
            max_input_bytes: 5 * 1024 * 1024,
            max_side: 4096,
            max_pixels: 4096 * 4096,
            output_side: 256,
            webp_quality: 90.0,
            webp_method: 2,
            max_output_bytes: 500 * 1024,
            max_concurrent: std::thread::available_parallelism().map_or(2, usize::from),
        }
    }
}

/// The [`ImageProcessor`] of Pursue: checks, decodes with limits, orients, crops,
/// resizes and encodes WebP on the blocking pool.
#[derive(Debug, Clone)]
pub struct ImagePipeline {
    config: Arc<PipelineConfig>,
    permits: Arc<Semaphore>,
}

impl Default for ImagePipeline {
    fn default() -> Self {
        Self::new(PipelineConfig::default())
    }
}

impl ImagePipeline {
    /// A pipeline with the given limits.
    pub fn new(config: PipelineConfig) -> Self {
        let permits = Arc::new(Semaphore::new(config.max_concurrent.max(1)));
        Self {
            config: Arc::new(config),
            permits,
        }
    }

    /// The limits this pipeline applies.
    pub fn config(&self) -> &PipelineConfig {
        &self.config
    }

    /// Runs the whole pipeline on the calling thread (CPU-bound: call it from a blocking
    /// context; [`ImageProcessor::process`] does that for you).
    ///
    /// Errors: as [`ImageProcessor::process`].
    pub fn process_blocking(
        &self,
        input: &[u8],
        declared_mime: Option<&str>,
    ) -> Result<ProcessedImage, ImageError> {
        run(&self.config, input, declared_mime)
    }
}

fn run(
    config: &PipelineConfig,
    input: &[u8],
    declared_mime: Option<&str>,
) -> Result<ProcessedImage, ImageError> {
    if input.len() > config.max_input_bytes {
        return Err(ImageError::FileTooLarge {
            size: input.len(),
            limit: config.max_input_bytes,
        });
    }
    sniff::check_declared_mime(declared_mime)?;
    let format = sniff::sniff(input)?;
    let limits = DecodeLimits {
        max_side: config.max_side,
        max_pixels: config.max_pixels,
        min_short_side: config.output_side,
    };
    let decoded = decode::decode(input, format, &limits)?;
    let square = transform::square(decoded, config.output_side)?;
    let encoded = transform::encode_webp(&square, config.webp_quality, config.webp_method)?;
    if encoded.len() > config.max_output_bytes {
        return Err(ImageError::OutputTooLarge {
            size: encoded.len(),
            limit: config.max_output_bytes,
        });
    }
    Ok(ProcessedImage {
        bytes: Bytes::from(encoded),
        mime: WEBP_MIME,
        width: square.width(),
        height: square.height(),
    })
}

#[async_trait]
impl ImageProcessor for ImagePipeline {
    async fn process(
        &self,
        input: Bytes,
        declared_mime: Option<String>,
    ) -> Result<ProcessedImage, ImageError> {
        // Cheap refusals first, without waiting for a permit or a thread.
        if input.len() > self.config.max_input_bytes {
            return Err(ImageError::FileTooLarge {
                size: input.len(),
                limit: self.config.max_input_bytes,
            });
        }
        sniff::check_declared_mime(declared_mime.as_deref())?;

        // The permit moves into the blocking task, so it is held until the work ends even
        // when the caller stops waiting (a client that disconnects).
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| ImageError::Unexpected(e.into()))?;
        let config = Arc::clone(&self.config);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            run(&config, &input, declared_mime.as_deref())
        })
        .await
        .map_err(|e| ImageError::Unexpected(anyhow::anyhow!("image worker failed: {e}")))?
    }
}
