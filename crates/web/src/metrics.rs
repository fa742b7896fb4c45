//! Prometheus metrics, rendered by the office listener's `/metrics`.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{Counter, Histogram};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::state::AppState;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

const REQUESTS: &str = "dangjian_http_requests_total";
const DURATIONS: &str = "dangjian_http_request_duration_seconds";

/// The process-wide recorder (installed once, however many servers a
/// process starts, as tests do).
pub fn handle() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed by an embedding
            // program; then this one only renders its own (empty) registry.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// The recorder keeps every recorded duration until it is drained; without
/// a scrape of `/metrics` that memory would grow with every request. Ends
/// when `stopped` turns true.
pub async fn upkeep_periodically(
    handle: PrometheusHandle,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let mut interval = tokio::time::interval(Duration::from_secs(5));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {
                // Draining a few seconds of busy traffic takes milliseconds:
                // off the threads that answer requests.
                let handle = handle.clone();
                let _ = tokio::task::spawn_blocking(move || handle.run_upkeep()).await;
            }
            _ = stopped.changed() => break,
        }
    }
}

/// The request counter and duration histogram of one label set. Both the
/// middleware and the page cache's direct answers go through here, so their
/// series are the same.
fn series(listener: &'static str, method: &str, route: &str, status: u16) -> (Counter, Histogram) {
    let labels = [
        ("listener", listener.to_owned()),
        ("method", method.to_owned()),
        ("route", route.to_owned()),
        ("status", status.to_string()),
    ];
    (
        metrics::counter!(REQUESTS, &labels),
        metrics::histogram!(DURATIONS, &labels),
    )
}

/// Counts requests and their durations by listener, route and status.
pub async fn track(listener: &'static str, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    let (counter, histogram) = series(
        listener,
        method.as_str(),
        &route,
        response.status().as_u16(),
    );
    counter.increment(1);
    histogram.record(started.elapsed().as_secs_f64());
    response
}

/// The series of the public answers made straight from one cached page:
/// GET or HEAD, 200 or 304. Registered on first use and then only
/// incremented, so a cached answer costs two atomic updates here instead of
/// a look-up by labels.
pub struct CachedSeries {
    route: Box<str>,
    series: [OnceLock<(Counter, Histogram)>; 4],
}

impl CachedSeries {
    /// The series of `route` (the matched route pattern, as the middleware
    /// names it).
    pub fn new(route: &str) -> CachedSeries {
        CachedSeries {
            route: route.into(),
            series: Default::default(),
        }
    }

    /// Counts one answer that took from `started` until now.
    pub fn record(&self, method: &Method, status: StatusCode, started: Instant) {
        let head = *method == Method::HEAD;
        let not_modified = status == StatusCode::NOT_MODIFIED;
        let slot = usize::from(head) * 2 + usize::from(not_modified);
        let (counter, histogram) = self.series[slot]
            .get_or_init(|| series("public", method.as_str(), &self.route, status.as_u16()));
        counter.increment(1);
        histogram.record(started.elapsed().as_secs_f64());
    }
}

pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        state.metrics.render(),
    )
}
