//! The push outbox end to end against the local push service (`common/push_service.rs`), on
//! SQLite and on PostgreSQL: publishing a post queues its deliveries in the same transaction,
//! the worker sends each follower's browser one encrypted, VAPID-signed message (decrypted
//! and checked by the push service), retries what the push service asks to retry, deletes
//! the subscriptions it says are gone, and records every outcome.

use crate::common;

use app::server::store::prelude::*;
use std::sync::Arc;
use std::time::Duration;

use app::domain::push::Subscription as StoredSubscription;
use std::sync::Mutex;

use app::domain::follows::Notify;
use app::server::{Clock, FollowTarget, NewPost, PostAuthor, PostKind, PostOrigin};
use chrono::{DateTime, SubsecRound, TimeDelta, TimeZone, Utc};
use chrono_tz::Europe::Brussels;
use common::push_service::{Answer, PushService, Subscription};
use server::db::SqlStore;
use server::push::sender::Sender;
use server::push::worker::{Worker, WorkerSettings};
use tokio::sync::watch;

const BASE_URL: &str = "https://quartier.example";
const WAIT: Duration = Duration::from_secs(30);

/// Real time, moved to a chosen instant: retries and leases run as usual, and the test decides
/// whether it is midday or night in Habay.
struct TestClock(Mutex<TimeDelta>);

impl TestClock {
    fn at(instant: DateTime<Utc>) -> Arc<TestClock> {
        Arc::new(TestClock(Mutex::new(instant - Utc::now())))
    }

    fn jump_to(&self, instant: DateTime<Utc>) {
        *self.0.lock().unwrap() = instant - Utc::now();
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + *self.0.lock().unwrap()
    }
}

/// A local time in Habay.
fn habay(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Brussels
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// Midday in Habay: outside the default quiet hours.
fn midday() -> Arc<TestClock> {
    TestClock::at(habay(2026, 11, 26, 12, 0))
}

struct Town {
    town_id: i64,
    bakery: i64,
    florist: i64,
}

async fn town(store: &SqlStore) -> Town {
    use common::fixtures::{shop, shop_fields};
    let town = common::fixtures::town(store, "habay", "Habay").await;
    let fields = |name| shop_fields(name, "bakery", 49.72, 5.64);
    let bakery = shop(
        store,
        town.id,
        "node/1",
        "boulangerie-jacob",
        &fields("Boulangerie Jacob"),
    )
    .await;
    let florist = shop(
        store,
        town.id,
        "node/2",
        "fleurs-habay",
        &fields("Fleurs d'Habay"),
    )
    .await;
    Town {
        town_id: town.id,
        bakery: bakery.id,
        florist: florist.id,
    }
}

/// A phone that follows `shops` and subscribed with `subscription`; its profile.
async fn resident(store: &SqlStore, name: &str, shops: &[i64], subscription: &Subscription) -> i64 {
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
            None,
            &StoredSubscription {
                endpoint: subscription.endpoint.clone(),
                p256dh: subscription.p256dh.clone(),
                auth: subscription.auth.clone(),
            },
            now,
        )
        .await
        .unwrap();
    profile
}

/// A resident's own quiet hours, in minutes after midnight.
async fn quiet_hours(store: &SqlStore, profile: i64, start: u16, end: u16) {
    store
        .save_push_settings(
            profile,
            &app::server::PushSettings {
                quiet: Some(app::domain::push::QuietHours { start, end }),
                ..Default::default()
            },
            Utc::now(),
        )
        .await
        .unwrap();
}

