//! Structured logging with `tracing`, and OpenTelemetry traces exported over OTLP/HTTP when
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set (see docs/OPERATIONS.md, Traces).

use std::sync::OnceLock;

use actix_web::http::header::HeaderMap;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use pursue_runtime::config::LogFormat;

/// Set once traces are exported; request spans then continue incoming `traceparent`s.
static EXPORTING: OnceLock<()> = OnceLock::new();

/// Keeps the trace exporter alive; [`Telemetry::shutdown`] flushes what is buffered.
#[derive(Default)]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Exports every finished span now.
    pub fn flush(&self) {
        if let Some(provider) = &self.provider
            && let Err(e) = provider.force_flush()
        {
            tracing::warn!(error = %e, "flushing traces failed");
        }
    }

    /// Flushes and stops the exporter.
    pub fn shutdown(&self) {
        if let Some(provider) = &self.provider
            && let Err(e) = provider.shutdown()
        {
            eprintln!("pursue-server: stopping the trace exporter failed: {e}");
        }
    }
}

/// Installs the global subscriber: JSON (default) or pretty lines, filtered by `RUST_LOG`
/// (default `info`), without trace export. Calling it twice is harmless.
pub fn init(format: LogFormat) {
    let _ = init_with(format, None);
}

/// Like [`init`], and with `otlp_endpoint` (the collector's base URL, e.g.
/// `http://collector:4318`, or the full `/v1/traces` URL) also exports spans over
/// OTLP/HTTP protobuf.
///
/// Errors: the exporter cannot be built (bad URL).
pub fn init_with(format: LogFormat, otlp_endpoint: Option<&str>) -> anyhow::Result<Telemetry> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stdout);
    let fmt: Box<dyn Layer<Registry> + Send + Sync> = match format {
        LogFormat::Json => fmt
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .boxed(),
        LogFormat::Pretty => fmt.boxed(),
    };
    let provider = otlp_endpoint.map(provider).transpose()?;
    // Use cases and SQL statements have debug-level spans: exported, but neither logged
    // nor even created without an exporter (its filter then enables nothing).
    let otel_filter = if provider.is_some() {
        Targets::new()
            .with_default(LevelFilter::INFO)
            .with_target("pursue_postgres::query", LevelFilter::DEBUG)
            .with_target("pursue_app", LevelFilter::DEBUG)
    } else {
        Targets::new()
    };
    let otel = provider
        .as_ref()
        .map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("pursue-server")))
        .with_filter(otel_filter);
    let installed = Registry::default()
        .with(fmt.with_filter(filter))
        .with(otel)
        .try_init()
        .is_ok();
    if installed && provider.is_some() {
        let _ = EXPORTING.set(());
    }
    Ok(Telemetry { provider })
}

fn provider(endpoint: &str) -> anyhow::Result<SdkTracerProvider> {
    let endpoint = endpoint.trim_end_matches('/');
    let url = if endpoint.ends_with("/v1/traces") {
        endpoint.to_string()
    } else {
        format!("{endpoint}/v1/traces")
    };
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(url)
        .build()?;
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name("pursue-server")
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

/// Whether spans are exported (the subscriber with the OTLP layer is installed).
pub fn exporting() -> bool {
    EXPORTING.get().is_some()
}

struct HeaderExtractor<'a>(&'a HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// Makes `span` continue the trace of an incoming `traceparent` header and returns the
/// trace id it belongs to; `None` (and nothing done) when traces are not exported.
pub fn continue_trace(span: &tracing::Span, headers: &HeaderMap) -> Option<String> {
    if !exporting() {
        return None;
    }
    let parent = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
    if parent.span().span_context().is_valid() {
        let _ = span.set_parent(parent);
    }
    let context = span.context();
    let span_context = context.span().span_context().clone();
    span_context
        .is_valid()
        .then(|| span_context.trace_id().to_string())
}
