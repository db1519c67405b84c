//! The storage contract of search (shops by name, description, category label and current
//! posts; accents, case and word prefixes; filters; posts becoming current or not as time
//! passes), run on a temporary SQLite file and on a fresh PostgreSQL database.

use crate::common::fixtures::{habay, habay_posts, now, Habay};
use app::server::{ShopFilter, Store};
use chrono::TimeDelta;

async fn contract(store: &dyn Store) {
    let t0 = now();
    let h = habay(store).await;
    let Habay {
        ref town,
        ref marbehan,
        ..
    } = h;

    // Search: accent- and case-insensitive prefixes over names, descriptions, categories.
    let search = |q: &'static str, filter: ShopFilter| async move {
        let terms = app::domain::search::terms(q).unwrap();
        store
            .search_shops(town.id, &terms, &filter, t0, 20)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.fields.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        search("cafe", ShopFilter::default()).await,
        vec!["Café de la Place"]
    );
    assert_eq!(
        search("CAF", ShopFilter::default()).await,
        vec!["Café de la Place"]
    );
    assert_eq!(
        search("pâtisser", ShopFilter::default()).await,
        vec!["Café de la Place", "Maison Lejeune"],
        "description of the café, category label of the bakery"
    );
    assert_eq!(
        search("oeillet", ShopFilter::default()).await,
        vec!["Au Bouquet d'Œillets"]
    );
    assert_eq!(
        search("bakkerij", ShopFilter::default()).await,
        vec!["Maison Lejeune"]
    );
    assert_eq!(
        search("place cafe", ShopFilter::default()).await,
        vec!["Café de la Place"]
    );
    assert!(
        search("place boulang", ShopFilter::default())
            .await
            .is_empty(),
        "all terms required"
    );
    assert_eq!(
        search(
            "pat",
            ShopFilter {
                category: Some("bakery".into()),
                district_id: None
            }
        )
        .await,
        vec!["Maison Lejeune"]
    );
    assert_eq!(
        search(
            "pat",
            ShopFilter {
                category: None,
                district_id: Some(marbehan.id)
            }
        )
        .await,
        Vec::<String>::new()
    );

    // Search finds shops through their current posts only.
    habay_posts(store, &h).await;
    assert_eq!(
        search("cramique", ShopFilter::default()).await,
        vec!["Maison Lejeune"]
    );
    assert!(
        search("galettes", ShopFilter::default()).await.is_empty(),
        "expired offer"
    );
    assert!(
        search("fermeture", ShopFilter::default()).await.is_empty(),
        "not yet published"
    );

    // Time passes: the scheduled news goes live, the offer expires; search follows.
    let later = t0 + TimeDelta::days(2);
    assert!(store.refresh_posts_text(town.id, t0, later).await.unwrap() >= 1);
    assert_eq!(
        search("fermeture", ShopFilter::default()).await,
        vec!["Café de la Place"]
    );
    let much_later = t0 + TimeDelta::days(8);
    store
        .refresh_posts_text(town.id, later, much_later)
        .await
        .unwrap();
    assert!(
        search("cramique", ShopFilter::default()).await.is_empty(),
        "expired since"
    );
    // Back to the present.
    store
        .refresh_posts_text(town.id, t0 - TimeDelta::days(30), t0)
        .await
        .unwrap();
    assert_eq!(
        search("cramique", ShopFilter::default()).await,
        vec!["Maison Lejeune"]
    );
}

#[tokio::test]
async fn search_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn search_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