fn offer(clock: &TestClock, shop: i64, title: &str, body: &str) -> NewPost {
    let now = clock.now();
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
        broadcast: Default::default(),
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
    clock: Arc<TestClock>,
    settings: WorkerSettings,
    timeout: Duration,
) -> watch::Receiver<u64> {
    let town = store.first_town().await.unwrap().expect("a town");
    let keys = server::push::vapid_keys(store, town.id).await.unwrap();
    let sender = Sender::new(
        &keys.private_key,
        "mailto:ops@quartier.example",
        true,
        timeout,
    )
    .unwrap();
    let worker = Worker::new(Arc::new(store.clone()), sender, clock, settings, BASE_URL);
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

async fn publish(store: &SqlStore, clock: &TestClock, town: &Town, post: &NewPost) -> i64 {
    store
        .publish_post(town.town_id, post, &PostOrigin::default(), clock.now())
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
    let clock = midday();
    let mut recorded = start_worker(
        &store,
        clock.clone(),
        fast_settings(),
        Duration::from_secs(5),
    )
    .await;

    let post_id = publish(
        &store,
        &clock,
        &town,
        &offer(
            &clock,
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
    let florist_post = publish(
        &store,
        &clock,
        &town,
        &offer(&clock, town.florist, "Tulipes", ""),
    )
    .await;
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
    let clock = midday();
    let mut recorded = start_worker(
        &store,
        clock.clone(),
        fast_settings(),
        Duration::from_millis(700),
    )
    .await;
    let post_id = publish(
        &store,
        &clock,
        &town,
        &offer(&clock, town.bakery, "Galettes", ""),
    )
    .await;

    // flaky: 500, 503, then 201; busy: 429 (Retry-After 1 s) then 201; slow: no answer (the
    // request times out), then 201; the three others are refused once and never asked again.
    // Outcomes: four retries (flaky twice, busy, slow), then six final ones.
    outcomes(&mut recorded, 10).await;
    let figures = store.push_figures(post_id).await.unwrap();
    assert_eq!(figures.targeted, 6, "{figures:?}");
    assert_eq!(figures.delivered, 3, "{figures:?}");
    // 404 and 410 prune; a 400 is this message's failure, not the subscription's end.
    assert_eq!(figures.pruned, 2, "{figures:?}");
    assert_eq!(figures.failed, 1, "{figures:?}");
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

    // The subscriptions found gone are deleted: the next post goes only to the four others.
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
        refused.endpoint.clone(),
    ];
    expected.sort();
    assert_eq!(remaining, expected);
}

/// A push service answering with an absurd `Retry-After`, or refusing our messages (401, 403,
/// 413: a VAPID or payload problem of ours), neither stops the worker nor wipes subscribers:
/// each delivery gets its outcome (a retry within the hour, or a failure), the others go on.
async fn push_service_refusals_keep_subscribers(store: SqlStore) {
    let service = PushService::start().await;
    let town = town(&store).await;
    let patient = service.subscribe();
    let unauthorized = service.subscribe();
    let forbidden = service.subscribe();
    let too_large = service.subscribe();
    let fine = service.subscribe();
    service.answer(&patient, &[Answer::RetryAfter(u64::MAX)]);
    service.answer(&unauthorized, &[Answer::Status(401)]);
    service.answer(&forbidden, &[Answer::Status(403)]);
    service.answer(&too_large, &[Answer::Status(413)]);
    let mut profiles = Vec::new();
    // Given up only after a day: the hour asked for is waited, not given up at once.
    let settings = WorkerSettings {
        give_up_after: Duration::from_secs(24 * 3600),
        ..fast_settings()
    };
    for (name, subscription) in [
        ("patient", &patient),
        ("unauthorized", &unauthorized),
        ("forbidden", &forbidden),
        ("too_large", &too_large),
        ("fine", &fine),
    ] {
        profiles.push(resident(&store, name, &[town.bakery], subscription).await);
    }
    let clock = midday();
    let mut recorded = start_worker(&store, clock.clone(), settings, Duration::from_secs(5)).await;
    let post_id = publish(
        &store,
        &clock,
        &town,
        &offer(&clock, town.bakery, "Galettes", ""),
    )
    .await;
    outcomes(&mut recorded, 5).await;
    let figures = store.push_figures(post_id).await.unwrap();
    assert_eq!(figures.delivered, 1, "{figures:?}");
    assert_eq!(figures.failed, 3, "{figures:?}");
    assert_eq!(figures.pruned, 0, "{figures:?}");
    assert_eq!(figures.pending, 1, "{figures:?}");
    // The patient one waits at most an hour, not for ever (nor for a time that cannot be
    // written).
    let rows = deliveries(&store, post_id).await;
    let (_, state, due) = rows
        .iter()
        .find(|(profile, _, _)| *profile == profiles[0])
        .expect("the patient delivery");
    assert_eq!(state, "pending");
    assert!(
        *due > clock.now() + TimeDelta::minutes(59) && *due <= clock.now() + TimeDelta::hours(1),
        "due at {due}"
    );
    // Every subscription is still there.
    for profile in profiles {
        assert_eq!(store.push_subscriptions(profile).await.unwrap().len(), 1);
    }
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
            None,
            &StoredSubscription {
                endpoint: "https://10.0.0.7/push/abc".into(),
                p256dh: phone.p256dh.clone(),
                auth: phone.auth.clone(),
            },
            now,
        )
        .await
        .unwrap();
    let clock = midday();
    let mut recorded = start_worker(
        &store,
        clock.clone(),
        fast_settings(),
        Duration::from_secs(5),
    )
    .await;

    // An offer that has already ended is not announced.
    let mut ended = offer(&clock, town.bakery, "Hier seulement", "");
    ended.valid_until = Some(clock.now() - TimeDelta::minutes(1));
    let ended_id = publish(&store, &clock, &town, &ended).await;
    let current = offer(&clock, town.bakery, "Aujourd'hui", "");
    let current_id = publish(&store, &clock, &town, &current).await;
    // The ended offer is not even queued; the current one goes to the two subscriptions.
    outcomes(&mut recorded, 2).await;
    assert_eq!(service.received_count(), 1);
    assert_eq!(
        service.received()[0].json()["notification"]["tag"],
        format!("post-{current_id}")
    );
    let ended_figures = store.push_figures(ended_id).await.unwrap();
    let current_figures = store.push_figures(current_id).await.unwrap();
    // The ended offer: nothing queued (and no cap used). The current one: the phone has it,
    // the intruder's endpoint is pruned without being contacted.
    assert_eq!(ended_figures, app::domain::outbox::PushFigures::default());
    assert_eq!(current_figures.delivered, 1, "{current_figures:?}");
    assert_eq!(current_figures.pruned, 1, "{current_figures:?}");
    assert!(store.push_subscriptions(intruder).await.unwrap().is_empty());
    assert_eq!(service.requests().len(), 1, "only the phone was contacted");
}

/// The delivery rows of a post, as (profile, state, due_at).
async fn deliveries(store: &SqlStore, post_id: i64) -> Vec<(i64, String, DateTime<Utc>)> {
    store.push_delivery_rows(post_id).await.unwrap()
}

async fn quiet_hours_defer_until_morning(store: SqlStore) {
    let service = PushService::start().await;
    let town = town(&store).await;
    let night_owl = service.subscribe();
    let early_bird = service.subscribe();
    resident(&store, "night-owl", &[town.bakery], &night_owl).await;
    let early = resident(&store, "early-bird", &[town.bakery], &early_bird).await;
    // The early bird chose quiet hours from 20:00 to 06:30.
    quiet_hours(&store, early, 20 * 60, 6 * 60 + 30).await;
    // 22:00 in Habay: the town's quiet hours (21:00–08:00) for the night owl.
    let clock = TestClock::at(habay(2026, 11, 26, 22, 0));
    let mut recorded = start_worker(
        &store,
        clock.clone(),
        fast_settings(),
        Duration::from_secs(5),
    )
    .await;
    let post_id = publish(
        &store,
        &clock,
        &town,
        &offer(&clock, town.bakery, "Croissants du dimanche", ""),
    )
    .await;
    outcomes(&mut recorded, 2).await;
    assert_eq!(service.requests(), vec![], "nothing is sent at night");
    let mut rows = deliveries(&store, post_id).await;
    rows.sort_by_key(|(_, _, due)| *due);
    assert_eq!(rows[0].1, "pending");
    assert_eq!(
        rows[0].2,
        habay(2026, 11, 27, 6, 30),
        "the early bird's morning"
    );
    assert_eq!(rows[1].2, habay(2026, 11, 27, 8, 0), "the town's morning");
    let figures = store.push_figures(post_id).await.unwrap();
    assert_eq!(figures.pending, 2);

    // 06:30: the early bird's; 08:00: the night owl's.
    clock.jump_to(habay(2026, 11, 27, 6, 30));
    outcomes(&mut recorded, 3).await;
    assert_eq!(service.requests(), vec![(early_bird.index, 201)]);
    clock.jump_to(habay(2026, 11, 27, 8, 0));
    outcomes(&mut recorded, 4).await;
    assert_eq!(
        service.requests(),
        vec![(early_bird.index, 201), (night_owl.index, 201)]
    );
    assert_eq!(
        service.received()[1].json()["notification"]["body"],
        "Croissants du dimanche"
    );
    let figures = store.push_figures(post_id).await.unwrap();
    assert_eq!((figures.delivered, figures.pending), (2, 0));
}

async fn follows_choose_and_caps_limit(store: SqlStore) {
    let service = PushService::start().await;
    let town = town(&store).await;
    let centre = common::fixtures::district(&store, town.town_id, "centre", "Centre").await;
    let everything = service.subscribe();
    let events_only = service.subscribe();
    let nothing = service.subscribe();
    let all = resident(&store, "everything", &[town.bakery], &everything).await;
    let events = resident(&store, "events-only", &[town.bakery], &events_only).await;
    let none = resident(&store, "nothing", &[town.bakery], &nothing).await;
    let probe = service.subscribe();
    resident(&store, "probe", &[town.florist], &probe).await;
    assert!(store
        .set_follow_notify(events, FollowTarget::Shop(town.bakery), Notify::Events)
        .await
        .unwrap());
    assert!(store
        .set_follow_notify(none, FollowTarget::Shop(town.bakery), Notify::None)
        .await
        .unwrap());
    assert!(
        !store
            .set_follow_notify(none, FollowTarget::Shop(town.florist), Notify::All)
            .await
            .unwrap(),
        "not followed: nothing to set"
    );
    store
        .set_district_follow(all, centre.id, true, Utc::now())
        .await
        .unwrap();

    let clock = midday();
    let mut recorded = start_worker(
        &store,
        clock.clone(),
        fast_settings(),
        Duration::from_secs(5),
    )
    .await;
    let mut written = 0;
    // An offer: only the one who wants everything.
    let first = publish(
        &store,
        &clock,
        &town,
        &offer(&clock, town.bakery, "Offre", ""),
    )
    .await;
    written += 1;
    outcomes(&mut recorded, written).await;
    // An event the same day: the events-only follower gets it; the first is capped (one push
    // of this shop a day), the post stays in their feed.
    let mut event = offer(&clock, town.bakery, "Dégustation", "");
    event.kind = PostKind::Event;
    event.valid_until = None;
    event.starts_at = Some(clock.now() + TimeDelta::days(2));
    let second = publish(&store, &clock, &town, &event).await;
    // Capped deliveries are settled when the job expands (no message, no outcome to wait for).
    written += 1;
    outcomes(&mut recorded, written).await;
    let to = |post: i64| {
        let received = service.received();
        let mut to: Vec<usize> = received
            .iter()
            .filter(|r| r.json()["notification"]["tag"] == format!("post-{post}"))
            .map(|r| r.subscription)
            .collect();
        to.sort();
        to
    };
    assert_eq!(to(first), vec![everything.index]);
    assert_eq!(to(second), vec![events_only.index]);
    let figures = store.push_figures(second).await.unwrap();
    assert_eq!((figures.delivered, figures.skipped), (1, 1), "{figures:?}");

    // The next day, the shop may notify again.
    clock.jump_to(habay(2026, 11, 27, 12, 0));
    let third = publish(
        &store,
        &clock,
        &town,
        &offer(&clock, town.bakery, "Lendemain", ""),
    )
    .await;
    written += 1;
    outcomes(&mut recorded, written).await;
    assert_eq!(to(third), vec![everything.index]);

    // District broadcasts: three a week, the fourth stays in the feed.
    let mut broadcasts = Vec::new();
    for n in 1..=4 {
        let mut post = offer(&clock, town.bakery, &format!("Braderie {n}"), "");
        post.author = PostAuthor::District(centre.id);
        let id = publish(&store, &clock, &town, &post).await;
        broadcasts.push(id);
        if n < 4 {
            written += 1;
            outcomes(&mut recorded, written).await;
        } else {
            // Nothing is sent: a florist's post for the probe, queued after it, shows when the
            // worker has dealt with it (jobs expand in order).
            publish(
                &store,
                &clock,
                &town,
                &offer(&clock, town.florist, "Sonde", ""),
            )
            .await;
            written += 1;
            outcomes(&mut recorded, written).await;
            let figures = store.push_figures(id).await.unwrap();
            assert_eq!((figures.targeted, figures.skipped), (1, 1), "{figures:?}");
        }
    }
    let sent: Vec<usize> = broadcasts.iter().map(|post| to(*post).len()).collect();
    assert_eq!(sent, vec![1, 1, 1, 0]);
    // A resident who asked for more district news gets the next one.
    store
        .save_push_settings(
            all,
            &app::server::PushSettings {
                district_pushes_per_week: Some(10),
                ..Default::default()
            },
            Utc::now(),
        )
        .await
        .unwrap();
    let mut post = offer(&clock, town.bakery, "Braderie 5", "");
    post.author = PostAuthor::District(centre.id);
    let fifth = publish(&store, &clock, &town, &post).await;
    written += 1;
    outcomes(&mut recorded, written).await;
    assert_eq!(to(fifth), vec![everything.index]);
}

/// Deleting a post and posting again does not give a shop a second push the same day: the cap
/// counts a ledger kept when the post and its deliveries go.
async fn deleting_a_post_does_not_reset_the_cap(store: SqlStore) {
    let service = PushService::start().await;
    let town = town(&store).await;
    let phone = service.subscribe();
    let profile = resident(&store, "phone", &[town.bakery], &phone).await;
    let probe = service.subscribe();
    resident(&store, "probe", &[town.florist], &probe).await;
    let clock = midday();
    let mut recorded = start_worker(
        &store,
        clock.clone(),
        fast_settings(),
        Duration::from_secs(5),
    )
    .await;
    let first = publish(
        &store,
        &clock,
        &town,
        &offer(&clock, town.bakery, "Première", ""),
    )
    .await;
    outcomes(&mut recorded, 1).await;
    assert!(store
        .delete_post(town.town_id, first, clock.now())
        .await
        .unwrap());
    let again = publish(
        &store,
        &clock,
        &town,
        &offer(&clock, town.bakery, "Première, bis", ""),
    )
    .await;
    // The florist's post, queued after it, shows when the worker has dealt with it.
    publish(
        &store,
        &clock,
        &town,
        &offer(&clock, town.florist, "Sonde", ""),
    )
    .await;
    outcomes(&mut recorded, 2).await;
    let rows = deliveries(&store, again).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!((rows[0].0, rows[0].1.as_str()), (profile, "capped"));
    let to_phone = service
        .received()
        .iter()
        .filter(|r| r.subscription == phone.index)
        .count();
    assert_eq!(to_phone, 1, "one push of the bakery today");
}

/// Two instances expanding two jobs of one shop at the same moment: the cap still holds (the
/// expansions of one shop are serialised), each resident gets one of the two posts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_concurrent_expansions_keep_the_cap() {
    let db = common::postgres_store().await;
    let store = db.store.clone();
    let service = PushService::start().await;
    let town = town(&store).await;
    let mut profiles = Vec::new();
    for (n, subscription) in service.subscribe_many(40).iter().enumerate() {
        profiles.push(resident(&store, &format!("phone-{n}"), &[town.bakery], subscription).await);
    }
    let clock = midday();
    for day in 0..6 {
        clock.jump_to(habay(2026, 11, 26, 12, 0) + TimeDelta::days(day));
        let a = publish(&store, &clock, &town, &offer(&clock, town.bakery, "A", "")).await;
        let b = publish(&store, &clock, &town, &offer(&clock, town.bakery, "B", "")).await;
        let now = clock.now();
        let max_ttl = TimeDelta::hours(48);
        let (one, two) = tokio::join!(
            store.expand_push_jobs(now, 1, max_ttl),
            store.expand_push_jobs(now, 1, max_ttl)
        );
        assert_eq!(
            one.unwrap() + two.unwrap(),
            80,
            "day {day}: both jobs expanded"
        );
        let mut pending = std::collections::HashMap::<i64, usize>::new();
        for post in [a, b] {
            for (profile, state, _) in deliveries(&store, post).await {
                if state == "pending" {
                    *pending.entry(profile).or_default() += 1;
                }
            }
        }
        for profile in &profiles {
            assert_eq!(
                pending.get(profile),
                Some(&1),
                "day {day}, profile {profile}"
            );
        }
    }
}

