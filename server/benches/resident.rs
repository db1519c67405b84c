//! Resident query benchmarks (run with `cargo bench -p server --bench resident`):
//! - "near me" over 100 000 generated shops, on SQLite and on PostgreSQL (target p99 < 2 ms);
//! - search as you type over 10 000 shops and 100 000 posts (target p99 < 20 ms).
//!
//! Each figure is the full query as the server runs it: the store call plus the exact distance
//! and ranking in Rust. PostgreSQL is the machine's local server (QUARTIER_TEST_POSTGRES).

use app::server::store::prelude::*;
use std::time::Instant;

use app::domain::{nearby, search};
use app::server::{FeedScope, NewPost, NewTown, PostAuthor, PostKind, ShopFields, ShopFilter};
use chrono::{TimeDelta, Utc};
use server::db::SqlStore;

#[path = "support/mod.rs"]
mod support;
use support::*;

const WORDS: &[&str] = &[
    "boulangerie",
    "pâtisserie",
    "fromagerie",
    "boucherie",
    "fleurs",
    "librairie",
    "café",
    "brasserie",
    "épicerie",
    "chaussures",
    "vêtements",
    "optique",
    "pharmacie",
    "coiffure",
    "chocolaterie",
    "traiteur",
    "quincaillerie",
    "jouets",
    "vins",
    "bières",
    "marché",
    "promotion",
    "soldes",
    "nouveauté",
    "atelier",
    "dégustation",
    "saison",
    "local",
];
const CATEGORIES: &[&str] = &[
    "bakery",
    "butcher",
    "grocery",
    "cafe",
    "restaurant",
    "clothes",
    "florist",
    "pharmacy",
    "hairdresser",
    "books",
    "diy",
    "other",
];
const HOURS: &[&str] = &[
    "Mo-Sa 09:00-18:00",
    "Tu-Su 08:00-12:30,14:00-18:30",
    "24/7",
    "Mo-Fr 10:00-19:00",
];

/// Shops spread over 60 × 60 km of Wallonia around Habay.
fn shops(count: usize, rng: &mut Rng) -> Vec<(String, ShopFields)> {
    (0..count)
        .map(|i| {
            let name = format!("{} {} {i}", rng.pick(WORDS), rng.pick(WORDS));
            let fields = ShopFields {
                name: name.clone(),
                category: rng.pick(CATEGORIES).to_owned(),
                lat: 49.45 + rng.unit() * 0.54,
                lon: 5.20 + rng.unit() * 0.84,
                opening_hours: Some(rng.pick(HOURS).to_owned()),
                description: Some(format!("{} et {}", rng.pick(WORDS), rng.pick(WORDS))),
                ..ShopFields::default()
            };
            (format!("shop-{i}"), fields)
        })
        .collect()
}

