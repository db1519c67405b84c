//! Two towns served by one process, each on its own host name: nothing of one shows on the
//! other (pages, search, feeds, sitemaps, open data, sessions, follows, push keys, figures,
//! invitations), and a host no town claims is not served.

use app::server::store::prelude::*;
use app::server::{InvitedRole, NewInvitation, Town};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use crate::common::fixtures;
use crate::common::web::*;

const HABAY: &str = "habay.example.be";
const ARLON: &str = "arlon.example.be";

/// The demo town (Habay) and Arlon with a bakery of its own; Arlon on its host name, Habay on
/// any other.
async fn two_towns() -> (TestApp, Town, Town) {
    let app = app_with(&[
        ("QUARTIER_BASE_URL", "https://quartier.example.be"),
        ("QUARTIER_VAPID_SUBJECT", "mailto:ops@quartier.example.be"),
    ])
    .await;
    let habay = app.store.first_town().await.unwrap().unwrap();
    let mut arlon = fixtures::town(&app.store, "arlon", "Arlon").await;
    arlon.host = Some(ARLON.into());
    arlon.default_locale = Some("nl".into());
    arlon.tile_url = Some("https://tiles.arlon.example.be/{z}/{x}/{y}.png".into());
    let arlon = app.store.update_town(&arlon).await.unwrap();
    fixtures::shop(
        &app.store,
        arlon.id,
        "node/900001",
        "boulangerie-du-marche",
        &fixtures::bakery("Boulangerie du Marché", 49.6833, 5.8167),
    )
    .await;
    (app, habay, arlon)
}

/// A request to `host`.
fn at(host: &str, request: axum::http::request::Builder) -> axum::http::request::Builder {
    request.header(header::HOST, host)
}

async fn get_at(
    app: &TestApp,
    host: &str,
    uri: &str,
    cookie: Option<&str>,
) -> (StatusCode, String) {
    let mut request = at(host, Request::get(uri));
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let (status, _, body) = send(app, request.body(Body::empty()).unwrap()).await;
    (status, body)
}

async fn call_at(
    app: &TestApp,
    host: &str,
    uri: &str,
    body: &str,
    cookie: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = at(host, Request::post(uri))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::from(body.to_owned())).unwrap()).await
}

