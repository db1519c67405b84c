//! `PrivacyStore` and the retention jobs on both databases: every table is on the privacy
//! page; a phone's data read back and erased (its deliveries stay counted, without it);
//! deliveries older than 30 days kept only as counts that every figure still adds up; long-idle
//! phones, year-old messages and old invitations deleted.

use crate::common;

use app::domain::outbox::Outcome;
use app::domain::privacy::*;
use app::domain::push::QuietHours;
use app::server::store::prelude::*;
use app::server::{
    InvitedRole, NewInvitation, NewMessage, PostAuthor, PostKind, PostOrigin, Recipient,
};
use chrono::{DateTime, Duration, TimeDelta, Utc};
use common::fixtures::{browser, now, post, shop, shop_fields, town};
use server::db::SqlStore;

/// Every table of the migrated database is on the privacy page (a new table must say what it
/// keeps and for how long); on SQLite, every table the page lists exists.
async fn every_table_is_on_the_privacy_page(store: &SqlStore, sqlite: bool) {
    let tables: Vec<String> = store
        .table_rows()
        .await
        .unwrap()
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| name != "_sqlx_migrations" && !name.starts_with("shops_fts_"))
        .collect();
    assert!(tables.len() > 30, "{tables:?}");
    for table in &tables {
        assert!(
            record_of(table).is_some(),
            "the table {table} is not on the privacy page (app/src/model/privacy.rs)"
        );
    }
    if sqlite {
        for record in RECORDS {
            for table in record.tables {
                assert!(
                    tables.iter().any(|t| t == table),
                    "{table} no longer exists"
                );
            }
        }
    }
}

#[tokio::test]
async fn every_table_is_on_the_privacy_page_on_sqlite() {
    let (store, _dir) = common::sqlite_store().await;
    every_table_is_on_the_privacy_page(&store, true).await;
}

#[tokio::test]
async fn every_table_is_on_the_privacy_page_on_postgres() {
    let db = common::postgres_store().await;
    every_table_is_on_the_privacy_page(&db.store, false).await;
}

/// Publishes an offer of `shop` at `at` (its job expanded to every subscribed follower).
async fn publish(store: &dyn Store, town: i64, shop: i64, at: DateTime<Utc>) -> i64 {
    let (post, _) = store
        .publish_post(
            town,
            &post(PostAuthor::Shop(shop), PostKind::Offer, "Croissants", at),
            &PostOrigin::default(),
            at,
        )
        .await
        .unwrap();
    store
        .expand_push_jobs(at, 10, Duration::hours(48))
        .await
        .unwrap();
    post.id
}

/// Delivers up to `limit` of the waiting notifications at `at`; how many.
async fn deliver(store: &dyn Store, at: DateTime<Utc>, limit: usize) -> usize {
    let claimed = store
        .claim_push_deliveries(at, Duration::seconds(30), limit)
        .await
        .unwrap();
    let outcomes: Vec<_> = claimed
        .iter()
        .map(|d| (d.id, Outcome::Delivered { status: 201 }))
        .collect();
    store.record_push_outcomes(at, &outcomes).await.unwrap();
    outcomes.len()
}