async fn town(store: &SqlStore) -> i64 {
    store
        .upsert_town(&NewTown {
            slug: "bench".into(),
            name: "Bench".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap()
        .id
}

/// The "near me" query exactly as the server runs it (radius widened until enough shops).
async fn near_me(store: &SqlStore, town: i64, lat: f64, lon: f64) -> usize {
    let (lat, lon) = nearby::coarse_position(lat, lon).unwrap();
    let mut found = Vec::new();
    for radius in nearby::RADII_M {
        let candidates = store
            .shops_in_box(town, &nearby::bounding_box(lat, lon, radius))
            .await
            .unwrap();
        found = nearby::nearest(candidates, lat, lon, radius);
        if found.len() >= nearby::ENOUGH {
            break;
        }
    }
    found.len()
}

async fn bench_nearby(store: &SqlStore, backend: &str) {
    let mut rng = Rng(0x5eed_1234);
    let town = town(store).await;
    let started = Instant::now();
    store
        .insert_shops_bulk(town, &shops(100_000, &mut rng))
        .await
        .unwrap();
    println!(
        "{backend}: 100 000 shops loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Warm up, then measure 2 000 positions inside the area.
    for _ in 0..200 {
        near_me(store, town, 49.5 + rng.unit() * 0.4, 5.3 + rng.unit() * 0.6).await;
    }
    let mut samples = Vec::with_capacity(2_000);
    for _ in 0..2_000 {
        let (lat, lon) = (49.5 + rng.unit() * 0.4, 5.3 + rng.unit() * 0.6);
        let t = Instant::now();
        let n = near_me(store, town, lat, lon).await;
        samples.push(t.elapsed());
        assert!(n >= nearby::ENOUGH);
    }
    report(&format!("{backend}: near me, 100 000 shops"), samples);
}

async fn bench_search(store: &SqlStore, backend: &str) {
    let mut rng = Rng(0xfeed_5678);
    let town = town(store).await;
    store
        .insert_shops_bulk(town, &shops(10_000, &mut rng))
        .await
        .unwrap();
    let ids: Vec<i64> = store
        .shops(town, &ShopFilter::default())
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    let now = Utc::now();
    let posts: Vec<NewPost> = (0..100_000)
        .map(|i| {
            let offer = i % 2 == 0;
            NewPost {
                author: PostAuthor::Shop(ids[(rng.next() % ids.len() as u64) as usize]),
                kind: if offer {
                    PostKind::Offer
                } else {
                    PostKind::News
                },
                title: format!(
                    "{} {} {}",
                    rng.pick(WORDS),
                    rng.pick(WORDS),
                    rng.pick(WORDS)
                ),
                body: format!(
                    "{} {} {} {} {}",
                    rng.pick(WORDS),
                    rng.pick(WORDS),
                    rng.pick(WORDS),
                    rng.pick(WORDS),
                    rng.pick(WORDS)
                ),
                photo: None,
                valid_from: None,
                valid_until: offer.then(|| now + TimeDelta::days((i % 30) as i64 - 10)),
                starts_at: None,
                ends_at: None,
                place: None,
                published_at: now - TimeDelta::minutes(i as i64),
                broadcast: Default::default(),
            }
        })
        .collect();
    let started = Instant::now();
    store.insert_posts_bulk(town, &posts, now).await.unwrap();
    println!(
        "{backend}: 10 000 shops and 100 000 posts loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let recent = store
        .recent_posts(town, FeedScope::Town, now, 1)
        .await
        .unwrap();
    assert_eq!(recent.len(), 1);

    // Every prefix of typed queries, as the page asks while the resident types.
    let typed = [
        "boulangerie",
        "fleurs saison",
        "cafe",
        "patisserie locale",
        "promo",
        "chocolaterie",
        "vins",
        "atelier degustation",
    ];
    let mut queries = Vec::new();
    for q in typed {
        for end in 2..=q.len() {
            if q.is_char_boundary(end) {
                queries.push(q[..end].to_owned());
            }
        }
    }
    for q in &queries {
        if let Some(terms) = search::terms(q) {
            store
                .search_shops(town, &terms, &ShopFilter::default(), now, 100)
                .await
                .unwrap();
        }
    }
    let mut samples = Vec::new();
    for _ in 0..5 {
        for q in &queries {
            let Some(terms) = search::terms(q) else {
                continue;
            };
            let t = Instant::now();
            let mut found = store
                .search_shops(town, &terms, &ShopFilter::default(), now, 100)
                .await
                .unwrap();
            found.sort_by_key(|s| std::cmp::Reverse(search::name_score(&s.fields.name, &terms)));
            samples.push(t.elapsed());
        }
    }
    report(
        &format!("{backend}: search as you type, 10k shops + 100k posts"),
        samples,
    );
}

#[tokio::main]
async fn main() {
    // `cargo test --benches` runs this with `--bench` absent: only check that it starts.
    if !std::env::args().any(|a| a == "--bench") {
        println!("resident benchmarks: run with `cargo bench -p server --bench resident`");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sqlite(&dir, "nearby").await;
    bench_nearby(&store, "SQLite").await;
    store.close().await;
    let (store, _) = sqlite(&dir, "search").await;
    bench_search(&store, "SQLite").await;
    store.close().await;

    let (store, admin, db, _) = postgres("nearby").await;
    bench_nearby(&store, "PostgreSQL").await;
    drop_postgres(store, &admin, &db).await;
    let (store, admin, db, _) = postgres("search").await;
    bench_search(&store, "PostgreSQL").await;
    drop_postgres(store, &admin, &db).await;
}
