//! The resident's features over HTTP: follows without an account (with and without
//! JavaScript), the feed, search, near me, feeds for other tools and the window poster.

use crate::common;

use app::server::store::prelude::*;
use axum::http::{header, StatusCode};
use common::web::*;

/// Follows a shop as a browser without JavaScript; returns the device cookie.
async fn follow_without_js(app: &TestApp, slug: &str, cookie: Option<&str>) -> String {
    let body = format!("target=shop&slug={slug}&follow=true&return_to=%2Fshops%2F{slug}");
    let (status, headers, _) = post_plain_form(app, "/api/follow", &body, cookie).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        &format!("/shops/{slug}")
    );
    let raw = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("quartier_device="))
        .expect("a device cookie");
    assert!(
        raw.contains("HttpOnly") && raw.contains("SameSite=Lax") && raw.contains("Path=/"),
        "{raw}"
    );
    assert!(!raw.contains("Secure"), "plain http in tests: {raw}");
    set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_device="))
        .unwrap()
}

#[tokio::test]
async fn following_without_javascript_fills_the_feed() {
    let app = app().await;

    // A newcomer's feed explains what to do.
    let (status, _, body) = get(&app, "/feed").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Vous ne suivez encore aucun commerce."),
        "empty state"
    );

    let cookie = follow_without_js(&app, "boulangerie-jacob", None).await;
    let value = cookie.trim_start_matches("quartier_device=");
    assert_eq!(value.len(), 32, "128-bit id: {value}");
    // The second follow keeps the same device.
    let again = follow_without_js(&app, "boucherie-thomas", Some(&cookie)).await;
    assert_eq!(again, cookie);

    // The shop page shows the state and the count.
    let (_, _, shop) = get_with_cookie(&app, "/shops/boulangerie-jacob", &cookie).await;
    assert!(
        shop.contains("Vous suivez ce commerce."),
        "follow state on the page"
    );
    assert!(shop.contains("1 personne le suit"));
    let (_, _, anonymous) = get(&app, "/shops/boulangerie-jacob").await;
    assert!(!shown(&anonymous).contains("Vous suivez ce commerce."));

    // The feed: both shops' offers, and the event of the butcher's district (the centre).
    let (_, _, feed) = get_with_cookie(&app, "/feed", &cookie).await;
    assert!(
        feed.contains("Spéculoos de Saint-Nicolas"),
        "the bakery's offer"
    );
    assert!(feed.contains("Colis raclette"), "the butcher's offer");
    assert!(
        feed.contains("Marché de Noël de Habay-la-Neuve"),
        "the district's event"
    );
    assert!(!feed.contains("Atelier couronnes"), "a shop not followed");
    let events_at = feed.find("Événements à venir").expect("an events strip");
    let offers_at = feed.find("Offres et nouvelles").unwrap();
    assert!(events_at < offers_at, "events come first");

    // "Mes commerces".
    let (_, _, mine) = get_with_cookie(&app, "/following", &cookie).await;
    assert!(mine.contains("Boulangerie Jacob") && mine.contains("Boucherie Thomas"));

    // Unfollow, without JavaScript either.
    let (status, _, _) = post_plain_form(
        &app,
        "/api/follow",
        "target=shop&slug=boucherie-thomas&follow=false&return_to=%2Ffollowing",
        Some(&cookie),
    )
    .await;
    assert!(status.is_redirection());
    let (_, _, mine) = get_with_cookie(&app, "/following", &cookie).await;
    assert!(mine.contains("Boulangerie Jacob") && !mine.contains("Boucherie Thomas"));
}

