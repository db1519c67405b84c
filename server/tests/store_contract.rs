//! The storage contract, written once against the `Store` trait and run on a temporary SQLite
//! file and on a fresh PostgreSQL database.

mod common;

use app::server::{NewDistrict, NewTown, ShopFields, ShopFilter, Store, StoreError, UpsertOutcome};

fn bakery(name: &str, lat: f64, lon: f64) -> ShopFields {
    ShopFields {
        name: name.into(),
        category: "bakery".into(),
        source_tag: Some("shop=bakery".into()),
        street: Some("Rue de la Courtière".into()),
        housenumber: Some("3".into()),
        postcode: Some("6720".into()),
        city: Some("Habay-la-Neuve".into()),
        lat,
        lon,
        phone: Some("+32 63 42 22 33".into()),
        website: None,
        email: None,
        opening_hours: Some("Mo-Sa 07:00-18:30".into()),
        description: None,
    }
}

fn slugs_for(name: &str) -> impl Iterator<Item = String> + Send {
    app::domain::slugs::candidates(name, Some("Habay-la-Neuve"), "commerce")
        .take(50)
        .collect::<Vec<_>>()
        .into_iter()
}

async fn contract(store: &dyn Store) {
    store.ping().await.expect("ping");
    assert!(
        store.first_town().await.unwrap().is_none(),
        "a new database has no town"
    );

    // Towns: upsert by slug.
    let town = store
        .upsert_town(&NewTown {
            slug: "habay".into(),
            name: "Habai".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap();
    let again = store
        .upsert_town(&NewTown {
            slug: "habay".into(),
            name: "Habay".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap();
    assert_eq!(town.id, again.id);
    assert_eq!(again.name, "Habay");
    assert_eq!(
        store.town_by_slug("habay").await.unwrap(),
        Some(again.clone())
    );
    assert_eq!(
        store.first_town().await.unwrap().map(|t| t.id),
        Some(town.id)
    );
    assert!(store.town_by_slug("arlon").await.unwrap().is_none());
    let other_town = store
        .upsert_town(&NewTown {
            slug: "arlon".into(),
            name: "Arlon".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap();

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

    // Exhausted slug candidates are a conflict, not a panic.
    let mut only_taken = vec!["multipharma".to_owned()].into_iter();
    let error = store
        .upsert_osm_shop(town.id, "node/9", &twin, &mut only_taken)
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Conflict(_)), "{error:?}");
}

#[tokio::test]
async fn store_contract_on_sqlite() {
    let (store, _dir) = common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn store_contract_on_postgres() {
    let db = common::postgres_store().await;
    contract(&db.store).await;
}

#[tokio::test]
async fn migrations_are_idempotent_on_both_databases() {
    let (sqlite, _dir) = common::sqlite_store().await;
    sqlite
        .migrate()
        .await
        .expect("second migration run on SQLite");
    let pg = common::postgres_store().await;
    pg.store
        .migrate()
        .await
        .expect("second migration run on PostgreSQL");
}

#[tokio::test]
async fn sqlite_file_and_directory_are_created_with_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/deeper/q.db");
    let store = server::db::SqlStore::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    assert!(path.exists());
    store.ping().await.unwrap();
    assert!(
        dir.path().join("nested/deeper/q.db-wal").exists(),
        "WAL journal mode is on"
    );
}

#[tokio::test]
async fn bad_database_urls_get_clear_errors() {
    let error = server::db::SqlStore::connect("mysql://root@localhost/q")
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("not supported"), "{error}");
    let error = server::db::SqlStore::connect("postgres://nobody:secret@127.0.0.1:1/none")
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("cannot open the database"), "{error}");
    assert!(
        !error.contains("secret"),
        "the password is not shown: {error}"
    );
}
