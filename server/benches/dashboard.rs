//! Dashboard benchmark (`cargo bench -p server --bench dashboard`): two years of generated
//! activity — 500 shops in 5 districts, 20 000 devices following them, 10 000 posts, 2.5 million
//! push deliveries and 2.5 million views, kept as daily counters — then every dashboard page
//! asked for over HTTP by the town's administrator, as the server answers it (the town's and a
//! district's dashboard for the last 30 days, the monthly report, the shops' CSV), on SQLite and
//! on PostgreSQL (target: p99 < 200 ms). Prints the tables' sizes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::server::store::prelude::*;
use app::server::{NewDistrict, NewPost, NewTown, PostAuthor, PostKind, ShopFields, ShopFilter};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use http_body_util::BodyExt;
use server::db::SqlStore;
use tower::ServiceExt;

#[path = "support/mod.rs"]
mod support;
use support::*;

const SHOPS: usize = 500;
const DISTRICTS: usize = 5;
const DEVICES: i64 = 20_000;
const POSTS: usize = 10_000;
const DELIVERIES_PER_POST: i64 = 250;
const DAYS: i64 = 730;

/// Runs the same SQL on either database (both take `$n` placeholders).
macro_rules! on_raw {
    ($raw:expr, |$pool:ident| $body:expr) => {
        match $raw {
            Raw::Sqlite($pool) => $body,
            Raw::Postgres($pool) => $body,
        }
    };
}

enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    async fn connect(url: &str) -> Raw {
        if url.starts_with("sqlite:") {
            Raw::Sqlite(sqlx::SqlitePool::connect(url).await.unwrap())
        } else {
            Raw::Postgres(sqlx::PgPool::connect(url).await.unwrap())
        }
    }

    async fn execute(&self, sql: &str, now: DateTime<Utc>, town: i64) -> u64 {
        on_raw!(self, |pool| sqlx::query(sql)
            .bind(now)
            .bind(town)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .rows_affected())
    }

    async fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        on_raw!(self, |pool| sqlx::query_scalar::<_, i64>(&sql)
            .fetch_one(pool)
            .await
            .unwrap())
    }

    /// The database's size on disk, in MB.
    async fn size_mb(&self) -> f64 {
        let bytes: i64 = match self {
            Raw::Sqlite(pool) => sqlx::query_scalar(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            )
            .fetch_one(pool)
            .await
            .unwrap(),
            Raw::Postgres(pool) => {
                sqlx::query_scalar("SELECT pg_database_size(current_database())")
                    .fetch_one(pool)
                    .await
                    .unwrap()
            }
        };
        bytes as f64 / 1e6
    }

    /// Inserts daily counters, 500 rows a statement.
    async fn insert_counts(&self, rows: &[(i64, String, &'static str, i64, i64, i64, i64)]) {
        for chunk in rows.chunks(500) {
            let values: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let b = r * 7;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO daily_counts (town_id, day, metric, district_id, shop_id, post_id, count) \
                 VALUES {}",
                values.join(", ")
            );
            on_raw!(self, |pool| {
                let mut query = sqlx::query(&sql);
                for (town, day, metric, district, shop, post, count) in chunk {
                    query = query
                        .bind(*town)
                        .bind(day.as_str())
                        .bind(*metric)
                        .bind(*district)
                        .bind(*shop)
                        .bind(*post)
                        .bind(*count);
                }
                query.execute(pool).await.unwrap();
            });
        }
    }
}

