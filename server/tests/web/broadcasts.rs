//! District broadcasts: a district's stewards publish as the district from its counter, choose
//! whom it reaches and which shops co-organise it; the district's and the co-organisers' pages,
//! Atom feeds and calendar show it; nobody else may post there.

use app::server::store::prelude::*;
use app::server::{PostAuthor, ShopFilter};
use axum::http::{header, StatusCode};

use crate::common;
use common::web::*;

#[tokio::test]
async fn stewards_broadcast_as_their_district() {
    let app = app().await;
    let (town, bakery) = town_and_shop(&app, "boulangerie-jacob").await;
    let districts = app.store.districts(town.id).await.unwrap();
    let theirs = districts
        .iter()
        .find(|d| Some(d.id) == bakery.district_id)
        .unwrap();
    let other = districts.iter().find(|d| d.id != theirs.id).unwrap();
    let outsider = app
        .store
        .shops(
            town.id,
            &ShopFilter {
                category: None,
                district_id: Some(other.id),
            },
        )
        .await
        .unwrap()
        .remove(0);
    let (steward, steward_user) = steward_session(&app, theirs.id, "asbl@habay.test").await;
    let (other_steward, _) = steward_session(&app, other.id, "autre@habay.test").await;
    let merchant = owner_session(&app, "boulangerie-jacob", "marie@habay.test").await;
    let counter = format!("/districts/{}/counter", theirs.slug);

    // The counter: the composer's audience, the district's shops to choose from.
    let (status, _, page) = get_with_cookie(&app, &format!("{counter}?new=event"), &steward).await;
    assert_eq!(status, StatusCode::OK);
    let shown_page = shown(&page);
    assert!(shown_page.contains("Comptoir du quartier"), "{shown_page}");
    assert!(shown_page.contains("Qui prévenir ?"));
    assert!(has_tag(
        &page,
        "input",
        &[("name", "district"), ("value", &theirs.slug)]
    ));
    assert!(has_tag(
        &page,
        "input",
        &[("name", "co_organisers"), ("value", &bakery.id.to_string())]
    ));
    assert!(!has_tag(
        &page,
        "input",
        &[
            ("name", "co_organisers"),
            ("value", &outsider.id.to_string())
        ]
    ));
    for cookie in [&other_steward, &merchant] {
        let (status, _, _) = get_with_cookie(&app, &counter, cookie).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, _, _) = get(&app, &counter).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Published from the phone (the counter's multipart form): a co-organised event.
    let bakery_id = bakery.id.to_string();
    let event = [
        ("district", theirs.slug.as_str()),
        ("kind", "event"),
        ("title", "Nocturne des commerçants"),
        ("body", "Vin chaud, vitrines éclairées, tombola."),
        ("starts_at", "2026-12-11T18:00"),
        ("ends_at", "2026-12-11T22:00"),
        ("place", "Place du Marché"),
        ("notify_shop_followers", "on"),
        ("co_organisers", bakery_id.as_str()),
        ("idempotency_key", "nocturne-1"),
    ];
    let (status, _, answer) = call_multipart(
        &app,
        "/api/counter/publish",
        &event,
        None,
        Some(&steward),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let id: i64 = answer.parse().unwrap();
    let post = app.store.post_by_id(town.id, id).await.unwrap().unwrap();
    assert_eq!(post.content.author, PostAuthor::District(theirs.id));
    assert_eq!(post.content.broadcast.co_organisers, vec![bakery.id]);
    assert!(post.content.broadcast.notify_shop_followers);
    assert_eq!(post.author_user_id, Some(steward_user.id));
    assert!(!post.by_steward, "the district's own post, not a shop's");
    // Sent twice (a retry from the offline queue): published once.
    let (_, _, again) = call_multipart(
        &app,
        "/api/counter/publish",
        &event,
        None,
        Some(&steward),
        false,
    )
    .await;
    assert_eq!(again, answer);

    // Edited from a form without the co-organisers (`/api/counter/save`): they stay.
    let (status, _, answer) = call(
        &app,
        "/api/counter/save",
        &format!(
            "district={}&post_id={id}&kind=event&title={}&starts_at=2026-12-11T18%3A30&notify_shop_followers=on",
            theirs.slug,
            enc("Nocturne des commerçants")
        ),
        Some(&steward),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let post = app.store.post_by_id(town.id, id).await.unwrap().unwrap();
    assert_eq!(post.content.broadcast.co_organisers, vec![bakery.id]);
    // Another counter's key is not this form's post.
    let (status, _, answer) = call_multipart(
        &app,
        "/api/counter/publish",
        &[
            ("slug", "boulangerie-jacob"),
            ("kind", "news"),
            ("title", "Pain"),
            ("idempotency_key", "nocturne-1"),
        ],
        None,
        Some(&merchant),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");

    // Listed on its counter, with whom it reaches.
    let (_, _, page) = get_with_cookie(&app, &counter, &steward).await;
    assert!(shown(&page).contains("Nocturne des commerçants"));

    // The district's page, the co-organiser's page (with whose event it is), their feeds.
    let (_, _, district_page) = get(&app, &format!("/districts/{}", theirs.slug)).await;
    assert!(district_page.contains("Nocturne des commerçants"));
    let (_, _, shop_page) = get(&app, "/shops/boulangerie-jacob").await;
    // Its structured data: the event, organised by the district and the bakery.
    let data = json_ld(&shop_page);
    let node = data["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["name"] == "Nocturne des commerçants")
        .expect("the co-organised event in the shop's JSON-LD")
        .clone();
    assert_eq!(node["@type"], "Event");
    assert_eq!(node["organizer"][0]["@type"], "Organization");
    assert_eq!(node["organizer"][0]["name"], theirs.name.as_str());
    assert!(node["organizer"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/districts/{}", theirs.slug)));
    assert!(node["organizer"][0]["url"]
        .as_str()
        .unwrap()
        .starts_with("http"));
    assert!(node["organizer"][1]["@id"]
        .as_str()
        .unwrap()
        .ends_with("#business"));
    let shop_page = shown(&shop_page);
    assert!(
        shop_page.contains("Nocturne des commerçants"),
        "on the co-organiser's page"
    );
    let district_href = format!("/districts/{}", theirs.slug);
    assert!(
        has_tag(
            &shop_page,
            "a",
            &[("class", "post-author"), ("href", &district_href)]
        ),
        "whose event it is"
    );
    assert!(shop_page.contains("Avec :"));
    let (_, _, outsider_page) = get(&app, &format!("/shops/{}", outsider.slug)).await;
    assert!(!outsider_page.contains("Nocturne des commerçants"));
    let (status, _, ics) = get(&app, &format!("/districts/{}/events.ics", theirs.slug)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ics.contains("SUMMARY:Nocturne des commerçants"), "{ics}");
    let (_, _, atom) = get(&app, "/shops/boulangerie-jacob/feed.atom").await;
    assert!(
        atom.contains("<title>Nocturne des commerçants</title>"),
        "{atom}"
    );

    // A co-organiser outside the district: refused, translated, nothing published.
    let outsider_id = outsider.id.to_string();
    let mut wrong = event;
    wrong[8] = ("co_organisers", outsider_id.as_str());
    wrong[9] = ("idempotency_key", "nocturne-2");
    let (status, _, answer) = call_multipart(
        &app,
        "/api/counter/publish",
        &wrong,
        None,
        Some(&steward),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(
        answer.contains("pas (ou plus) dans le quartier"),
        "{answer}"
    );
    // Without JavaScript: back to the district's counter with everything typed.
    let (status, headers, _) = call_multipart(
        &app,
        "/api/counter/publish",
        &wrong,
        None,
        Some(&steward),
        true,
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    let location = headers.get(header::LOCATION).unwrap().to_str().unwrap();
    assert!(
        location.starts_with(&format!("{counter}?error=")),
        "{location}"
    );
    assert!(
        location.contains(&format!("co_organisers={outsider_id}")),
        "{location}"
    );
    assert!(location.contains("notify_shop_followers=on"), "{location}");
    assert!(location.ends_with("#composer"), "{location}");
    let (_, _, page) = get_with_cookie(&app, location, &steward).await;
    let page = shown(&page);
    assert!(
        page.contains("Vin chaud, vitrines éclairées, tombola."),
        "what was typed is kept"
    );
    assert!(
        location.contains("error=invalid-co_organisers"),
        "{location}"
    );

    // Another district's steward, or the bakery's merchant: not theirs to post as.
    for cookie in [&other_steward, &merchant] {
        let mut attempt = event;
        attempt[9] = ("idempotency_key", "intrus");
        let (status, _, _) = call_multipart(
            &app,
            "/api/counter/publish",
            &attempt,
            None,
            Some(cookie),
            false,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = call(
            &app,
            "/api/counter/delete",
            &format!("district={}&post_id={id}", theirs.slug),
            Some(cookie),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    // A shop's post is not the district's to edit or delete from its counter.
    let shop_post = app
        .store
        .shop_posts(town.id, bakery.id, 1)
        .await
        .unwrap()
        .remove(0);
    let (status, _, _) = call(
        &app,
        "/api/counter/delete",
        &format!("district={}&post_id={}", theirs.slug, shop_post.id),
        Some(&steward),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(app
        .store
        .post_by_id(town.id, shop_post.id)
        .await
        .unwrap()
        .is_some());

    // Deleted from a plain form: back to the district's counter.
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/counter/delete",
        &format!("district={}&post_id={id}", theirs.slug),
        Some(&steward),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        &format!("{counter}?deleted=1")
    );
    assert!(app.store.post_by_id(town.id, id).await.unwrap().is_none());
}
