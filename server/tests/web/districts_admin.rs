//! The town's districts (`/manage/districts`): an administrator creates one from a GeoJSON
//! outline, sees which shops it takes before saving, saves it (the shops move), places a shop two
//! outlines share, renames, removes a steward and deletes it; bad outlines are explained and kept
//! to be corrected; nobody else may do any of it.

use app::server::store::prelude::*;
use axum::http::{header, StatusCode};

use crate::common;
use app::server::auth::secret_hash;
use common::web::*;

/// A rectangle around Marbehan's shops (the demo's Marbehan district is inside it).
const AROUND_MARBEHAN: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Gare"},"geometry":{"type":"Polygon","coordinates":[[[5.52,49.71],[5.55,49.71],[5.55,49.735],[5.52,49.735],[5.52,49.71]]]}}]}"#;
/// Crosses itself.
const BOWTIE: &str = r#"{"type":"Polygon","coordinates":[[[5.52,49.71],[5.55,49.735],[5.55,49.71],[5.52,49.735],[5.52,49.71]]]}"#;

async fn location(app: &TestApp, uri: &str, body: &str, cookie: &str) -> String {
    let (status, headers, _) = post_plain_form(app, uri, body, Some(cookie)).await;
    assert!(status.is_redirection(), "{uri}: {status}");
    headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

/// The data of the outline editor's map in a page (JSON inside a `<script>` element).
fn editor_map(page: &str) -> serde_json::Value {
    let start = page
        .find(r#"id="outline-map-data">"#)
        .expect("the editor's data")
        + r#"id="outline-map-data">"#.len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

#[tokio::test]
async fn an_admin_draws_a_district_from_geojson() {
    let app = app().await;
    let (town, bakery) = town_and_shop(&app, "boulangerie-jacob").await;
    let now = NOW.parse().unwrap();
    app.store
        .grant_admin(town.id, "mairie@habay.test", now)
        .await
        .unwrap();
    let admin = sign_in(&app, "mairie@habay.test").await;
    let marbehan = app
        .store
        .district_by_slug(town.id, "marbehan")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bakery.district_id, Some(marbehan.id));
    let (steward, _) = steward_session(&app, marbehan.id, "asbl@marbehan.test").await;

    // Nobody but an administrator.
    for uri in ["/manage/districts", "/manage/districts/marbehan"] {
        let (status, _, _) = get_with_cookie(&app, uri, &steward).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}");
        let (status, _, _) = get(&app, uri).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
    }
    let (status, _, _) = call(
        &app,
        "/api/districts/create",
        &format!("name=Gare&outline={}", enc(AROUND_MARBEHAN)),
        Some(&steward),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The list: each district with its shops and stewards, the shops outside any.
    let (status, _, page) = get_with_cookie(&app, "/manage/districts", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let page = shown(&page);
    assert!(page.contains("Marbehan"));
    assert!(page.contains("asbl@marbehan.test"));
    assert!(page.contains("Commerces hors de tout quartier"));

    // Created from a FeatureCollection: the preview first, nothing moved yet.
    let to = location(
        &app,
        "/api/districts/create",
        &format!(
            "name={}&outline={}",
            enc("Gare de Marbehan"),
            enc(AROUND_MARBEHAN)
        ),
        &admin,
    )
    .await;
    assert_eq!(
        to,
        "/manage/districts/gare-de-marbehan?done=created#outline"
    );
    let (_, _, page) = get_with_cookie(&app, &to, &admin).await;
    let page = shown(&page);
    assert!(page.contains("Aperçu avant enregistrement"), "{page}");
    assert!(
        page.contains("Dans deux quartiers à la fois"),
        "Marbehan's shops are in both"
    );
    assert!(page.contains("Boulangerie Jacob"));
    let gare = app
        .store
        .district_by_slug(town.id, "gare-de-marbehan")
        .await
        .unwrap()
        .unwrap();
    let in_gare = |app: &TestApp| {
        let store = app.store.clone();
        async move {
            store
                .shops(
                    town.id,
                    &app::server::ShopFilter {
                        category: None,
                        district_id: Some(gare.id),
                    },
                )
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(in_gare(&app).await, 0, "nothing moves before saving");

    // Saved: the shops outside any district that it holds join it; Marbehan's stay there.
    let outside_before = app
        .store
        .shops(town.id, &Default::default())
        .await
        .unwrap()
        .iter()
        .filter(|s| {
            s.district_id.is_none()
                && (5.52..5.55).contains(&s.fields.lon)
                && (49.71..49.735).contains(&s.fields.lat)
        })
        .count();
    // Only the outline previewed is saved.
    let (status, _, answer) = call(
        &app,
        "/api/districts/outline/save",
        &format!(
            "slug=gare-de-marbehan&draft={}",
            secret_hash("another outline")
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(answer.contains("a changé depuis votre aperçu"), "{answer}");
    assert_eq!(in_gare(&app).await, 0);
    let to = location(
        &app,
        "/api/districts/outline/save",
        &format!(
            "slug=gare-de-marbehan&draft={}",
            secret_hash(AROUND_MARBEHAN)
        ),
        &admin,
    )
    .await;
    assert_eq!(to, "/manage/districts/gare-de-marbehan?done=saved");
    assert_eq!(in_gare(&app).await, outside_before);
    // The map of the outline editor: every shop of the town, this district's marked, and the
    // other districts' outlines (not this one's: it is in the text field).
    let (_, _, page) = get_with_cookie(&app, &to, &admin).await;
    let map = editor_map(&page);
    let shops = map["shops"].as_array().unwrap();
    assert_eq!(
        shops.len(),
        app.store
            .shops(town.id, &Default::default())
            .await
            .unwrap()
            .len()
    );
    assert_eq!(
        shops.iter().filter(|s| s["here"] == true).count(),
        outside_before
    );
    // The town's two other districts, as GeoJSON geometries.
    let others = map["others"].as_array().unwrap();
    assert_eq!(others.len(), 2, "{others:?}");
    for other in others {
        let shape = app::domain::districts::parse_boundary(other.as_str().unwrap());
        assert!(shape.is_ok(), "{other}");
    }
    assert_eq!(map["field"], "outline-text");
    let bakery_now = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        bakery_now.district_id,
        Some(marbehan.id),
        "it stays where it was"
    );

    // A shop both outlines hold: placed in the new one by the admin, and it stays there.
    let (_, _, page) = get_with_cookie(&app, &to, &admin).await;
    assert!(shown(&page).contains("Placer dans Gare de Marbehan"));
    assert!(page.contains(r#"name="from" value="gare-de-marbehan""#));
    // From Marbehan's page (the button is on both districts' pages): back there.
    let to = location(
        &app,
        "/api/districts/place",
        "slug=gare-de-marbehan&shop=boulangerie-jacob&from=marbehan",
        &admin,
    )
    .await;
    assert_eq!(to, "/manage/districts/marbehan?done=placed");
    let bakery_now = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bakery_now.district_id, Some(gare.id));
    app::server::districts::assign_shops(&app.store, &town)
        .await
        .unwrap();
    let bakery_now = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        bakery_now.district_id,
        Some(gare.id),
        "a recomputation keeps the choice"
    );
    // Not into a district whose outline does not hold it.
    let (status, _, answer) = call(
        &app,
        "/api/districts/place",
        "slug=habay-la-neuve-centre&shop=boulangerie-jacob",
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");

    // A bad outline: explained, kept to be corrected, never saved.
    let to = location(
        &app,
        "/api/districts/outline",
        &format!("slug=gare-de-marbehan&outline={}", enc(BOWTIE)),
        &admin,
    )
    .await;
    let (_, _, page) = get_with_cookie(&app, &to, &admin).await;
    let page = shown(&page);
    assert!(page.contains("Le contour se croise lui-même"), "{page}");
    assert!(page.contains("[5.52,49.735]"), "the text is kept");
    let (status, _, answer) = call(
        &app,
        "/api/districts/outline/save",
        &format!("slug=gare-de-marbehan&draft={}", secret_hash(BOWTIE)),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(answer.contains("Le contour se croise lui-même"), "{answer}");
    let to = location(
        &app,
        "/api/districts/outline/discard",
        "slug=gare-de-marbehan",
        &admin,
    )
    .await;
    assert_eq!(to, "/manage/districts/gare-de-marbehan?done=discarded");
    for (outline, message) in [
        (
            r#"{"type":"Point","coordinates":[5.6,49.7]}"#,
            "pas de polygone",
        ),
        ("pas du json", "pas du GeoJSON valide"),
        (
            r#"{"type":"Polygon","coordinates":[[[49.7,5.5],[49.7,95.0],[49.8,5.6],[49.7,5.5]]]}"#,
            "longitude puis la latitude",
        ),
    ] {
        call(
            &app,
            "/api/districts/outline",
            &format!("slug=gare-de-marbehan&outline={}", enc(outline)),
            Some(&admin),
        )
        .await;
        let (_, _, page) =
            get_with_cookie(&app, "/manage/districts/gare-de-marbehan", &admin).await;
        assert!(shown(&page).contains(message), "{message}");
    }
    let (status, _, _) = call(
        &app,
        "/api/districts/create",
        "name=X&outline=",
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a name too short");
    let (status, _, answer) = call(
        &app,
        "/api/districts/create",
        &format!(
            "name={}&outline={}",
            enc("Gare de Marbehan"),
            enc(AROUND_MARBEHAN)
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the same name: numbered, like shops"
    );
    assert_eq!(answer, "\"gare-de-marbehan-2\"");
    // A malformed position is refused in words, and the page still opens.
    call(
        &app,
        "/api/districts/outline",
        &format!(
            "slug=gare-de-marbehan-2&outline={}",
            enc(r#"{"type":"Polygon","coordinates":[[[5]]]}"#)
        ),
        Some(&admin),
    )
    .await;
    let (status, _, page) =
        get_with_cookie(&app, "/manage/districts/gare-de-marbehan-2", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(shown(&page).contains("pas du GeoJSON valide"));
    // An outline of nearly 1 MB is taken (form-encoded, about three times as many bytes).
    let mut ring: Vec<String> = (0..9_000)
        .map(|i| {
            let a = f64::from(i) / 9_000.0 * std::f64::consts::TAU;
            format!(
                "[{:.12},{:.12}]",
                5.6 + 0.01 * a.cos(),
                49.72 + 0.01 * a.sin()
            )
        })
        .collect();
    ring.push(ring[0].clone());
    let big = format!(
        r#"{{"type":"Polygon","coordinates":[[{}]]}}"#,
        ring.join(",")
    );
    assert!(
        big.len() > 256 * 1024,
        "over the other forms' limit: {}",
        big.len()
    );
    let (status, _, answer) = call(
        &app,
        "/api/districts/outline",
        &format!("slug=gare-de-marbehan-2&outline={}", enc(&big)),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    // Renamed; Marbehan's steward removed.
    location(
        &app,
        "/api/districts/rename",
        &format!("slug=gare-de-marbehan&name={}", enc("Quartier de la gare")),
        &admin,
    )
    .await;
    assert_eq!(
        app.store
            .district_by_slug(town.id, "gare-de-marbehan")
            .await
            .unwrap()
            .unwrap()
            .name,
        "Quartier de la gare"
    );
    let steward_user = app
        .store
        .user_by_email("asbl@marbehan.test")
        .await
        .unwrap()
        .unwrap();
    let to = location(
        &app,
        "/api/districts/stewards/remove",
        &format!("slug=marbehan&user_id={}", steward_user.id),
        &admin,
    )
    .await;
    assert_eq!(to, "/manage/districts/marbehan?done=steward_removed");
    let (status, _, _) = get_with_cookie(&app, "/districts/marbehan/counter", &steward).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no longer its steward");

    // Deleted: its shops are outside any district.
    let to = location(
        &app,
        "/api/districts/delete",
        "slug=gare-de-marbehan",
        &admin,
    )
    .await;
    assert_eq!(to, "/manage/districts?done=deleted");
    assert!(app
        .store
        .district_by_slug(town.id, "gare-de-marbehan")
        .await
        .unwrap()
        .is_none());
    let bakery_now = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        bakery_now.district_id,
        Some(marbehan.id),
        "back in the other outline holding it"
    );
    let (_, _, page) = get_with_cookie(&app, "/manage/districts?done=deleted", &admin).await;
    assert!(shown(&page).contains("Quartier supprimé"));
}
