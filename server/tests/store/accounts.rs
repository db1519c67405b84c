//! The storage contract of accounts (sign-in links, a device's follows adopted or merged on
//! sign-in, sessions and their lifetime), run on a temporary SQLite file and on a fresh
//! PostgreSQL database.

use crate::common::fixtures::{now, session, sign_in_link as link, street, Street};
use app::server::Store;
use chrono::TimeDelta;

async fn contract(store: &dyn Store) {
    let t0 = now();
    let Street {
        town,
        centre,
        bakery,
        florist,
        bookshop,
        ..
    } = street(store).await;

    // --- A resident follows two shops on their phone, then signs in: a new account adopts
    // the device's profile.
    let phone = store.create_device_profile("phone", t0).await.unwrap();
    store
        .set_shop_follow(phone, bakery, true, t0)
        .await
        .unwrap();
    store
        .set_shop_follow(phone, florist, true, t0)
        .await
        .unwrap();
    store
        .create_sign_in_link(&link("a", "marie@habay.be", None), t0)
        .await
        .unwrap();
    let signed = store
        .complete_sign_in(town.id, "link-a", &session("a"), Some(phone), t0)
        .await
        .unwrap()
        .expect("a fresh link signs in");
    assert!(signed.new_account);
    assert_eq!(signed.user.email, "marie@habay.be");
    assert_eq!(signed.user.profile_id, Some(phone));
    assert_eq!(signed.invitation, None);
    let marie = signed.user.clone();
    // Single use.
    assert_eq!(
        store
            .complete_sign_in(town.id, "link-a", &session("a2"), None, t0)
            .await
            .unwrap(),
        None
    );
    // Expired after 15 minutes.
    store
        .create_sign_in_link(&link("late", "marie@habay.be", None), t0)
        .await
        .unwrap();
    assert_eq!(
        store
            .complete_sign_in(
                town.id,
                "link-late",
                &session("late"),
                None,
                t0 + TimeDelta::minutes(16)
            )
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .complete_sign_in(town.id, "link-unknown", &session("u"), None, t0)
            .await
            .unwrap(),
        None
    );

    // --- On a tablet, Marie follows the florist (again) and the bookshop, then signs in: the
    // tablet's follows merge into the account, nothing lost or doubled.
    let tablet = store.create_device_profile("tablet", t0).await.unwrap();
    store
        .set_shop_follow(tablet, florist, true, t0)
        .await
        .unwrap();
    store
        .set_shop_follow(tablet, bookshop, true, t0)
        .await
        .unwrap();
    store
        .set_district_follow(tablet, centre.id, true, t0)
        .await
        .unwrap();
    store
        .create_sign_in_link(&link("b", "marie@habay.be", None), t0)
        .await
        .unwrap();
    let again = store
        .complete_sign_in(town.id, "link-b", &session("b"), Some(tablet), t0)
        .await
        .unwrap()
        .unwrap();
    assert!(!again.new_account);
    assert_eq!(again.user.id, marie.id);
    let follows = store.follows(phone).await.unwrap();
    assert_eq!(follows.shop_ids, vec![bakery, florist, bookshop]);
    assert_eq!(follows.district_ids, vec![centre.id]);
    assert_eq!(store.device_profile("tablet", t0).await.unwrap(), None);
    assert_eq!(store.shop_follower_count(florist).await.unwrap(), 1);

    // --- Someone else signing in on Marie's phone (her profile) does not take her follows.
    store
        .create_sign_in_link(&link("c", "paul@habay.be", None), t0)
        .await
        .unwrap();
    let paul = store
        .complete_sign_in(town.id, "link-c", &session("c"), Some(phone), t0)
        .await
        .unwrap()
        .unwrap()
        .user;
    assert_eq!(paul.profile_id, None);
    assert_eq!(store.follows(phone).await.unwrap().shop_ids.len(), 3);
    let paul_profile = store.ensure_user_profile(paul.id, t0).await.unwrap();
    assert_ne!(paul_profile, phone);
    assert_eq!(
        store.ensure_user_profile(paul.id, t0).await.unwrap(),
        paul_profile
    );

    // --- Sessions: found, extended once a day, ended one by one or all at once.
    let lifetime = TimeDelta::days(30);
    let found = store
        .session_user("session-a", None, t0, lifetime)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.user.id, marie.id);
    assert_eq!(found.extended_until, None, "seen today already");
    let tomorrow = t0 + TimeDelta::days(1);
    let next_day = store
        .session_user("session-a", None, tomorrow, lifetime)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(next_day.extended_until, Some(tomorrow + lifetime));
    assert_eq!(
        store
            .session_user("session-a", None, tomorrow + TimeDelta::days(29), lifetime)
            .await
            .unwrap()
            .map(|s| s.user.id),
        Some(marie.id),
        "extended past its first expiry"
    );
    assert_eq!(
        store
            .session_user("session-b", None, t0 + TimeDelta::days(31), lifetime)
            .await
            .unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        store
            .session_user("nope", None, t0, lifetime)
            .await
            .unwrap(),
        None
    );
    // Used every day, a session still ends 90 days after it was opened.
    let mut day = t0;
    let mut last_seen = None;
    while day < t0 + TimeDelta::days(100) {
        match store
            .session_user("session-a", None, day, lifetime)
            .await
            .unwrap()
        {
            Some(found) => {
                if let Some(until) = found.extended_until {
                    assert!(until <= t0 + TimeDelta::days(90), "{until}");
                }
                last_seen = Some(day);
            }
            None => break,
        }
        day += TimeDelta::days(1);
    }
    let last_seen = last_seen.expect("the session worked at first");
    assert!(
        last_seen >= t0 + TimeDelta::days(88) && last_seen < t0 + TimeDelta::days(90),
        "last worked on {last_seen}"
    );
    store.delete_session("session-a").await.unwrap();
    assert_eq!(
        store
            .session_user("session-a", None, t0, lifetime)
            .await
            .unwrap(),
        None
    );
    assert!(store
        .session_user("session-b", None, t0, lifetime)
        .await
        .unwrap()
        .is_some());
    assert_eq!(store.delete_user_sessions(marie.id).await.unwrap(), 1);
    assert_eq!(
        store
            .session_user("session-b", None, t0, lifetime)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .user_by_email("marie@habay.be")
            .await
            .unwrap()
            .map(|u| u.id),
        Some(marie.id)
    );
}

#[tokio::test]
async fn accounts_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn accounts_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
