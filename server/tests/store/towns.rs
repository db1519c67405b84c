//! The storage contract of towns (upserted by slug, the first one, by slug, by host name, their
//! settings), and what keeps one town's pushes and sessions from another's, run on a
//! temporary SQLite file and on a fresh PostgreSQL database.

use app::server::store::prelude::*;
use app::server::{NewSession, NewTown, PostAuthor, PostKind, PostOrigin, StoreError};
use chrono::{Duration, TimeDelta};

use crate::common::fixtures::{browser, now, post, shop, shop_fields, sign_in_link};

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

    // Host names and settings: none at first (the instance's apply).
    assert_eq!(other_town.host, None);
    assert_eq!(
        store.first_town_without_host().await.unwrap().map(|t| t.id),
        Some(town.id)
    );
    let mut arlon = other_town.clone();
    arlon.host = Some("arlon.example.be".into());
    arlon.base_url = Some("https://www.arlon.example.be".into());
    arlon.default_locale = Some("de".into());
    arlon.vapid_subject = Some("mailto:commerce@arlon.be".into());
    arlon.tile_url = Some("none".into());
    arlon.tile_attribution = Some("Ville d'Arlon".into());
    arlon.mail_from = Some("Quartier Arlon <quartier@arlon.be>".into());
    arlon.timezone = "Europe/Luxembourg".into();
    let saved = store.update_town(&arlon).await.unwrap();
    assert_eq!(saved, arlon);
    assert_eq!(
        store.town_by_host("arlon.example.be").await.unwrap(),
        Some(arlon.clone())
    );
    assert_eq!(
        store.town_by_id(arlon.id).await.unwrap(),
        Some(arlon.clone())
    );
    assert!(store
        .town_by_host("habay.example.be")
        .await
        .unwrap()
        .is_none());
    let mut habay = again.clone();
    habay.host = Some("arlon.example.be".into());
    assert!(
        matches!(
            store.update_town(&habay).await,
            Err(StoreError::Conflict(_))
        ),
        "two towns on one host name"
    );
    habay.host = Some("habay.example.be".into());
    store.update_town(&habay).await.unwrap();
    assert!(store.first_town_without_host().await.unwrap().is_none());
    let slugs: Vec<String> = store
        .towns()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.slug)
        .collect();
    assert_eq!(slugs, ["habay", "arlon"]);
    // Upserting a town by slug (an import) keeps its host name and settings.
    let reimported = store
        .upsert_town(&NewTown {
            slug: "arlon".into(),
            name: "Arlon".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap();
    assert_eq!(reimported.host.as_deref(), Some("arlon.example.be"));
    assert_eq!(reimported.mail_from, arlon.mail_from);

    separation(store, &habay, &reimported).await;
}

/// A person with an account in both towns: their phone subscribed on each town's site (the
/// account's profile holds both subscriptions) and an older subscription made before towns
/// had keys of their own. A Habay post reaches the Habay and the older subscription, never the
/// Arlon one (made with Arlon's key); the reach counted on the counter says so. A session
/// opened on Habay is not valid on Arlon.
async fn separation(store: &dyn Store, habay: &app::server::Town, arlon: &app::server::Town) {
    let t0 = now();
    let bakery = shop(
        store,
        habay.id,
        "node/1",
        "boulangerie",
        &shop_fields("Boulangerie", "bakery", 49.72, 5.64),
    )
    .await;
    let profile = store.create_device_profile("phone", t0).await.unwrap();
    store
        .set_shop_follow(profile, bakery.id, true, t0)
        .await
        .unwrap();
    let on_habay = store
        .save_push_subscription(profile, Some(habay.id), &browser("habay"), t0)
        .await
        .unwrap();
    let on_arlon = store
        .save_push_subscription(profile, Some(arlon.id), &browser("arlon"), t0)
        .await
        .unwrap();
    let older = store
        .save_push_subscription(profile, None, &browser("older"), t0)
        .await
        .unwrap();
    assert_eq!(store.shop_push_reach(bakery.id).await.unwrap(), 2);
    let (published, _) = store
        .publish_post(
            habay.id,
            &post(
                PostAuthor::Shop(bakery.id),
                PostKind::Offer,
                "Croissants",
                t0,
            ),
            &PostOrigin::default(),
            t0,
        )
        .await
        .unwrap();
    store
        .expand_push_jobs(t0, 10, Duration::hours(48))
        .await
        .unwrap();
    let claimed = store
        .claim_push_deliveries(t0, Duration::seconds(30), 10)
        .await
        .unwrap();
    let mut reached: Vec<i64> = claimed
        .iter()
        .filter_map(|d| d.target.as_ref().map(|t| t.subscription_id))
        .collect();
    reached.sort_unstable();
    assert_eq!(reached, [on_habay, older]);
    assert!(!reached.contains(&on_arlon));
    assert!(claimed
        .iter()
        .all(|d| d.post_id == published.id && d.town_id == habay.id));

    // Sessions: valid on their own town only (`None`: a tool's, asked on no town).
    store
        .create_sign_in_link(&sign_in_link("a", "paul@example.be", None), t0)
        .await
        .unwrap();
    let session = NewSession {
        token_hash: "session-a".into(),
        expires_at: t0 + TimeDelta::days(30),
        town_id: Some(habay.id),
    };
    store
        .complete_sign_in(habay.id, "link-a", &session, None, t0)
        .await
        .unwrap()
        .expect("signed in");
    let lifetime = TimeDelta::days(30);
    assert!(store
        .session_user("session-a", Some(habay.id), t0, lifetime)
        .await
        .unwrap()
        .is_some());
    assert!(store
        .session_user("session-a", Some(arlon.id), t0, lifetime)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .session_user("session-a", None, t0, lifetime)
        .await
        .unwrap()
        .is_some());
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
