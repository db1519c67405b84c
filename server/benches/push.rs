//! Push fan-out benchmark: `cargo bench -p server --bench push [-- 10000 100000]`.
//!
//! Prints, for each audience size, the time from publishing a post to the last delivery
//! accepted by the local push service (tests/common/push_service.rs, in this process; it checks
//! TTL and VAPID on every request and decrypts one message in a thousand), the messages per
//! second and the CPU time per message (this process: worker, database and push service).
//! Beside them, the raw cost of the cryptography per message measured in the same run: the
//! aes128gcm encryption (an ephemeral ECDH key pair, ECDH, HKDF, AES-GCM) as the sender does it
//! (ring) and as `web-push` would (`ece` on OpenSSL 3), and a VAPID JWT signature (which the
//! sender makes once per push service, not per message).

#[path = "../tests/common/push_service.rs"]
#[allow(dead_code)]
mod push_service;

use app::server::store::prelude::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::server::{NewPost, PostAuthor, PostKind, PostOrigin, SystemClock};
use base64::Engine;
use chrono::{TimeDelta, Utc};
use push_service::{add_audience, town_with_bakery, PushService};
use server::push::worker::{Worker, WorkerSettings};
use web_push::{ContentEncoding, SubscriptionInfo, VapidSignatureBuilder, WebPushMessageBuilder};

/// This process's user + system CPU time.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 14th field overall.
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // Clock ticks are 100 per second on Linux.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

fn crypto_costs(service: &PushService) {
    let keys = server::push::generate_vapid_keys().unwrap();
    let subscription = service.subscribe();
    let info = SubscriptionInfo::new(
        subscription.endpoint.as_str(),
        subscription.p256dh.as_str(),
        subscription.auth.as_str(),
    );
    let payload = br#"{"web_push":8030,"notification":{"title":"Boulangerie Jacob","body":"Deux baguettes achetees, la troisieme offerte","navigate":"https://quartier.example/shops/boulangerie-jacob#post-1","lang":"fr","tag":"post-1"}}"#;
    let partial = VapidSignatureBuilder::from_base64_no_sub(&keys.private_key).unwrap();
    let rounds = 2000;
    let started = Instant::now();
    let mut signature = None;
    for _ in 0..rounds {
        let mut builder = partial.clone().add_sub_info(&info);
        builder.add_claim("sub", "mailto:ops@quartier.example");
        signature = Some(builder.build().unwrap());
    }
    let jwt = started.elapsed() / rounds;
    let started = Instant::now();
    for _ in 0..rounds {
        let mut message = WebPushMessageBuilder::new(&info);
        message.set_payload(ContentEncoding::Aes128Gcm, payload);
        message.set_vapid_signature(signature.clone().unwrap());
        message.build().unwrap();
    }
    let encryption = started.elapsed() / rounds;
    println!(
        "crypto per message: web-push's aes128gcm encryption (ece on OpenSSL 3) {encryption:?}; \
         VAPID JWT signature {jwt:?} (made once per push service and reused)"
    );
    let p256dh = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&subscription.p256dh)
        .unwrap();
    let auth = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&subscription.auth)
        .unwrap();
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(server::push::aes128gcm::encrypt(&p256dh, &auth, payload).unwrap());
    }
    let ours = started.elapsed() / rounds;
    println!(
        "  the sender's own aes128gcm (ring: ephemeral P-256 key, ECDH, HKDF, AES-128-GCM): \
         {ours:?} per message"
    );
}

async fn fan_out(audience: usize) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let (store, town_id, shop_id) = town_with_bakery(&url).await;
    let service = PushService::start().await;
    service.sample_only(1000);
    let subscriptions = service.subscribe_many(audience);
    add_audience(&url, shop_id, &subscriptions).await;

    let keys = server::push::vapid_keys(&store, town_id).await.unwrap();
    let sender = server::push::sender::Sender::new(
        &keys.private_key,
        "mailto:ops@quartier.example",
        true,
        Duration::from_secs(15),
    )
    .unwrap();
    let worker = Worker::new(
        Arc::new(store.clone()),
        sender,
        Arc::new(SystemClock),
        WorkerSettings {
            poll_every: Duration::from_millis(5),
            ..WorkerSettings::default()
        },
        "https://quartier.example",
    );
    let mut recorded = worker.recorded();
    tokio::spawn(Arc::new(worker).run());

    let cpu_before = cpu_time();
    let started = Instant::now();
    let now = Utc::now();
    store
        .publish_post(
            town_id,
            &NewPost {
                author: PostAuthor::Shop(shop_id),
                kind: PostKind::Offer,
                title: "Deux baguettes achetées, la troisième offerte".into(),
                body: "Ce samedi matin.".into(),
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
    service
        .wait_until(Duration::from_secs(600), "every delivery", |s| {
            s.accepted().0 == audience
        })
        .await;
    let last_delivery = started.elapsed();
    recorded
        .wait_for(|n| *n >= audience as u64)
        .await
        .expect("the worker runs");
    let all_recorded = started.elapsed();
    let cpu = cpu_time() - cpu_before;
    let (reached, accepted) = service.accepted();
    assert_eq!(reached, audience);
    assert!(service.refused().is_empty(), "{:?}", service.refused());
    println!(
        "fan-out of {audience}: last delivery {:.2} s after publishing ({:.0} messages/s), all \
         outcomes written at {:.2} s; CPU {:.0} µs per message (worker, SQLite and push service \
         together); {} sent twice",
        last_delivery.as_secs_f64(),
        audience as f64 / last_delivery.as_secs_f64(),
        all_recorded.as_secs_f64(),
        cpu.as_micros() as f64 / audience as f64,
        accepted - reached,
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000]
    } else {
        sizes
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let service = PushService::start().await;
        crypto_costs(&service);
        for size in sizes {
            fan_out(size).await;
        }
    });
}