async fn retention(store: &dyn Store) {
    let t0 = now();
    let habay = town(store, "habay", "Habay").await;
    store
        .set_town_push_defaults(habay.id, QuietHours { start: 0, end: 0 }, 5, 5)
        .await
        .unwrap();
    let bakery = shop(
        store,
        habay.id,
        "node/1",
        "boulangerie",
        &shop_fields("Boulangerie", "bakery", 49.72, 5.64),
    )
    .await
    .id;
    // Two phones follow the bakery with notifications on; one also writes to it.
    let anne = store.create_device_profile("anne", t0).await.unwrap();
    let paul = store.create_device_profile("paul", t0).await.unwrap();
    for (profile, name) in [(anne, "anne"), (paul, "paul")] {
        store
            .set_shop_follow(profile, bakery, true, t0)
            .await
            .unwrap();
        store
            .save_push_subscription(profile, None, &browser(name), t0)
            .await
            .unwrap();
    }
    store
        .save_message(
            habay.id,
            Recipient::Shop(bakery),
            anne,
            &NewMessage {
                body: "Avez-vous du pain sans gluten ?".into(),
                email: Some("anne@example.be".into()),
            },
            "fr",
            t0,
        )
        .await
        .unwrap()
        .expect("the message");
    // The offer reaches Anne's phone at once, Paul's ten days later (his phone was off).
    let post_id = publish(store, habay.id, bakery, t0).await;
    assert_eq!(deliver(store, t0, 1).await, 1);
    assert_eq!(deliver(store, t0 + TimeDelta::days(10), 10).await, 1);

    // What Anne's phone holds, read back.
    let (device, account) = store.personal_data(Some(anne), None, t0).await.unwrap();
    assert!(account.is_none());
    let device = device.expect("Anne's phone");
    assert_eq!(device.followed_shops.len(), 1);
    assert_eq!(device.followed_shops[0].slug, "boulangerie");
    assert_eq!(device.followed_shops[0].notify, "all");
    assert_eq!(
        device.push_subscriptions[0].endpoint,
        "https://push.example.net/anne"
    );
    assert_eq!(device.notifications.len(), 1);
    assert_eq!(device.notifications[0].post_title, "Croissants");
    assert_eq!(device.messages.len(), 1);
    assert_eq!(device.messages[0].to, "Boulangerie");
    assert_eq!(device.messages[0].email.as_deref(), Some("anne@example.be"));
    assert_eq!(
        store
            .personal_data(Some(9999), Some(9999), t0)
            .await
            .unwrap(),
        (None, None)
    );

    // Anne erases her phone's data: her follow, subscription and message go; the post's
    // deliveries stay counted for the bakery, without her.
    assert!(store.forget_profile(anne).await.unwrap());
    assert!(!store.forget_profile(anne).await.unwrap(), "nothing left");
    assert_eq!(store.device_profile("anne", t0).await.unwrap(), None);
    assert_eq!(
        store.personal_data(Some(anne), None, t0).await.unwrap().0,
        None
    );
    assert!(store
        .profile_messages(habay.id, anne)
        .await
        .unwrap()
        .is_empty());
    let rows = store.push_delivery_rows(post_id).await.unwrap();
    assert_eq!(rows.len(), 2, "both deliveries stay: {rows:?}");
    assert!(
        rows.iter().all(|(profile, _, _)| *profile != anne),
        "no delivery names Anne's profile: {rows:?}"
    );
    let summary = |s: Vec<(i64, app::domain::push::PushSummary)>| {
        let p = s.into_iter().next().expect("the post's figures").1;
        (p.targeted, p.delivered)
    };
    assert_eq!(
        summary(store.post_push_summaries(&[post_id]).await.unwrap()),
        (2, 2)
    );

    // 31 days later the first delivery's row is gone, 41 days later the second: their counts
    // add up in the tallies, and the post's figures, the dashboard's and the outbox's do not
    // change.
    for (days, rows_left) in [(DELIVERY_ROWS_DAYS + 1, 1), (DELIVERY_ROWS_DAYS + 11, 0)] {
        let later = t0 + TimeDelta::days(days);
        store.purge_expired(later).await.unwrap();
        assert_eq!(
            store.push_delivery_rows(post_id).await.unwrap().len(),
            rows_left,
            "day {days}"
        );
        assert_eq!(
            summary(store.post_push_summaries(&[post_id]).await.unwrap()),
            (2, 2),
            "day {days}"
        );
        let figures = store.push_figures(post_id).await.unwrap();
        assert_eq!((figures.targeted, figures.delivered), (2, 2), "day {days}");
        let dashboard = store
            .post_figures(habay.id, None, t0 - TimeDelta::days(1), later)
            .await
            .unwrap();
        let (targeted, delivered) = dashboard
            .iter()
            .fold((0, 0), |(t, d), f| (t + f.targeted, d + f.delivered));
        assert_eq!((targeted, delivered), (2, 2), "day {days}");
    }
    let later = t0 + TimeDelta::days(DELIVERY_ROWS_DAYS + 11);
    // A second post, archived in its turn, is counted apart.
    let second = publish(store, habay.id, bakery, later).await;
    assert_eq!(deliver(store, later, 10).await, 1, "Paul alone follows now");
    store
        .purge_expired(later + TimeDelta::days(DELIVERY_ROWS_DAYS + 1))
        .await
        .unwrap();
    assert_eq!(
        summary(store.post_push_summaries(&[second]).await.unwrap()),
        (1, 1)
    );
    assert_eq!(
        summary(store.post_push_summaries(&[post_id]).await.unwrap()),
        (2, 2)
    );

    // A phone whose notifications still arrive, and an account's phone, are kept however long
    // they were not seen.
    let carla = store.create_device_profile("carla", t0).await.unwrap();
    store
        .save_push_subscription(carla, None, &browser("carla"), t0)
        .await
        .unwrap();
    let marie = common::fixtures::sign_in(store, habay.id, "marie@habay.be", "m").await;
    let marie_profile = store.ensure_user_profile(marie.user.id, t0).await.unwrap();

    // Paul turns notifications off; his message of t0 goes a year later, an invitation 400
    // days after it expired; his phone, not seen since t0, 400 days after that visit (its
    // cookie has expired), with its follow.
    store
        .delete_push_subscription(paul, "https://push.example.net/paul")
        .await
        .unwrap();
    store
        .save_message(
            habay.id,
            Recipient::Shop(bakery),
            paul,
            &NewMessage {
                body: "Merci pour les croissants".into(),
                email: None,
            },
            "fr",
            t0,
        )
        .await
        .unwrap()
        .expect("the message");
    let invitation = store
        .create_invitation(
            habay.id,
            &NewInvitation {
                token_hash: "invitation-old".into(),
                role: InvitedRole::Owner,
                shop_id: Some(bakery),
                district_id: None,
                created_by: None,
                expires_at: t0 + TimeDelta::days(14),
            },
            t0,
        )
        .await
        .unwrap();
    let year = t0 + TimeDelta::days(MESSAGE_DAYS - 1);
    store.purge_expired(year).await.unwrap();
    assert_eq!(
        store.profile_messages(habay.id, paul).await.unwrap().len(),
        1
    );
    let year = t0 + TimeDelta::days(MESSAGE_DAYS + 1);
    store.purge_expired(year).await.unwrap();
    assert!(store
        .profile_messages(habay.id, paul)
        .await
        .unwrap()
        .is_empty());
    let followed =
        |data: (Option<DeviceData>, Option<AccountData>)| data.0.map(|d| d.followed_shops.len());
    let before = t0 + TimeDelta::days(FORGOTTEN_DEVICE_DAYS - 1);
    store.purge_expired(before).await.unwrap();
    assert_eq!(
        followed(store.personal_data(Some(paul), None, before).await.unwrap()),
        Some(1),
        "kept until its cookie has expired"
    );
    assert!(store
        .invitation_by_token("invitation-old")
        .await
        .unwrap()
        .is_some());
    let expired = t0 + TimeDelta::days(FORGOTTEN_DEVICE_DAYS + 1);
    store.purge_expired(expired).await.unwrap();
    assert_eq!(
        followed(
            store
                .personal_data(Some(paul), None, expired)
                .await
                .unwrap()
        ),
        None
    );
    assert_eq!(
        store.device_profile("carla", expired).await.unwrap(),
        Some(carla)
    );
    assert!(store.is_account_profile(marie_profile).await.unwrap());
    assert!(store
        .personal_data(Some(marie_profile), None, expired)
        .await
        .unwrap()
        .0
        .is_some());
    let gone = invitation.expires_at + TimeDelta::days(INVITATION_DAYS + 1);
    store.purge_expired(gone).await.unwrap();
    assert!(store
        .invitation_by_token("invitation-old")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn retention_on_sqlite() {
    let (store, _dir) = common::sqlite_store().await;
    retention(&store).await;
}

#[tokio::test]
async fn retention_on_postgres() {
    let db = common::postgres_store().await;
    retention(&db.store).await;
}
