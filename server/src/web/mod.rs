//! The HTTP side: the router and its state, the plain routes beside the Leptos pages (health,
//! language, feeds, search-engine files, the PWA's files, open data) and the front end's assets.

pub mod assets;
pub mod context;
pub mod dashboard;
pub mod feeds;
pub mod invitations;
pub mod open_data;
pub mod privacy;
pub mod pwa;
pub mod routes;
pub mod seo;

use std::sync::Arc;

use app::server::AppState;
use app::{shell, App};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

pub use routes::RouterState;

/// A request's path as traces show it: without its query, and with the secret part of sign-in
/// and invitation links (`/auth/{token}`, `/invite/{token}`) left out.
pub fn traced_path(path: &str) -> &str {
    for secret in ["/auth/", "/invite/"] {
        if path.starts_with(secret) && path.len() > secret.len() {
            return match secret {
                "/auth/" => "/auth/…",
                _ => "/invite/…",
            };
        }
    }
    path
}

/// The app's routes, listed once per process. Listing them renders the app with resources
/// held back by a flag that is global to the process (`SuppressResourceLoad`): a page rendered
/// on another thread meanwhile would wait for ever for a resource that never loads. So the list
/// is made once, before any page can be rendered, and reused (by each test's router too).
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole HTTP application.
pub fn build_app(state: AppState, leptos_options: LeptosOptions) -> Router {
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let router_state = RouterState {
        leptos_options: leptos_options.clone(),
        app: state.clone(),
        build: Arc::new(pwa::BuildInfo::from_site(&leptos_options)),
    };
    let router = routes::plain_routes()
        .merge(assets::pkg_routes(&leptos_options))
        .leptos_routes_with_context(&router_state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        // Which route answered, for the metrics (known only inside the router).
        .route_layer(axum::middleware::from_fn(crate::metrics::label_route))
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            RouterState,
            _,
        >(context, shell));
    let router = router.layer(axum::middleware::from_fn_with_state(
        router_state.clone(),
        routes::ensure_page_csp,
    ));
    routes::with_security_headers(router)
        .layer(axum::middleware::from_fn_with_state(
            router_state.clone(),
            routes::limit_request_bodies,
        ))
        .layer(axum::middleware::from_fn(
            routes::hide_secret_paths_from_referrers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            router_state.clone(),
            routes::reject_cross_site_writes,
        ))
        // Before anything reads it: which town the request is for, by its host name.
        .layer(axum::middleware::from_fn_with_state(
            router_state.clone(),
            routes::resolve_town,
        ))
        .layer(axum::middleware::from_fn(routes::record_peer_address))
        // Every request counted with its latency (a no-op without QUARTIER_METRICS_ADDR).
        .layer(axum::middleware::from_fn(crate::metrics::track))
        // Pages and API answers compressed on the fly (precompressed files pass as they are).
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |request: &axum::http::Request<axum::body::Body>| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %traced_path(request.uri().path()),
                    )
                },
            ),
        )
        .with_state(router_state)
}
