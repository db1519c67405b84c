//! `ShopStore::shops_activity`: what a shop's visibility needs from the store (its latest post
//! published by now, its published reviews without a visible reply), for every shop in one query.

use crate::common::fixtures::{habay, habay_posts, now, Habay};
use app::domain::reviews::NewReview;
use app::server::{PostAuthor, ReviewStatus, Store};
use chrono::TimeDelta;

async fn contract(store: &dyn Store) {
    let t0 = now();
    let h = habay(store).await;
    let posts = habay_posts(store, &h).await;
    let Habay {
        town,
        cafe,
        bakery,
        far,
        ..
    } = &h;
    let marie = store.ensure_user("marie@habay.be", t0).await.unwrap();
    let paul = store.ensure_user("paul@habay.be", t0).await.unwrap();
    let review = |rating: u8| NewReview {
        rating,
        body: "Très bien".into(),
        visited_on: None,
    };
    // The bakery: one review answered, one not, one held (not counted).
    let (answered, _) = store
        .save_review(
            town.id,
            bakery.id,
            marie.id,
            &review(5),
            ReviewStatus::Published,
            t0,
        )
        .await
        .unwrap()
        .unwrap();
    store
        .save_reply(answered.id, "Merci !", paul.id, t0)
        .await
        .unwrap()
        .unwrap();
    store
        .save_review(
            town.id,
            bakery.id,
            paul.id,
            &review(3),
            ReviewStatus::Published,
            t0,
        )
        .await
        .unwrap()
        .unwrap();
    let other = store.ensure_user("luc@habay.be", t0).await.unwrap();
    store
        .save_review(
            town.id,
            bakery.id,
            other.id,
            &review(1),
            ReviewStatus::Held,
            t0,
        )
        .await
        .unwrap()
        .unwrap();

    let activity = store.shops_activity(town.id, t0).await.unwrap();
    let of = |id: i64| activity.iter().find(|a| a.shop_id == id).unwrap().clone();
    let all = [
        &posts.offer,
        &posts.expired,
        &posts.scheduled,
        &posts.event,
        &posts.started,
        &posts.past_event,
    ];
    let latest = |shop_id: i64| {
        all.iter()
            .filter(|p| p.content.author == PostAuthor::Shop(shop_id))
            .map(|p| p.content.published_at)
            .filter(|t| *t <= t0)
            .max()
    };
    assert!(latest(bakery.id).is_some() && latest(cafe.id).is_some());
    assert_eq!(of(bakery.id).last_post, latest(bakery.id));
    assert_eq!(of(bakery.id).unanswered_reviews, 1);
    assert_eq!(of(bakery.id).replies, 1);
    assert_eq!(of(cafe.id).replies, 0);
    // Imported posts are not the merchant's.
    assert!(activity.iter().all(|a| a.merchant_posts == 0));
    // The café's scheduled news does not count before it is out.
    assert!(posts.scheduled.content.published_at > t0);
    assert_eq!(of(cafe.id).last_post, latest(cafe.id));
    assert_eq!(of(cafe.id).unanswered_reviews, 0);
    assert_eq!(of(far.id).last_post, None);
    // Every shop of the town, none of another town's.
    let town_shops = store
        .shops(town.id, &Default::default())
        .await
        .unwrap()
        .len();
    assert_eq!(activity.len(), town_shops);
    // A merchant's post counts; a steward's on the shop's behalf does not.
    for (user, by_steward) in [(marie.id, false), (paul.id, true)] {
        store
            .publish_post(
                town.id,
                &crate::common::fixtures::post(
                    PostAuthor::Shop(cafe.id),
                    app::server::PostKind::News,
                    "Nouveau",
                    t0,
                ),
                &app::server::PostOrigin {
                    user_id: Some(user),
                    by_steward,
                    idempotency_key: None,
                },
                t0,
            )
            .await
            .unwrap();
    }
    let activity = store.shops_activity(town.id, t0).await.unwrap();
    let cafe_now = activity.iter().find(|a| a.shop_id == cafe.id).unwrap();
    assert_eq!(cafe_now.merchant_posts, 1);
    assert_eq!(cafe_now.last_post, Some(t0));
    // The stewards' notes: kept, replaced, deleted; the town's only.
    assert!(store.shop_notes(town.id).await.unwrap().is_empty());
    store
        .set_shop_note(bakery.id, Some("Passé le 3/12"), Some(marie.id), t0)
        .await
        .unwrap();
    store
        .set_shop_note(cafe.id, Some("Rappeler"), None, t0)
        .await
        .unwrap();
    store
        .set_shop_note(
            bakery.id,
            Some("Propriétaire absent"),
            Some(paul.id),
            t0 + TimeDelta::hours(1),
        )
        .await
        .unwrap();
    let notes = store.shop_notes(town.id).await.unwrap();
    let bakery_note = notes.iter().find(|n| n.shop_id == bakery.id).unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(bakery_note.note, "Propriétaire absent");
    assert_eq!(bakery_note.updated_at, t0 + TimeDelta::hours(1));
    assert!(store.shop_notes(h.other_town.id).await.unwrap().is_empty());
    store.set_shop_note(cafe.id, None, None, t0).await.unwrap();
    assert_eq!(store.shop_notes(town.id).await.unwrap().len(), 1);

    // Later, the scheduled news is the café's latest.
    let later = posts.scheduled.content.published_at + TimeDelta::minutes(1);
    let activity = store.shops_activity(town.id, later).await.unwrap();
    let cafe_now = activity.iter().find(|a| a.shop_id == cafe.id).unwrap();
    assert_eq!(
        cafe_now.last_post,
        Some(posts.scheduled.content.published_at)
    );
}

#[tokio::test]
async fn visibility_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn visibility_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
