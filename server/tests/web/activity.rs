//! Figures that can be trusted (issue 17): a view, a poster scan or a follow from the poster
//! counts once per device (or, without a cookie, per client address) per page per day; robots,
//! prefetches, the service worker's background fetches and the poster page are left out.

use app::domain::activity::{Metric, Subject};
use app::server::store::prelude::*;
use axum::body::Body;
use axum::http::{header, Request};
use chrono::NaiveDate;

use crate::common;
use common::web::*;

const SHOP: &str = "/shops/boulangerie-jacob";

/// A GET from client address `from` (through the proxy), with extra headers.
fn visit(path: &str, from: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get(path).header("x-forwarded-for", from);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).unwrap()
}

fn today() -> NaiveDate {
    // `NOW` (09:00 UTC) is the same day in Brussels.
    NOW.parse::<chrono::DateTime<chrono::Utc>>()
        .unwrap()
        .date_naive()
}

async fn shop_figure(app: &TestApp, shop_id: i64, metric: Metric) -> i64 {
    let town_id = app.store.first_town().await.unwrap().unwrap().id;
    app.store
        .total(town_id, Subject::Shop(shop_id), metric, today(), today())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_thousand_requests_from_one_client_are_one_view() {
    let app = app_with(&[("QUARTIER_CLIENT_IP_HEADER", "X-Forwarded-For")]).await;
    let (_, shop) = town_and_shop(&app, "boulangerie-jacob").await;
    assert_eq!(shop_figure(&app, shop.id, Metric::ShopView).await, 0);

    for _ in 0..1000 {
        let (status, _, _) = send(&app, visit(SHOP, "198.51.100.1", &[])).await;
        assert!(status.is_success());
    }
    assert_eq!(shop_figure(&app, shop.id, Metric::ShopView).await, 1);

    // Not people, or not looking: robots, tools, no User-Agent, prefetches, the service worker
    // keeping the page for offline reading, the poster page, the server function's address.
    let not_people: [(&str, &[(&str, &str)]); 7] = [
        (
            SHOP,
            &[("user-agent", "Mozilla/5.0 (compatible; Googlebot/2.1)")],
        ),
        (SHOP, &[("user-agent", "curl/8.5.0")]),
        (SHOP, &[("user-agent", "")]),
        (SHOP, &[("sec-purpose", "prefetch")]),
        (SHOP, &[("purpose", "prefetch")]),
        (SHOP, &[("sec-fetch-mode", "same-origin")]),
        (
            "/shops/boulangerie-jacob/poster",
            &[("sec-fetch-mode", "navigate")],
        ),
    ];
    for (n, (path, headers)) in not_people.iter().enumerate() {
        let (status, _, _) = send(
            &app,
            visit(path, &format!("198.51.100.{}", 10 + n), headers),
        )
        .await;
        assert!(status.is_success(), "{path} {headers:?}: {status}");
    }
    // The page's server function called by another program.
    let api = Request::post("/api/shop")
        .header("x-forwarded-for", "198.51.100.30")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from("slug=boulangerie-jacob"))
        .unwrap();
    let (status, _, body) = send(&app, api).await;
    assert!(
        status.is_success() && body.contains("Boulangerie Jacob"),
        "{status}"
    );
    assert_eq!(shop_figure(&app, shop.id, Metric::ShopView).await, 1);
    // Nor do posts' views come from the poster page.
    let posts: Vec<i64> = app
        .store
        .shop_posts(shop.town_id, shop.id, 50)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    let before = app
        .store
        .post_counts(Metric::PostView, &posts)
        .await
        .unwrap();
    send(
        &app,
        visit("/shops/boulangerie-jacob/poster", "198.51.100.31", &[]),
    )
    .await;
    assert_eq!(
        app.store
            .post_counts(Metric::PostView, &posts)
            .await
            .unwrap(),
        before
    );

    // Made-up device cookies are no one: the address counts (already counted today).
    for n in 0..20 {
        let forged = format!("quartier_device={n:032x}");
        send(&app, visit(SHOP, "198.51.100.1", &[("cookie", &forged)])).await;
    }
    assert_eq!(shop_figure(&app, shop.id, Metric::ShopView).await, 1);

    // Other people: another address, a navigation from a browser that says so, a device's
    // cookie (counted once, whatever its address).
    send(&app, visit(SHOP, "198.51.100.2", &[])).await;
    send(
        &app,
        visit(SHOP, "198.51.100.3", &[("sec-fetch-mode", "navigate")]),
    )
    .await;
    assert_eq!(shop_figure(&app, shop.id, Metric::ShopView).await, 3);
    let device = follow_bakery_without_js(&app).await;
    for from in ["198.51.100.1", "203.0.113.7", "203.0.113.8"] {
        send(&app, visit(SHOP, from, &[("cookie", &device)])).await;
    }
    assert_eq!(shop_figure(&app, shop.id, Metric::ShopView).await, 4);
}

