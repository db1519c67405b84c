//! The storage contract of feeds (a resident's timeline, upcoming events, a shop's or a
//! district's posts for Atom and calendars), run on a temporary SQLite file and on a fresh
//! PostgreSQL database.

use crate::common::fixtures::{habay, habay_posts, now, post, Habay, HabayPosts};
use app::server::{FeedCursor, FeedScope, PostAuthor, PostKind, Store};
use chrono::TimeDelta;

async fn contract(store: &dyn Store) {
    let t0 = now();
    let h = habay(store).await;
    let HabayPosts {
        offer,
        expired,
        event,
        started,
        ..
    } = habay_posts(store, &h).await;
    let Habay {
        town,
        marbehan,
        cafe,
        bakery,
        ..
    } = h;

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
    let me = store.create_device_profile("hash-me", t0).await.unwrap();
    store
        .set_shop_follow(me, bakery.id, true, t0)
        .await
        .unwrap();

    // My feed: the bakery's live offer; the centre's event (the bakery is in the centre, and
    // the event is for its shops' followers too).
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
}

#[tokio::test]
async fn feeds_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn feeds_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