/// The numbers 1 to `n` as a recursive common table expression (both databases).
fn numbers(n: i64) -> String {
    format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})")
}

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Two years of the town's activity; returns the admin's session cookie.
async fn generate(store: &SqlStore, raw: &Raw, now: DateTime<Utc>) -> (i64, String, String) {
    let mut rng = Rng(0xda5b_0a2d);
    let started = Instant::now();
    let town = store
        .upsert_town(&NewTown {
            slug: "bench".into(),
            name: "Bench".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap()
        .id;
    let mut districts = Vec::new();
    for d in 0..DISTRICTS {
        let (lat, lon) = (49.7 + d as f64 * 0.01, 5.6);
        let boundary = format!(
            "{{\"type\":\"Polygon\",\"coordinates\":[[[{lon},{lat}],[{},{lat}],[{},{}],[{lon},{}],[{lon},{lat}]]]}}",
            lon + 0.01,
            lon + 0.01,
            lat + 0.01,
            lat + 0.01
        );
        districts.push(
            store
                .upsert_district(
                    town,
                    &NewDistrict {
                        slug: format!("quartier-{d}"),
                        name: format!("Quartier {d}"),
                        boundary,
                    },
                )
                .await
                .unwrap(),
        );
    }
    let shops: Vec<(String, ShopFields)> = (0..SHOPS)
        .map(|i| {
            (
                format!("commerce-{i}"),
                ShopFields {
                    name: format!("Commerce {i}"),
                    category: "bakery".into(),
                    lat: 49.7 + rng.unit() * 0.05,
                    lon: 5.6 + rng.unit() * 0.01,
                    opening_hours: (i % 3 != 0).then(|| "Mo-Sa 09:00-18:00".into()),
                    description: (i % 2 == 0)
                        .then(|| "Une belle boutique au cœur du quartier, depuis 1950.".into()),
                    ..ShopFields::default()
                },
            )
        })
        .collect();
    store.insert_shops_bulk(town, &shops).await.unwrap();
    let shops = store.shops(town, &ShopFilter::default()).await.unwrap();
    let assignment: Vec<(i64, Option<i64>)> = shops
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, Some(districts[i % DISTRICTS].id)))
        .collect();
    store.set_shop_districts(town, &assignment).await.unwrap();
    let district_of = |shop: i64| {
        assignment
            .iter()
            .find(|(s, _)| *s == shop)
            .and_then(|(_, d)| *d)
            .unwrap_or(0)
    };

    // Devices, each following about three shops; one in 25 follows a district.
    raw.execute(
        &format!(
            "{} INSERT INTO device_profiles (token_hash, created_at, last_seen_at) \
             SELECT 'bench-' || i, $1, $1 FROM n WHERE $2 > 0",
            numbers(DEVICES)
        ),
        now,
        town,
    )
    .await;
    raw.execute(
        "INSERT INTO shop_follows (profile_id, shop_id, created_at) \
         SELECT p.id, s.id, $1 FROM device_profiles p JOIN shops s \
         ON s.town_id = $2 AND s.id % 167 = p.id % 167",
        now,
        town,
    )
    .await;
    raw.execute(
        "INSERT INTO district_follows (profile_id, district_id, created_at) \
         SELECT p.id, d.id, $1 FROM device_profiles p JOIN districts d \
         ON d.town_id = $2 AND p.id % 25 = 0 AND d.id % 5 = p.id % 5",
        now,
        town,
    )
    .await;

    // Posts over two years, one push job each and its deliveries.
    let posts: Vec<NewPost> = (0..POSTS)
        .map(|i| {
            let published = now - TimeDelta::minutes((rng.next() % (DAYS as u64 * 1440)) as i64);
            let shop = shops[(rng.next() % shops.len() as u64) as usize].id;
            let kind = [PostKind::Offer, PostKind::News, PostKind::Event][i % 3];
            NewPost {
                author: PostAuthor::Shop(shop),
                kind,
                title: format!("Publication {i}"),
                body: "Venez découvrir nos nouveautés de saison.".into(),
                photo: None,
                valid_from: None,
                valid_until: None,
                starts_at: (kind == PostKind::Event).then_some(published + TimeDelta::days(3)),
                ends_at: None,
                place: None,
                published_at: published,
                broadcast: Default::default(),
            }
        })
        .collect();
    store.insert_posts_bulk(town, &posts, now).await.unwrap();
    raw.execute(
        "INSERT INTO push_jobs (post_id, due_at, expanded_at, created_at) \
         SELECT id, published_at, published_at, published_at FROM posts \
         WHERE town_id = $2 AND published_at <= $1",
        now,
        town,
    )
    .await;
    raw.execute(
        &format!(
            "{} INSERT INTO push_deliveries (job_id, post_id, subscription_id, profile_id, state, \
             due_at, attempts, created_at, finished_at) \
             SELECT j.id, j.post_id, NULL, n.i, \
             CASE WHEN n.i % 10 = 0 THEN 'gone' WHEN n.i % 7 = 0 THEN 'capped' ELSE 'delivered' END, \
             j.due_at, 1, j.due_at, j.due_at FROM push_jobs j CROSS JOIN n WHERE $1 = $1 AND $2 > 0",
            numbers(DELIVERIES_PER_POST)
        ),
        now,
        town,
    )
    .await;
    raw.execute(
        "UPDATE posts SET push_clicks = id % 40 WHERE town_id = $2 AND $1 = $1",
        now,
        town,
    )
    .await;

    // Reviews: 5 000 accounts, one review each.
    raw.execute(
        &format!(
            "{} INSERT INTO users (email, created_at) SELECT 'resident' || i || '@bench.test', $1 \
             FROM n WHERE $2 > 0",
            numbers(5_000)
        ),
        now,
        town,
    )
    .await;
    raw.execute(
        "INSERT INTO reviews (town_id, shop_id, user_id, rating, body, status, fingerprint, created_at) \
         SELECT $2, s.id, u.id, 1 + u.id % 5, 'Très bon accueil', 'published', 'f' || u.id, $1 \
         FROM users u JOIN shops s ON s.town_id = $2 AND s.id % 500 = u.id % 500",
        now,
        town,
    )
    .await;

    // Views, scans and follows as daily counters: each shop's page every day, each post's
    // views over its first two weeks, the districts' pages. About 2.5 million views in all.
    let today = now.date_naive();
    let mut counts = Vec::new();
    for back in 0..DAYS {
        let day = day_text(today - TimeDelta::days(back));
        for shop in &shops {
            let district = district_of(shop.id);
            counts.push((
                town,
                day.clone(),
                "shop_view",
                district,
                shop.id,
                0,
                (rng.next() % 10) as i64,
            ));
            if rng.next().is_multiple_of(7) {
                counts.push((
                    town,
                    day.clone(),
                    "poster_scan",
                    district,
                    shop.id,
                    0,
                    1 + (rng.next() % 3) as i64,
                ));
                counts.push((town, day.clone(), "follow", district, shop.id, 0, 1));
            }
        }
        for district in &districts {
            counts.push((
                town,
                day.clone(),
                "district_view",
                district.id,
                0,
                0,
                (rng.next() % 40) as i64,
            ));
        }
    }
    let post_rows: Vec<(i64, i64, DateTime<Utc>)> = on_raw!(raw, |pool| sqlx::query_as(
        "SELECT id, shop_id, published_at FROM posts WHERE town_id = $1"
    )
    .bind(town)
    .fetch_all(pool)
    .await
    .unwrap());
    for (post, shop, published) in post_rows {
        for offset in 0..14 {
            let day = published.date_naive() + TimeDelta::days(offset);
            if day > today {
                break;
            }
            counts.push((
                town,
                day_text(day),
                "post_view",
                district_of(shop),
                shop,
                post,
                1 + (rng.next() % 30) as i64,
            ));
        }
    }
    // Sorted and merged on the primary key (a generated duplicate would be refused).
    counts.sort_by(|a, b| (&a.1, a.2, a.3, a.4, a.5).cmp(&(&b.1, b.2, b.3, b.4, b.5)));
    counts.dedup_by(|a, b| (&a.1, a.2, a.3, a.4, a.5) == (&b.1, b.2, b.3, b.4, b.5));
    raw.insert_counts(&counts).await;
    // As a database in use would be: statistics gathered, and (PostgreSQL) the tables
    // vacuumed by autovacuum, which index-only scans rely on.
    match raw {
        Raw::Sqlite(pool) => {
            sqlx::query("ANALYZE").execute(pool).await.unwrap();
        }
        Raw::Postgres(pool) => {
            sqlx::query("VACUUM ANALYZE").execute(pool).await.unwrap();
        }
    }
    println!("  generated in {:.0} s", started.elapsed().as_secs_f64());

    // The town's administrator, signed in.
    let token = app::server::auth::new_secret().unwrap();
    store
        .grant_admin(town, "mairie@bench.test", now)
        .await
        .unwrap();
    let link = app::server::auth::new_secret().unwrap();
    store
        .create_sign_in_link(
            &app::server::NewSignInLink {
                token_hash: app::server::auth::secret_hash(&link),
                email: "mairie@bench.test".into(),
                invitation_id: None,
                return_to: None,
                expires_at: now + TimeDelta::minutes(15),
            },
            now,
        )
        .await
        .unwrap();
    store
        .complete_sign_in(
            town,
            &app::server::auth::secret_hash(&link),
            &app::server::NewSession {
                token_hash: app::server::auth::secret_hash(&token),
                expires_at: now + TimeDelta::days(30),
                town_id: None,
            },
            None,
            now,
        )
        .await
        .unwrap()
        .expect("signed in");
    (
        town,
        format!("quartier_session={token}"),
        districts[0].slug.clone(),
    )
}

