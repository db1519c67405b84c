//! The whole router driven in-process, on the demo town with a fixed clock.

use app::server::store::prelude::*;
use std::sync::Arc;

use app::server::FixedClock;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use tower::ServiceExt;

/// Thursday 2026-11-26, 10:00 in Brussels.
pub const NOW: &str = "2026-11-26T09:00:00Z";

pub struct TestApp {
    pub router: Router,
    /// The app's database, for setting up what the test needs.
    pub store: server::db::SqlStore,
    _dir: tempfile::TempDir,
}

pub async fn app() -> TestApp {
    app_with(&[]).await
}

/// The app with these settings (as environment variables would give them).
pub async fn app_with(settings: &[(&str, &str)]) -> TestApp {
    let (store, dir) = super::sqlite_store().await;
    server::cli::demo::load_demo(&store, "Europe/Brussels", NOW.parse().unwrap())
        .await
        .unwrap();
    let mut settings: Vec<(String, String)> = settings
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if !settings.iter().any(|(k, _)| k == "QUARTIER_MEDIA_DIR") {
        let media = dir.path().join("media");
        settings.push((
            "QUARTIER_MEDIA_DIR".into(),
            media.to_string_lossy().into_owned(),
        ));
    }
    let config = server::config::Config::from_lookup(|name| {
        settings
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap();
    let clock = Arc::new(FixedClock(NOW.parse().unwrap()));
    let state = server::app_state_with_clock(Arc::new(store.clone()), &config, clock).unwrap();
    let options = LeptosOptions::builder()
        .output_name("quartier")
        .site_root(dir.path().to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .build();
    TestApp {
        router: server::build_app(state, options),
        store,
        _dir: dir,
    }
}

impl TestApp {
    /// The app's database (a SQLite file).
    pub fn database_url(&self) -> String {
        format!(
            "sqlite://{}",
            self._dir.path().join("quartier.db").display()
        )
    }

    /// Where the app stores photos.
    pub fn store_media_dir(&self) -> std::path::PathBuf {
        self._dir.path().join("media")
    }
}

/// A phone's browser, the `User-Agent` of requests that name none (without one, a request is a
/// robot's for the town's figures).
pub const PHONE: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
     (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

pub async fn send(
    app: &TestApp,
    mut request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let uri = request.uri().clone();
    if !request.headers().contains_key(header::USER_AGENT) {
        request
            .headers_mut()
            .insert(header::USER_AGENT, header::HeaderValue::from_static(PHONE));
    }
    // A stalled response fails the test with its URL instead of blocking the run.
    let exchange = async {
        let response = app.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, body)
    };
    let (status, headers, body) =
        tokio::time::timeout(std::time::Duration::from_secs(30), exchange)
            .await
            .unwrap_or_else(|_| panic!("no complete response from {uri} within 30 s"));
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

pub async fn get(app: &TestApp, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

pub fn content_type(headers: &axum::http::HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A form POST, as a browser without JavaScript (or a server function call) sends it.
pub async fn post_form(
    app: &TestApp,
    uri: &str,
    body: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    send(app, request).await
}

/// Whether the page has a `<name …>` tag with all these attribute values, in any order.
pub fn has_tag(body: &str, name: &str, attributes: &[(&str, &str)]) -> bool {
    body.split(&format!("<{name} ")).skip(1).any(|tag| {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        attributes
            .iter()
            .all(|(key, value)| tag.contains(&format!("{key}=\"{value}\"")))
    })
}

/// The JSON-LD block of a page, parsed.
pub fn json_ld(body: &str) -> serde_json::Value {
    let start = body
        .find(r#"<script type="application/ld+json">"#)
        .expect("a JSON-LD block");
    let rest = &body[start..];
    let json = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// A GET with a `Cookie` header.
pub async fn get_with_cookie(
    app: &TestApp,
    uri: &str,
    cookie: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let request = Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    send(app, request).await
}

/// A form POST as a browser without JavaScript sends it (`Accept: text/html`).
pub async fn post_plain_form(
    app: &TestApp,
    uri: &str,
    body: &str,
    cookie: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::from(body.to_owned())).unwrap()).await
}

/// The `name=value` part of each `Set-Cookie` header.
pub fn set_cookies(headers: &axum::http::HeaderMap) -> Vec<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_owned)
        .collect()
}

/// A form POST as the app's own code sends it (a server function call), with cookies.
pub async fn call(
    app: &TestApp,
    uri: &str,
    body: &str,
    cookie: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::from(body.to_owned())).unwrap()).await
}

/// The whole `Set-Cookie` header for cookie `name`.
pub fn raw_set_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// Percent-encodes a form value.
pub fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A `multipart/form-data` body as a browser sends the counter's and the profile's forms: the
/// text fields, the camera input (holding `photo`, if any) and the gallery input left empty.
/// Returns the content type and the body.
pub fn multipart(fields: &[(&str, &str)], photo: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----quartier-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if let Some((filename, bytes)) = photo {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{filename}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    // The gallery input, left empty.
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A server function call with a multipart body, as JSON (`html`: as a plain form would).
pub async fn call_multipart(
    app: &TestApp,
    uri: &str,
    fields: &[(&str, &str)],
    photo: Option<(&str, &[u8])>,
    cookie: Option<&str>,
    html: bool,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let (content_type, body) = multipart(fields, photo);
    let accept = if html {
        "text/html"
    } else {
        "application/json"
    };
    let mut request = Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCEPT, accept);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::from(body)).unwrap()).await
}

/// A session cookie (`quartier_session=…`) for `email`, through a sign-in link completed over
/// HTTP; the account is created if new.
pub async fn sign_in(app: &TestApp, email: &str) -> String {
    use app::server::auth::{new_secret, secret_hash, SIGN_IN_LINK_LIFETIME};
    use app::server::NewSignInLink;
    let now: chrono::DateTime<chrono::Utc> = NOW.parse().unwrap();
    let token = new_secret().unwrap();
    app.store
        .create_sign_in_link(
            &NewSignInLink {
                token_hash: secret_hash(&token),
                email: email.into(),
                invitation_id: None,
                return_to: None,
                expires_at: now + SIGN_IN_LINK_LIFETIME,
            },
            now,
        )
        .await
        .unwrap();
    let (status, headers, _) =
        post_plain_form(app, "/api/auth/complete", &format!("token={token}"), None).await;
    assert!(status.is_redirection(), "{status}");
    set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_session="))
        .expect("session cookie")
}

/// A session of the owner of shop `slug`.
pub async fn owner_session(app: &TestApp, slug: &str, email: &str) -> String {
    use app::server::{InvitedRole, NewInvitation};
    let now = NOW.parse().unwrap();
    let town = app.store.first_town().await.unwrap().unwrap();
    let shop = app
        .store
        .shop_by_slug(town.id, slug)
        .await
        .unwrap()
        .unwrap();
    let cookie = sign_in(app, email).await;
    let user = app.store.user_by_email(email).await.unwrap().unwrap();
    let token = format!("owner-{slug}");
    app.store
        .create_invitation(
            town.id,
            &NewInvitation {
                token_hash: token.clone(),
                role: InvitedRole::Owner,
                shop_id: Some(shop.id),
                district_id: None,
                created_by: None,
                expires_at: now + chrono::TimeDelta::days(14),
            },
            now,
        )
        .await
        .unwrap();
    app.store
        .accept_invitation(town.id, &token, user.id, now)
        .await
        .unwrap()
        .expect("accepted");
    cookie
}

/// A signed-in steward of district `district_id` (an invitation accepted): the session cookie
/// and the account.
pub async fn steward_session(
    app: &TestApp,
    district_id: i64,
    email: &str,
) -> (String, app::server::User) {
    use app::server::{InvitedRole, NewInvitation};
    let now: chrono::DateTime<chrono::Utc> = NOW.parse().unwrap();
    let town = app.store.first_town().await.unwrap().unwrap();
    let cookie = sign_in(app, email).await;
    let user = app.store.user_by_email(email).await.unwrap().unwrap();
    let token = format!("steward-{district_id}-{email}");
    app.store
        .create_invitation(
            town.id,
            &NewInvitation {
                token_hash: token.clone(),
                role: InvitedRole::Steward,
                shop_id: None,
                district_id: Some(district_id),
                created_by: None,
                expires_at: now + chrono::TimeDelta::days(14),
            },
            now,
        )
        .await
        .unwrap();
    app.store
        .accept_invitation(town.id, &token, user.id, now)
        .await
        .unwrap()
        .expect("accepted");
    (cookie, user)
}

/// The demo town and its shop `slug`.
pub async fn town_and_shop(app: &TestApp, slug: &str) -> (app::server::Town, app::server::Shop) {
    let town = app
        .store
        .first_town()
        .await
        .unwrap()
        .expect("the demo town");
    let shop = app
        .store
        .shop_by_slug(town.id, slug)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the demo shop {slug}"));
    (town, shop)
}

/// Follows the bakery as a phone without JavaScript and without a cookie yet; its new device
/// cookie (`quartier_device=…`).
pub async fn follow_bakery_without_js(app: &TestApp) -> String {
    let (_, headers, _) = post_plain_form(
        app,
        "/api/follow",
        "target=shop&slug=boulangerie-jacob&follow=true&return_to=%2F",
        None,
    )
    .await;
    set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_device="))
        .expect("a device cookie")
}

/// The page without its islands' props (`data-props`, which carry the texts an island may show
/// later in the browser): what the page says now.
pub fn shown(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(start) = rest.find(" data-props=\"") {
        out.push_str(&rest[..start]);
        let after = &rest[start + " data-props=\"".len()..];
        rest = after.find('"').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}
