//! The storage contract for shop profiles edited by merchants, and how an OpenStreetMap
//! re-import treats them, on a temporary SQLite file and on a fresh PostgreSQL database.

mod common;

use app::server::{NewTown, ShopFields, ShopFilter, ShopProfile, Store, UpsertOutcome};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

fn imported() -> ShopFields {
    ShopFields {
        name: "Boulangerie Jacob".into(),
        category: "bakery".into(),
        source_tag: Some("shop=bakery".into()),
        street: Some("Rue de la Gare".into()),
        housenumber: Some("12".into()),
        postcode: Some("6720".into()),
        city: Some("Habay".into()),
        lat: 49.72,
        lon: 5.64,
        phone: Some("+32 63 42 22 33".into()),
        website: None,
        email: None,
        opening_hours: Some("Tu-Sa 07:00-18:00".into()),
        description: None,
    }
}

async fn contract(store: &dyn Store) {
    let town = store
        .upsert_town(&NewTown {
            slug: "habay".into(),
            name: "Habay".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap();
    let other = store
        .upsert_town(&NewTown {
            slug: "arlon".into(),
            name: "Arlon".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap();
    let (shop, _) = store
        .upsert_osm_shop(
            town.id,
            "node/1",
            &imported(),
            &mut vec!["boulangerie-jacob".to_owned()].into_iter(),
        )
        .await
        .unwrap();
    assert!(shop.photos.is_empty());
    assert!(shop.merchant_fields.is_empty());

    // The merchant changes the hours, the description and adds two photos; the phone stays.
    let profile = ShopProfile {
        category: "bakery".into(),
        description: Some("Pain au levain cuit au feu de bois".into()),
        phone: Some("+32 63 42 22 33".into()),
        website: Some("https://boulangerie-jacob.be".into()),
        email: None,
        opening_hours: Some("Tu-Sa 07:00-12:30,14:00-18:00; PH off".into()),
        photos: vec!["aaaa.jpg".into(), "bbbb.jpg".into()],
    };
    let later = now() + TimeDelta::hours(1);
    let saved = store
        .update_shop_profile(town.id, shop.id, &profile, later)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        saved.merchant_fields,
        vec!["description", "website", "opening_hours"]
    );
    assert_eq!(saved.photos, vec!["aaaa.jpg", "bbbb.jpg"]);
    assert_eq!(saved.fields.source_tag.as_deref(), Some("shop=bakery"));
    assert_eq!(saved.updated_at, later);
    let read = store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, saved);

    // Search knows the new description at once.
    let found = store
        .search_shops(
            town.id,
            &["levain".to_owned()],
            &ShopFilter::default(),
            later,
            10,
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "the description is searchable");

    // A re-import with new OSM values: the merchant's fields stay, the others follow OSM.
    let mut osm = imported();
    osm.opening_hours = Some("Mo-Sa 08:00-18:00".into());
    osm.phone = Some("+32 63 00 00 00".into());
    osm.description = Some("Boulangerie".into());
    let (reimported, outcome) = store
        .upsert_osm_shop(town.id, "node/1", &osm, &mut std::iter::empty())
        .await
        .unwrap();
    assert_eq!(outcome, UpsertOutcome::Updated);
    assert_eq!(
        reimported.fields.opening_hours.as_deref(),
        Some("Tu-Sa 07:00-12:30,14:00-18:00; PH off")
    );
    assert_eq!(
        reimported.fields.description.as_deref(),
        Some("Pain au levain cuit au feu de bois")
    );
    assert_eq!(
        reimported.fields.phone.as_deref(),
        Some("+32 63 00 00 00"),
        "a field the merchant never changed follows OpenStreetMap"
    );
    assert_eq!(reimported.photos, vec!["aaaa.jpg", "bbbb.jpg"]);
    // The same import again changes nothing.
    let (_, outcome) = store
        .upsert_osm_shop(town.id, "node/1", &osm, &mut std::iter::empty())
        .await
        .unwrap();
    assert_eq!(outcome, UpsertOutcome::Unchanged);

    // A new category: OSM's tag no longer explains it, and a re-import keeps the merchant's.
    let profile = ShopProfile {
        category: "sweets".into(),
        photos: vec!["bbbb.jpg".into()],
        ..profile
    };
    let saved = store
        .update_shop_profile(town.id, shop.id, &profile, later)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.fields.category, "sweets");
    assert_eq!(saved.fields.source_tag, None);
    assert_eq!(saved.photos, vec!["bbbb.jpg"]);
    assert_eq!(
        saved.merchant_fields,
        vec![
            "description",
            "website",
            "opening_hours",
            "category",
            "phone"
        ]
    );
    let (reimported, _) = store
        .upsert_osm_shop(town.id, "node/1", &imported(), &mut std::iter::empty())
        .await
        .unwrap();
    assert_eq!(reimported.fields.category, "sweets");
    assert_eq!(reimported.fields.phone.as_deref(), Some("+32 63 42 22 33"));

    // Another town's shop is not reachable.
    assert_eq!(
        store
            .update_shop_profile(other.id, shop.id, &profile, later)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn shop_profiles_on_sqlite() {
    let (store, _dir) = common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn shop_profiles_on_postgres() {
    let db = common::postgres_store().await;
    contract(&db.store).await;
}
