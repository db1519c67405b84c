//! Importing the real Habay extracts: counts, idempotence, skipped reasons — on both databases.

use crate::common;

use app::server::store::prelude::*;
use app::server::{NewTown, ShopFilter, Store, Town};
use server::cli::import_osm::{import_geojson, ImportError};

async fn town(store: &dyn Store) -> Town {
    store
        .upsert_town(&NewTown {
            slug: "habay".into(),
            name: "Habay".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap()
}

async fn habay_2020_story(store: &dyn Store) {
    let town = town(store).await;
    let report = import_geojson(store, &town, common::HABAY_2020)
        .await
        .unwrap();
    // 122 features: 31 polygons also come as overpass "center" points (merged), so 91 objects.
    assert_eq!(report.merged_duplicates, 31);
    let skipped_total = report.skipped.len();
    assert_eq!(report.inserted + skipped_total, 91, "{}", report.summary());
    assert_eq!((report.updated, report.unchanged), (0, 0));
    // Schools, town halls, libraries… are not shops; features without a name are skipped.
    let reasons: Vec<&str> = report.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert!(
        reasons.contains(&"not a shop (amenity=school)"),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&"not a shop (amenity=townhall)"),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.starts_with("no name (")),
        "{reasons:?}"
    );
    assert!(report.skipped.iter().all(|s| s.osm_id.is_some()));
    let shops = store.shops(town.id, &ShopFilter::default()).await.unwrap();
    assert_eq!(shops.len(), report.inserted);
    let delhaize = shops
        .iter()
        .find(|s| s.osm_id.as_deref() == Some("way/138965317"))
        .expect("AD Delhaize");
    assert_eq!(delhaize.slug, "ad-delhaize");
    assert_eq!(delhaize.fields.category, "supermarket");
    assert_eq!(
        delhaize.fields.opening_hours.as_deref(),
        Some("Mo-Sa 08:00-19:30")
    );
    assert_eq!(
        delhaize.fields.street.as_deref(),
        Some("Rue de la Courtière")
    );
    // Polygon: the centroid of the building, inside its bounding box.
    assert!(
        (49.72654..49.72720).contains(&delhaize.fields.lat),
        "{}",
        delhaize.fields.lat
    );
    assert!(
        (5.64667..5.64764).contains(&delhaize.fields.lon),
        "{}",
        delhaize.fields.lon
    );
    let restaurant_hotel = shops
        .iter()
        .filter(|s| s.fields.source_tag.as_deref() == Some("amenity=restaurant"))
        .count();
    assert!(restaurant_hotel >= 5);
    assert!(
        shops.iter().any(|s| s.fields.category == "lodging"),
        "tourism=hotel is listed as lodging"
    );
    assert!(shops.iter().all(|s| app::domain::slugs::is_valid(&s.slug)));
    let mut slugs: Vec<_> = shops.iter().map(|s| s.slug.clone()).collect();
    slugs.sort();
    slugs.dedup();
    assert_eq!(slugs.len(), shops.len(), "slugs are unique");

    // Re-importing changes nothing and duplicates nothing.
    let again = import_geojson(store, &town, common::HABAY_2020)
        .await
        .unwrap();
    assert_eq!(
        (again.inserted, again.updated, again.unchanged),
        (0, 0, report.inserted),
        "{}",
        again.summary()
    );
    assert_eq!(
        store
            .shops(town.id, &ShopFilter::default())
            .await
            .unwrap()
            .len(),
        shops.len()
    );
}

async fn habay_2016_then_2020_story(store: &dyn Store) {
    let town = town(store).await;
    let old = import_geojson(store, &town, common::HABAY_2016)
        .await
        .unwrap();
    assert_eq!(old.merged_duplicates, 0);
    assert_eq!(old.inserted + old.skipped.len(), 36, "{}", old.summary());
    assert!(
        old.skipped.iter().all(|s| s.reason.starts_with("no name")),
        "{}",
        old.summary()
    );
    assert!(!old.skipped.is_empty());
    // shop=mazout and shop=bathroom_furnishing: imported; mazout under "other" with a warning.
    assert!(
        old.warnings
            .iter()
            .any(|w| w.message.contains("unknown tag shop=mazout")),
        "{}",
        old.summary()
    );
    let mazout = store
        .shop_by_slug(town.id, "mazout-goffinet")
        .await
        .unwrap()
        .expect("Mazout Goffinet");
    assert_eq!(mazout.fields.category, "other");

    // The 2020 export updates the shops both files know (matched by OSM id) and adds the rest.
    let new = import_geojson(store, &town, common::HABAY_2020)
        .await
        .unwrap();
    assert!(new.updated > 0, "{}", new.summary());
    let shops = store.shops(town.id, &ShopFilter::default()).await.unwrap();
    assert_eq!(shops.len(), old.inserted + new.inserted);
    let delhaize = store
        .shop_by_slug(town.id, "ad-delhaize")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        delhaize.fields.opening_hours.as_deref(),
        Some("Mo-Sa 08:00-19:30"),
        "2020 data wins"
    );
}

