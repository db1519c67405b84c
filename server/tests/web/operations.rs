//! What the people who run Quartier watch (issue 18): `GET /metrics` in Prometheus' text format
//! on its own listen address (requests by route and status with their latency, the database's
//! connections, the push queue and outcomes, sign-ins), and `/readyz` naming each check.

use axum::http::StatusCode;

use crate::common;
use common::web::*;

/// The lines of metric `name` (its samples, not its comments).
fn samples<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| l.starts_with(name) && !l.starts_with('#'))
        .collect()
}

/// The value of the sample of `name` whose labels include all of `labels` (`key="value"`).
fn value(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    samples(text, &format!("{name}{{"))
        .into_iter()
        .chain(samples(text, &format!("{name} ")))
        .find(|line| labels.iter().all(|l| line.contains(l)))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn metrics_on_their_own_address_and_readiness_with_each_check() {
    let app = app().await;

    // No push worker in this process yet: not ready, and said why.
    let (status, _, body) = get(&app, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let said: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(said["database"], "ok");
    assert_eq!(said["migrations"], "ok");
    assert_eq!(said["push_worker"], "failing");
    server::push::worker::heartbeat();
    let (status, _, body) = get(&app, "/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"status\":\"ready\""));
    // Liveness: the process answers.
    assert_eq!(get(&app, "/healthz").await.0, StatusCode::OK);

    // Requests counted by route (its pattern), method and status, with their latency.
    server::metrics::recorder().unwrap();
    for path in [
        "/shops/boulangerie-jacob",
        "/shops/boulangerie-jacob",
        "/shops/nowhere-at-all",
        "/made/up/address/123",
    ] {
        get(&app, path).await;
    }
    sign_in(&app, "metrics@habay.test").await;
    server::metrics::push_outcome(&app::domain::outbox::Outcome::Delivered { status: 201 });

    let addr = server::metrics::serve("127.0.0.1:0".parse().unwrap(), app.store.clone())
        .await
        .unwrap();
    let response = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain; version=0.0.4")));
    let text = response.text().await.unwrap();
    let requests = "quartier_http_requests_total";
    let shop = ["route=\"/shops/{slug}\"", "method=\"GET\""];
    assert!(
        value(&text, requests, &[shop[0], shop[1], "status=\"200\""]).unwrap() >= 2.0,
        "{text}"
    );
    assert!(value(&text, requests, &[shop[0], "status=\"404\""]).unwrap() >= 1.0);
    // Made-up addresses make no series of their own.
    assert!(value(&text, requests, &["route=\"unmatched\"", "status=\"404\""]).unwrap() >= 1.0);
    assert!(!text.contains("/made/up/address"));
    let latency = "quartier_http_request_duration_seconds";
    assert!(value(&text, &format!("{latency}_count"), &shop).unwrap() >= 3.0);
    assert!(value(&text, &format!("{latency}_bucket"), &[shop[0], "le=\"5\""]).unwrap() >= 3.0);
    assert!(text.contains("# TYPE quartier_http_request_duration_seconds histogram"));
    // The database pool, the push queue (nothing waits in the demo: no subscriptions), the
    // outcomes, the sign-ins, the worker's heartbeat.
    assert_eq!(
        value(&text, "quartier_db_connections", &["state=\"max\""]),
        Some(8.0)
    );
    assert!(value(&text, "quartier_db_connections", &["state=\"open\""]).unwrap() >= 1.0);
    assert!(value(&text, "quartier_push_queue", &["kind=\"deliveries\""]).is_some());
    assert!(value(&text, "quartier_push_queue", &["kind=\"jobs\""]).is_some());
    assert!(
        value(
            &text,
            "quartier_push_deliveries_total",
            &["outcome=\"delivered\""]
        )
        .unwrap()
            >= 1.0
    );
    assert!(value(&text, "quartier_sign_ins_total", &[]).unwrap() >= 1.0);
    assert!(value(&text, "quartier_push_worker_heartbeat_seconds", &[]).unwrap() > 1.7e9);
    // Only /metrics there: the site is not served on the metrics' address.
    let other = reqwest::get(format!("http://{addr}/shops/boulangerie-jacob"))
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 404);
}