/// Two server instances on one PostgreSQL database: both deliver, none twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_instances_share_a_fan_out_once() {
    const AUDIENCE: usize = 1000;
    let db = common::postgres_store().await;
    let store = db.store.clone();
    let service = PushService::start().await;
    service.sample_only(50);
    let town = town(&store).await;
    for (n, subscription) in service.subscribe_many(AUDIENCE).iter().enumerate() {
        resident(&store, &format!("phone-{n}"), &[town.bakery], subscription).await;
    }
    let clock = midday();
    let mut first = start_worker(
        &store,
        clock.clone(),
        fast_settings(),
        Duration::from_secs(5),
    )
    .await;
    let mut second = start_worker(
        &store,
        clock.clone(),
        fast_settings(),
        Duration::from_secs(5),
    )
    .await;
    let post_id = publish(
        &store,
        &clock,
        &town,
        &offer(&clock, town.bakery, "Pour tout le quartier", ""),
    )
    .await;
    service
        .wait_until(WAIT, "every subscription", |s| s.accepted().0 == AUDIENCE)
        .await;
    let total = |a: &watch::Receiver<u64>, b: &watch::Receiver<u64>| *a.borrow() + *b.borrow();
    let waited = tokio::time::timeout(WAIT, async {
        while total(&first, &second) < AUDIENCE as u64 {
            tokio::select! {
                _ = first.changed() => {}
                _ = second.changed() => {}
            }
        }
    })
    .await;
    assert!(waited.is_ok(), "{} outcomes", total(&first, &second));
    let (reached, accepted) = service.accepted();
    assert_eq!(
        (reached, accepted),
        (AUDIENCE, AUDIENCE),
        "each delivery went out once"
    );
    let (by_first, by_second) = (*first.borrow(), *second.borrow());
    assert!(
        by_first > 0 && by_second > 0,
        "both instances worked: {by_first} and {by_second}"
    );
    assert_eq!(by_first + by_second, AUDIENCE as u64);
    let figures = store.push_figures(post_id).await.unwrap();
    assert_eq!(
        (figures.targeted, figures.delivered),
        (AUDIENCE as i64, AUDIENCE as i64)
    );
}