#[tokio::test]
async fn import_habay_2020_on_sqlite() {
    let (store, _dir) = common::sqlite_store().await;
    habay_2020_story(&store).await;
}

#[tokio::test]
async fn import_habay_2020_on_postgres() {
    let db = common::postgres_store().await;
    habay_2020_story(&db.store).await;
}

#[tokio::test]
async fn import_habay_2016_then_2020_on_sqlite() {
    let (store, _dir) = common::sqlite_store().await;
    habay_2016_then_2020_story(&store).await;
}

#[tokio::test]
async fn import_habay_2016_then_2020_on_postgres() {
    let db = common::postgres_store().await;
    habay_2016_then_2020_story(&db.store).await;
}

#[tokio::test]
async fn broken_files_get_clear_errors_and_bad_features_are_skipped() {
    let (store, _dir) = common::sqlite_store().await;
    let town = town(&store).await;
    assert!(matches!(
        import_geojson(&store, &town, "{ not json").await,
        Err(ImportError::NotJson(_))
    ));
    assert!(matches!(
        import_geojson(&store, &town, r#"{"type":"Feature","properties":{}}"#).await,
        Err(ImportError::NotFeatureCollection)
    ));
    let messy = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"@id":"node/1","shop":"bakery","name":"Sans géométrie"}},
        {"type":"Feature","properties":{"@id":"node/2","shop":"bakery","name":"Hors du monde"},"geometry":{"type":"Point","coordinates":[5.6,123.0]}},
        {"type":"Feature","properties":{"shop":"bakery","name":"Sans identifiant"},"geometry":{"type":"Point","coordinates":[5.6,49.7]}},
        {"type":"Feature","properties":{"@id":"node/4","shop":"bakery","name":"Bonne adresse","website":"javascript:alert(1)","email":"pas une adresse","opening_hours":"tous les jours"},"geometry":{"type":"Point","coordinates":[5.6,49.7]}},
        {"type":"Feature","properties":{"@id":"node/5","shop":"bakery","name":"Géométrie cassée"},"geometry":{"type":"Point","coordinates":"oops"}},
        {"type":"Feature","properties":{"@id":"node/6","amenity":"bench"},"geometry":{"type":"Point","coordinates":[5.6,49.7]}},
        "not even an object"
    ]}"#;
    let report = import_geojson(&store, &town, messy).await.unwrap();
    assert_eq!(report.inserted, 1, "{}", report.summary());
    let reasons: Vec<_> = report.skipped.iter().map(|s| s.reason.clone()).collect();
    assert_eq!(reasons.len(), 6, "{reasons:?}");
    assert!(reasons.iter().any(|r| r == "no geometry"), "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("coordinates out of range")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.starts_with("no OSM id")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.starts_with("unreadable geometry")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r == "not a shop (amenity=bench)"),
        "{reasons:?}"
    );
    let shop = store
        .shop_by_slug(town.id, "bonne-adresse")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shop.fields.website, None);
    assert_eq!(shop.fields.email, None);
    assert_eq!(shop.fields.opening_hours.as_deref(), Some("tous les jours"));
    let messages: Vec<_> = report.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(report.summary().contains("skipped: 6"));
}

#[tokio::test]
async fn demo_is_idempotent_and_assigns_districts() {
    let (store, _dir) = common::sqlite_store().await;
    let first = server::cli::demo::load_demo(&store, "Europe/Brussels", chrono::Utc::now())
        .await
        .unwrap();
    let second = server::cli::demo::load_demo(&store, "Europe/Brussels", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(first.town.id, second.town.id);
    assert_eq!(second.import.inserted, 0);
    let districts = store.districts(first.town.id).await.unwrap();
    assert_eq!(
        districts
            .iter()
            .map(|d| d.slug.as_str())
            .collect::<Vec<_>>(),
        ["habay-la-neuve-centre", "marbehan"]
    );
    let in_district = |slug: &str| {
        let id = districts.iter().find(|d| d.slug == slug).unwrap().id;
        let store = &store;
        let town_id = first.town.id;
        async move {
            store
                .shops(
                    town_id,
                    &ShopFilter {
                        category: None,
                        district_id: Some(id),
                    },
                )
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.fields.name)
                .collect::<Vec<_>>()
        }
    };
    let centre = in_district("habay-la-neuve-centre").await;
    let marbehan = in_district("marbehan").await;
    assert!(
        centre.contains(&"Boulangerie Rigaux".to_owned()),
        "{centre:?}"
    );
    assert!(centre.contains(&"AD Delhaize".to_owned()), "{centre:?}");
    assert!(
        marbehan.contains(&"Boulangerie Jacob".to_owned()),
        "{marbehan:?}"
    );
    assert!(marbehan.contains(&"Spar".to_owned()), "{marbehan:?}");
    assert!(!centre.iter().any(|n| marbehan.contains(n)));
    assert!(
        centre.len() >= 20 && marbehan.len() >= 6,
        "{} / {}",
        centre.len(),
        marbehan.len()
    );
}
