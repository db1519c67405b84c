//! `ActivityStore`: the daily counters, counted once per mark per day, and the day's salt.

use app::domain::activity::{Hit, Metric, Subject, Tally};
use app::server::Store;
use chrono::{NaiveDate, TimeDelta};

use crate::common::fixtures::{bakery, now, shop, town};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn marked(tally: Tally, mark: &str) -> Hit {
    Hit {
        tally,
        mark: Some(mark.into()),
    }
}

async fn contract(store: &dyn Store) {
    let habay = town(store, "habay", "Habay").await;
    let other = town(store, "arlon", "Arlon").await;
    let bakery = shop(
        store,
        habay.id,
        "node/1",
        "boulangerie",
        &bakery("Boulangerie", 49.72, 5.64),
    )
    .await;
    let (d1, d2) = (day("2026-11-30"), day("2026-12-01"));

    // The day's salt: the first one drawn stays, for every caller.
    let salt = store.day_salt(d1, "first").await.unwrap();
    assert_eq!(salt, "first");
    assert_eq!(store.day_salt(d1, "second").await.unwrap(), "first");
    assert_eq!(store.day_salt(d2, "other").await.unwrap(), "other");

    // Once per mark per day; a hit without a mark every time; other marks, other days count.
    let view = Tally::shop(Metric::ShopView, bakery.id, Some(3));
    for _ in 0..5 {
        store
            .count_hits(habay.id, d1, &[marked(view, "m1")])
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .count_hits(habay.id, d1, &[marked(view, "m1"), marked(view, "m2")])
            .await
            .unwrap(),
        1
    );
    assert!(store.has_mark(d1, "m1").await.unwrap());
    assert!(!store.has_mark(d2, "m1").await.unwrap());
    assert!(!store.has_mark(d1, "m3").await.unwrap());
    store
        .count_hits(habay.id, d2, &[marked(view, "m1")])
        .await
        .unwrap();
    let follow = Tally::shop(Metric::Follow, bakery.id, None);
    let unmarked = Hit {
        tally: follow,
        mark: None,
    };
    assert_eq!(
        store
            .count_hits(habay.id, d1, &[unmarked.clone(), unmarked.clone()])
            .await
            .unwrap(),
        2
    );
    assert_eq!(store.count_hits(habay.id, d1, &[]).await.unwrap(), 0);
    assert_eq!(
        store
            .total(habay.id, Subject::Shop(bakery.id), Metric::ShopView, d1, d1)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .total(habay.id, Subject::Shop(bakery.id), Metric::ShopView, d1, d2)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .total(habay.id, Subject::Shop(bakery.id), Metric::Follow, d1, d2)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .total(
                habay.id,
                Subject::Shop(bakery.id),
                Metric::ShopView,
                day("2026-12-02"),
                day("2026-12-31")
            )
            .await
            .unwrap(),
        0
    );

    // A district's figures hold its shops'; the town's, everything of its own.
    for (subject, expected) in [
        (Subject::District(3), 3),
        (Subject::District(4), 0),
        (Subject::Town, 3),
        (Subject::Post(11), 0),
    ] {
        assert_eq!(
            store
                .total(habay.id, subject, Metric::ShopView, d1, d2)
                .await
                .unwrap(),
            expected,
            "{subject:?}"
        );
    }

    // Posts' views by post, all days together; another town's counters are its own rows.
    let (p1, p2) = (
        Tally::post(11, Some(bakery.id), None),
        Tally::post(12, None, Some(4)),
    );
    store
        .count_hits(
            habay.id,
            d1,
            &[marked(p1, "a"), marked(p2, "b"), marked(p1, "c")],
        )
        .await
        .unwrap();
    store
        .count_hits(other.id, d2, &[marked(p1, "a")])
        .await
        .unwrap();
    assert_eq!(
        store
            .post_counts(Metric::PostView, &[12, 11, 999])
            .await
            .unwrap(),
        vec![(11, 3), (12, 1)]
    );
    assert_eq!(
        store.post_counts(Metric::PostView, &[]).await.unwrap(),
        vec![]
    );
    assert_eq!(
        store.post_counts(Metric::Follow, &[11]).await.unwrap(),
        vec![]
    );

    // The dashboard's sums: per metric, per day, per shop; for the town or one district.
    assert_eq!(
        store.metric_totals(habay.id, None, d1, d2).await.unwrap(),
        vec![
            (Metric::Follow, 2),
            (Metric::PostView, 3),
            (Metric::ShopView, 3)
        ]
    );
    assert_eq!(
        store
            .metric_totals(habay.id, Some(3), d1, d2)
            .await
            .unwrap(),
        vec![(Metric::ShopView, 3)]
    );
    assert_eq!(
        store
            .metric_totals(habay.id, Some(4), d1, d1)
            .await
            .unwrap(),
        vec![(Metric::PostView, 1)]
    );
    assert_eq!(
        store.metric_totals(habay.id, None, d2, d2).await.unwrap(),
        vec![(Metric::ShopView, 1)]
    );
    assert_eq!(
        store
            .metric_totals(habay.id, None, day("2027-01-01"), day("2036-12-31"))
            .await
            .unwrap(),
        vec![]
    );
    assert_eq!(
        store.daily_totals(habay.id, None, d1, d2).await.unwrap(),
        vec![
            (d1, Metric::Follow, 2),
            (d1, Metric::PostView, 3),
            (d1, Metric::ShopView, 2),
            (d2, Metric::ShopView, 1),
        ]
    );
    assert_eq!(
        store.shop_totals(habay.id, None, d1, d2).await.unwrap(),
        vec![
            (bakery.id, Metric::Follow, 2),
            (bakery.id, Metric::PostView, 2),
            (bakery.id, Metric::ShopView, 3),
        ]
    );
    assert_eq!(
        store.shop_totals(other.id, None, d1, d2).await.unwrap(),
        vec![(bakery.id, Metric::PostView, 1)]
    );

    // Two days later the marks and salts go (with them any way to match a mark); the counts stay.
    let later = now() + TimeDelta::days(400);
    assert!(store.purge_expired(later).await.unwrap() >= 6);
    assert!(!store.has_mark(d1, "m1").await.unwrap());
    assert_eq!(store.day_salt(d1, "new").await.unwrap(), "new");
    assert_eq!(
        store
            .total(habay.id, Subject::Shop(bakery.id), Metric::ShopView, d1, d2)
            .await
            .unwrap(),
        3
    );
}

#[tokio::test]
async fn activity_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn activity_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