/// A session cookie for `email` opened on `host` (a sign-in link completed there).
async fn sign_in_at(app: &TestApp, host: &str, email: &str) -> String {
    use app::server::auth::{new_secret, secret_hash, SIGN_IN_LINK_LIFETIME};
    let now: chrono::DateTime<chrono::Utc> = NOW.parse().unwrap();
    let token = new_secret().unwrap();
    let link = app::server::NewSignInLink {
        token_hash: secret_hash(&token),
        email: email.into(),
        invitation_id: None,
        return_to: None,
        expires_at: now + SIGN_IN_LINK_LIFETIME,
    };
    app.store.create_sign_in_link(&link, now).await.unwrap();
    let request = at(host, Request::post("/api/auth/complete"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .body(Body::from(format!("token={token}")))
        .unwrap();
    let (status, headers, body) = send(app, request).await;
    assert!(status.is_redirection(), "{status} {body}");
    set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_session="))
        .expect("a session cookie")
}

#[tokio::test]
async fn each_town_shows_only_its_own_shops_pages_and_files() {
    let (app, _, _) = two_towns().await;

    // Pages: each town's shop on its own host only.
    assert_eq!(
        get_at(&app, HABAY, "/shops/boulangerie-jacob", None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        get_at(&app, ARLON, "/shops/boulangerie-jacob", None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, page) = get_at(&app, ARLON, "/shops/boulangerie-du-marche", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Boulangerie du Marché"));
    assert!(
        page.contains("https://arlon.example.be/shops/boulangerie-du-marche"),
        "canonical URL on Arlon's host"
    );
    assert_eq!(
        get_at(&app, HABAY, "/shops/boulangerie-du-marche", None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Arlon's own language for visitors who chose none, and its tile server in the CSP.
    assert!(
        page.contains("<html lang=\"nl\""),
        "{}",
        &page[..200.min(page.len())]
    );
    let request = at(ARLON, Request::get("/map")).body(Body::empty()).unwrap();
    let (_, headers, _) = send(&app, request).await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("https://tiles.arlon.example.be"), "{csp}");
    let (_, habay_headers, _) = get(&app, "/map").await;
    let habay_csp = habay_headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(!habay_csp.contains("arlon"), "{habay_csp}");

    // Search.
    let (_, _, found) = call_at(&app, ARLON, "/api/search", "q=boulangerie", None).await;
    assert!(found.contains("boulangerie-du-marche"), "{found}");
    assert!(!found.contains("boulangerie-jacob"), "{found}");
    let (_, _, found) = call_at(&app, HABAY, "/api/search", "q=boulangerie", None).await;
    assert!(found.contains("boulangerie-jacob"), "{found}");
    assert!(!found.contains("boulangerie-du-marche"), "{found}");

    // Sitemaps and robots.txt name each town's own URLs.
    let (_, sitemap) = get_at(&app, ARLON, "/sitemap.xml", None).await;
    assert!(
        sitemap.contains("<loc>https://arlon.example.be/shops/boulangerie-du-marche</loc>"),
        "{sitemap}"
    );
    assert!(
        !sitemap.contains("jacob") && !sitemap.contains("quartier.example.be"),
        "{sitemap}"
    );
    let (_, sitemap) = get_at(&app, HABAY, "/sitemap.xml", None).await;
    assert!(sitemap.contains("/shops/boulangerie-jacob</loc>"));
    assert!(!sitemap.contains("boulangerie-du-marche"), "{sitemap}");
    let (_, robots) = get_at(&app, ARLON, "/robots.txt", None).await;
    assert!(
        robots.contains("Sitemap: https://arlon.example.be/sitemap.xml"),
        "{robots}"
    );

    // Open data.
    let (status, geojson) = get_at(&app, ARLON, "/open-data/shops.geojson", None).await;
    assert_eq!(status, StatusCode::OK);
    let geojson: serde_json::Value = serde_json::from_str(&geojson).unwrap();
    let ids: Vec<&str> = geojson["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["boulangerie-du-marche"]);
    let (_, geojson) = get_at(&app, HABAY, "/open-data/shops.geojson", None).await;
    assert!(geojson.contains("boulangerie-jacob") && !geojson.contains("boulangerie-du-marche"));

    // Feeds and the poster's QR code: another town's shop is not found.
    assert_eq!(
        get_at(&app, ARLON, "/shops/boulangerie-jacob/feed.atom", None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get_at(&app, ARLON, "/shops/boulangerie-jacob/qr.svg", None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, atom) = get_at(&app, ARLON, "/shops/boulangerie-du-marche/feed.atom", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        atom.contains("https://arlon.example.be/shops/boulangerie-du-marche"),
        "{atom}"
    );

    // Each town installs as its own app.
    let (_, manifest) = get_at(&app, ARLON, "/manifest.webmanifest", None).await;
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(manifest["name"], "Quartier · Arlon");
    assert_eq!(manifest["lang"], "nl");
}

#[tokio::test]
async fn sessions_follows_and_push_keys_stay_in_their_town() {
    let (app, habay, arlon) = two_towns().await;

    // A session opened on Habay is not one on Arlon.
    let session = sign_in_at(&app, HABAY, "paul@example.be").await;
    let (_, _, me) = call_at(&app, HABAY, "/api/me", "", Some(&session)).await;
    assert!(me.contains("paul@example.be"), "{me}");
    let (status, _, me) = call_at(&app, ARLON, "/api/me", "", Some(&session)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me.trim(), "null", "signed out on Arlon");

    // Follows made on Habay are not Arlon's, and Habay's shops cannot be followed from Arlon.
    let (_, headers, _) = call_at(
        &app,
        HABAY,
        "/api/follow",
        "target=shop&slug=boulangerie-jacob&follow=true",
        None,
    )
    .await;
    let device = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_device="))
        .expect("a device cookie");
    let (status, _, _) = call_at(
        &app,
        ARLON,
        "/api/follow",
        "target=shop&slug=boulangerie-jacob&follow=true",
        Some(&device),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, feed) = call_at(&app, ARLON, "/api/feed", "", Some(&device)).await;
    assert!(feed.contains("\"follows_anything\":false"), "{feed}");
    let (_, _, feed) = call_at(&app, HABAY, "/api/feed", "", Some(&device)).await;
    assert!(feed.contains("\"follows_anything\":true"), "{feed}");

    // Each town signs its pushes with its own key.
    let (_, habay_key) = get_at(&app, HABAY, "/api/push/key", None).await;
    let (_, arlon_key) = get_at(&app, ARLON, "/api/push/key", None).await;
    assert_ne!(habay_key, arlon_key);
    let arlon_stored = server::push::vapid_keys(&app.store, arlon.id)
        .await
        .unwrap();
    assert!(arlon_key.contains(&arlon_stored.public_key));
    let habay_stored = server::push::vapid_keys(&app.store, habay.id)
        .await
        .unwrap();
    assert!(habay_key.contains(&habay_stored.public_key));

    // A write from one town's pages to the other's site is refused (Habay, without a host
    // name of its own, is at the instance's URL).
    let request = at(ARLON, Request::post("/api/follow"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://quartier.example.be")
        .body(Body::from(
            "target=shop&slug=boulangerie-du-marche&follow=true",
        ))
        .unwrap();
    assert_eq!(send(&app, request).await.0, StatusCode::FORBIDDEN);
    let request = at(ARLON, Request::post("/api/follow"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://arlon.example.be")
        .body(Body::from(
            "target=shop&slug=boulangerie-du-marche&follow=true",
        ))
        .unwrap();
    let (status, _, body) = send(&app, request).await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status} {body}"
    );
}

#[tokio::test]
async fn figures_roles_and_invitations_are_each_towns_own() {
    let (app, habay, arlon) = two_towns().await;
    let now = NOW.parse().unwrap();

    // An administrator of Habay is nobody on Arlon.
    app.store
        .grant_admin(habay.id, "admin@habay.be", now)
        .await
        .unwrap();
    let habay_admin = sign_in_at(&app, HABAY, "admin@habay.be").await;
    let request = at(HABAY, Request::get("/dashboard/export.csv"))
        .header(header::COOKIE, &habay_admin)
        .body(Body::empty())
        .unwrap();
    let (status, _, csv) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(
        csv.contains("Boulangerie Jacob") && !csv.contains("du Marché"),
        "{csv}"
    );
    let arlon_session = sign_in_at(&app, ARLON, "admin@habay.be").await;
    let request = at(ARLON, Request::get("/dashboard/export.csv"))
        .header(header::COOKIE, &arlon_session)
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = send(&app, request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Arlon's administrator reads Arlon's figures only.
    app.store
        .grant_admin(arlon.id, "admin@arlon.be", now)
        .await
        .unwrap();
    let arlon_admin = sign_in_at(&app, ARLON, "admin@arlon.be").await;
    let request = at(ARLON, Request::get("/dashboard/export.csv"))
        .header(header::COOKIE, &arlon_admin)
        .body(Body::empty())
        .unwrap();
    let (status, _, csv) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(
        csv.contains("Boulangerie du Marché") && !csv.contains("Jacob"),
        "{csv}"
    );

    // An invitation to Habay cannot be accepted on Arlon, and stays open for Habay.
    use app::server::auth::{new_secret, secret_hash};
    let jacob = app
        .store
        .shop_by_slug(habay.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    let token = new_secret().unwrap();
    app.store
        .create_invitation(
            habay.id,
            &NewInvitation {
                token_hash: secret_hash(&token),
                role: InvitedRole::Owner,
                shop_id: Some(jacob.id),
                district_id: None,
                created_by: None,
                expires_at: now + chrono::TimeDelta::days(7),
            },
            now,
        )
        .await
        .unwrap();
    // Invitation links open the town's own site.
    let (status, _, link) = call_at(
        &app,
        ARLON,
        "/api/invitations/create",
        "role=owner&target=boulangerie-du-marche",
        Some(&arlon_admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{link}");
    assert!(
        link.contains("\"url\":\"https://arlon.example.be/invite/"),
        "{link}"
    );
    let (status, _, answer) = call_at(
        &app,
        ARLON,
        "/api/invitations/accept",
        &format!("token={token}"),
        Some(&arlon_admin),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let user = app
        .store
        .user_by_email("admin@arlon.be")
        .await
        .unwrap()
        .unwrap();
    assert!(app
        .store
        .roles(habay.id, user.id)
        .await
        .unwrap()
        .shops
        .is_empty());
    let habay_session = sign_in_at(&app, HABAY, "admin@arlon.be").await;
    let (status, _, answer) = call_at(
        &app,
        HABAY,
        "/api/invitations/accept",
        &format!("token={token}"),
        Some(&habay_session),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        app.store
            .roles(habay.id, user.id)
            .await
            .unwrap()
            .shops
            .len(),
        1
    );
}

#[tokio::test]
async fn a_host_no_town_claims_is_not_served_once_every_town_has_one() {
    let (app, mut habay, _) = two_towns().await;
    // Habay is served on any host no other town claims…
    assert_eq!(
        get_at(&app, "other.example.be", "/shops/boulangerie-jacob", None)
            .await
            .0,
        StatusCode::OK
    );
    // …until it has a host name of its own.
    habay.host = Some(HABAY.into());
    app.store.update_town(&habay).await.unwrap();
    assert_eq!(
        get_at(&app, "other.example.be", "/shops/boulangerie-jacob", None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get_at(&app, "other.example.be", "/sitemap.xml", None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get_at(&app, "other.example.be", "/api/push/key", None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Host names are matched whatever their case and port; two towns cannot share one.
    assert_eq!(
        get_at(
            &app,
            "Habay.Example.BE:443",
            "/shops/boulangerie-jacob",
            None
        )
        .await
        .0,
        StatusCode::OK
    );
    let mut arlon = app.store.town_by_slug("arlon").await.unwrap().unwrap();
    arlon.host = Some(HABAY.into());
    assert!(matches!(
        app.store.update_town(&arlon).await,
        Err(app::server::StoreError::Conflict(_))
    ));
    // Health checks answer on any host.
    assert_eq!(
        get_at(&app, "10.0.0.5", "/healthz", None).await.0,
        StatusCode::OK
    );
}
