//! The push outbox end to end against the local push service (`common/push_service.rs`), on
//! SQLite and on PostgreSQL: publishing a post queues its deliveries in the same transaction,
//! the worker sends each follower's browser one encrypted, VAPID-signed message (decrypted
//! and checked by the push service), retries what the push service asks to retry, deletes
//! the subscriptions it says are gone, and records every outcome.

mod common;

use std::sync::Arc;
use std::time::Duration;

use app::domain::push::Subscription as StoredSubscription;
use app::server::{
    NewPost, NewTown, PostAuthor, PostKind, PostOrigin, ShopFields, Store, SystemClock,
};
use chrono::{TimeDelta, Utc};
use common::push_service::{Answer, PushService, Subscription};
use server::db::SqlStore;
use server::push::sender::Sender;
use server::push::worker::{Worker, WorkerSettings};
use tokio::sync::watch;

const BASE_URL: &str = "https://quartier.example";
const WAIT: Duration = Duration::from_secs(30);

struct Town {
    town_id: i64,
    bakery: i64,
    florist: i64,
}

async fn town(store: &SqlStore) -> Town {
    let town = store
        .upsert_town(&NewTown {
            slug: "habay".into(),
            name: "Habay".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap();
    let add = |name: &'static str, slug: &'static str, osm: &'static str| {
        let store = store.clone();
        let town_id = town.id;
        async move {
            let fields = ShopFields {
                name: name.into(),
                category: "bakery".into(),
                lat: 49.72,
                lon: 5.64,
                ..ShopFields::default()
            };
            let mut slugs = vec![slug.to_string()].into_iter();
            store
                .upsert_osm_shop(town_id, osm, &fields, &mut slugs)
                .await
                .unwrap()
                .0
                .id
        }
    };
    let bakery = add("Boulangerie Jacob", "boulangerie-jacob", "node/1").await;
    let florist = add("Fleurs d'Habay", "fleurs-habay", "node/2").await;
    Town {
        town_id: town.id,
        bakery,
        florist,
    }
}

/// A phone that follows `shops` and subscribed with `subscription`.
async fn resident(store: &SqlStore, name: &str, shops: &[i64], subscription: &Subscription) {
    let now = Utc::now();
    let profile = store.create_device_profile(name, now).await.unwrap();
    for shop in shops {
        store
            .set_shop_follow(profile, *shop, true, now)
            .await
            .unwrap();
    }
    store
        .save_push_subscription(
            profile,
            &StoredSubscription {
                endpoint: subscription.endpoint.clone(),
                p256dh: subscription.p256dh.clone(),
                auth: subscription.auth.clone(),
            },
            now,
        )
        .await
        .unwrap();
}

fn offer(shop: i64, title: &str, body: &str) -> NewPost {
    let now = Utc::now();
    NewPost {
        author: PostAuthor::Shop(shop),
        kind: PostKind::Offer,
        title: title.into(),
        body: body.into(),
        photo: None,
        valid_from: None,
        valid_until: Some(now + TimeDelta::days(7)),
        starts_at: None,
        ends_at: None,
        place: None,
        published_at: now,
    }
}

fn fast_settings() -> WorkerSettings {
    WorkerSettings {
        concurrency: 8,
        lease: Duration::from_secs(20),
        retry_base: Duration::from_millis(200),
        retry_max: Duration::from_secs(2),
        give_up_after: Duration::from_secs(3600),
        poll_every: Duration::from_millis(50),
        max_ttl: Duration::from_secs(48 * 3600),
    }
}

/// Starts a worker; returns the count of outcomes it has written.
async fn start_worker(
    store: &SqlStore,
    settings: WorkerSettings,
    timeout: Duration,
) -> watch::Receiver<u64> {
    let keys = server::push::vapid_keys(store).await.unwrap();
    let sender = Sender::new(
        &keys.private_key,
        "mailto:ops@quartier.example",
        true,
        timeout,
    )
    .unwrap();
    let worker = Worker::new(
        store.clone(),
        Arc::new(sender),
        Arc::new(SystemClock),
        settings,
        BASE_URL,
    );
    let recorded = worker.recorded();
    tokio::spawn(Arc::new(worker).run());
    recorded
}

/// Waits until the worker has written `count` outcomes in all.
async fn outcomes(recorded: &mut watch::Receiver<u64>, count: u64) {
    let waited = tokio::time::timeout(WAIT, recorded.wait_for(|n| *n >= count))
        .await
        .map(|r| r.is_ok());
    assert_eq!(
        waited,
        Ok(true),
        "{} outcomes written, not {count}",
        *recorded.borrow()
    );
}

async fn publish(store: &SqlStore, town: &Town, post: &NewPost) -> i64 {
    store
        .publish_post(town.town_id, post, &PostOrigin::default(), Utc::now())
        .await
        .unwrap()
        .0
        .id
}

async fn each_follower_gets_the_offer_once(store: SqlStore) {
    let service = PushService::start().await;
    let town = town(&store).await;
    let anne = service.subscribe();
    let bob = service.subscribe();
    let carla = service.subscribe();
    resident(&store, "anne", &[town.bakery], &anne).await;
    resident(&store, "bob", &[town.bakery, town.florist], &bob).await;
    resident(&store, "carla", &[town.florist], &carla).await;
    let mut recorded = start_worker(&store, fast_settings(), Duration::from_secs(5)).await;

    let post_id = publish(
        &store,
        &town,
        &offer(
            town.bakery,
            "Deux baguettes achetées, la troisième offerte",
            "Ce samedi matin.",
        ),
    )
    .await;
    outcomes(&mut recorded, 2).await;
    let figures = store.push_figures(post_id).await.unwrap();
    assert_eq!(figures.targeted, 2, "{figures:?}");
    assert_eq!(figures.delivered, 2, "{figures:?}");

    let received = service.received();
    assert!(service.refused().is_empty(), "{:?}", service.refused());
    let mut to: Vec<usize> = received.iter().map(|r| r.subscription).collect();
    to.sort();
    assert_eq!(
        to,
        vec![anne.index, bob.index],
        "carla follows only the florist"
    );
    for message in &received {
        assert_eq!(
            message.json(),
            serde_json::json!({
                "web_push": 8030,
                "notification": {
                    "title": "Boulangerie Jacob",
                    "body": "Deux baguettes achetées, la troisième offerte\nCe samedi matin.",
                    "navigate": format!("{BASE_URL}/shops/boulangerie-jacob#post-{post_id}"),
                    "lang": "fr",
                    "tag": format!("post-{post_id}"),
                    "icon": format!("{BASE_URL}/icons/icon-192.png"),
                    "badge": format!("{BASE_URL}/icons/icon-192.png"),
                }
            })
        );
        assert_eq!(
            message.topic.as_deref(),
            Some(format!("post-{post_id}").as_str())
        );
        assert_eq!(message.urgency.as_deref(), Some("normal"));
        // Until the offer ends, at most 48 hours.
        assert!(
            message.ttl <= 48 * 3600 && message.ttl > 47 * 3600,
            "{}",
            message.ttl
        );
        assert_eq!(message.claims["aud"], service.origin);
        assert_eq!(message.claims["sub"], "mailto:ops@quartier.example");
    }
    // One JWT for this push service, signed by the site's VAPID key.
    assert_eq!(received[0].jwt, received[1].jwt);

    // A second post of the florist: bob and carla; anne gets nothing more.
    let florist_post = publish(&store, &town, &offer(town.florist, "Tulipes", "")).await;
    outcomes(&mut recorded, 4).await;
    assert_eq!(service.received_count(), 4);
    let last: Vec<_> = service.received().into_iter().skip(2).collect();
    let mut to: Vec<usize> = last.iter().map(|r| r.subscription).collect();
    to.sort();
    assert_eq!(to, vec![bob.index, carla.index]);
    assert_eq!(last[0].json()["notification"]["body"], "Tulipes");
    assert_eq!(
        last[0].json()["notification"]["tag"],
        format!("post-{florist_post}")
    );
}

async fn retries_prunes_and_records(store: SqlStore) {
    let service = PushService::start().await;
    let town = town(&store).await;
    let flaky = service.subscribe();
    let busy = service.subscribe();
    let gone = service.subscribe();
    let missing = service.subscribe();
    let slow = service.subscribe();
    let refused = service.subscribe();
    service.answer(&flaky, &[Answer::Status(500), Answer::Status(503)]);
    service.answer(&busy, &[Answer::RetryAfter(1)]);
    service.answer(&gone, &[Answer::Status(410)]);
    service.answer(&missing, &[Answer::Status(404)]);
    service.answer(&slow, &[Answer::Hang]);
    service.answer(&refused, &[Answer::Status(400)]);
    for (name, subscription) in [
        ("flaky", &flaky),
        ("busy", &busy),
        ("gone", &gone),
        ("missing", &missing),
        ("slow", &slow),
        ("refused", &refused),
    ] {
        resident(&store, name, &[town.bakery], subscription).await;
    }
    let mut recorded = start_worker(&store, fast_settings(), Duration::from_millis(700)).await;
    let post_id = publish(&store, &town, &offer(town.bakery, "Galettes", "")).await;

    // flaky: 500, 503, then 201; busy: 429 (Retry-After 1 s) then 201; slow: no answer (the
    // request times out), then 201; the three others are refused once and never asked again.
    // Outcomes: four retries (flaky twice, busy, slow), then six final ones.
    outcomes(&mut recorded, 10).await;
    let figures = store.push_figures(post_id).await.unwrap();
    assert_eq!(figures.targeted, 6, "{figures:?}");
    assert_eq!(figures.delivered, 3, "{figures:?}");
    assert_eq!(figures.pruned, 3, "{figures:?}");
    assert_eq!(figures.pending, 0, "{figures:?}");

    let requests = service.requests();
    let of = |s: &Subscription| -> Vec<u16> {
        requests
            .iter()
            .filter(|(i, _)| *i == s.index)
            .map(|(_, status)| *status)
            .collect()
    };
    assert_eq!(of(&flaky), vec![500, 503, 201]);
    assert_eq!(of(&busy), vec![429, 201]);
    assert_eq!(of(&slow), vec![0, 201]);
    assert_eq!(of(&gone), vec![410]);
    assert_eq!(of(&missing), vec![404]);
    assert_eq!(of(&refused), vec![400]);

    // The subscriptions found gone are deleted: the next post goes only to the three others.
    let mut remaining = Vec::new();
    for profile in 1..=6 {
        remaining.extend(
            store
                .push_subscriptions(profile)
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.subscription.endpoint),
        );
    }
    remaining.sort();
    let mut expected = vec![
        flaky.endpoint.clone(),
        busy.endpoint.clone(),
        slow.endpoint.clone(),
    ];
    expected.sort();
    assert_eq!(remaining, expected);
}

