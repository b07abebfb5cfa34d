//! The HTTP/1 listener: accepted connections are wrapped in a [`GuardedStream`] so request
//! heads the framework's parser would refuse with an empty body (too long, too many
//! headers, malformed, too slow) get the JSON envelope instead (see docs/SECURITY.md,
//! "Parser-level errors").

mod stream;

use std::fmt;
use std::net::TcpListener;
use std::sync::LazyLock;
use std::time::Duration;

use actix_http::body::MessageBody;
use actix_http::{HttpService, Request, Response};
use actix_server::Server;
use actix_service::{
    IntoServiceFactory, ServiceFactory, ServiceFactoryExt, fn_service, map_config,
};
use actix_web::dev::{AppConfig, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};
use rand::Rng;

pub use stream::{GuardedStream, HeadLimits};

use crate::error::ApiError;

/// Header carrying the refusal on the replacement request a [`GuardedStream`] produces.
const MARKER_HEADER: &str = "x-pursue-edge-refusal";

/// Per-process secret in [`MARKER_HEADER`], so a client cannot forge a refusal.
static MARKER: LazyLock<String> = LazyLock::new(|| {
    let bytes: [u8; 16] = rand::rng().random();
    hex::encode(bytes)
});

/// Why a request head was refused before routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not HTTP/1 syntax, or an ambiguous body framing.
    Malformed,
    /// The request target is longer than [`HeadLimits::max_uri`].
    UriTooLong,
    /// Too many header fields, or a head longer than [`HeadLimits::max_head`].
    HeadersTooLarge,
    /// The head did not arrive within [`HeadLimits::head_timeout`].
    Timeout,
}

impl Refusal {
    fn status(self) -> u16 {
        match self {
            Self::Malformed => 400,
            Self::UriTooLong => 414,
            Self::HeadersTooLarge => 431,
            Self::Timeout => 408,
        }
    }

    fn from_status(status: &str) -> Option<Self> {
        [
            Self::Malformed,
            Self::UriTooLong,
            Self::HeadersTooLarge,
            Self::Timeout,
        ]
        .into_iter()
        .find(|r| status == r.status().to_string())
    }

    /// The envelope answering this refusal.
    pub fn error(self) -> ApiError {
        match self {
            Self::Malformed => ApiError::new(
                StatusCode::BAD_REQUEST,
                "MALFORMED_REQUEST",
                "The request is not valid HTTP",
            ),
            Self::UriTooLong => ApiError::new(
                StatusCode::URI_TOO_LONG,
                "URI_TOO_LONG",
                "The request URL is too long",
            ),
            Self::HeadersTooLarge => ApiError::new(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "HEADERS_TOO_LARGE",
                "The request headers are too large",
            ),
            Self::Timeout => ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "REQUEST_TIMEOUT",
                "Request timed out",
            ),
        }
    }
}

/// Answers the replacement request of a refused head with the refusal's envelope; every
/// other request goes on. Sits outside the rate limiter and inside the response headers'
/// middleware.
pub async fn edge_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let refusal = req
        .headers()
        .get(MARKER_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(secret, _)| *secret == MARKER.as_str())
        .and_then(|(_, status)| Refusal::from_status(status));
    match refusal {
        Some(refusal) => {
            tracing::info!(status = refusal.status(), "request head refused");
            let mut response = refusal.error().error_response();
            response
                .head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
            Ok(req.into_response(response).map_into_right_body())
        }
        None => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
    }
}

/// Listener settings the server needs from its configuration.
#[derive(Debug, Clone, Copy)]
pub struct ListenSettings {
    /// Head limits and the head timeout.
    pub limits: HeadLimits,
    /// How long an in-flight request may run after the listener closed.
    pub shutdown_timeout: Duration,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status())
    }
}

/// Serves the actix application built by `factory` on `listener`, one guarded HTTP/1
/// connection at a time per accept, with graceful shutdown driven by the returned
/// [`Server`]'s handle (signals are not installed; the caller owns them).
pub fn serve<F, I, S, B>(
    listener: TcpListener,
    factory: F,
    settings: ListenSettings,
) -> std::io::Result<Server>
where
    F: Fn() -> I + Send + Clone + 'static,
    I: IntoServiceFactory<S, Request>,
    S: ServiceFactory<Request, Config = AppConfig> + 'static,
    S::Error: Into<Error> + 'static,
    S::InitError: fmt::Debug,
    S::Response: Into<Response<B>> + 'static,
    B: MessageBody + 'static,
{
    let builder = Server::build();
    let shutdown = builder.graceful_shutdown_signal();
    let local = listener.local_addr()?;
    let limits = settings.limits;
    let marker: &'static str = MARKER.as_str();
    Ok(builder
        .disable_signals()
        .shutdown_timeout(settings.shutdown_timeout.as_secs())
        .listen("pursue-http", listener, move || {
            let shutdown = shutdown.clone();
            let app = factory()
                .into_factory()
                .map_err(|err| err.into().error_response());
            let http = HttpService::<GuardedStream<actix_rt::net::TcpStream>, _, _>::build()
                .graceful_shutdown_signal(move || {
                    let signal = shutdown.clone();
                    async move { signal.notified().await }
                })
                // The guard answers slow heads first; this is only the framework's backstop.
                .client_request_timeout(limits.head_timeout + Duration::from_secs(5))
                .client_disconnect_timeout(Duration::from_secs(1))
                .local_addr(local)
                .h1(map_config(app, |_| AppConfig::default()));
            fn_service(move |io: actix_rt::net::TcpStream| {
                let peer = io.peer_addr().ok();
                let _ = io.set_nodelay(true);
                std::future::ready(Ok((GuardedStream::new(io, limits, marker), peer)))
            })
            .and_then(http)
        })?
        .run())
}
