#![recursion_limit = "256"]
//! The Quartier server: configuration, storage adapters, the HTTP app and the CLI commands.
//!
//! `build_app` assembles the whole router (Leptos pages and server functions, plus plain routes
//! for health, language choice, the PWA files) so tests drive it in-process.

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
mod routes;
pub mod seo;

use std::sync::Arc;

use app::server::{AppState, Clock, Store, SystemClock};
use app::{shell, App};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

pub use routes::RouterState;

/// Builds the application state from a store and the configuration.
pub fn app_state(store: Arc<dyn Store>, config: &config::Config) -> AppState {
    let mailer: Arc<dyn app::server::Mailer> = match &config.smtp {
        Some(smtp) => match mail::SmtpMailer::new(smtp) {
            Ok(mailer) => Arc::new(mailer),
            Err(error) => {
                tracing::error!(%error, "cannot set up SMTP: e-mails go to the log");
                Arc::new(mail::LogMailer)
            }
        },
        None => Arc::new(mail::LogMailer),
    };
    let photos: Arc<dyn app::server::PhotoStore> = match photos::DiskPhotos::new(&config.media_dir)
    {
        Ok(photos) => Arc::new(photos),
        Err(error) => {
            tracing::error!(%error, dir = %config.media_dir.display(), "cannot create the photo directory (QUARTIER_MEDIA_DIR)");
            Arc::new(photos::NoPhotos)
        }
    };
    AppState {
        store,
        settings: Arc::new(config.settings()),
        clock: Arc::new(SystemClock),
        mailer,
        photos,
    }
}

/// Same as [`app_state`] with another clock (tests use a fixed instant).
pub fn app_state_with_clock(
    store: Arc<dyn Store>,
    config: &config::Config,
    clock: Arc<dyn Clock>,
) -> AppState {
    AppState {
        clock,
        ..app_state(store, config)
    }
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
        .leptos_routes_with_context(&router_state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            RouterState,
            _,
        >(context, shell));
    routes::with_security_headers(router)
        .layer(axum::middleware::from_fn(routes::reject_cross_site_writes))
        .layer(axum::middleware::from_fn(routes::record_peer_address))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(router_state)
}
