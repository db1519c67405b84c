//! The whole router driven in-process: pages, server functions, plain routes, headers.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::web::*;

#[tokio::test]
async fn home_page_is_rendered_in_french_with_statuses() {
    let app = app().await;
    let (status, headers, body) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains(r#"<html lang="fr""#),
        "{}",
        &body[..300.min(body.len())]
    );
    assert!(body.contains("Commerces de Habay"));
    assert!(body.contains("Boulangerie Rigaux"));
    assert!(body.contains("Habay-la-Neuve centre"));
    // Thursday 10:00: the pharmacy is open, closes at 12:30.
    assert!(
        body.contains("ferme à 12 h 30"),
        "a status detail is rendered"
    );
    let csp = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "inline scripts carry the nonce"
    );
    assert_eq!(
        headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff"
    );
}

#[tokio::test]
async fn category_filter_and_district_and_shop_pages() {
    let app = app().await;
    let (_, _, body) = get(&app, "/?category=bakery").await;
    assert!(body.contains("Boulangerie Rigaux"));
    assert!(!body.contains(">AD Delhaize<"));
    let (status, _, body) = get(&app, "/districts/marbehan").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Boulangerie Jacob") && !body.contains("Boulangerie Rigaux"));
    let (status, _, body) = get(&app, "/shops/multipharma").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<h1>Multipharma</h1>"));
    assert!(body.contains("9 h – 12 h 30"), "hours table");
    assert!(body.contains("Aujourd’hui (jeudi)"));
}