#[tokio::test]
async fn poster_scans_and_the_follows_they_bring() {
    let app = app_with(&[("QUARTIER_CLIENT_IP_HEADER", "X-Forwarded-For")]).await;
    let (_, shop) = town_and_shop(&app, "boulangerie-jacob").await;
    let follows_before = shop_figure(&app, shop.id, Metric::Follow).await;

    // A phone scans the window poster twice, then follows from the page (no cookie yet).
    for _ in 0..2 {
        send(
            &app,
            visit(&format!("{SHOP}?follow=1"), "198.51.100.20", &[]),
        )
        .await;
    }
    assert_eq!(shop_figure(&app, shop.id, Metric::PosterScan).await, 1);
    assert_eq!(shop_figure(&app, shop.id, Metric::ShopView).await, 1);
    let follow = |from: &'static str, follow: bool, cookie: Option<String>| {
        let mut request = Request::post("/api/follow")
            .header("x-forwarded-for", from)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request
            .body(Body::from(format!(
                "target=shop&slug=boulangerie-jacob&follow={follow}"
            )))
            .unwrap()
    };
    let (status, headers, _) = send(&app, follow("198.51.100.20", true, None)).await;
    assert!(status.is_success());
    let device = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_device="))
        .unwrap();
    assert_eq!(shop_figure(&app, shop.id, Metric::PosterFollow).await, 1);
    assert_eq!(
        shop_figure(&app, shop.id, Metric::Follow).await,
        follows_before + 1
    );
    // A second phone on the shop's Wi-Fi (the same address) scans and follows: its scan is the
    // address's, already counted; its follow is its own, from the poster.
    send(
        &app,
        visit(&format!("{SHOP}?follow=1"), "198.51.100.20", &[]),
    )
    .await;
    send(&app, follow("198.51.100.20", true, None)).await;
    assert_eq!(shop_figure(&app, shop.id, Metric::PosterScan).await, 1);
    assert_eq!(shop_figure(&app, shop.id, Metric::PosterFollow).await, 2);
    assert_eq!(
        shop_figure(&app, shop.id, Metric::Follow).await,
        follows_before + 2
    );
    // The first phone: following again changes nothing; leaving is counted, and following
    // again the same day is not another follow. A phone elsewhere that never scanned the
    // poster is a follower, not one the poster brought.
    send(&app, follow("198.51.100.20", true, Some(device.clone()))).await;
    send(&app, follow("198.51.100.20", false, Some(device.clone()))).await;
    send(&app, follow("198.51.100.20", true, Some(device))).await;
    assert_eq!(shop_figure(&app, shop.id, Metric::Unfollow).await, 1);
    assert_eq!(
        shop_figure(&app, shop.id, Metric::Follow).await,
        follows_before + 2
    );
    send(&app, follow("198.51.100.21", true, None)).await;
    assert_eq!(
        shop_figure(&app, shop.id, Metric::Follow).await,
        follows_before + 3
    );
    assert_eq!(shop_figure(&app, shop.id, Metric::PosterFollow).await, 2);
}

