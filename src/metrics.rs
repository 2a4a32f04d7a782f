//! Prometheus metrics: requests by route and status, a latency histogram per route, and the
//! timer worker's rounds and fired deadlines.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::service::AppState;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The server's metrics and the registry that renders them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    /// Rounds of the timer worker: tests wait on it to know a round has passed.
    pub timer_rounds: Counter,
    /// Inactivity deadlines fired (warnings and closes).
    pub deadlines_fired: Counter,
    /// WebSockets open on this node.
    pub sockets_open: Gauge,
    /// Expired web sessions and forgotten sign-in failures removed.
    pub purged: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        // 0.1 ms to ~3.3 s.
        let latency: LatencyFamily =
            Family::new_with_constructor(|| Histogram::new(exponential_buckets(0.0001, 2.0, 16)));
        let mut registry = Registry::with_prefix("switchboard");
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        let timer_rounds = Counter::default();
        let deadlines_fired = Counter::default();
        registry.register(
            "timer_rounds",
            "Rounds of the timer worker",
            timer_rounds.clone(),
        );
        registry.register(
            "deadlines_fired",
            "Inactivity deadlines fired",
            deadlines_fired.clone(),
        );
        let sockets_open = Gauge::default();
        registry.register("sockets_open", "WebSockets open", sockets_open.clone());
        let purged = Counter::default();
        registry.register(
            "purged_rows",
            "Expired web sessions and old sign-in failures removed",
            purged.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            timer_rounds,
            deadlines_fired,
            sockets_open,
            purged,
        }
    }
}

impl Metrics {
    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "encoding metrics");
        }
        out
    }
}

/// The label of a request's method: the methods the server knows, and `other` for the rest, so a
/// client inventing methods cannot grow the label set (each label is a series kept forever).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Middleware: counts each request and times it, labelled by its route template (never the
/// raw path, so ids do not explode the label set) and a known method.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let metrics = &state.metrics;
    metrics
        .latency
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}
