//! A connection wrapper that reads every HTTP/1 request head before the framework does.
//!
//! actix-http answers a head it cannot parse (request line over its buffer, more than 96
//! headers, malformed syntax, a head that never completes) with an empty-bodied
//! 400/408/431 written straight to the socket, past every middleware. This wrapper frames
//! the byte stream itself — heads, `Content-Length` bodies and chunked bodies — and checks
//! each head against [`HeadLimits`] first. A head it refuses never reaches actix: in its
//! place actix reads a small, well-formed request carrying a secret marker header, which
//! [`super::edge_errors`] turns into the JSON envelope for the refusal, with
//! `Connection: close`. Everything else passes through unchanged (see docs/SECURITY.md,
//! "Parser-level errors").

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

use super::Refusal;

/// What a request head may hold before it is refused.
#[derive(Debug, Clone, Copy)]
pub struct HeadLimits {
    /// Longest request target (path and query), in bytes; longer → 414.
    pub max_uri: usize,
    /// Longest head (request line and headers), in bytes; longer → 431.
    pub max_head: usize,
    /// Most header fields; more → 431.
    pub max_headers: usize,
    /// Longest wait for a started head to complete (and for the first head of a
    /// connection to start); then 408.
    pub head_timeout: Duration,
}

impl Default for HeadLimits {
    fn default() -> Self {
        Self {
            max_uri: 8 * 1024,
            max_head: 32 * 1024,
            max_headers: 64,
            head_timeout: Duration::from_secs(5),
        }
    }
}

/// Upper bound of the header array handed to the parser (the configured limit is checked
/// against the count it finds).
const HEADER_SLOTS: usize = 96;
/// Longest chunk-size or trailer line framed; a longer one ends framing (actix then
/// judges the body itself).
const MAX_CHUNK_LINE: usize = 4096;
/// Bytes of a refused request read and dropped after the refusal, so the client is not
/// reset before it can read the answer.
const DRAIN_AFTER_REFUSAL: usize = 1 << 20;
/// Read size from the socket.
const READ_CHUNK: usize = 8 * 1024;

/// Where the framing of the inbound byte stream stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// Waiting for (the rest of) a request head.
    Head,
    /// Inside a body with this many bytes left.
    Body(u64),
    /// Expecting a chunk-size line.
    ChunkSize,
    /// Inside a chunk with this many bytes left.
    ChunkData(u64),
    /// Expecting the CRLF after a chunk's data.
    ChunkEnd,
    /// Inside the trailer section after the last chunk.
    Trailer,
    /// No more framing (upgrade, or a body actix must judge): bytes pass through.
    Passthrough,
    /// A head was refused: the replacement request has been handed over; the rest of the
    /// client's bytes are dropped.
    Refused { drained: usize },
}

/// Outcome of one framing step over the buffered input.
enum Step {
    Progress,
    NeedMore,
}

/// A stream whose inbound HTTP/1 heads are checked before actix parses them.
pub struct GuardedStream<T> {
    io: T,
    limits: HeadLimits,
    marker: &'static str,
    /// Read from the socket, not yet framed.
    raw: BytesMut,
    /// Framed, waiting to be read by actix.
    ready: BytesMut,
    frame: Frame,
    /// Running while a head is awaited (the first one from the start; later ones from
    /// their first byte).
    head_timer: Option<Pin<Box<Sleep>>>,
    eof: bool,
}

impl<T> GuardedStream<T> {
    /// Wraps a freshly accepted connection. `marker` is the secret value that lets the
    /// edge middleware trust the replacement requests this stream produces.
    pub fn new(io: T, limits: HeadLimits, marker: &'static str) -> Self {
        Self {
            io,
            limits,
            marker,
            raw: BytesMut::new(),
            ready: BytesMut::new(),
            frame: Frame::Head,
            head_timer: Some(Box::pin(tokio::time::sleep(limits.head_timeout))),
            eof: false,
        }
    }

    /// The wrapped connection.
    pub fn get_ref(&self) -> &T {
        &self.io
    }

    /// Replaces whatever is buffered with the marked request standing for `refusal`.
    fn refuse(&mut self, refusal: Refusal) {
        self.raw.clear();
        self.head_timer = None;
        self.ready.extend_from_slice(
            format!(
                "GET / HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n{}: {} {}\r\n\r\n",
                super::MARKER_HEADER,
                self.marker,
                refusal.status()
            )
            .as_bytes(),
        );
        self.frame = Frame::Refused { drained: 0 };
    }

    /// Moves up to `limit` framed bytes from `raw` to `ready`; returns how many.
    fn pass(&mut self, limit: u64) -> u64 {
        let n = (self.raw.len() as u64).min(limit);
        let bytes = self.raw.split_to(n as usize);
        self.ready.extend_from_slice(&bytes);
        n
    }

