//! The storage contract of towns (upserted by slug, the first one, by slug), run on a
//! temporary SQLite file and on a fresh PostgreSQL database.

use app::server::{NewTown, Store};

async fn contract(store: &dyn Store) {
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
    let _ = other_town;
}

#[tokio::test]
async fn towns_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn towns_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