/// An edited post replaces what phones have: the same Topic (so that the push service drops
/// the older message still waiting) and tag, silently, at low urgency, a minute after the edit
/// (edits in a row go once), three times at most; no new push counted. A delivery still
/// waiting carries the new version; an edit that the notification does not show sends nothing;
/// a scheduled post's announcement follows its new time.
async fn edits_replace_what_phones_have(store: SqlStore) {
    let service = PushService::start().await;
    let town = town(&store).await;
    let anne = service.subscribe();
    let bob = service.subscribe();
    resident(&store, "anne", &[town.bakery], &anne).await;
    let late = resident(&store, "bob", &[town.bakery], &bob).await;
    // Bob's quiet hours cover midday: his copy waits until 13:00.
    quiet_hours(&store, late, 11 * 60, 13 * 60).await;
    let clock = midday();
    let mut recorded = start_worker(
        &store,
        clock.clone(),
        fast_settings(),
        Duration::from_secs(5),
    )
    .await;
    let first = offer(
        &clock,
        town.bakery,
        "Pain aux noix -20 %",
        "Jusqu'à samedi.",
    );
    let post_id = publish(&store, &clock, &town, &first).await;
    outcomes(&mut recorded, 2).await;
    assert_eq!(service.requests(), vec![(anne.index, 201)]);

    // The edit goes out a minute later, to anne only.
    let edited = NewPost {
        title: "Pain aux noix -30 %".into(),
        ..first.clone()
    };
    let edit = |post: NewPost| {
        let store = store.clone();
        let clock = clock.clone();
        let town_id = town.town_id;
        async move {
            store
                .update_post(town_id, post_id, &post, clock.now())
                .await
                .unwrap()
                .unwrap();
        }
    };
    let before = clock.now().trunc_subsecs(0);
    edit(edited.clone()).await;
    let due = store.next_push_due().await.unwrap().unwrap();
    let delay = server::db::UPDATE_PUSH_DELAY;
    assert!(
        due >= before + delay && due <= clock.now() + delay,
        "due {due}, edited at {before}"
    );
    let a_minute_later = || clock.jump_to(clock.now() + TimeDelta::seconds(61));
    a_minute_later();
    outcomes(&mut recorded, 3).await;
    assert_eq!(
        service.requests(),
        vec![(anne.index, 201), (anne.index, 201)],
        "bob's copy has not gone yet: it will carry the new version"
    );
    let received = service.received();
    let (before, after) = (&received[0], &received[1]);
    assert_eq!(before.topic, after.topic);
    assert_eq!(
        after.topic.as_deref(),
        Some(format!("post-{post_id}").as_str())
    );
    assert_eq!(after.urgency.as_deref(), Some("low"));
    assert_eq!(
        after.json()["notification"]["body"],
        "Pain aux noix -30 %\nJusqu'à samedi."
    );
    assert_eq!(after.json()["notification"]["silent"], true);
    assert_eq!(
        after.json()["notification"]["tag"],
        before.json()["notification"]["tag"]
    );
    assert_eq!(before.json()["notification"].get("silent"), None);

    // Only the place changes: the notification does not show it, nothing is queued. Then two
    // edits in a row: one message with the last version.
    let moved = NewPost {
        place: Some("Place de Habay".into()),
        ..edited.clone()
    };
    edit(moved.clone()).await;
    assert_eq!(
        store.next_push_due().await.unwrap(),
        Some(habay(2026, 11, 26, 13, 0)),
        "only bob's copy waits"
    );
    let rewritten = NewPost {
        body: "Jusqu'à dimanche.".into(),
        ..moved.clone()
    };
    edit(rewritten.clone()).await;
    let retitled = NewPost {
        title: "Pain aux noix -40 %".into(),
        ..rewritten.clone()
    };
    edit(retitled.clone()).await;
    a_minute_later();
    outcomes(&mut recorded, 4).await;
    let rows = deliveries(&store, post_id).await;
    assert_eq!(
        rows.len(),
        4,
        "2 first copies, 2 updates for anne: {rows:?}"
    );
    let latest = "Pain aux noix -40 %\nJusqu'à dimanche.";
    assert_eq!(service.received()[2].json()["notification"]["body"], latest);

    // A third update, then no more: later edits reach the feed (and bob's waiting copy).
    edit(NewPost {
        title: "Pain aux noix -40 % !".into(),
        ..retitled.clone()
    })
    .await;
    a_minute_later();
    outcomes(&mut recorded, 5).await;
    edit(retitled.clone()).await;
    assert_eq!(
        store.next_push_due().await.unwrap(),
        Some(habay(2026, 11, 26, 13, 0)),
        "{} updates at most",
        server::db::MAX_UPDATE_PUSHES
    );

    // 13:00: bob gets the current version, once.
    clock.jump_to(habay(2026, 11, 26, 13, 0));
    outcomes(&mut recorded, 6).await;
    let received = service.received();
    assert_eq!(received.len(), 5);
    assert_eq!(received[4].subscription, bob.index);
    assert_eq!(received[4].json()["notification"]["body"], latest);
    assert_eq!(received[4].urgency.as_deref(), Some("normal"));
    // Two residents reached; the edits are no new pushes.
    let figures = store.push_figures(post_id).await.unwrap();
    assert_eq!((figures.targeted, figures.delivered), (2, 2), "{figures:?}");

    // A post scheduled for tomorrow, moved to the day after: announced then, not now.
    let tomorrow = clock.now() + TimeDelta::days(1);
    let scheduled = NewPost {
        published_at: tomorrow,
        ..offer(&clock, town.bakery, "Galettes des rois", "")
    };
    let scheduled_id = publish(&store, &clock, &town, &scheduled).await;
    assert_eq!(
        store.next_push_due().await.unwrap(),
        Some(tomorrow.trunc_subsecs(0))
    );
    let later = NewPost {
        title: "Galettes des rois, dès vendredi".into(),
        published_at: tomorrow + TimeDelta::days(1),
        ..scheduled
    };
    store
        .update_post(town.town_id, scheduled_id, &later, clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.next_push_due().await.unwrap(),
        Some((tomorrow + TimeDelta::days(1)).trunc_subsecs(0)),
        "no update job for a post not announced yet"
    );
    assert!(deliveries(&store, scheduled_id).await.is_empty());
}

