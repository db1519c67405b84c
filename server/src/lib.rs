#![recursion_limit = "256"]
//! The Quartier server: configuration, storage adapters, the HTTP app and the CLI commands.
//!
//! `build_app` assembles the whole router (Leptos pages and server functions, plus plain routes
//! for health, language choice, the PWA files) so tests drive it in-process.

pub mod assets;
pub mod config;
pub mod db;
pub mod demo;
pub mod districts;
pub mod feeds;
pub mod jobs;
pub mod mail;
pub mod open_data;
pub mod osm_import;
pub mod photos;
pub mod push;
pub mod pwa;
pub mod routes;
pub mod seo;

use std::sync::Arc;

use app::server::{AppState, Clock, Store, SystemClock};
use app::{shell, App};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

pub use routes::RouterState;

/// Builds the application state from a store and the configuration. Fails, naming the
/// setting, when the mail server or the photo directory cannot be set up: a server that would
/// quietly write sign-in links to its log, or lose photos, must not start.
pub fn app_state(store: Arc<dyn Store>, config: &config::Config) -> Result<AppState, String> {
    let mailer: Arc<dyn app::server::Mailer> = match &config.smtp {
        Some(smtp) => Arc::new(mail::SmtpMailer::new(smtp).map_err(|error| {
            format!("cannot set up the mail server (QUARTIER_SMTP_HOST): {error}")
        })?),
        None => Arc::new(mail::LogMailer),
    };
    let photos = photos::DiskPhotos::new(&config.media_dir).map_err(|error| {
        format!(
            "cannot create the photo directory {} (QUARTIER_MEDIA_DIR): {error}",
            config.media_dir.display()
        )
    })?;
    Ok(AppState {
        store,
        settings: Arc::new(config.settings()),
        clock: Arc::new(SystemClock),
        mailer,
        photos: Arc::new(photos),
    })
}

/// Same as [`app_state`] with another clock (tests use a fixed instant).
pub fn app_state_with_clock(
    store: Arc<dyn Store>,
    config: &config::Config,
    clock: Arc<dyn Clock>,
) -> Result<AppState, String> {
    Ok(AppState {
        clock,
        ..app_state(store, config)?
    })
}

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

/// The whole HTTP application.
pub fn build_app(state: AppState, leptos_options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
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
        .layer(axum::middleware::from_fn(routes::record_peer_address))
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
