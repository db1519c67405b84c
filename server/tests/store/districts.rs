//! The storage contract of districts (upserted by town and slug, listed by slug, per town)
//! and of the shops they hold, run on a temporary SQLite file and on a fresh PostgreSQL
//! database.

use crate::common::fixtures::{bakery, slugs_for, town};
use app::server::{NewDistrict, ShopFilter, Store};

async fn contract(store: &dyn Store) {
    let town = town(store, "habay", "Habay").await;
    let other_town = crate::common::fixtures::town(store, "arlon", "Arlon").await;

    // Districts: upsert by (town, slug), listed by slug.
    let square = r#"{"type":"Polygon","coordinates":[[[5.0,49.0],[6.0,49.0],[6.0,50.0],[5.0,50.0],[5.0,49.0]]]}"#;
    let centre = store
        .upsert_district(
            town.id,
            &NewDistrict {
                slug: "centre".into(),
                name: "Centre".into(),
                boundary: square.into(),
            },
        )
        .await
        .unwrap();
    let renamed = store
        .upsert_district(
            town.id,
            &NewDistrict {
                slug: "centre".into(),
                name: "Centre-ville".into(),
                boundary: square.into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(centre.id, renamed.id);
    store
        .upsert_district(
            town.id,
            &NewDistrict {
                slug: "abbaye".into(),
                name: "Abbaye".into(),
                boundary: square.into(),
            },
        )
        .await
        .unwrap();
    let names: Vec<_> = store
        .districts(town.id)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names, ["Abbaye", "Centre-ville"]);
    assert_eq!(
        store
            .district_by_slug(town.id, "centre")
            .await
            .unwrap()
            .map(|d| d.boundary),
        Some(square.to_owned())
    );
    assert!(store
        .district_by_slug(other_town.id, "centre")
        .await
        .unwrap()
        .is_none());
    assert!(store.districts(other_town.id).await.unwrap().is_empty());

    let fields = bakery("Boulangerie Rigaux", 49.7282, 5.6445);
    let (shop, _) = store
        .upsert_osm_shop(town.id, "node/1", &fields, &mut slugs_for(&fields.name))
        .await
        .unwrap();
    let mut pharmacy = bakery("Multipharma", 49.7277, 5.6469);
    pharmacy.category = "pharmacy".into();
    let (pharmacy, _) = store
        .upsert_osm_shop(town.id, "way/4", &pharmacy, &mut slugs_for("Multipharma"))
        .await
        .unwrap();
    // Two more bakeries of the town, outside every district.
    let twin = bakery("Boulangerie Rigaux", 49.70, 5.62);
    for osm_id in ["way/2", "way/3"] {
        store
            .upsert_osm_shop(town.id, osm_id, &twin, &mut slugs_for(&twin.name))
            .await
            .unwrap();
    }
    let (elsewhere, _) = store
        .upsert_osm_shop(
            other_town.id,
            "node/1",
            &fields,
            &mut slugs_for(&fields.name),
        )
        .await
        .unwrap();

    // Districts of shops.
    store
        .set_shop_districts(
            town.id,
            &[(shop.id, Some(centre.id)), (pharmacy.id, Some(centre.id))],
        )
        .await
        .unwrap();
    let in_centre = store
        .shops(
            town.id,
            &ShopFilter {
                category: None,
                district_id: Some(centre.id),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        in_centre.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![shop.id, pharmacy.id]
    );
    let filtered = store
        .shops(
            town.id,
            &ShopFilter {
                category: Some("pharmacy".into()),
                district_id: Some(centre.id),
            },
        )
        .await
        .unwrap();
    assert_eq!(filtered.len(), 1);
    assert_eq!(
        store
            .category_counts(town.id, Some(centre.id))
            .await
            .unwrap(),
        vec![("bakery".to_owned(), 1), ("pharmacy".to_owned(), 1)]
    );
    // A shop of another town is not touched by this town's assignments.
    store
        .set_shop_districts(town.id, &[(elsewhere.id, Some(centre.id))])
        .await
        .unwrap();
    assert_eq!(
        store
            .shop_by_slug(other_town.id, "boulangerie-rigaux")
            .await
            .unwrap()
            .unwrap()
            .district_id,
        None
    );
    store
        .set_shop_districts(town.id, &[(shop.id, None)])
        .await
        .unwrap();
    assert_eq!(
        store
            .shop_by_slug(town.id, "boulangerie-rigaux")
            .await
            .unwrap()
            .unwrap()
            .district_id,
        None
    );

    // Created once per slug (the second is refused), renamed, an outline waiting, saved with
    // the shops it moves, in one go; a district of another town is not reached.
    let now = chrono::Utc::now();
    let new = |slug: &str| NewDistrict {
        slug: slug.into(),
        name: "Gare".into(),
        boundary: square.into(),
    };
    let gare = store
        .create_district(town.id, &new("gare"), None, now)
        .await
        .unwrap()
        .unwrap();
    assert!(store
        .create_district(town.id, &new("gare"), None, now)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .create_district(other_town.id, &new("gare"), Some("tracé"), now)
        .await
        .unwrap()
        .is_some());
    assert!(store
        .rename_district(town.id, gare.id, "Quartier de la gare")
        .await
        .unwrap());
    assert!(!store
        .rename_district(other_town.id, gare.id, "Volé")
        .await
        .unwrap());
    assert!(store
        .set_district_draft(town.id, gare.id, Some("brouillon"))
        .await
        .unwrap());
    assert_eq!(
        store.district_draft(town.id, gare.id).await.unwrap(),
        Some("brouillon".to_owned())
    );
    assert_eq!(
        store.district_draft_ids(town.id).await.unwrap(),
        vec![gare.id]
    );
    // The other town's district was created with its outline waiting; this one's is not
    // reached from there.
    assert_eq!(
        store.district_draft_ids(other_town.id).await.unwrap().len(),
        1
    );
    assert_eq!(
        store.district_draft(other_town.id, gare.id).await.unwrap(),
        None
    );
    let smaller =
        r#"{"type":"Polygon","coordinates":[[[5.5,49.5],[6.0,49.5],[6.0,50.0],[5.5,49.5]]]}"#;
    assert!(store
        .save_district_outline(town.id, gare.id, smaller, &[(shop.id, Some(gare.id))])
        .await
        .unwrap());
    let saved = store
        .district_by_slug(town.id, "gare")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (saved.name.as_str(), saved.boundary.as_str()),
        ("Quartier de la gare", smaller)
    );
    assert!(store.district_draft_ids(town.id).await.unwrap().is_empty());
    assert_eq!(store.district_draft(town.id, gare.id).await.unwrap(), None);
    assert_eq!(
        store
            .shop_by_slug(town.id, "boulangerie-rigaux")
            .await
            .unwrap()
            .unwrap()
            .district_id,
        Some(gare.id)
    );
    assert!(!store
        .save_district_outline(other_town.id, gare.id, square, &[])
        .await
        .unwrap());
    assert!(store.district_stewards(town.id).await.unwrap().is_empty());
    assert!(!store.remove_steward(town.id, gare.id, 1).await.unwrap());
    // Deleted: its shop is in no district.
    assert!(!store.delete_district(other_town.id, gare.id).await.unwrap());
    assert!(store.delete_district(town.id, gare.id).await.unwrap());
    assert!(store
        .district_by_slug(town.id, "gare")
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store
            .shop_by_slug(town.id, "boulangerie-rigaux")
            .await
            .unwrap()
            .unwrap()
            .district_id,
        None
    );
}

#[tokio::test]
async fn districts_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn districts_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