/// Notices (about no post) go to every browser of their recipients, encrypted and signed like
/// posts' pushes; a team's notice waits for the end of the quiet hours, an answer to one's own
/// question too unless it says otherwise; a browser gone (410) is removed.
async fn notices_reach_every_browser_after_quiet_hours(store: SqlStore) {
    use app::domain::outbox::Notice;
    let service = PushService::start().await;
    let town = town(&store).await;
    let (phone, tablet, gone) = (
        service.subscribe(),
        service.subscribe(),
        service.subscribe(),
    );
    let baker = resident(&store, "baker", &[], &phone).await;
    store
        .save_push_subscription(
            baker,
            None,
            &StoredSubscription {
                endpoint: tablet.endpoint.clone(),
                p256dh: tablet.p256dh.clone(),
                auth: tablet.auth.clone(),
            },
            Utc::now(),
        )
        .await
        .unwrap();
    let resident_profile = resident(&store, "anne", &[], &gone).await;
    service.answer(&gone, &[Answer::Status(410)]);
    // 22:00 in Habay: inside the town's quiet hours.
    let clock = TestClock::at(habay(2026, 11, 26, 22, 0));
    let mut recorded = start_worker(
        &store,
        clock.clone(),
        fast_settings(),
        Duration::from_secs(5),
    )
    .await;
    let notice = |title: &str, path: &str, tag: &str, quiet: bool| Notice {
        title: title.into(),
        body: "Ouvrez-vous le lundi ?".into(),
        path: path.into(),
        tag: tag.into(),
        lang: "nl".into(),
        respects_quiet_hours: quiet,
        message_id: None,
    };
    let queued = store
        .queue_notice(
            town.town_id,
            &[baker],
            &notice(
                "Nouveau message pour Boulangerie Jacob",
                "/counter/boulangerie-jacob/messages#message-7",
                "message-7",
                true,
            ),
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(queued, 2, "the baker's phone and tablet");
    store
        .queue_notice(
            town.town_id,
            &[resident_profile],
            &notice(
                "Boulangerie Jacob heeft u geantwoord",
                "/messages#message-7",
                "answer-7",
                false,
            ),
            clock.now(),
        )
        .await
        .unwrap();
    // The resident's goes at once, to a browser that is gone: removed.
    outcomes(&mut recorded, 3).await;
    assert_eq!(service.requests(), vec![(gone.index, 410)]);
    assert!(store
        .push_subscriptions(resident_profile)
        .await
        .unwrap()
        .is_empty());
    // The baker's wait for 08:00, then reach both browsers, decrypted as a browser would.
    clock.jump_to(habay(2026, 11, 27, 8, 0));
    outcomes(&mut recorded, 5).await;
    let mut requests = service.requests();
    requests.sort_unstable();
    let mut expected = vec![(gone.index, 410), (phone.index, 201), (tablet.index, 201)];
    expected.sort_unstable();
    assert_eq!(requests, expected);
    let received = service.received();
    let to_phone = received
        .iter()
        .find(|r| r.subscription == phone.index)
        .expect("the phone's notice");
    let json = to_phone.json();
    assert_eq!(json["web_push"], 8030);
    let shown = &json["notification"];
    assert_eq!(shown["title"], "Nouveau message pour Boulangerie Jacob");
    assert_eq!(shown["body"], "Ouvrez-vous le lundi ?");
    assert_eq!(shown["lang"], "nl");
    assert_eq!(shown["tag"], "message-7");
    assert_eq!(
        shown["navigate"],
        format!("{BASE_URL}/counter/boulangerie-jacob/messages#message-7")
    );
    assert_eq!(to_phone.topic.as_deref(), Some("message-7"));
    assert!(to_phone.ttl > 0);
    let states: Vec<String> = store
        .profile_notices(baker)
        .await
        .unwrap()
        .into_iter()
        .map(|(state, _, _)| state)
        .collect();
    assert_eq!(states, ["delivered", "delivered"]);
}

/// Each scenario runs on a temporary SQLite file and on a fresh PostgreSQL database.
/// A district's broadcast reaches its followers; the followers of its shops only when the steward
/// asks for it: of the co-organising shops when there are some, else of all its shops. Feeds
/// show it to the same residents, and to the co-organisers' followers; each co-organiser's page
/// lists it.
async fn district_broadcasts_reach_whom_the_steward_chose(store: SqlStore) {
    use app::server::{Broadcast, FeedScope};
    let service = PushService::start().await;
    let town = town(&store).await;
    let centre = common::fixtures::district(&store, town.town_id, "centre", "Centre").await;
    store
        .set_shop_districts(
            town.town_id,
            &[
                (town.bakery, Some(centre.id)),
                (town.florist, Some(centre.id)),
            ],
        )
        .await
        .unwrap();
    let district_phone = service.subscribe();
    let bakery_phone = service.subscribe();
    let florist_phone = service.subscribe();
    let by_district = resident(&store, "district", &[], &district_phone).await;
    store
        .set_district_follow(by_district, centre.id, true, Utc::now())
        .await
        .unwrap();
    let by_bakery = resident(&store, "bakery", &[town.bakery], &bakery_phone).await;
    let by_florist = resident(&store, "florist", &[town.florist], &florist_phone).await;

    let clock = midday();
    let mut recorded = start_worker(
        &store,
        clock.clone(),
        fast_settings(),
        Duration::from_secs(5),
    )
    .await;
    let broadcast = |title: &str, broadcast: Broadcast| {
        let mut post = offer(&clock, town.bakery, title, "");
        post.kind = PostKind::Event;
        post.valid_until = None;
        post.starts_at = Some(clock.now() + TimeDelta::days(2));
        post.author = PostAuthor::District(centre.id);
        post.broadcast = broadcast;
        post
    };
    // The district's followers only.
    let own = publish(
        &store,
        &clock,
        &town,
        &broadcast("Réunion", Broadcast::default()),
    )
    .await;
    outcomes(&mut recorded, 1).await;
    // And every shop's followers.
    let all_shops = broadcast(
        "Braderie",
        Broadcast {
            notify_shop_followers: true,
            co_organisers: Vec::new(),
        },
    );
    let all_shops = publish(&store, &clock, &town, &all_shops).await;
    outcomes(&mut recorded, 4).await;
    // And the co-organisers' followers only.
    let with_bakery = broadcast(
        "Dégustation",
        Broadcast {
            notify_shop_followers: true,
            co_organisers: vec![town.bakery],
        },
    );
    let with_bakery = publish(&store, &clock, &town, &with_bakery).await;
    outcomes(&mut recorded, 6).await;
    // Co-organised, no push beyond the district's followers (the district's cap, three a week,
    // now reached for its follower: capped, in the feed).
    let quiet = broadcast(
        "Concours de vitrines",
        Broadcast {
            notify_shop_followers: false,
            co_organisers: vec![town.florist],
        },
    );
    let quiet = publish(&store, &clock, &town, &quiet).await;
    // The probe: a florist's own post, queued after it, shows when the worker has dealt with it.
    publish(
        &store,
        &clock,
        &town,
        &offer(&clock, town.florist, "Sonde", ""),
    )
    .await;
    outcomes(&mut recorded, 7).await;

    let to = |post: i64| {
        let mut to: Vec<usize> = service
            .received()
            .iter()
            .filter(|r| r.json()["notification"]["tag"] == format!("post-{post}"))
            .map(|r| r.subscription)
            .collect();
        to.sort();
        to
    };
    assert_eq!(to(own), vec![district_phone.index]);
    assert_eq!(
        to(all_shops),
        vec![
            district_phone.index,
            bakery_phone.index,
            florist_phone.index
        ]
    );
    assert_eq!(
        to(with_bakery),
        vec![district_phone.index, bakery_phone.index]
    );
    assert_eq!(to(quiet), Vec::<usize>::new());
    let figures = store.push_figures(quiet).await.unwrap();
    assert_eq!((figures.targeted, figures.skipped), (1, 1), "{figures:?}");

    let saved = store
        .post_by_id(town.town_id, with_bakery)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.content.broadcast.co_organisers, vec![town.bakery]);
    assert!(saved.content.broadcast.notify_shop_followers);

    let now = clock.now();
    let feed = |scope: FeedScope| {
        let store = store.clone();
        async move {
            let mut ids: Vec<i64> = store
                .upcoming_events(town.town_id, scope, now, 50)
                .await
                .unwrap()
                .into_iter()
                .map(|p| p.id)
                .collect();
            ids.sort();
            ids
        }
    };
    assert_eq!(
        feed(FeedScope::Profile(by_district)).await,
        vec![own, all_shops, with_bakery, quiet]
    );
    assert_eq!(
        feed(FeedScope::Profile(by_bakery)).await,
        vec![all_shops, with_bakery]
    );
    assert_eq!(
        feed(FeedScope::Profile(by_florist)).await,
        vec![all_shops, quiet]
    );
    assert_eq!(feed(FeedScope::Shop(town.bakery)).await, vec![with_bakery]);
    assert_eq!(feed(FeedScope::Shop(town.florist)).await, vec![quiet]);
    assert_eq!(
        feed(FeedScope::District(centre.id)).await,
        vec![own, all_shops, with_bakery, quiet]
    );

    // A co-organiser outside the district is left out; an edit replaces the list.
    let other = common::fixtures::district(&store, town.town_id, "gare", "Gare").await;
    store
        .set_shop_districts(town.town_id, &[(town.florist, Some(other.id))])
        .await
        .unwrap();
    let mut edited = broadcast("Dégustation", Broadcast::default());
    edited.broadcast.co_organisers = vec![town.bakery, town.florist];
    let edited = store
        .update_post(town.town_id, with_bakery, &edited, clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(edited.content.broadcast.co_organisers, vec![town.bakery]);
    assert!(!edited.content.broadcast.notify_shop_followers);
    // The florist left the district: it no longer co-organises the contest, nor shows it.
    let contest = store
        .post_by_id(town.town_id, quiet)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contest.content.broadcast.co_organisers, Vec::<i64>::new());
    assert_eq!(feed(FeedScope::Shop(town.florist)).await, Vec::<i64>::new());
}