async fn time_page(router: &axum::Router, uri: &str, cookie: &str) -> Duration {
    let request = Request::get(uri)
        .header(header::COOKIE, cookie)
        .header(header::USER_AGENT, "Mozilla/5.0 (bench)")
        .body(Body::empty())
        .unwrap();
    let started = Instant::now();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let elapsed = started.elapsed();
    assert_eq!(
        status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&body)
    );
    elapsed
}

async fn bench(store: SqlStore, url: &str, backend: &str) -> SqlStore {
    println!("{backend}:");
    let raw = Raw::connect(url).await;
    let now = Utc::now();
    let (_town, cookie, district) = generate(&store, &raw, now).await;
    for table in [
        "shops",
        "device_profiles",
        "shop_follows",
        "posts",
        "push_deliveries",
        "reviews",
        "daily_counts",
    ] {
        println!("  {table:<16} {:>10} rows", raw.count(table).await);
    }
    let views: i64 = on_raw!(&raw, |pool| {
        sqlx::query_scalar(
        "SELECT CAST(SUM(count) AS BIGINT) FROM daily_counts WHERE metric IN ('shop_view', 'district_view', 'post_view')"
    )
    .fetch_one(pool)
    .await
    .unwrap()
    });
    println!("  views counted    {views:>10}");
    println!("  database         {:>10.1} MB", raw.size_mb().await);

    let dir = tempfile::tempdir().unwrap();
    let config = server::config::Config::from_lookup(|name| match name {
        "QUARTIER_MEDIA_DIR" => Some(dir.path().join("media").to_string_lossy().into_owned()),
        _ => None,
    })
    .unwrap();
    let state = server::app_state_with_clock(
        Arc::new(store.clone()),
        &config,
        Arc::new(app::server::SystemClock),
    )
    .unwrap();
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("quartier")
        .site_root(dir.path().to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .build();
    let router = server::build_app(state, options);
    let last_month = {
        let first = now.date_naive().with_day0(0).unwrap();
        (first - TimeDelta::days(1)).format("%Y-%m").to_string()
    };
    let pages = [
        ("dashboard, town, last 30 days", "/dashboard".to_owned()),
        (
            "dashboard, one district",
            format!("/dashboard?district={district}"),
        ),
        (
            "dashboard, town, sorted by followers",
            "/dashboard?sort=followers".to_owned(),
        ),
        (
            "monthly report",
            format!("/dashboard/report?month={last_month}"),
        ),
        (
            "CSV of the shops",
            "/dashboard/export.csv?table=shops".to_owned(),
        ),
    ];
    for (label, uri) in &pages {
        for _ in 0..5 {
            time_page(&router, uri, &cookie).await;
        }
        let runs: usize = std::env::var("QUARTIER_BENCH_SAMPLES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(100);
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            samples.push(time_page(&router, uri, &cookie).await);
        }
        report(&format!("  {backend}: {label}"), samples);
    }
    store
}

#[tokio::main]
async fn main() {
    // `cargo test --benches` runs this with `--bench` absent: only check that it starts.
    if !std::env::args().any(|a| a == "--bench") {
        println!("dashboard benchmarks: run with `cargo bench -p server --bench dashboard`");
        return;
    }
    // QUARTIER_BENCH_ONLY=sqlite|postgres runs one; QUARTIER_BENCH_KEEP=1 keeps the
    // PostgreSQL database (its name printed) to look at the queries' plans afterwards.
    let only = std::env::var("QUARTIER_BENCH_ONLY").unwrap_or_default();
    if only != "postgres" {
        let dir = tempfile::tempdir().unwrap();
        let (store, url) = sqlite(&dir, "dashboard").await;
        let store = bench(store, &url, "SQLite").await;
        store.close().await;
    }
    if only != "sqlite" {
        let (store, admin, db, url) = postgres("dashboard").await;
        let store = bench(store, &url, "PostgreSQL").await;
        if std::env::var("QUARTIER_BENCH_KEEP").is_ok() {
            println!("kept: {url}");
            store.close().await;
        } else {
            drop_postgres(store, &admin, &db).await;
        }
    }
}