async fn nothing_for_ended_offers_or_private_endpoints(store: SqlStore) {
    let service = PushService::start().await;
    let town = town(&store).await;
    let phone = service.subscribe();
    resident(&store, "phone", &[town.bakery], &phone).await;
    // A subscription stored before its host was re-pointed at the server's own network: the
    // sender checks the address again and never contacts it.
    let now = Utc::now();
    let intruder = store.create_device_profile("intruder", now).await.unwrap();
    store
        .set_shop_follow(intruder, town.bakery, true, now)
        .await
        .unwrap();
    store
        .save_push_subscription(
            intruder,
            &StoredSubscription {
                endpoint: "https://10.0.0.7/push/abc".into(),
                p256dh: phone.p256dh.clone(),
                auth: phone.auth.clone(),
            },
            now,
        )
        .await
        .unwrap();
    let mut recorded = start_worker(&store, fast_settings(), Duration::from_secs(5)).await;

    // An offer that has already ended is not announced.
    let mut ended = offer(town.bakery, "Hier seulement", "");
    ended.valid_until = Some(Utc::now() - TimeDelta::minutes(1));
    let ended_id = publish(&store, &town, &ended).await;
    let current_id = publish(&store, &town, &offer(town.bakery, "Aujourd'hui", "")).await;
    // Four deliveries: two posts, two subscriptions.
    outcomes(&mut recorded, 4).await;
    assert_eq!(service.received_count(), 1);
    assert_eq!(
        service.received()[0].json()["notification"]["tag"],
        format!("post-{current_id}")
    );
    let ended_figures = store.push_figures(ended_id).await.unwrap();
    let current_figures = store.push_figures(current_id).await.unwrap();
    // The ended offer: nothing sent to anyone. The current one: the phone has it, the intruder's
    // endpoint is pruned without being contacted.
    assert_eq!(ended_figures.skipped, 2, "{ended_figures:?}");
    assert_eq!(ended_figures.delivered, 0, "{ended_figures:?}");
    assert_eq!(current_figures.delivered, 1, "{current_figures:?}");
    assert_eq!(current_figures.pruned, 1, "{current_figures:?}");
    assert!(store.push_subscriptions(intruder).await.unwrap().is_empty());
    assert_eq!(service.requests().len(), 1, "only the phone was contacted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_each_follower_gets_the_offer_once() {
    let (store, _dir) = common::sqlite_store().await;
    each_follower_gets_the_offer_once(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_each_follower_gets_the_offer_once() {
    let db = common::postgres_store().await;
    each_follower_gets_the_offer_once(db.store.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_retries_prunes_and_records() {
    let (store, _dir) = common::sqlite_store().await;
    retries_prunes_and_records(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_retries_prunes_and_records() {
    let db = common::postgres_store().await;
    retries_prunes_and_records(db.store.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_nothing_for_ended_offers_or_private_endpoints() {
    let (store, _dir) = common::sqlite_store().await;
    nothing_for_ended_offers_or_private_endpoints(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_nothing_for_ended_offers_or_private_endpoints() {
    let db = common::postgres_store().await;
    nothing_for_ended_offers_or_private_endpoints(db.store.clone()).await;
}