#[tokio::test]
async fn unknown_slugs_and_paths_are_404_pages() {
    let app = app().await;
    for uri in [
        "/shops/nope",
        "/districts/nope",
        "/no/such/page",
        "/shops/NOT%20A%20SLUG",
    ] {
        let (status, _, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(body.contains("Page introuvable"), "{uri}");
    }
}

#[tokio::test]
async fn accept_language_and_language_cookie() {
    let app = app().await;
    let request = Request::get("/")
        .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")
        .body(Body::empty())
        .unwrap();
    let (_, headers, body) = send(&app, request).await;
    assert!(body.contains(r#"<html lang="en""#) && body.contains("Shops in Habay"));
    assert!(headers
        .get(header::VARY)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("Accept-Language"));

    let (status, headers, _) =
        post_form(&app, "/lang", "lang=en&next=%2Fshops%2Fmultipharma").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers.get(header::LOCATION).unwrap(), "/shops/multipharma");
    let cookie = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(
        cookie.starts_with("quartier_lang=en;")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("HttpOnly")
    );

    let request = Request::get("/")
        .header(header::COOKIE, "quartier_lang=en")
        .header(header::ACCEPT_LANGUAGE, "fr")
        .body(Body::empty())
        .unwrap();
    let (_, _, body) = send(&app, request).await;
    assert!(
        body.contains("Shops in Habay"),
        "the saved choice wins over Accept-Language"
    );

    // No open redirect, and an unknown language is refused.
    for next in [
        "https%3A%2F%2Fevil.example",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
    ] {
        let (_, headers, _) = post_form(&app, "/lang", &format!("lang=fr&next={next}")).await;
        assert_eq!(headers.get(header::LOCATION).unwrap(), "/", "{next}");
    }
    let (status, _, _) = post_form(&app, "/lang", "lang=xx&next=%2F").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn server_functions_answer_json() {
    let app = app().await;
    let (status, _, body) = post_form(&app, "/api/shop", "slug=boulangerie-rigaux").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let shop: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(shop["name"], "Boulangerie Rigaux");
    assert_eq!(shop["district"]["slug"], "habay-la-neuve-centre");

    let (status, _, body) = post_form(&app, "/api/shop", "slug=..%2F..%2Fetc").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body.contains("NotFound"), "{body}");
}

#[tokio::test]
async fn health_manifest_service_worker_and_offline_page() {
    let app = app().await;
    let (status, _, body) = get(&app, "/healthz").await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, r#"{"status":"ok"}"#)
    );

    let (status, headers, body) = get(&app, "/manifest.webmanifest").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers.get(header::CONTENT_TYPE).unwrap(),
        "application/manifest+json"
    );
    let manifest: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(manifest["lang"], "fr");
    assert_eq!(manifest["display"], "standalone");

    let (status, headers, body) = get(&app, "/sw.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type(&headers).starts_with("text/javascript"));
    assert!(
        !body.contains("__BUILD_VERSION__")
            && !body.contains("__ASSETS__")
            && body.contains("const ASSETS = [];")
    );

    let (status, _, body) = get(&app, "/offline").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Hors ligne"));
}

#[tokio::test]
async fn robots_and_sitemap_list_every_public_page() {
    let app = app().await;
    let (status, _, robots) = get(&app, "/robots.txt").await;
    assert_eq!(status, StatusCode::OK);
    assert!(robots.contains("Disallow: /api/"));
    assert!(
        robots.contains("Sitemap: http://127.0.0.1:3000/sitemap.xml"),
        "{robots}"
    );

    let (status, headers, sitemap) = get(&app, "/sitemap.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type(&headers).starts_with("application/xml"));
    assert!(sitemap.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(sitemap.contains(r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#));
    // Home + 2 districts + 62 demo shops.
    assert_eq!(sitemap.matches("<url>").count(), 1 + 2 + 62, "{sitemap}");
    assert!(sitemap.contains("<loc>http://127.0.0.1:3000/shops/boulangerie-rigaux</loc><lastmod>"));
    assert!(sitemap.contains("<loc>http://127.0.0.1:3000/districts/marbehan</loc>"));
}

#[tokio::test]
async fn shop_pages_carry_structured_data_and_link_previews() {
    let app = app().await;
    let (_, _, body) = get(&app, "/shops/multipharma").await;
    let data = json_ld(&body);
    assert_eq!(data["@context"], "https://schema.org");
    assert_eq!(data["@type"], "Pharmacy");
    assert_eq!(data["name"], "Multipharma");
    assert_eq!(
        data["mainEntityOfPage"],
        "http://127.0.0.1:3000/shops/multipharma"
    );
    assert_eq!(data["address"]["addressCountry"], "BE");
    assert_eq!(data["address"]["postalCode"], "6720");
    assert!(data["geo"]["latitude"].as_f64().unwrap() > 49.7);
    let specs = data["openingHoursSpecification"].as_array().unwrap();
    let find = |opens: &str, closes: &str| {
        specs
            .iter()
            .find(|s| s["opens"] == opens && s["closes"] == closes)
            .map(|s| {
                s["dayOfWeek"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d.as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            })
    };
    let weekdays: Vec<String> = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ]
    .iter()
    .map(|d| format!("https://schema.org/{d}"))
    .collect();
    assert_eq!(find("09:00", "12:30"), Some(weekdays.clone()));
    assert_eq!(find("14:00", "19:00"), Some(weekdays[..5].to_vec()));
    assert_eq!(specs.len(), 2);

    assert!(has_tag(
        &body,
        "link",
        &[
            ("rel", "canonical"),
            ("href", "http://127.0.0.1:3000/shops/multipharma")
        ]
    ));
    assert!(has_tag(
        &body,
        "meta",
        &[
            ("property", "og:image"),
            ("content", "http://127.0.0.1:3000/icons/icon-512.png")
        ]
    ));
    assert!(has_tag(
        &body,
        "meta",
        &[("property", "og:title"), ("content", "Multipharma")]
    ));
    assert!(!has_tag(
        &body,
        "meta",
        &[("property", "og:title"), ("content", "Boulangerie Rigaux")]
    ));

    // A late bar: the night closes on the next day, as schema.org reads "closes" < "opens".
    let (_, _, body) = get(&app, "/shops/l-enfant-terrible").await;
    let data = json_ld(&body);
    assert_eq!(data["@type"], "BarOrPub");
    let specs = data["openingHoursSpecification"].as_array().unwrap();
    assert!(
        specs.iter().any(|s| s["opens"] == "16:00"
            && s["closes"] == "01:00"
            && s["dayOfWeek"] == serde_json::json!(["https://schema.org/Thursday"])),
        "{specs:?}"
    );
}

#[tokio::test]
async fn structured_data_cannot_break_out_of_its_script() {
    let value = serde_json::json!({ "name": "</script><script>alert(1)</script>" });
    let text = app::domain::structured_data::script_json(&value);
    assert!(!text.contains('<'));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        value
    );
}

#[tokio::test]
async fn open_data_is_valid_geojson_with_the_odbl_credit() {
    let app = app().await;
    let (status, headers, body) = get(&app, "/open-data/shops.geojson").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type(&headers), "application/geo+json");
    assert_eq!(
        headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(),
        "*"
    );
    // Read back with an independent GeoJSON parser.
    let collection: geojson::FeatureCollection = body.parse().expect("RFC 7946 FeatureCollection");
    assert_eq!(collection.features.len(), 62);
    let members = collection.foreign_members.expect("attribution members");
    assert_eq!(members["attribution"], "© OpenStreetMap contributors");
    assert_eq!(members["license"], "ODbL-1.0");
    let rigaux = collection
        .features
        .iter()
        .find(|f| f.property("name").and_then(|v| v.as_str()) == Some("Boulangerie Rigaux"))
        .expect("Boulangerie Rigaux");
    assert_eq!(
        rigaux.property("url").unwrap(),
        "http://127.0.0.1:3000/shops/boulangerie-rigaux"
    );
    assert_eq!(rigaux.property("category").unwrap(), "bakery");
    assert_eq!(
        rigaux.property("district").unwrap(),
        "habay-la-neuve-centre"
    );
    let point: geo::Point<f64> = rigaux.geometry.clone().unwrap().try_into().unwrap();
    assert!(
        (5.64..5.65).contains(&point.x()) && (49.72..49.73).contains(&point.y()),
        "{point:?}"
    );
}

/// Every server function's method and address, pinned: plain forms post to them and installed
/// apps' scripts call them, so moving a function between modules must not move its address.
/// (A new server function is added here on purpose.)
#[test]
fn server_functions_keep_their_addresses() {
    // Linking the app registers its server functions.
    let _ = app::api::accounts::get_me;
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| format!("{method} {path}"))
        .collect();
    paths.sort();
    let expected = [
        "DELETE /api/push/subscriptions",
        "POST /api/account/delete",
        "POST /api/account/name",
        "POST /api/account/reviews",
        "POST /api/auth/complete",
        "POST /api/auth/link",
        "POST /api/auth/request",
        "POST /api/auth/sign-out",
        "POST /api/auth/sign-out-everywhere",
        "POST /api/counter",
        "POST /api/counter/delete",
        "POST /api/counter/district",
        "POST /api/counter/publish",
        "POST /api/counter/reviews",
        "POST /api/counter/save",
        "POST /api/dashboard",
        "POST /api/dashboard/report",
        "POST /api/district",
        "POST /api/districts/admin",
        "POST /api/districts/admin/one",
        "POST /api/districts/create",
        "POST /api/districts/delete",
        "POST /api/districts/outline",
        "POST /api/districts/outline/discard",
        "POST /api/districts/outline/save",
        "POST /api/districts/place",
        "POST /api/districts/rename",
        "POST /api/districts/stewards/remove",
        "POST /api/feed",
        "POST /api/follow",
        "POST /api/following",
        "POST /api/home",
        "POST /api/invitations/accept",
        "POST /api/invitations/create",
        "POST /api/invitations/link",
        "POST /api/invitations/revoke",
        "POST /api/invitations/show",
        "POST /api/manage",
        "POST /api/manage/note",
        "POST /api/manage/reviews",
        "POST /api/map",
        "POST /api/me",
        "POST /api/messages/answer",
        "POST /api/messages/close",
        "POST /api/messages/delete",
        "POST /api/messages/edit",
        "POST /api/messages/inbox",
        "POST /api/messages/mine",
        "POST /api/messages/send",
        "POST /api/moderation",
        "POST /api/moderation/decide",
        "POST /api/more_posts",
        "POST /api/my-data",
        "POST /api/my-data/forget",
        "POST /api/nearby",
        "POST /api/nearby_results",
        "POST /api/notifications",
        "POST /api/notifications/save",
        "POST /api/notifications/town",
        "POST /api/passkeys",
        "POST /api/passkeys/delete",
        "POST /api/passkeys/register/finish",
        "POST /api/passkeys/register/start",
        "POST /api/passkeys/sign-in/finish",
        "POST /api/passkeys/sign-in/start",
        "POST /api/privacy",
        "POST /api/profile",
        "POST /api/profile/save",
        "POST /api/push/clicks",
        "POST /api/push/subscriptions",
        "POST /api/reviews/delete",
        "POST /api/reviews/reply",
        "POST /api/reviews/reply/delete",
        "POST /api/reviews/report",
        "POST /api/reviews/save",
        "POST /api/reviews/useful",
        "POST /api/search",
        "POST /api/search_filters",
        "POST /api/search_results",
        "POST /api/shop",
        "POST /api/team/remove",
    ];
    assert_eq!(paths, expected);
}
