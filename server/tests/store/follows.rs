//! The storage contract of follows (device profiles, shops and districts followed, follower
//! counts, merging a device into another), run on a temporary SQLite file and on a fresh
//! PostgreSQL database.

use crate::common::fixtures::{habay, now, Habay};
use app::server::Store;
use chrono::TimeDelta;

async fn contract(store: &dyn Store) {
    let t0 = now();
    let Habay {
        marbehan,
        cafe,
        bakery,
        florist,
        ..
    } = habay(store).await;

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

    // District follows, and merging a device into another (a later sign-in).
    store.set_shop_follow(me, cafe.id, true, t0).await.unwrap();
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

    // Followers: all, and new this week (the florist's: the merged follow, and an old one).
    let week_ago = t0 - TimeDelta::days(7);
    let old = store.create_device_profile("old", t0).await.unwrap();
    store
        .set_shop_follow(old, florist.id, true, t0 - TimeDelta::days(20))
        .await
        .unwrap();
    let stats = store
        .shop_follower_stats(florist.id, week_ago)
        .await
        .unwrap();
    assert_eq!((stats.total, stats.new_since), (2, 1));
}

#[tokio::test]
async fn follows_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn follows_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
