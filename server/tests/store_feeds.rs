//! The storage contract for posts, feeds, follows, search and "near me", run on a temporary
//! SQLite file and on a fresh PostgreSQL database.

mod common;

use app::server::{
    BoundingBox, FeedCursor, FeedScope, NewDistrict, NewPost, NewTown, PostAuthor, PostKind,
    ShopFields, ShopFilter, Store,
};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

fn shop(name: &str, category: &str, description: Option<&str>, lat: f64, lon: f64) -> ShopFields {
    ShopFields {
        name: name.into(),
        category: category.into(),
        lat,
        lon,
        description: description.map(Into::into),
        ..ShopFields::default()
    }
}

fn post(author: PostAuthor, kind: PostKind, title: &str, published: DateTime<Utc>) -> NewPost {
    NewPost {
        author,
        kind,
        title: title.into(),
        body: format!("{title} — détails"),
        photo: None,
        valid_from: None,
        valid_until: None,
        starts_at: None,
        ends_at: None,
        place: None,
        published_at: published,
    }
}

async fn contract(store: &dyn Store) {
    let t0 = now();
    let town = store
        .upsert_town(&NewTown {
            slug: "habay".into(),
            name: "Habay".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap();
    let other_town = store
        .upsert_town(&NewTown {
            slug: "arlon".into(),
            name: "Arlon".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap();
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
    let marbehan = store
        .upsert_district(
            town.id,
            &NewDistrict {
                slug: "marbehan".into(),
                name: "Marbehan".into(),
                boundary: square.into(),
            },
        )
        .await
        .unwrap();

    let add = |fields: ShopFields, osm: &'static str| {
        let name = fields.name.clone();
        async move {
            let mut slugs = vec![app::domain::slugs::candidates(&name, None, "commerce")
                .next()
                .unwrap()]
            .into_iter();
            store
                .upsert_osm_shop(town.id, osm, &fields, &mut slugs)
                .await
                .unwrap()
                .0
        }
    };
    let cafe = add(
        shop(
            "Café de la Place",
            "cafe",
            Some("Petits déjeuners et pâtisseries maison"),
            49.7240,
            5.6460,
        ),
        "node/1",
    )
    .await;
    let bakery = add(
        shop("Maison Lejeune", "bakery", None, 49.7250, 5.6470),
        "node/2",
    )
    .await;
    let florist = add(
        shop("Au Bouquet d'Œillets", "florist", None, 49.7000, 5.6200),
        "node/3",
    )
    .await;
    let far = add(
        shop("Garage du Bout", "car_repair", None, 49.6000, 5.5000),
        "node/4",
    )
    .await;
    let mut slugs = vec!["cafe-arlon".to_string()].into_iter();
    let arlon_cafe = store
        .upsert_osm_shop(
            other_town.id,
            "node/9",
            &shop("Café Arlonais", "cafe", None, 49.7245, 5.6465),
            &mut slugs,
        )
        .await
        .unwrap()
        .0;
    store
        .set_shop_districts(
            town.id,
            &[
                (cafe.id, Some(centre.id)),
                (bakery.id, Some(centre.id)),
                (florist.id, Some(marbehan.id)),
            ],
        )
        .await
        .unwrap();

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

    // Posts.
    let offer = store
        .insert_post(
            town.id,
            &NewPost {
                valid_from: Some(t0 - TimeDelta::days(1)),
                valid_until: Some(t0 + TimeDelta::days(6)),
                ..post(
                    PostAuthor::Shop(bakery.id),
                    PostKind::Offer,
                    "Cramique à moitié prix",
                    t0 - TimeDelta::hours(3),
                )
            },
            t0,
        )
        .await
        .unwrap();
    assert_eq!(
        store.post_by_id(town.id, offer.id).await.unwrap(),
        Some(offer.clone())
    );
    assert_eq!(
        store.post_by_id(other_town.id, offer.id).await.unwrap(),
        None
    );
    let expired = store
        .insert_post(
            town.id,
            &NewPost {
                valid_until: Some(t0 - TimeDelta::hours(1)),
                ..post(
                    PostAuthor::Shop(bakery.id),
                    PostKind::Offer,
                    "Galettes des rois",
                    t0 - TimeDelta::days(5),
                )
            },
            t0,
        )
        .await
        .unwrap();
    let scheduled = store
        .insert_post(
            town.id,
            &post(
                PostAuthor::Shop(cafe.id),
                PostKind::News,
                "Fermeture annuelle",
                t0 + TimeDelta::days(1),
            ),
            t0,
        )
        .await
        .unwrap();
    let event = store
        .insert_post(
            town.id,
            &NewPost {
                starts_at: Some(t0 + TimeDelta::days(2)),
                ends_at: Some(t0 + TimeDelta::days(2) + TimeDelta::hours(5)),
                place: Some("Place de l'Hôtel de Ville".into()),
                ..post(
                    PostAuthor::District(centre.id),
                    PostKind::Event,
                    "Marché de Noël",
                    t0 - TimeDelta::hours(2),
                )
            },
            t0,
        )
        .await
        .unwrap();
    let started = store
        .insert_post(
            town.id,
            &NewPost {
                starts_at: Some(t0 - TimeDelta::hours(1)),
                ..post(
                    PostAuthor::Shop(florist.id),
                    PostKind::Event,
                    "Atelier couronnes",
                    t0 - TimeDelta::days(1),
                )
            },
            t0,
        )
        .await
        .unwrap();
    let _past_event = store
        .insert_post(
            town.id,
            &NewPost {
                starts_at: Some(t0 - TimeDelta::days(3)),
                ends_at: Some(t0 - TimeDelta::days(3) + TimeDelta::hours(2)),
                ..post(
                    PostAuthor::Shop(cafe.id),
                    PostKind::Event,
                    "Concert",
                    t0 - TimeDelta::days(4),
                )
            },
            t0,
        )
        .await
        .unwrap();
    // A post by a shop of another town is refused.
    assert!(store
        .insert_post(
            town.id,
            &post(
                PostAuthor::Shop(arlon_cafe.id),
                PostKind::News,
                "Intrus",
                t0
            ),
            t0
        )
        .await
        .is_err());
    let _ = (expired.id, scheduled.id);

    // Search finds shops through their current posts only.
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
    // Back to the present for the rest.
    store
        .refresh_posts_text(town.id, t0 - TimeDelta::days(30), t0)
        .await
        .unwrap();

    // News for paging: 25 posts of the café, one per hour.
    for i in 0..25 {
        store
            .insert_post(
                town.id,
                &post(
                    PostAuthor::Shop(cafe.id),
                    PostKind::News,
                    &format!("Nouvelle {i}"),
                    t0 - TimeDelta::hours(10 + i),
                ),
                t0,
            )
            .await
            .unwrap();
    }

    // Follows.
    let me = store.create_device_profile("hash-me", t0).await.unwrap();
    let other = store.create_device_profile("hash-other", t0).await.unwrap();
    assert!(
        store.create_device_profile("hash-me", t0).await.is_err(),
        "token hashes are unique"
    );
    assert_eq!(store.device_profile("hash-me", t0).await.unwrap(), Some(me));
    assert_eq!(store.device_profile("nope", t0).await.unwrap(), None);
    store
        .set_shop_follow(me, bakery.id, true, t0)
        .await
        .unwrap();
    store
        .set_shop_follow(me, bakery.id, true, t0)
        .await
        .unwrap();
    store.set_shop_follow(me, cafe.id, true, t0).await.unwrap();
    store
        .set_shop_follow(other, bakery.id, true, t0)
        .await
        .unwrap();
    assert_eq!(store.shop_follower_count(bakery.id).await.unwrap(), 2);
    assert_eq!(store.shop_follower_count(florist.id).await.unwrap(), 0);
    store.set_shop_follow(me, cafe.id, false, t0).await.unwrap();
    store.set_shop_follow(me, cafe.id, false, t0).await.unwrap();
    assert_eq!(store.follows(me).await.unwrap().shop_ids, vec![bakery.id]);

    // My feed: the bakery's live offer; the centre's event (the bakery is in the centre).
    let timeline = store
        .timeline(town.id, FeedScope::Profile(me), t0, None, 20)
        .await
        .unwrap();
    assert_eq!(
        timeline.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![offer.id]
    );
    let events = store
        .upcoming_events(town.id, FeedScope::Profile(me), t0, 10)
        .await
        .unwrap();
    assert_eq!(
        events.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![event.id]
    );

    // Following the café: its news, paged with a cursor, newest first, no duplicates.
    store.set_shop_follow(me, cafe.id, true, t0).await.unwrap();
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .timeline(town.id, FeedScope::Profile(me), t0, cursor, 10)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 10);
        cursor = page.last().map(FeedCursor::of);
        let encoded = cursor.unwrap().encode();
        assert_eq!(
            FeedCursor::decode(&encoded),
            cursor,
            "cursor survives the URL"
        );
        seen.extend(page);
    }
    assert_eq!(seen.len(), 26, "25 news + the offer");
    assert_eq!(seen[0].id, offer.id);
    assert!(seen
        .windows(2)
        .all(|w| (w[0].content.published_at, w[0].id) > (w[1].content.published_at, w[1].id)));

    // Districts: its own events and its shops' posts; the florist's started event (no end) is
    // still upcoming for three hours.
    let district_events = store
        .upcoming_events(town.id, FeedScope::District(marbehan.id), t0, 10)
        .await
        .unwrap();
    assert_eq!(
        district_events.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![started.id]
    );
    let later = store
        .upcoming_events(
            town.id,
            FeedScope::District(marbehan.id),
            t0 + TimeDelta::hours(4),
            10,
        )
        .await
        .unwrap();
    assert!(later.is_empty());
    let town_events = store
        .upcoming_events(town.id, FeedScope::Town, t0, 10)
        .await
        .unwrap();
    assert_eq!(
        town_events.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![started.id, event.id]
    );
    let shop_posts = store
        .recent_posts(town.id, FeedScope::Shop(bakery.id), t0, 10)
        .await
        .unwrap();
    assert_eq!(
        shop_posts.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![offer.id, expired.id]
    );

    // District follows, and merging a device into another (a later sign-in).
    store
        .set_district_follow(other, marbehan.id, true, t0)
        .await
        .unwrap();
    store
        .set_shop_follow(other, florist.id, true, t0)
        .await
        .unwrap();
    store.merge_device_profiles(other, me).await.unwrap();
    let merged = store.follows(me).await.unwrap();
    assert_eq!(merged.shop_ids, {
        let mut v = vec![cafe.id, bakery.id, florist.id];
        v.sort();
        v
    });
    assert_eq!(merged.district_ids, vec![marbehan.id]);
    assert_eq!(
        store.device_profile("hash-other", t0).await.unwrap(),
        None,
        "merged profile is gone"
    );
    assert_eq!(
        store.shop_follower_count(bakery.id).await.unwrap(),
        1,
        "no duplicate follow"
    );
}

#[tokio::test]
async fn feeds_follows_and_search_on_sqlite() {
    let (store, _dir) = common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn feeds_follows_and_search_on_postgres() {
    let db = common::postgres_store().await;
    contract(&db.store).await;
}
