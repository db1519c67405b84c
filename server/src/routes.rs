//! Plain HTTP routes beside the Leptos pages: health, language choice, PWA files.

use std::sync::Arc;

use app::api::is_local_path;
use app::i18n::{Locale, LOCALE_COOKIE};
use app::server::{request_locale, AppState, District, Shop, ShopFilter, Town};
use axum::extract::{FromRef, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use leptos::prelude::LeptosOptions;
use serde::Deserialize;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::pwa::{self, BuildInfo};
use crate::{feeds, open_data, seo};

/// The router's state: what Leptos needs and what the plain routes need.
#[derive(Clone)]
pub struct RouterState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
    pub build: Arc<BuildInfo>,
}

impl FromRef<RouterState> for LeptosOptions {
    fn from_ref(state: &RouterState) -> Self {
        state.leptos_options.clone()
    }
}

pub fn plain_routes() -> Router<RouterState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/lang", post(set_language))
        .route("/sw.js", get(pwa::service_worker))
        .route("/manifest.webmanifest", get(pwa::manifest))
        .route("/offline", get(pwa::offline_page))
        .route("/robots.txt", get(seo::robots))
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/open-data/shops.geojson", get(open_data::shops_geojson))
        .route("/shops/{slug}/qr.svg", get(feeds::shop_qr))
        .route("/shops/{slug}/feed.atom", get(feeds::shop_atom))
        .route("/districts/{slug}/{file}", get(feeds::district_file))
        .route("/events/{file}", get(feeds::event_ics))
        .route("/media/{name}", get(media))
        .route("/api/push/key", get(crate::push::public_key_route))
}

/// The served town with all its districts and shops (for sitemaps and open data), or the error
/// response to send.
pub async fn town_listing(
    state: &RouterState,
) -> Result<(Town, Vec<District>, Vec<Shop>), Response> {
    let town = state
        .app
        .town()
        .await
        .map_err(|_| (StatusCode::SERVICE_UNAVAILABLE, "no town yet").into_response())?;
    let districts = state.app.store.districts(town.id).await;
    let shops = state.app.store.shops(town.id, &ShopFilter::default()).await;
    match (districts, shops) {
        (Ok(districts), Ok(shops)) => Ok((town, districts, shops)),
        (Err(error), _) | (_, Err(error)) => {
            tracing::error!(%error, "cannot list the town's districts and shops");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

/// `/media/{name}`: a stored photo. Names are content hashes: cached for a year.
async fn media(
    State(state): State<RouterState>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    if !crate::photos::is_media_name(&name) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match tokio::fs::read(state.app.settings.media_dir.join(&name)).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            bytes,
        )
            .into_response(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            StatusCode::NOT_FOUND.into_response()
        }
        Err(error) => {
            tracing::error!(%error, name, "cannot read a photo");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<RouterState>) -> Response {
    match state.app.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok" }))).into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "database unavailable" })),
            )
                .into_response()
        }
    }
}

#[derive(Deserialize)]
struct LanguageForm {
    lang: String,
    next: Option<String>,
}

/// Remembers the chosen language in a cookie and goes back to the page (works without JS).
async fn set_language(
    State(state): State<RouterState>,
    parts: axum::http::request::Parts,
    Form(form): Form<LanguageForm>,
) -> Response {
    let next = form
        .next
        .as_deref()
        .filter(|n| is_local_path(n))
        .unwrap_or("/")
        .to_owned();
    let Some(locale) = Locale::parse(&form.lang) else {
        let locale = request_locale(Some(&parts), state.app.settings.default_locale);
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            locale.t("error.validation"),
        )
            .into_response();
    };
    let secure = if state.app.settings.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        locale.code()
    );
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, next)]).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Headers every response gets; pages rendered by Leptos set their own CSP (with a nonce).
pub fn with_security_headers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let default_csp = HeaderValue::from_static(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            default_csp,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("geolocation=(self), camera=(self), microphone=()"),
        ))
}

/// Refuses state-changing requests that the browser marks as coming from another site
/// (`Sec-Fetch-Site: cross-site`): a second line against CSRF behind SameSite=Lax cookies.
pub async fn reject_cross_site_writes(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let writes = !matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    let cross_site = request
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site");
    if writes && cross_site {
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    next.run(request).await
}

/// Puts the TCP peer's address where the application reads it (rate limits).
pub async fn record_peer_address(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use app::server::auth::axum_connect_info::PeerAddress;
    if let Some(axum::extract::ConnectInfo(peer)) = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .copied()
    {
        request.extensions_mut().insert(PeerAddress(peer));
    }
    next.run(request).await
}