macro_rules! on_both_databases {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    let (store, _dir) = super::common::sqlite_store().await;
                    super::$scenario(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    let db = super::common::postgres_store().await;
                    super::$scenario(db.store.clone()).await;
                }
            )*
        }
    };
}

on_both_databases!(
    district_broadcasts_reach_whom_the_steward_chose,
    notices_reach_every_browser_after_quiet_hours,
    edits_replace_what_phones_have,
    quiet_hours_defer_until_morning,
    follows_choose_and_caps_limit,
    each_follower_gets_the_offer_once,
    retries_prunes_and_records,
    push_service_refusals_keep_subscribers,
    deleting_a_post_does_not_reset_the_cap,
    nothing_for_ended_offers_or_private_endpoints,
    each_town_pushes_with_its_own_key,
);

/// A merchant editing a post again and again during a 10 000-delivery fan-out on SQLite: every
/// edit is saved (write transactions take SQLite's write lock at their start, so one that read
/// first never fails because the worker committed in between).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_edits_during_a_big_fan_out_never_fail() {
    const AUDIENCE: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("quartier.db").display());
    let (store, town_id, shop_id) = common::push_service::town_with_bakery(&url).await;
    let service = PushService::start().await;
    service.sample_only(1000);
    let subscriptions = service.subscribe_many(AUDIENCE);
    common::push_service::add_audience(&url, shop_id, &subscriptions).await;
    let clock = midday();
    let mut recorded = start_worker(
        &store,
        clock.clone(),
        WorkerSettings {
            concurrency: 48,
            ..fast_settings()
        },
        Duration::from_secs(5),
    )
    .await;
    let mut post = offer(&clock, shop_id, "Pain", "");
    let post_id = store
        .publish_post(town_id, &post, &PostOrigin::default(), clock.now())
        .await
        .unwrap()
        .0
        .id;
    let mut edits = 0;
    while service.accepted().1 < AUDIENCE && edits < 2000 {
        edits += 1;
        post.body = format!("Édition {edits}");
        store
            .update_post(town_id, post_id, &post, clock.now())
            .await
            .unwrap_or_else(|e| panic!("edit {edits} during the fan-out failed: {e}"))
            .expect("the post exists");
    }
    assert!(edits > 10, "the edits ran during the fan-out ({edits})");
    let waited = tokio::time::timeout(
        Duration::from_secs(120),
        recorded.wait_for(|n| *n >= AUDIENCE as u64),
    )
    .await
    .map(|r| r.is_ok());
    assert_eq!(waited, Ok(true), "{} outcomes", *recorded.borrow());
    assert_eq!(service.accepted().0, AUDIENCE);
}

