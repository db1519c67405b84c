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

use super::{feeds, open_data, seo};
use crate::web::pwa::{self, BuildInfo};

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
        .route("/readyz", get(readyz))
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
        .route("/api/push/key", get(push_public_key))
        .route("/dashboard/export.csv", get(super::dashboard::export_csv))
        .route("/my-data/export.json", get(super::privacy::export_json))
        .route(
            "/manage/invitations/sheet",
            post(super::invitations::invitation_sheet),
        )
}

/// `GET /api/push/key`: the `applicationServerKey` browsers subscribe with,
/// `{"publicKey": "<base64url>"}`.
async fn push_public_key(
    State(state): State<RouterState>,
    parts: axum::http::request::Parts,
) -> Response {
    let Some(town) = app::server::request_town(&parts) else {
        return (StatusCode::NOT_FOUND, "no town is served at this address").into_response();
    };
    match crate::push::vapid_keys(state.app.store.as_ref(), town.id).await {
        Ok(keys) => (
            [(header::CACHE_CONTROL, "no-cache")],
            Json(serde_json::json!({ "publicKey": keys.public_key })),
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "the VAPID key is not available");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// The served town with all its districts and shops (for sitemaps and open data), or the error
/// response to send.
pub async fn town_listing(
    state: &RouterState,
    parts: &axum::http::request::Parts,
) -> Result<(Town, Vec<District>, Vec<Shop>), Response> {
    let town = app::server::request_town(parts)
        .map(|town| (*town).clone())
        .ok_or_else(|| {
            (StatusCode::NOT_FOUND, "no town is served at this address").into_response()
        })?;
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

/// `/media/{name}`: a stored photo, while a post (published, scheduled or past) or a shop
/// refers to it. Names are content hashes: cached for a year.
///
/// A photo nothing refers to any more (its post deleted, its shop's photo removed) is no longer
/// served, although its files wait out their grace before the collection removes them (and
/// browsers that loaded it keep their copy); a made-up name costs a database query, never a
/// request to the object store.
async fn media(
    State(state): State<RouterState>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    if !crate::photos::is_media_name(&name) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match state.app.store.photo_in_use(&name[..32]).await {
        Ok(true) => {}
        Ok(false) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, name, "cannot tell whether a photo is shown");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    match state.app.photos.read(&name).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
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

/// `GET /readyz`: whether this instance may take traffic: the database answers, this
/// version's migrations are all applied, and the push worker went round its loop in the last
/// minute. 200 or 503, with each check said.
async fn readyz(State(state): State<RouterState>) -> Response {
    let store = &state.app.store;
    let database = store.ping().await.is_ok();
    let migrations = store.migrations_applied().await.unwrap_or(false);
    let beat = crate::push::worker::last_heartbeat();
    let worker = beat > 0 && chrono::Utc::now().timestamp() - beat <= 60;
    let ready = database && migrations && worker;
    let said = |ok: bool| if ok { "ok" } else { "failing" };
    (
        if ready {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        Json(serde_json::json!({
            "status": if ready { "ready" } else { "not ready" },
            "database": said(database),
            "migrations": said(migrations),
            "push_worker": said(worker),
        })),
    )
        .into_response()
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
    let base_url = match app::server::request_town(&parts) {
        Some(town) => state.app.settings.base_url_of(&town),
        None => state.app.settings.base_url.clone(),
    };
    let secure = if base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LOCALE_COOKIE}={}; Path=/; Max-Age={}; SameSite=Lax; HttpOnly{secure}",
        locale.code(),
        app::domain::privacy::LANGUAGE_COOKIE_DAYS * 24 * 3600
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

/// Chooses the town a request is for by its host name (see `AppState::town_for_host`) and
/// puts it in the request's extensions, where pages, server functions and routes read it.
/// The front end's files and the health checks need no town.
pub async fn resolve_town(
    State(state): State<RouterState>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path();
    let townless = path.starts_with("/pkg/")
        || path.starts_with("/icons/")
        || path.starts_with("/media/")
        || path == "/healthz"
        || path == "/readyz";
    if !townless {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .or_else(|| request.uri().authority().map(|a| a.as_str()))
            .map(str::to_owned);
        match state.app.town_for_host(host.as_deref()).await {
            Ok(town) => {
                request
                    .extensions_mut()
                    .insert(app::server::RequestTown(town.map(Arc::new)));
            }
            Err(error) => {
                tracing::error!(%error, "cannot find the town of a request");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        }
    }
    next.run(request).await
}

/// The public base URL of the request's town (the instance's without one).
pub fn request_base_url(state: &AppState, request: &axum::extract::Request) -> String {
    match request
        .extensions()
        .get::<app::server::RequestTown>()
        .and_then(|t| t.0.as_deref())
    {
        Some(town) => state.settings.base_url_of(town),
        None => state.settings.base_url.clone(),
    }
}

/// Refuses state-changing requests from another site, a second line against CSRF behind
/// SameSite=Lax cookies: those the browser marks as such (`Sec-Fetch-Site: cross-site`), and
/// those whose `Origin` (when sent) is not this town's site (its base URL; in development on
/// a loopback address, any loopback name with the same port, as passkeys need `localhost`).
pub async fn reject_cross_site_writes(
    State(state): State<RouterState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let writes = !matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    if writes {
        let base_url = request_base_url(&state.app, &request);
        let fetch_site = request.headers().get("sec-fetch-site");
        let cross_site = fetch_site.is_some_and(|v| v.as_bytes() == b"cross-site");
        let same_origin = fetch_site.is_some_and(|v| v.as_bytes() == b"same-origin");
        // `Origin: null` is what a page with a `no-referrer` policy sends even to its own
        // site: accepted only when the browser vouches for the request being same-origin.
        let foreign_origin =
            request
                .headers()
                .get(header::ORIGIN)
                .is_some_and(|origin| match origin.to_str() {
                    Ok("null") => !same_origin,
                    Ok(origin) => !same_site_origin(origin, &base_url),
                    Err(_) => true,
                });
        if cross_site || foreign_origin {
            return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
        }
    }
    next.run(request).await
}

/// Whether a request's `Origin` is the site's own (see [`reject_cross_site_writes`]).
pub fn same_site_origin(origin: &str, base_url: &str) -> bool {
    let (Ok(origin), Ok(base)) = (url::Url::parse(origin), url::Url::parse(base_url)) else {
        return false;
    };
    if origin.origin() == base.origin() {
        return true;
    }
    let loopback = |u: &url::Url| match u.host() {
        Some(url::Host::Domain(name)) => name == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    loopback(&origin)
        && loopback(&base)
        && origin.scheme() == base.scheme()
        && origin.port_or_known_default() == base.port_or_known_default()
}

/// The largest request body of the two forms that carry a photo. A photo over 10 MB is read
/// (not kept) so that its form comes back with the photo's own message; past this, 413.
pub const UPLOAD_BODY_LIMIT: usize = 32 * 1024 * 1024;
/// The largest request body anywhere else.
pub const BODY_LIMIT: usize = 256 * 1024;
/// The largest request body of the forms that carry a district's outline (1 MB of GeoJSON,
/// form-encoded: up to three bytes each).
pub const OUTLINE_BODY_LIMIT: usize = 4 * 1024 * 1024;
/// The server functions that take a district's outline.
const OUTLINE_ENDPOINTS: [&str; 2] = ["/api/districts/create", "/api/districts/outline"];
/// The server functions that read `multipart/form-data`.
const MULTIPART_ENDPOINTS: [&str; 2] = ["/api/counter/publish", "/api/profile/save"];

/// Bounds every request body (server functions read theirs outside axum's own limit): a
/// declared length over the limit is refused with 413 before anything is read, and a body is
/// cut where the limit is reached. A form sent to a multipart endpoint without a readable
/// boundary gets 400 before the server function's codec sees it.
pub async fn limit_request_bodies(
    State(state): State<RouterState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let multipart = MULTIPART_ENDPOINTS.contains(&request.uri().path());
    let limit = if multipart {
        UPLOAD_BODY_LIMIT
    } else if OUTLINE_ENDPOINTS.contains(&request.uri().path()) {
        OUTLINE_BODY_LIMIT
    } else {
        BODY_LIMIT
    };
    let (parts, body) = request.into_parts();
    // A server function's caller reads its errors as JSON (`AppError`); anyone else, text.
    let refuse = |status: StatusCode, key: &str| {
        let locale = request_locale(Some(&parts), state.app.settings.default_locale);
        if parts.uri.path().starts_with("/api/") {
            let error = app::error::AppError::Validation {
                field: if key == "error.too_large" {
                    "photo"
                } else {
                    "form"
                }
                .into(),
                message: locale.t(key),
            };
            let body = serde_json::to_string(&error).unwrap_or_default();
            return (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
        }
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            locale.t(key),
        )
            .into_response()
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, "error.too_large");
    }
    if multipart && parts.method == axum::http::Method::POST {
        let boundary = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(multer::parse_boundary);
        // RFC 2046: a boundary of 1 to 70 characters.
        if !matches!(boundary, Some(Ok(b)) if (1..=70).contains(&b.len())) {
            return refuse(StatusCode::BAD_REQUEST, "error.form");
        }
    }
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    next.run(axum::extract::Request::from_parts(parts, body))
        .await
}

/// Pages whose path is a secret (`/auth/{token}`, `/invite/{token}`) tell other sites, and
/// this one, only their origin: the header applies from the first subresource request on
/// (before the page's own `<meta name="referrer">` is read), so the token reaches no log.
pub async fn hide_secret_paths_from_referrers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let secret = super::traced_path(request.uri().path()) != request.uri().path();
    let mut response = next.run(request).await;
    if secret {
        response.headers_mut().insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin"),
        );
    }
    response
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

/// Pages set their own CSP, with the nonce of their scripts, while they render. Now and then one
/// came out without it (the default policy then blocked its inline scripts; see issue 14): such
/// a page gets its policy rebuilt from the nonce its scripts carry.
pub async fn ensure_page_csp(
    State(state): State<RouterState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let town = request
        .extensions()
        .get::<app::server::RequestTown>()
        .and_then(|t| t.0.clone());
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html
        || response
            .headers()
            .contains_key(header::CONTENT_SECURITY_POLICY)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 8 * 1024 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(nonce) = script_nonce(&bytes) {
        tracing::warn!("a page came out without its CSP: rebuilt from its scripts' nonce");
        let tiles = state
            .app
            .settings
            .tile_origin_of(town.as_deref())
            .map(|origin| format!(" {origin}"))
            .unwrap_or_default();
        if let Ok(value) = HeaderValue::from_str(&app::app::page_csp(&nonce, &tiles)) {
            parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The nonce of the first `<script nonce="…">` of a page the server rendered.
fn script_nonce(html: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(html).ok()?;
    let mut rest = text;
    while let Some(start) = rest.find("<script") {
        let tag = &rest[start..];
        let end = tag.find('>')?;
        if let Some(at) = tag[..end].find(" nonce=\"") {
            let value = &tag[at + 8..end];
            let value = &value[..value.find('"')?];
            let valid = !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_+/=".contains(c));
            return valid.then(|| value.to_owned());
        }
        rest = &tag[end..];
    }
    None
}