#[tokio::test]
async fn a_feed_read_again_counts_its_posts_once() {
    let app = app().await;
    let device = follow_bakery_without_js(&app).await;
    let (town, shop) = town_and_shop(&app, "boulangerie-jacob").await;
    let posts: Vec<i64> = app
        .store
        .shop_posts(town.id, shop.id, 50)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert!(!posts.is_empty(), "the demo bakery has posts");
    for _ in 0..5 {
        let (_, _, feed) = get_with_cookie(&app, "/feed", &device).await;
        assert!(feed.contains("Boulangerie Jacob"));
    }
    // The service worker refreshing another phone's saved feed is not a reading.
    let other = follow_bakery_without_js(&app).await;
    let refresh = Request::get("/feed")
        .header(header::COOKIE, &other)
        .header("sec-fetch-mode", "same-origin")
        .body(Body::empty())
        .unwrap();
    let (status, _, page) = send(&app, refresh).await;
    assert!(status.is_success() && page.contains("Boulangerie Jacob"));
    let counts = app
        .store
        .post_counts(Metric::PostView, &posts)
        .await
        .unwrap();
    assert!(!counts.is_empty(), "the feed showed the bakery's posts");
    assert!(counts.iter().all(|(_, n)| *n == 1), "{counts:?}");

    // The district's page: once per visitor too.
    let district = app
        .store
        .district_by_slug(town.id, "habay-la-neuve-centre")
        .await
        .unwrap()
        .unwrap();
    for _ in 0..3 {
        get_with_cookie(&app, "/districts/habay-la-neuve-centre", &device).await;
    }
    get(&app, "/districts/habay-la-neuve-centre").await;
    let views = app
        .store
        .total(
            town.id,
            Subject::District(district.id),
            Metric::DistrictView,
            today(),
            today(),
        )
        .await
        .unwrap();
    assert_eq!(views, 2);
}

#[tokio::test]
async fn a_shared_link_counts_once_per_client_and_shop_a_day() {
    let app = app_with(&[("QUARTIER_CLIENT_IP_HEADER", "X-Forwarded-For")]).await;
    let (_, shop) = town_and_shop(&app, "boulangerie-jacob").await;
    // The page's « Partager » shares its address with `?via=share`.
    let (_, _, page) = get(&app, SHOP).await;
    assert!(
        page.contains("https://habay.example/shops/boulangerie-jacob?via=share")
            || page.contains("/shops/boulangerie-jacob?via=share"),
        "the shared link"
    );
    let shared = "/shops/boulangerie-jacob?via=share";
    for _ in 0..1000 {
        let (status, _, _) = send(&app, visit(shared, "198.51.100.30", &[])).await;
        assert!(status.is_success());
    }
    assert_eq!(shop_figure(&app, shop.id, Metric::Share).await, 1);
    send(&app, visit(shared, "198.51.100.31", &[])).await;
    assert_eq!(shop_figure(&app, shop.id, Metric::Share).await, 2);
    // A link previewer fetching the shared link (a robot), a prefetch, the page without the
    // mark, another mark: not shares.
    for (path, headers) in [
        (
            shared,
            &[("user-agent", "WhatsApp/2.23 facebookexternalhit/1.1")][..],
        ),
        (shared, &[("sec-purpose", "prefetch")][..]),
        (SHOP, &[][..]),
        ("/shops/boulangerie-jacob?via=mail", &[][..]),
    ] {
        let (status, _, _) = send(&app, visit(path, "198.51.100.32", headers)).await;
        assert!(status.is_success());
    }
    assert_eq!(shop_figure(&app, shop.id, Metric::Share).await, 2);
    // The page is one page: its views count once whichever link opened it.
    assert_eq!(shop_figure(&app, shop.id, Metric::ShopView).await, 4);
}
