//! The storage contract of shops (imports matched by OpenStreetMap id, stable slugs, lookups,
//! filters, category counts, "near me" rectangles, merchants' profiles and how a re-import
//! treats them), run on a temporary SQLite file and on a fresh PostgreSQL database.

use crate::common::fixtures::{bakery, habay, now, slugs_for, town, Habay};
use app::server::{
    BoundingBox, ShopFields, ShopFilter, ShopProfile, Store, StoreError, UpsertOutcome,
};
use chrono::TimeDelta;

async fn contract(store: &dyn Store) {
    let town = town(store, "habay", "Habay").await;
    let other_town = crate::common::fixtures::town(store, "arlon", "Arlon").await;

    // Shops: insert, unchanged, update — matched by OSM id, slug stable.
    let fields = bakery("Boulangerie Rigaux", 49.7282, 5.6445);
    let (shop, outcome) = store
        .upsert_osm_shop(town.id, "node/1", &fields, &mut slugs_for(&fields.name))
        .await
        .unwrap();
    assert_eq!(outcome, UpsertOutcome::Inserted);
    assert_eq!(shop.slug, "boulangerie-rigaux");
    assert_eq!(shop.fields, fields);
    assert_eq!(shop.osm_id.as_deref(), Some("node/1"));

    let (same, outcome) = store
        .upsert_osm_shop(town.id, "node/1", &fields, &mut slugs_for(&fields.name))
        .await
        .unwrap();
    assert_eq!(outcome, UpsertOutcome::Unchanged);
    assert_eq!(same.id, shop.id);

    let mut changed = fields.clone();
    changed.name = "Boulangerie Rigaux & fils".into();
    changed.opening_hours = None;
    let (updated, outcome) = store
        .upsert_osm_shop(town.id, "node/1", &changed, &mut slugs_for(&changed.name))
        .await
        .unwrap();
    assert_eq!(outcome, UpsertOutcome::Updated);
    assert_eq!(updated.id, shop.id);
    assert_eq!(updated.slug, "boulangerie-rigaux", "slugs never change");
    assert_eq!(updated.fields, changed);
    assert!(updated.updated_at >= shop.updated_at);

    // Another shop with the same name gets the next free slug; the same name in another town
    // keeps the plain slug.
    let twin = bakery("Boulangerie Rigaux", 49.70, 5.62);
    let (second, _) = store
        .upsert_osm_shop(town.id, "way/2", &twin, &mut slugs_for(&twin.name))
        .await
        .unwrap();
    assert_eq!(second.slug, "boulangerie-rigaux-habay-la-neuve");
    let (third, _) = store
        .upsert_osm_shop(town.id, "way/3", &twin, &mut slugs_for(&twin.name))
        .await
        .unwrap();
    assert_eq!(third.slug, "boulangerie-rigaux-2");
    let (elsewhere, _) = store
        .upsert_osm_shop(other_town.id, "node/1", &twin, &mut slugs_for(&twin.name))
        .await
        .unwrap();
    assert_eq!(elsewhere.slug, "boulangerie-rigaux");

    let mut pharmacy = bakery("Multipharma", 49.7277, 5.6469);
    pharmacy.category = "pharmacy".into();
    let (pharmacy, _) = store
        .upsert_osm_shop(town.id, "way/4", &pharmacy, &mut slugs_for("Multipharma"))
        .await
        .unwrap();

    // Lookups and filters.
    assert_eq!(
        store
            .shop_by_slug(town.id, "multipharma")
            .await
            .unwrap()
            .map(|s| s.id),
        Some(pharmacy.id)
    );
    assert!(store
        .shop_by_slug(other_town.id, "multipharma")
        .await
        .unwrap()
        .is_none());
    let all: Vec<_> = store
        .shops(town.id, &ShopFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.slug)
        .collect();
    assert_eq!(
        all,
        [
            "boulangerie-rigaux",
            "boulangerie-rigaux-2",
            "boulangerie-rigaux-habay-la-neuve",
            "multipharma"
        ]
    );
    let bakeries = store
        .shops(
            town.id,
            &ShopFilter {
                category: Some("bakery".into()),
                district_id: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(bakeries.len(), 3);
    assert_eq!(
        store.category_counts(town.id, None).await.unwrap(),
        vec![("bakery".to_owned(), 3), ("pharmacy".to_owned(), 1)]
    );

    // Exhausted slug candidates are a conflict, not a panic.
    let mut only_taken = vec!["multipharma".to_owned()].into_iter();
    let error = store
        .upsert_osm_shop(town.id, "node/9", &twin, &mut only_taken)
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Conflict(_)), "{error:?}");
}

#[tokio::test]
async fn shops_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn shops_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}

async fn near_me(store: &dyn Store) {
    let Habay {
        town,
        cafe,
        bakery,
        far,
        arlon_cafe,
        ..
    } = habay(store).await;

    // Near me: a rectangle query scoped to the town.
    let around = store
        .shops_in_box(
            town.id,
            &BoundingBox {
                min_lat: 49.72,
                max_lat: 49.73,
                min_lon: 5.64,
                max_lon: 5.65,
            },
        )
        .await
        .unwrap();
    let mut ids: Vec<i64> = around.iter().map(|s| s.id).collect();
    ids.sort();
    assert_eq!(
        ids,
        vec![cafe.id, bakery.id],
        "only this town's shops in the box"
    );
    let _ = (far.id, arlon_cafe.id);
}

#[tokio::test]
async fn near_me_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    near_me(&store).await;
}

#[tokio::test]
async fn near_me_on_postgres() {
    let db = crate::common::postgres_store().await;
    near_me(&db.store).await;
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

/// Merchants' edits of a shop's profile, and how an OpenStreetMap re-import treats them.
async fn profiles(store: &dyn Store) {
    let town = crate::common::fixtures::town(store, "habay", "Habay").await;
    let other = crate::common::fixtures::town(store, "arlon", "Arlon").await;
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
        listings: app::server::Listings {
            google_place_id: Some("ChIJN1t_tDeuEmsRUsoyG83frY4".into()),
            others: vec![
                "https://www.facebook.com/boulangeriejacob".into(),
                "https://www.pagesdor.be/boulangerie-jacob".into(),
            ],
        },
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
    assert_eq!(saved.listings, profile.listings, "the listings, in order");
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
    let (store, _dir) = crate::common::sqlite_store().await;
    profiles(&store).await;
}

#[tokio::test]
async fn shop_profiles_on_postgres() {
    let db = crate::common::postgres_store().await;
    profiles(&db.store).await;
}