#[tokio::test]
async fn follow_calls_from_the_app_answer_json_and_refuse_bad_input() {
    let app = app().await;
    let (status, headers, body) = post_form(
        &app,
        "/api/follow",
        "target=district&slug=marbehan&follow=true",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(content_type(&headers).starts_with("application/json"));
    let state: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(state["following"], true);
    assert!(
        headers.get(header::LOCATION).is_none(),
        "no redirect for the app"
    );

    let (status, _, _) = post_form(&app, "/api/follow", "target=shop&slug=nope&follow=true").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = post_form(&app, "/api/follow", "target=town&slug=habay&follow=true").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A forged cookie is not trusted: a new device is created instead.
    let (status, headers, _) = post_form_with_cookie(
        &app,
        "/api/follow",
        "target=shop&slug=boulangerie-jacob&follow=true",
        "quartier_device=00000000000000000000000000000000",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let cookie = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_device="))
        .unwrap();
    assert_ne!(cookie, "quartier_device=00000000000000000000000000000000");
    // A return path to another site is ignored.
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/follow",
        "target=shop&slug=boulangerie-jacob&follow=true&return_to=%2F%2Fevil.example",
        None,
    )
    .await;
    assert!(status.is_redirection() || status == StatusCode::OK);
    let location = headers
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    assert!(
        location
            .as_deref()
            .is_none_or(|l| l.starts_with('/') && !l.starts_with("//")),
        "{location:?}"
    );
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let app = app().await;
    let request = axum::http::Request::post("/api/follow")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(axum::body::Body::from(
            "target=shop&slug=boulangerie-jacob&follow=true",
        ))
        .unwrap();
    let (status, headers, _) = send(&app, request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(set_cookies(&headers).is_empty());
}

async fn post_form_with_cookie(
    app: &TestApp,
    uri: &str,
    body: &str,
    cookie: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let request = axum::http::Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie)
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap();
    send(app, request).await
}

#[tokio::test]
async fn search_is_accent_insensitive_with_filters() {
    let app = app().await;
    let (status, _, body) = get(&app, "/search?q=speculoos").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Boulangerie Jacob"),
        "found through its offer"
    );
    let (_, _, body) = get(&app, "/search?q=PHARMA").await;
    assert!(body.contains("Pharmacie Berg") && body.contains("Multipharma"));
    let (_, _, body) = get(&app, "/search?q=fleur&district=marbehan").await;
    assert!(!body.contains("Pharmacie Berg"));
    // Thursday 10:00: open-now keeps the open pharmacy.
    let (_, _, all) = get(&app, "/search?category=pharmacy").await;
    let (_, _, open) = get(&app, "/search?category=pharmacy&open=1").await;
    assert!(
        all.matches("class=\"shop-card\"").count() >= open.matches("class=\"shop-card\"").count()
    );
    assert!(open.contains("Pharmacie Berg"));
    // The form works without JavaScript: a GET form with the query kept.
    assert!(body.contains(r#"action="/search""#));
    let (_, _, body) = get(&app, "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert!(!body.contains("<script>alert(1)"), "the query is escaped");
}

#[tokio::test]
async fn nearby_lists_the_closest_shops_first() {
    let app = app().await;
    // Next to Boulangerie Rigaux, Habay-la-Neuve.
    let (status, _, body) = post_form(&app, "/api/nearby", "lat=49.7250&lon=5.6470").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let shops: serde_json::Value = serde_json::from_str(&body).unwrap();
    let shops = shops.as_array().unwrap();
    assert!(shops.len() >= 10, "{}", shops.len());
    let distances: Vec<i64> = shops
        .iter()
        .map(|s| s["distance_m"].as_i64().unwrap())
        .collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert!(distances[0] < 300, "{distances:?}");
    // Not a position: a clear error.
    let (status, _, _) = post_form(&app, "/api/nearby", "lat=123&lon=5.6").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = post_form(&app, "/api/nearby", "lat=NaN&lon=5.6").await;
    assert!(status.is_client_error());
}

fn atom_child<'a, 'i>(
    uri: &str,
    node: roxmltree::Node<'a, 'i>,
    name: &str,
) -> roxmltree::Node<'a, 'i> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
        .unwrap_or_else(|| panic!("{uri}: <{name}> missing"))
}

#[tokio::test]
async fn atom_feeds_are_valid_and_complete() {
    let app = app().await;
    for uri in [
        "/shops/boulangerie-jacob/feed.atom",
        "/districts/habay-la-neuve-centre/feed.atom",
    ] {
        let (status, headers, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(
            content_type(&headers),
            "application/atom+xml; charset=utf-8"
        );
        let doc = roxmltree::Document::parse(&body).unwrap_or_else(|e| panic!("{uri}: {e}"));
        let feed = doc.root_element();
        assert_eq!(
            feed.tag_name().namespace(),
            Some("http://www.w3.org/2005/Atom")
        );
        assert_eq!(feed.tag_name().name(), "feed");
        let child = |node, name| atom_child(uri, node, name);
        // RFC 4287 §4.1.1: id, title, updated; an author (or one per entry); a self link.
        for name in ["id", "title", "updated", "author"] {
            child(feed, name);
        }
        let entries: Vec<_> = feed
            .children()
            .filter(|c| c.tag_name().name() == "entry")
            .collect();
        assert!(!entries.is_empty(), "{uri}");
        for entry in entries {
            for name in ["id", "title", "updated", "published", "content", "link"] {
                child(entry, name);
            }
            for name in ["updated", "published"] {
                let text = child(entry, name).text().unwrap();
                chrono::DateTime::parse_from_rfc3339(text)
                    .unwrap_or_else(|e| panic!("{text}: {e}"));
            }
            let href = child(entry, "link").attribute("href").unwrap();
            assert!(href.starts_with("http://127.0.0.1:3000/"), "{href}");
        }
    }
    let (_, _, body) = get(&app, "/shops/boulangerie-jacob/feed.atom").await;
    assert!(body.contains("Spéculoos de Saint-Nicolas"));
    let (status, _, _) = get(&app, "/shops/nope/feed.atom").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn calendars_are_valid_icalendar() {
    use icalendar::{Calendar, Component, EventLike};
    let app = app().await;
    let (status, headers, body) = get(&app, "/districts/habay-la-neuve-centre/events.ics").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type(&headers), "text/calendar; charset=utf-8");
    assert!(body.starts_with("BEGIN:VCALENDAR\r\n") && body.ends_with("END:VCALENDAR\r\n"));
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "folded at 75 octets: {line}");
    }
    let calendar: Calendar = body.parse().unwrap_or_else(|e| panic!("{e}\n{body}"));
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    assert!(!events.is_empty());
    let market = events
        .iter()
        .find(|e| e.get_summary() == Some("Marché de Noël de Habay-la-Neuve"))
        .expect("the district's event");
    assert!(market.get_start().is_some() && market.get_end().is_some());
    assert!(market.get_uid().unwrap().starts_with("post-"));
    assert_eq!(market.get_location(), Some("Centre de Habay-la-Neuve"));
    assert!(market.property_value("DTSTAMP").is_some());
    for required in ["VERSION:2.0", "PRODID:"] {
        assert!(body.contains(required), "{required}");
    }

    // One event, from its own link on the page.
    let (_, _, page) = get(&app, "/districts/habay-la-neuve-centre").await;
    let ics = page.split("href=\"/events/").nth(1).expect("an .ics link");
    let id = &ics[..ics.find('"').unwrap()];
    let (status, _, one) = get(&app, &format!("/events/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let calendar: Calendar = one.parse().unwrap();
    assert_eq!(
        calendar
            .components
            .iter()
            .filter_map(|c| c.as_event())
            .count(),
        1
    );
    let (status, _, _) = get(&app, "/events/999999.ics").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn shop_page_lists_offers_events_and_their_structured_data() {
    let app = app().await;
    let (_, _, body) = get(&app, "/shops/flor-alex").await;
    assert!(
        body.contains("Atelier couronnes de l&#39;Avent")
            || body.contains("Atelier couronnes de l'Avent")
    );
    assert!(body.contains("href=\"geo:"), "a geo: link");
    let data = json_ld(&body);
    let graph = data["@graph"].as_array().expect("a graph with the event");
    assert_eq!(graph[0]["@type"], "Florist");
    let event = graph.iter().find(|n| n["@type"] == "Event").unwrap();
    assert!(
        event["startDate"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-28T14:00:00+01:00"),
        "{event}"
    );
    assert_eq!(event["location"]["@type"], "Place");
    assert_eq!(event["organizer"]["@id"], graph[0]["@id"]);

    let (_, _, body) = get(&app, "/shops/boulangerie-jacob").await;
    let data = json_ld(&body);
    let offers = data["makesOffer"].as_array().expect("offers");
    assert_eq!(offers[0]["@type"], "Offer");
    assert!(offers[0]["validThrough"].as_str().is_some());
    assert!(body.contains("Valable jusqu’à"));
}

#[tokio::test]
async fn district_events_carry_event_structured_data() {
    let app = app().await;
    let (_, _, body) = get(&app, "/districts/habay-la-neuve-centre").await;
    let data = json_ld(&body);
    let graph = data["@graph"].as_array().expect("events");
    let market = graph
        .iter()
        .find(|n| n["name"] == "Marché de Noël de Habay-la-Neuve")
        .unwrap();
    assert_eq!(market["@type"], "Event");
    assert_eq!(market["organizer"]["@type"], "Organization");
    assert_eq!(market["location"]["name"], "Centre de Habay-la-Neuve");
    assert_eq!(market["location"]["address"]["addressLocality"], "Habay");
}

#[tokio::test]
async fn window_poster_and_qr_code() {
    let app = app().await;
    let (status, _, body) = get(&app, "/shops/boulangerie-jacob/poster").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Suivez-nous sur Quartier"));
    assert!(body.contains(r#"src="/shops/boulangerie-jacob/qr.svg""#));
    let (status, headers, svg) = get(&app, "/shops/boulangerie-jacob/qr.svg").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type(&headers), "image/svg+xml");
    assert!(svg.contains("<svg") && svg.contains("<path"));
    let (status, _, _) = get(&app, "/shops/nope/qr.svg").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The QR's target asks to follow.
    let (_, _, prompt) = get(&app, "/shops/boulangerie-jacob?follow=1").await;
    assert!(prompt.contains("Suivre Boulangerie Jacob ?"));
}

/// The titles of the posts in a page or a rendered chunk, in order.
fn post_titles(html: &str) -> Vec<String> {
    html.split("<h3")
        .skip(1)
        .filter_map(|part| {
            let text = &part[part.find('>')? + 1..part.find("</h3>")?];
            let text = text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#x27;", "'")
                .replace("&amp;", "&");
            Some(text.trim().to_owned())
        })
        .collect()
}

/// "Voir plus" on a district page: the next page comes as HTML the server rendered (escaped),
/// with the cursor of the one after; the plain link (without JavaScript) shows the same posts.
#[tokio::test]
async fn more_posts_come_rendered_page_after_page() {
    use app::server::{NewPost, PostAuthor, PostKind, ShopFilter};

    let app = app().await;
    let now: chrono::DateTime<chrono::Utc> = NOW.parse().unwrap();
    let town = app.store.first_town().await.unwrap().unwrap();
    let districts = app.store.districts(town.id).await.unwrap();
    let centre = districts
        .iter()
        .find(|d| d.slug == "habay-la-neuve-centre")
        .unwrap();
    let filter = ShopFilter {
        category: None,
        district_id: Some(centre.id),
    };
    let shop = app.store.shops(town.id, &filter).await.unwrap().remove(0);
    for n in 0..45 {
        let title = if n == 3 {
            "<img src=x onerror=alert(1)> Pain n°3".to_owned()
        } else {
            format!("Pain n°{n}")
        };
        app.store
            .insert_post(
                town.id,
                &NewPost {
                    author: PostAuthor::Shop(shop.id),
                    kind: PostKind::News,
                    title,
                    body: String::new(),
                    photo: None,
                    valid_from: None,
                    valid_until: None,
                    starts_at: None,
                    ends_at: None,
                    place: None,
                    published_at: now - chrono::TimeDelta::minutes(60 + n),
                    broadcast: Default::default(),
                },
                now,
            )
            .await
            .unwrap();
    }
    let district = "/districts/habay-la-neuve-centre";
    let cursor_of = |html: &str| {
        let link = format!("{district}?before=");
        let start = html.find(&link).expect("a link to the next page") + link.len();
        html[start..start + html[start..].find('"').unwrap()].to_owned()
    };
    let (status, _, page) = get(&app, district).await;
    assert_eq!(status, StatusCode::OK);
    let first = post_titles(&page);
    assert!(first.len() >= 20, "{first:?}");
    let mut cursor = cursor_of(&page);
    let mut seen = first.clone();
    let mut pages = 0;
    loop {
        let (status, _, body) = post_form(
            &app,
            "/api/more_posts",
            &format!("district=habay-la-neuve-centre&before={cursor}&show_author=true"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let chunk: serde_json::Value = serde_json::from_str(&body).unwrap();
        let html = chunk["html"].as_str().unwrap();
        let titles = post_titles(html);
        assert_eq!(chunk["count"].as_u64(), Some(titles.len() as u64));
        assert!(!titles.is_empty());
        assert!(
            titles.iter().all(|t| !seen.contains(t)),
            "no post twice: {titles:?}"
        );
        assert!(html.starts_with("<ul ") && html.contains("class=\"post-list\""));
        assert!(!html.contains("<img src=x"), "titles are escaped: {html}");
        // The plain link of the page shows the same posts.
        let (status, _, plain) = get(&app, &format!("{district}?before={cursor}")).await;
        assert_eq!(status, StatusCode::OK);
        let plain_titles = post_titles(&plain);
        assert_eq!(&plain_titles[..titles.len()], &titles[..]);
        seen.extend(titles);
        pages += 1;
        match chunk["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert!(pages >= 2, "{pages}");
    assert!(seen
        .iter()
        .any(|t| t.contains("<img src=x onerror=alert(1)> Pain n°3")));
    assert!(seen.iter().any(|t| t == "Pain n°44"), "{seen:?}");

    // A made-up cursor or district: clear refusals.
    let (status, _, _) = post_form(
        &app,
        "/api/more_posts",
        "district=habay-la-neuve-centre&before=nonsense&show_author=true",
    )
    .await;
    assert!(status.is_client_error(), "{status}");
    let (status, _, _) = post_form(
        &app,
        "/api/more_posts",
        &format!("district=nowhere&before={cursor}&show_author=true"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Search as you type and "near me" get their results rendered by the server, escaped, in the
/// visitor's language.
#[tokio::test]
async fn live_results_come_rendered() {
    let app = app().await;
    let (status, _, body) = post_form(&app, "/api/search_results", "q=boul").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let found: serde_json::Value = serde_json::from_str(&body).unwrap();
    let html = found["html"].as_str().unwrap();
    let cards = html.matches("class=\"shop-card\"").count();
    assert!(cards >= 2, "{html}");
    assert_eq!(found["count"].as_u64(), Some(cards as u64));
    assert!(html.contains("Boulangerie Jacob"));
    assert!(
        html.contains("role=\"status\""),
        "the count is announced: {html}"
    );
    // The same search as the page's.
    let (_, _, page) = get(&app, "/search?q=boul").await;
    assert_eq!(page.matches("class=\"shop-card\"").count(), cards);

    let (status, _, body) = post_form(&app, "/api/search_results", "q=%3Cscript%3E").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("<script>"), "{body}");

    // Near Boulangerie Rigaux, Habay-la-Neuve, in thousandths of a degree.
    let (status, _, body) = post_form(
        &app,
        "/api/nearby_results",
        "lat_milli=49725&lon_milli=5647",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let near: serde_json::Value = serde_json::from_str(&body).unwrap();
    let html = near["html"].as_str().unwrap();
    let cards = html.matches("class=\"shop-card\"").count();
    assert!(cards >= 10, "{html}");
    assert_eq!(near["count"].as_u64(), Some(cards as u64));
    assert!(
        html.contains("à ") && html.contains(" m"),
        "distances are shown: {html}"
    );
    let (status, _, _) = post_form(
        &app,
        "/api/nearby_results",
        "lat_milli=123000&lon_milli=5647",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, body) =
        post_form(&app, "/api/nearby_results", "lat_milli=abc&lon_milli=5647").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("Le formulaire reçu est illisible"), "{body}");
}
