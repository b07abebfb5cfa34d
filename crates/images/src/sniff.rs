//! Input checks that need no decoding: size, declared media type, real format.

use pursue_ports::images::ImageError;

/// Media types a client may declare for an upload.
pub const ACCEPTED_MIME_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

/// A format the pipeline decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// JPEG (baseline or progressive).
    Jpeg,
    /// PNG (the first frame of an APNG).
    Png,
    /// WebP, lossy or lossless (the first frame of an animation).
    WebP,
}

/// Checks the declared media type: one of [`ACCEPTED_MIME_TYPES`], compared without case
/// and without parameters (`image/PNG; foo=bar` is `image/png`). A missing declaration is
/// not one of them (docs/IMAGES.md, The pipeline, step 1).
pub fn check_declared_mime(declared: Option<&str>) -> Result<(), ImageError> {
    let Some(declared) = declared else {
        return Err(ImageError::InvalidFileType(format!(
            "no media type declared; expected one of {}",
            ACCEPTED_MIME_TYPES.join(", ")
        )));
    };
    let essence = declared.split(';').next().unwrap_or_default().trim();
    if ACCEPTED_MIME_TYPES
        .iter()
        .any(|accepted| accepted.eq_ignore_ascii_case(essence))
    {
        Ok(())
    } else {
        Err(ImageError::InvalidFileType(format!(
            "declared type {essence:?} is not one of {}",
            ACCEPTED_MIME_TYPES.join(", ")
        )))
    }
}

/// Finds the real format from the magic bytes.
///
/// Anything else — a picture format that is not accepted (GIF, BMP, TIFF, AVIF, …) or
/// bytes that are no known picture — is [`ImageError::InvalidImage`] (docs/IMAGES.md, The pipeline, step 2:
/// the declared type is not trusted, the decoded format must be JPEG, PNG or WebP).
pub fn sniff(bytes: &[u8]) -> Result<Format, ImageError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok(Format::WebP);
    }
    match image::guess_format(bytes) {
        Ok(other) => Err(ImageError::InvalidImage(format!(
            "{other:?} pictures are not accepted"
        ))),
        Err(_) => Err(ImageError::InvalidImage(
            "the bytes are not a recognised picture format".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_are_compared_by_essence() {
        assert!(matches!(
            check_declared_mime(None),
            Err(ImageError::InvalidFileType(_))
        ));
        assert!(check_declared_mime(Some("image/jpeg")).is_ok());
        assert!(check_declared_mime(Some("Image/PNG; q=1")).is_ok());
        assert!(check_declared_mime(Some(" image/webp ")).is_ok());
        for bad in [
            "image/gif",
            "text/plain",
            "",
            "image/jpegx",
            "application/octet-stream",
        ] {
            assert!(
                matches!(
                    check_declared_mime(Some(bad)),
                    Err(ImageError::InvalidFileType(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn formats_come_from_magic_bytes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest").ok(), Some(Format::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest").ok(), Some(Format::Png));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 ").ok(), Some(Format::WebP));
        assert!(matches!(
            sniff(b"GIF89a...."),
            Err(ImageError::InvalidImage(_))
        ));
        assert!(matches!(
            sniff(b"BM........"),
            Err(ImageError::InvalidImage(_))
        ));
        assert!(matches!(
            sniff(b"hello world"),
            Err(ImageError::InvalidImage(_))
        ));
        assert!(matches!(sniff(b""), Err(ImageError::InvalidImage(_))));
    }
}