    /// One framing step over `raw`.
    fn step(&mut self) -> Step {
        if self.raw.is_empty() {
            return Step::NeedMore;
        }
        match self.frame {
            Frame::Head => self.step_head(),
            Frame::Body(left) => {
                let left = left - self.pass(left);
                self.frame = if left == 0 {
                    Frame::Head
                } else {
                    Frame::Body(left)
                };
                Step::Progress
            }
            Frame::ChunkSize => match self.take_line() {
                None => Step::NeedMore,
                Some(line) => {
                    self.frame = match chunk_size(&line) {
                        Some(0) => Frame::Trailer,
                        Some(n) => Frame::ChunkData(n),
                        None => Frame::Passthrough,
                    };
                    self.ready.extend_from_slice(&line);
                    Step::Progress
                }
            },
            Frame::ChunkData(left) => {
                let left = left - self.pass(left);
                self.frame = if left == 0 {
                    Frame::ChunkEnd
                } else {
                    Frame::ChunkData(left)
                };
                Step::Progress
            }
            Frame::ChunkEnd => match self.take_line() {
                None => Step::NeedMore,
                Some(line) => {
                    self.frame = if line.as_ref() == b"\r\n" || line.as_ref() == b"\n" {
                        Frame::ChunkSize
                    } else {
                        Frame::Passthrough
                    };
                    self.ready.extend_from_slice(&line);
                    Step::Progress
                }
            },
            Frame::Trailer => match self.take_line() {
                None => Step::NeedMore,
                Some(line) => {
                    if line.as_ref() == b"\r\n" || line.as_ref() == b"\n" {
                        self.frame = Frame::Head;
                    }
                    self.ready.extend_from_slice(&line);
                    Step::Progress
                }
            },
            Frame::Passthrough => {
                self.pass(u64::MAX);
                Step::Progress
            }
            Frame::Refused { .. } => {
                self.raw.clear();
                Step::NeedMore
            }
        }
    }

    /// Takes one line (through its `\n`) from `raw`; an over-long line ends framing.
    fn take_line(&mut self) -> Option<BytesMut> {
        match memchr::memchr(b'\n', &self.raw) {
            Some(end) => Some(self.raw.split_to(end + 1)),
            None if self.raw.len() > MAX_CHUNK_LINE => {
                self.frame = Frame::Passthrough;
                Some(BytesMut::new())
            }
            None => None,
        }
    }

    fn step_head(&mut self) -> Step {
        if self.head_timer.is_none() {
            self.head_timer = Some(Box::pin(tokio::time::sleep(self.limits.head_timeout)));
        }
        let mut slots = [httparse::EMPTY_HEADER; HEADER_SLOTS];
        let mut request = httparse::Request::new(&mut slots);
        let verdict = match request.parse(&self.raw) {
            Ok(httparse::Status::Complete(len)) => {
                if request.path.is_some_and(|p| p.len() > self.limits.max_uri) {
                    Err(Refusal::UriTooLong)
                } else if request.headers.len() > self.limits.max_headers
                    || len > self.limits.max_head
                {
                    Err(Refusal::HeadersTooLarge)
                } else {
                    body_framing(request.method, request.headers).map(|frame| (len, frame))
                }
            }
            Ok(httparse::Status::Partial) => {
                let line_open = memchr::memchr(b'\n', &self.raw).is_none();
                let target_too_long = (line_open && self.raw.len() > self.limits.max_uri + 64)
                    || request.path.is_some_and(|p| p.len() > self.limits.max_uri);
                if target_too_long {
                    Err(Refusal::UriTooLong)
                } else if self.raw.len() > self.limits.max_head {
                    Err(Refusal::HeadersTooLarge)
                } else {
                    return Step::NeedMore;
                }
            }
            Err(httparse::Error::TooManyHeaders) => Err(Refusal::HeadersTooLarge),
            Err(_) => Err(Refusal::Malformed),
        };
        match verdict {
            Ok((len, frame)) => {
                self.pass(len as u64);
                self.frame = frame;
                self.head_timer = None;
            }
            Err(refusal) => self.refuse(refusal),
        }
        Step::Progress
    }
}

