//! Metrics for the people who run Quartier, in Prometheus' text format, on a listen address of
//! their own (`QUARTIER_METRICS_ADDR`; unset: no recorder, no listener): requests by route,
//! method and status with their latency, the database's connections, the push queue and the
//! deliveries by outcome, sign-ins and posts. Recorded through the `metrics` crate, written by
//! its Prometheus exporter.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::db::SqlStore;

/// Request latencies' buckets, in seconds (a page is expected well under 100 ms).
const LATENCY_BUCKETS: [f64; 11] = [
    0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

static RECORDER: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();

/// Installs the process's recorder (once; later calls get the same one).
pub fn recorder() -> Result<&'static PrometheusHandle, String> {
    RECORDER
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("quartier_http_request_duration_seconds".into()),
                    &LATENCY_BUCKETS,
                )
                .map_err(|e| e.to_string())?
                .install_recorder()
                .map_err(|e| e.to_string())?;
            describe();
            Ok(handle)
        })
        .as_ref()
        .map_err(|e| format!("metrics recorder: {e}"))
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        "quartier_http_requests_total",
        "HTTP requests answered, by route, method and status."
    );
    describe_histogram!(
        "quartier_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request, by route and method."
    );
    describe_gauge!(
        "quartier_db_connections",
        "The database pool's connections: open (in use or idle), idle, and the most it opens."
    );
    describe_gauge!(
        "quartier_push_queue",
        "Push work waiting: deliveries not yet sent, posts whose followers are not yet listed."
    );
    describe_counter!(
        "quartier_push_deliveries_total",
        "Push messages' outcomes recorded, by outcome."
    );
    describe_counter!(
        "quartier_sign_ins_total",
        "Sign-ins completed (e-mail link or passkey)."
    );
    describe_counter!(
        "quartier_posts_published_total",
        "Posts published (shops' and districts'), edits not counted."
    );
    describe_gauge!(
        "quartier_push_worker_heartbeat_seconds",
        "When the push worker last went round its loop (Unix time)."
    );
}

/// The route a request matched, as a response extension (set inside the router, where it is
/// known; read by [`track`] outside it).
#[derive(Clone)]
struct Route(String);

/// Inside the router: tells [`track`] which route answered.
pub async fn label_route(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(Route(route));
    }
    response
}

/// Around the whole application: counts each request and its latency by route (its pattern,
/// e.g. `/shops/{slug}`; `static` for files served outside the routes, `unmatched` for
/// addresses that do not exist and requests refused before routing, so that made-up addresses
/// or methods make no new series).
pub async fn track(request: Request, next: Next) -> Response {
    let start = Instant::now();
    // The methods HTTP defines; anything else a client makes up is one label.
    let method = match request.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS") => m,
        _ => "other",
    }
    .to_owned();
    let response = next.run(request).await;
    let route = match response.extensions().get::<Route>() {
        Some(route) => route.0.clone(),
        // Outside the routes: the front end's and the site's files (served), or addresses
        // that do not exist and requests refused before routing.
        None if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED => {
            "static".to_owned()
        }
        None => "unmatched".to_owned(),
    };
    let status = response.status().as_u16().to_string();
    metrics::counter!(
        "quartier_http_requests_total",
        "route" => route.clone(),
        "method" => method.clone(),
        "status" => status
    )
    .increment(1);
    metrics::histogram!(
        "quartier_http_request_duration_seconds",
        "route" => route,
        "method" => method
    )
    .record(start.elapsed().as_secs_f64());
    response
}

/// Counts a push message's outcome (once it is recorded in the database).
pub fn push_outcome(outcome: &app::domain::outbox::Outcome) {
    use app::domain::outbox::Outcome;
    let name = match outcome {
        Outcome::Delivered { .. } => "delivered",
        Outcome::Gone { .. } => "gone",
        Outcome::Deferred { .. } => "deferred",
        Outcome::Retry { .. } => "retry",
        Outcome::Failed { .. } => "failed",
        Outcome::Expired => "expired",
        Outcome::Dropped => "dropped",
    };
    metrics::counter!("quartier_push_deliveries_total", "outcome" => name).increment(1);
}

/// The metrics' own little server: `GET /metrics` on `addr` (the address it listens on is
/// returned: port 0 picks one), until the process ends.
pub async fn serve(addr: SocketAddr, store: SqlStore) -> Result<SocketAddr, String> {
    let handle = recorder()?;
    // The exporter's housekeeping (histograms' old samples, descriptions), as its docs ask.
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            every.tick().await;
            handle.run_upkeep();
        }
    });
    let app = Router::new()
        .route("/metrics", get(render))
        .with_state((store, handle));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr} (QUARTIER_METRICS_ADDR): {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!("metrics on http://{bound}/metrics");
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "the metrics listener stopped");
        }
    });
    Ok(bound)
}

/// `GET /metrics`: the figures read at scrape time (the pool, the queue), then everything.
pub async fn render(
    State((store, handle)): State<(SqlStore, &'static PrometheusHandle)>,
) -> Response {
    let pool = store.pool_figures();
    metrics::gauge!("quartier_db_connections", "state" => "open").set(pool.open as f64);
    metrics::gauge!("quartier_db_connections", "state" => "idle").set(pool.idle as f64);
    metrics::gauge!("quartier_db_connections", "state" => "max").set(pool.max as f64);
    match store.push_queue().await {
        Ok((deliveries, jobs)) => {
            metrics::gauge!("quartier_push_queue", "kind" => "deliveries").set(deliveries as f64);
            metrics::gauge!("quartier_push_queue", "kind" => "jobs").set(jobs as f64);
        }
        Err(error) => tracing::warn!(%error, "metrics: reading the push queue failed"),
    }
    metrics::gauge!("quartier_push_worker_heartbeat_seconds")
        .set(crate::push::worker::last_heartbeat() as f64);
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}
