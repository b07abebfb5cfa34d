//! Pictures built in memory, multipart bodies, and picture requests.

use std::io::Cursor;

use crate::app::TestApp;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::support::User;

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

/// JPEG bytes (quality 85).
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&DynamicImage::ImageRgb8(gradient(width, height)))
        .unwrap();
    out
}

/// Bytes of the picture in `format` (the `image` crate's encoders; WebP is lossless).
pub fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(gradient(width, height))
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

/// Lossy WebP bytes (libwebp).
pub fn webp_lossy(width: u32, height: u32) -> Vec<u8> {
    let image = gradient(width, height);
    webp::Encoder::from_rgb(image.as_raw(), width, height)
        .encode(80.0)
        .to_vec()
}

/// A PNG chunk with its CRC.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in kind.iter().chain(data) {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    chunk.extend_from_slice(&(!crc).to_be_bytes());
    chunk
}

/// A PNG under 100 bytes whose header claims 100 000 × 100 000 RGBA pixels.
pub fn png_bomb() -> Vec<u8> {
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
    bytes
}

/// Boundary of the multipart bodies built here.
pub const BOUNDARY: &str = "pursue-test-boundary-7d1f";

/// One part of a multipart body: `(name, Some((filename, content type)), bytes)`.
pub type Part<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

/// A `multipart/form-data` body of `parts`.
pub fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some((filename, content_type)) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Sends a multipart body of `parts` with `method` to `path`.
pub async fn send_parts(
    app: &TestApp,
    method: Method,
    path: &str,
    user: &User,
    parts: &[Part<'_>],
) -> (u16, Value) {
    let res = app
        .client
        .request(method, app.url(path))
        .bearer_auth(&user.token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(parts))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Uploads `bytes` as the caller's avatar, declared as `mime`.
pub async fn upload_avatar(app: &TestApp, user: &User, bytes: &[u8], mime: &str) -> (u16, Value) {
    send_parts(
        app,
        Method::POST,
        "/api/users/me/avatar",
        user,
        &[("avatar", Some(("picture", mime)), bytes)],
    )
    .await
}

/// Uploads `bytes` as the icon of `group`, declared as `mime`.
pub async fn upload_icon(
    app: &TestApp,
    group: &str,
    user: &User,
    bytes: &[u8],
    mime: &str,
) -> (u16, Value) {
    send_parts(
        app,
        Method::PATCH,
        &format!("/api/groups/{group}/icon"),
        user,
        &[("icon", Some(("icon.png", mime)), bytes)],
    )
    .await
}

/// A running server: its URLs and a client.
pub trait Server {
    /// Absolute URL of `path`.
    fn at(&self, path: &str) -> String;
    /// An HTTP client.
    fn http(&self) -> &reqwest::Client;
}

impl Server for TestApp {
    fn at(&self, path: &str) -> String {
        self.url(path)
    }
    fn http(&self) -> &reqwest::Client {
        &self.client
    }
}

/// A GET without a token, with `If-None-Match` when given: status, headers, body.
pub async fn fetch(
    app: &impl Server,
    path: &str,
    if_none_match: Option<&str>,
) -> (u16, HeaderMap, Vec<u8>) {
    let mut req = app.http().get(app.at(path));
    if let Some(tag) = if_none_match {
        req = req.header("if-none-match", tag);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

/// Decodes a served picture and checks it is a 256×256 WebP.
pub fn assert_square_webp(bytes: &[u8]) -> DynamicImage {
    assert_eq!(
        image::guess_format(bytes).unwrap(),
        ImageFormat::WebP,
        "served bytes are WebP"
    );
    let decoded = image::load_from_memory_with_format(bytes, ImageFormat::WebP).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 256));
    decoded
}
