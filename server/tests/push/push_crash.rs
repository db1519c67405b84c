//! Nothing is lost across a crash: the real `quartier serve` process fans a post out to 10 000
//! subscriptions on the local push service, is killed with SIGKILL part-way, and started again;
//! in the end every subscription has the message, with at most 1 % sent twice (the messages in
//! flight when the process died, sent again once their lease ran out).

use crate::common;

use app::server::store::prelude::*;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::server::{NewPost, PostAuthor, PostKind, PostOrigin};
use chrono::{TimeDelta, Utc};
use common::push_service::{add_audience, town_with_bakery, PushService};

const AUDIENCE: usize = 10_000;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_server(database_url: &str, dir: &std::path::Path) -> Child {
    let port = free_port();
    Command::new(env!("CARGO_BIN_EXE_quartier"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env("LEPTOS_OUTPUT_NAME", "quartier")
        .env("QUARTIER_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("QUARTIER_MEDIA_DIR", dir.join("media"))
        .env("QUARTIER_PUSH_ALLOW_LOOPBACK", "true")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the quartier binary starts")
}

/// A town whose bakery has `AUDIENCE` followers on the local push service, its database, and
/// an offer of the bakery just published (its fan-out queued).
async fn fan_out_queued() -> (tempfile::TempDir, String, PushService) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("quartier.db").display());
    let service = fan_out_queued_in(&url).await;
    (dir, url, service)
}

/// The same in the database at `url` (made empty); the push service.
async fn fan_out_queued_in(url: &str) -> PushService {
    let (store, town_id, shop_id) = town_with_bakery(url).await;
    let service = PushService::start().await;
    // Decrypt one message in a hundred (every request is still checked: TTL, VAPID).
    service.sample_only(100);
    let subscriptions = service.subscribe_many(AUDIENCE);
    add_audience(url, shop_id, &subscriptions).await;
    let now = Utc::now();
    store
        .publish_post(
            town_id,
            &NewPost {
                author: PostAuthor::Shop(shop_id),
                kind: PostKind::Offer,
                title: "Pain gratuit pour tout le quartier".into(),
                body: String::new(),
                photo: None,
                valid_from: None,
                valid_until: Some(now + TimeDelta::days(2)),
                starts_at: None,
                ends_at: None,
                place: None,
                published_at: now,
                broadcast: Default::default(),
            },
            &PostOrigin::default(),
            now,
        )
        .await
        .unwrap();
    store.close().await;
    service
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fan_out_survives_kill_9() {
    let (dir, url, service) = fan_out_queued().await;
    let mut server = start_server(&url, dir.path());
    let started = Instant::now();
    service
        .wait_until(Duration::from_secs(120), "a third of the fan-out", |s| {
            s.accepted().1 >= AUDIENCE / 3
        })
        .await;
    server.kill().expect("SIGKILL");
    server.wait().unwrap();
    let at_kill = service.accepted();
    assert!(at_kill.0 < AUDIENCE, "killed before the end: {at_kill:?}");

    let mut server = start_server(&url, dir.path());
    service
        .wait_until(Duration::from_secs(180), "every subscription", |s| {
            s.accepted().0 == AUDIENCE
        })
        .await;
    let elapsed = started.elapsed();
    server.kill().ok();
    server.wait().ok();
    let (reached, accepted) = service.accepted();
    let duplicates = accepted - reached;
    println!(
        "{AUDIENCE} subscriptions: {at_kill:?} (reached, accepted) when killed; all reached after \
         {elapsed:?} with {duplicates} duplicates"
    );
    assert_eq!(reached, AUDIENCE);
    assert!(
        duplicates * 100 <= AUDIENCE,
        "{duplicates} duplicates: more than 1 %"
    );
    assert!(service.refused().is_empty(), "{:?}", service.refused());
    // The sampled messages decrypt to the post.
    let received = service.received();
    assert!(received.len() >= AUDIENCE / 100 - 1, "{}", received.len());
    for message in received {
        assert_eq!(
            message.json()["notification"]["body"],
            "Pain gratuit pour tout le quartier"
        );
    }
}

/// A graceful stop (SIGTERM) part-way through a fan-out: the server stops taking deliveries,
/// finishes and records the ones in flight, and the next start sends the rest: every
/// subscription gets the message exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fan_out_stopped_with_sigterm_sends_nothing_twice() {
    let (dir, url, service) = fan_out_queued().await;
    let mut server = start_server(&url, dir.path());
    service
        .wait_until(Duration::from_secs(120), "a third of the fan-out", |s| {
            s.accepted().1 >= AUDIENCE / 3
        })
        .await;
    let signal = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(signal.success());
    let stopped = server.wait().unwrap();
    assert!(stopped.success(), "a clean exit: {stopped:?}");
    let at_stop = service.accepted();
    assert!(at_stop.0 < AUDIENCE, "stopped before the end: {at_stop:?}");
    assert_eq!(at_stop.0, at_stop.1, "nothing twice before the stop");

    let mut server = start_server(&url, dir.path());
    service
        .wait_until(Duration::from_secs(180), "every subscription", |s| {
            s.accepted().0 == AUDIENCE
        })
        .await;
    server.kill().ok();
    server.wait().ok();
    let (reached, accepted) = service.accepted();
    println!("SIGTERM at {at_stop:?} (reached, accepted); in the end {reached} reached, {accepted} accepted");
    assert_eq!((reached, accepted), (AUDIENCE, AUDIENCE), "each once");
    assert!(service.refused().is_empty(), "{:?}", service.refused());
}

/// Two instances on one PostgreSQL share a fan-out; one is killed with SIGKILL part-way: the
/// other finishes it. Every subscription gets the message, at most 1 % twice (those the killed
/// instance had in flight, sent again when their 30-second lease ran out).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgres_one_killed_the_other_finishes_the_fan_out() {
    let db = common::empty_postgres_db().await;
    let service = fan_out_queued_in(&db.url).await;
    let dir = tempfile::tempdir().unwrap();
    let mut first = start_server(&db.url, dir.path());
    let mut second = start_server(&db.url, dir.path());
    service
        .wait_until(Duration::from_secs(120), "a third of the fan-out", |s| {
            s.accepted().1 >= AUDIENCE / 3
        })
        .await;
    first.kill().expect("SIGKILL");
    first.wait().unwrap();
    let at_kill = service.accepted();
    assert!(at_kill.0 < AUDIENCE, "killed before the end: {at_kill:?}");
    service
        .wait_until(Duration::from_secs(180), "every subscription", |s| {
            s.accepted().0 == AUDIENCE
        })
        .await;
    second.kill().ok();
    second.wait().ok();
    let (reached, accepted) = service.accepted();
    let duplicates = accepted - reached;
    println!(
        "two instances: {at_kill:?} (reached, accepted) when one was killed; the other finished \
         with {duplicates} duplicates"
    );
    assert_eq!(reached, AUDIENCE);
    assert!(
        duplicates * 100 <= AUDIENCE,
        "{duplicates} duplicates: more than 1 %"
    );
    assert!(service.refused().is_empty(), "{:?}", service.refused());
}
