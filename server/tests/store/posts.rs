//! The storage contract of posts (stored per town, publication from the counter made
//! idempotent, edits, deletions, the merchant's list, views), run on a temporary SQLite file
//! and on a fresh PostgreSQL database.

use crate::common::fixtures::{habay, now, post, sign_in, Habay};
use app::server::{NewPost, PostAuthor, PostKind, PostOrigin, Store};
use chrono::{DateTime, TimeDelta, Utc};

/// An offer of the shop valid for a week from its publication.
fn offer(shop_id: i64, title: &str, published: DateTime<Utc>) -> NewPost {
    NewPost {
        body: String::new(),
        valid_from: Some(published),
        valid_until: Some(published + TimeDelta::days(7)),
        ..post(PostAuthor::Shop(shop_id), PostKind::Offer, title, published)
    }
}

async fn contract(store: &dyn Store) {
    let t0 = now();
    let Habay {
        town,
        other_town,
        cafe,
        bakery,
        florist,
        arlon_cafe,
        ..
    } = habay(store).await;
    let (bakery, florist) = (bakery.id, florist.id);
    let offer_post = store
        .insert_post(
            town.id,
            &offer(cafe.id, "Cramique à moitié prix", t0 - TimeDelta::hours(3)),
            t0,
        )
        .await
        .unwrap();

    // A post is its town's.
    assert_eq!(
        store.post_by_id(town.id, offer_post.id).await.unwrap(),
        Some(offer_post.clone())
    );
    assert_eq!(
        store
            .post_by_id(other_town.id, offer_post.id)
            .await
            .unwrap(),
        None
    );
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

    // --- Posts from the counter: idempotent publication, edit, delete, scheduled ones listed.
    let marie = sign_in(store, town.id, "marie@habay.be", "a").await.user;
    let paul = sign_in(store, town.id, "paul@habay.be", "c").await.user;
    let origin = PostOrigin {
        user_id: Some(marie.id),
        by_steward: false,
        idempotency_key: Some("key-1".into()),
    };
    let (first, created) = store
        .publish_post(town.id, &offer(bakery, "Galettes -20 %", t0), &origin, t0)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(first.author_user_id, Some(marie.id));
    assert!(!first.by_steward);
    let (again, created_again) = store
        .publish_post(town.id, &offer(bakery, "Galettes -20 %", t0), &origin, t0)
        .await
        .unwrap();
    assert!(!created_again);
    assert_eq!(again.id, first.id);
    let (by_steward, _) = store
        .publish_post(
            town.id,
            &offer(bakery, "Marché de Noël : stand", t0 + TimeDelta::hours(30)),
            &PostOrigin {
                user_id: Some(paul.id),
                by_steward: true,
                idempotency_key: Some("key-2".into()),
            },
            t0,
        )
        .await
        .unwrap();
    assert!(by_steward.by_steward);
    let mine = store.shop_posts(town.id, bakery, 10).await.unwrap();
    assert_eq!(
        mine.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![by_steward.id, first.id],
        "scheduled post included, newest first"
    );
    let search = |term: &'static str| async move {
        store
            .search_shops(town.id, &[term.to_string()], &Default::default(), t0, 10)
            .await
            .unwrap()
            .len()
    };
    assert_eq!(search("galettes").await, 1);
    let edited = store
        .update_post(
            town.id,
            first.id,
            &NewPost {
                title: "Couques -30 %".into(),
                ..offer(bakery, "", t0)
            },
            t0 + TimeDelta::minutes(5),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(edited.content.title, "Couques -30 %");
    assert_eq!(edited.author_user_id, Some(marie.id), "author kept");
    assert_eq!(edited.updated_at, t0 + TimeDelta::minutes(5));
    assert_eq!(search("galettes").await, 0, "search follows the edit");
    assert_eq!(search("couques").await, 1);
    assert_eq!(
        store
            .update_post(other_town.id, first.id, &offer(bakery, "x", t0), t0)
            .await
            .unwrap(),
        None,
        "another town's post"
    );
    assert!(store.delete_post(town.id, first.id, t0).await.unwrap());
    assert!(!store.delete_post(town.id, first.id, t0).await.unwrap());
    assert_eq!(search("couques").await, 0);
    assert_eq!(
        store.shop_posts(town.id, bakery, 10).await.unwrap().len(),
        1
    );

    // Deleted: gone from the shop's list (its views stay in the town's counters: `activity.rs`).
    let (gone, _) = store
        .publish_post(
            town.id,
            &offer(florist, "Roses", t0),
            &PostOrigin::default(),
            t0,
        )
        .await
        .unwrap();
    assert!(store.delete_post(town.id, gone.id, t0).await.unwrap());
    assert!(!store.delete_post(town.id, gone.id, t0).await.unwrap());
}

#[tokio::test]
async fn posts_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn posts_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