/// Two towns on one deployment, one phone subscribed on each town's site (an account's
/// profile holds both subscriptions, each made with that town's key): each town's offer goes to
/// the subscription made on its site only, signed with its own key and contact, and links to
/// its own site. The push service refuses a message signed with another key than the
/// subscription's, as real ones do.
async fn each_town_pushes_with_its_own_key(store: SqlStore) {
    use common::fixtures::{shop, shop_fields};
    let service = PushService::start().await;
    let habay = town(&store).await;
    let mut arlon = common::fixtures::town(&store, "arlon", "Arlon").await;
    arlon.host = Some("arlon.example.be".into());
    arlon.vapid_subject = Some("mailto:commerce@arlon.be".into());
    let arlon = store.update_town(&arlon).await.unwrap();
    let market = shop(
        &store,
        arlon.id,
        "node/9",
        "boulangerie-du-marche",
        &shop_fields("Boulangerie du Marché", "bakery", 49.68, 5.81),
    )
    .await;
    let habay_key = server::push::vapid_keys(&store, habay.town_id)
        .await
        .unwrap();
    let arlon_key = server::push::vapid_keys(&store, arlon.id).await.unwrap();
    assert_ne!(habay_key, arlon_key);
    let on_habay = service.subscribe_with(&habay_key.public_key);
    let on_arlon = service.subscribe_with(&arlon_key.public_key);
    let now = Utc::now();
    let anne = store.create_device_profile("anne", now).await.unwrap();
    for shop in [habay.bakery, market.id] {
        store.set_shop_follow(anne, shop, true, now).await.unwrap();
    }
    for (town_id, subscription) in [(habay.town_id, &on_habay), (arlon.id, &on_arlon)] {
        store
            .save_push_subscription(
                anne,
                Some(town_id),
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

    // The server's own senders: each town's key, contact and address from the database.
    let config = server::config::Config::from_lookup(|name| match name {
        "QUARTIER_BASE_URL" => Some(BASE_URL.to_owned()),
        "QUARTIER_VAPID_SUBJECT" => Some("mailto:ops@quartier.example".to_owned()),
        "QUARTIER_PUSH_ALLOW_LOOPBACK" => Some("true".to_owned()),
        _ => None,
    })
    .unwrap();
    let senders = server::push::StoredTownSenders::new(
        Arc::new(store.clone()),
        Arc::new(config.settings()),
        &config.push_delivery(),
    )
    .unwrap();
    let clock = midday();
    let worker = Worker::with_senders(
        Arc::new(store.clone()),
        Arc::new(senders),
        clock.clone(),
        fast_settings(),
    );
    let mut recorded = worker.recorded();
    tokio::spawn(Arc::new(worker).run());

    publish(
        &store,
        &clock,
        &habay,
        &offer(&clock, habay.bakery, "Croissants", "Ce matin."),
    )
    .await;
    let arlon_town = Town {
        town_id: arlon.id,
        bakery: market.id,
        florist: market.id,
    };
    publish(
        &store,
        &clock,
        &arlon_town,
        &offer(&clock, market.id, "Pain de seigle", "Sorti du four."),
    )
    .await;
    outcomes(&mut recorded, 2).await;
    assert!(service.refused().is_empty(), "{:?}", service.refused());
    let received = service.received();
    assert_eq!(received.len(), 2);
    for message in &received {
        let navigate = message.json()["notification"]["navigate"]
            .as_str()
            .unwrap()
            .to_owned();
        if message.subscription == on_habay.index {
            assert_eq!(message.key, habay_key.public_key);
            assert_eq!(message.claims["sub"], "mailto:ops@quartier.example");
            assert!(
                navigate.starts_with("https://quartier.example/shops/boulangerie-jacob#post-"),
                "{navigate}"
            );
        } else {
            assert_eq!(message.subscription, on_arlon.index);
            assert_eq!(message.key, arlon_key.public_key);
            assert_eq!(message.claims["sub"], "mailto:commerce@arlon.be");
            assert!(
                navigate.starts_with("https://arlon.example.be/shops/boulangerie-du-marche#post-"),
                "{navigate}"
            );
        }
    }
}