/// How the body after a head is delimited, or the refusal for an ambiguous framing.
fn body_framing(method: Option<&str>, headers: &[httparse::Header<'_>]) -> Result<Frame, Refusal> {
    let mut length: Option<u64> = None;
    let mut chunked = false;
    let mut upgrade = method == Some("CONNECT");
    for header in headers {
        let name = header.name;
        if name.eq_ignore_ascii_case("content-length") {
            let value = std::str::from_utf8(header.value)
                .ok()
                .map(str::trim)
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or(Refusal::Malformed)?;
            if length.is_some_and(|l| l != value) {
                return Err(Refusal::Malformed);
            }
            length = Some(value);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            let value = std::str::from_utf8(header.value).map_err(|_| Refusal::Malformed)?;
            chunked = value
                .rsplit(',')
                .next()
                .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"));
            if !chunked {
                return Err(Refusal::Malformed);
            }
        } else if name.eq_ignore_ascii_case("upgrade") {
            upgrade = true;
        }
    }
    if chunked && length.is_some() {
        return Err(Refusal::Malformed);
    }
    Ok(if upgrade {
        Frame::Passthrough
    } else if chunked {
        Frame::ChunkSize
    } else {
        match length {
            Some(0) | None => Frame::Head,
            Some(n) => Frame::Body(n),
        }
    })
}

/// The size of a chunk-size line (`1a;ext\r\n`), if well-formed.
fn chunk_size(line: &[u8]) -> Option<u64> {
    let line = std::str::from_utf8(line).ok()?;
    let digits = line.split([';', '\r', '\n']).next()?.trim();
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    u64::from_str_radix(digits, 16).ok()
}

impl<T: AsyncRead + Unpin> AsyncRead for GuardedStream<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if !this.ready.is_empty() {
                let n = this.ready.len().min(buf.remaining());
                buf.put_slice(&this.ready[..n]);
                this.ready.advance(n);
                return Poll::Ready(Ok(()));
            }
            if this.eof {
                return Poll::Ready(Ok(()));
            }
            // Fast paths: bodies and passthrough go straight into the caller's buffer.
            if this.raw.is_empty() {
                match this.frame {
                    Frame::Passthrough => return Pin::new(&mut this.io).poll_read(cx, buf),
                    Frame::Body(left) if left > 0 => {
                        let want = (buf.remaining() as u64).min(left) as usize;
                        let mut limited = ReadBuf::new(buf.initialize_unfilled_to(want));
                        ready!(Pin::new(&mut this.io).poll_read(cx, &mut limited))?;
                        let n = limited.filled().len();
                        buf.advance(n);
                        if n > 0 {
                            let left = left - n as u64;
                            this.frame = if left == 0 {
                                Frame::Head
                            } else {
                                Frame::Body(left)
                            };
                        } else {
                            this.eof = true;
                        }
                        return Poll::Ready(Ok(()));
                    }
                    _ => {}
                }
            }
            if let Step::Progress = this.step() {
                continue;
            }
            if this.frame == Frame::Head
                && let Some(timer) = this.head_timer.as_mut()
                && timer.as_mut().poll(cx).is_ready()
            {
                this.refuse(Refusal::Timeout);
                continue;
            }
            // Need more input from the socket.
            this.raw.reserve(READ_CHUNK);
            let before = this.raw.len();
            ready!(tokio_util::io::poll_read_buf(
                Pin::new(&mut this.io),
                cx,
                &mut this.raw
            ))?;
            let n = this.raw.len() - before;
            if let Frame::Refused { drained } = this.frame {
                // Drop what the refused client still sends, up to a bound; actix closes
                // the connection after the answer.
                this.raw.clear();
                if n == 0 || drained + n > DRAIN_AFTER_REFUSAL {
                    return Poll::Pending;
                }
                this.frame = Frame::Refused {
                    drained: drained + n,
                };
                continue;
            }
            if n == 0 {
                // End of input: hand over whatever partial bytes remain and report EOF.
                let rest = this.raw.split();
                this.ready.extend_from_slice(&rest);
                this.eof = true;
            }
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for GuardedStream<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<'a>(name: &'a str, value: &'a str) -> httparse::Header<'a> {
        httparse::Header {
            name,
            value: value.as_bytes(),
        }
    }

    #[test]
    fn bodies_are_framed_by_length_or_chunks() {
        assert_eq!(body_framing(Some("GET"), &[]), Ok(Frame::Head));
        let sized = [header("Content-Length", " 12 ")];
        assert_eq!(body_framing(Some("POST"), &sized), Ok(Frame::Body(12)));
        let zero = [header("content-length", "0")];
        assert_eq!(body_framing(Some("POST"), &zero), Ok(Frame::Head));
        let chunked = [header("Transfer-Encoding", "gzip, chunked")];
        assert_eq!(body_framing(Some("POST"), &chunked), Ok(Frame::ChunkSize));
        let upgrade = [header("Upgrade", "websocket")];
        assert_eq!(body_framing(Some("GET"), &upgrade), Ok(Frame::Passthrough));
        let same_twice = [header("Content-Length", "3"), header("Content-Length", "3")];
        assert_eq!(body_framing(Some("POST"), &same_twice), Ok(Frame::Body(3)));
    }

    #[test]
    fn ambiguous_framing_is_refused() {
        let cases: [&[httparse::Header<'_>]; 5] = [
            &[header("Content-Length", "3"), header("Content-Length", "4")],
            &[header("Content-Length", "-1")],
            &[header("Content-Length", "1e3")],
            &[header("Transfer-Encoding", "chunked, gzip")],
            &[
                header("Transfer-Encoding", "chunked"),
                header("Content-Length", "3"),
            ],
        ];
        for headers in cases {
            assert_eq!(body_framing(Some("POST"), headers), Err(Refusal::Malformed));
        }
    }

    #[test]
    fn chunk_sizes_parse_hex_with_extensions() {
        assert_eq!(chunk_size(b"1a\r\n"), Some(26));
        assert_eq!(chunk_size(b"FF;name=value\r\n"), Some(255));
        assert_eq!(chunk_size(b"0\r\n"), Some(0));
        assert_eq!(chunk_size(b"zz\r\n"), None);
        assert_eq!(chunk_size(b"\r\n"), None);
        assert_eq!(chunk_size(b"11111111111111111\r\n"), None);
    }
}
