//! Soak test: `cargo bench -p server --bench soak [-- --minutes 10] [--postgres] [--object-store]`.
//!
//! Starts the real `quartier` binary on the demo town: one instance on SQLite, or (`--postgres`)
//! two instances on one new PostgreSQL database sharing one photo directory, the requests shared
//! between them as a reverse proxy would; `--object-store`: the photos on an S3 server started
//! here (s3s-fs over a directory, signed requests) instead. The local push service (tests/common/push_service.rs:
//! it checks VAPID and TTL on every request) holds 2 000 phones following the bakery. For the
//! given minutes (10 by default) it runs a mixed load:
//! - 12 residents, each request from one of 5 000 client addresses (`X-Forwarded-For`, as
//!   behind Caddy): home, shop and district pages, search, the map, their feed, follows and
//!   unfollows, "Mes données";
//! - 5 merchants posting an offer with a photo (1 200 × 800 JPEG) every two minutes;
//! - the bakery's offer, with a photo, every minute: a fan-out to its 2 000 phones.
//!
//! Prints, per route, the requests, the errors and the p50/p99 latencies; every 10 s the
//! resident memory (RSS) of each instance; the pushes the push service accepted. Fails (exit 1)
//! on any error, or an RSS over 150 MB.

#[path = "../tests/common/instances.rs"]
mod instances;
#[path = "../tests/common/push_service.rs"]
#[allow(dead_code)]
mod push_service;
#[path = "../tests/common/s3.rs"]
#[allow(dead_code)]
mod s3;

use app::server::store::prelude::*;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::domain::push::QuietHours;
use instances::{owner_session, Instance};
use push_service::{add_audience, PushService};
use server::db::SqlStore;

const RESIDENTS: usize = 12;
const MERCHANTS: usize = 5;
const AUDIENCE: usize = 2_000;
const RSS_LIMIT_MB: f64 = 150.0;

const SEARCHES: &[&str] = &["pain", "boul", "fleurs", "café", "pizza", "coiffure", "bio"];

/// Latencies (µs) and errors per route.
#[derive(Default)]
struct Figures {
    routes: BTreeMap<&'static str, (Vec<u32>, usize)>,
    first_errors: Vec<String>,
}

impl Figures {
    fn record(&mut self, route: &'static str, took: Duration, error: Option<String>) {
        let entry = self.routes.entry(route).or_default();
        entry
            .0
            .push(took.as_micros().min(u128::from(u32::MAX)) as u32);
        if let Some(error) = error {
            entry.1 += 1;
            if self.first_errors.len() < 10 {
                self.first_errors.push(format!("{route}: {error}"));
            }
        }
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[index]) / 1000.0
}

/// A 1 200 × 800 photo as a phone sends it (JPEG, quality 90).
fn photo(seed: u8) -> Vec<u8> {
    use image::ImageEncoder;
    let picture = image::RgbImage::from_fn(1200, 800, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, seed.wrapping_mul(37)])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(picture.as_raw(), 1200, 800, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// The counter's form with a photo, as a browser sends it.
fn multipart(slug: &str, title: &str, photo: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----quartier-soak-boundary";
    let mut body = Vec::new();
    for (name, value) in [
        ("slug", slug),
        ("kind", "offer"),
        ("title", title),
        ("body", "Cette semaine seulement."),
    ] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; \
             filename=\"IMG.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(photo);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Resident memory of a process, in MB.
fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

struct Load {
    client: reqwest::Client,
    bases: Vec<String>,
    figures: Mutex<Figures>,
    stop: AtomicBool,
    next: std::sync::atomic::AtomicUsize,
}

impl Load {
    fn base(&self) -> &str {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        &self.bases[n % self.bases.len()]
    }

    /// Sends one request and records it; the response's `Set-Cookie` pairs.
    async fn send(
        &self,
        route: &'static str,
        request: reqwest::RequestBuilder,
        expect_redirect: bool,
    ) -> Vec<String> {
        let started = Instant::now();
        let result = request.send().await;
        let took = started.elapsed();
        let (error, cookies) = match result {
            Ok(response) => {
                let status = response.status();
                let cookies = response
                    .headers()
                    .get_all("set-cookie")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .filter_map(|v| v.split(';').next())
                    .map(str::to_owned)
                    .collect();
                let ok = status.is_success() || (expect_redirect && status.is_redirection());
                let body = response.bytes().await;
                let error = if !ok {
                    Some(format!("status {status}"))
                } else {
                    body.err().map(|e| e.to_string())
                };
                (error, cookies)
            }
            Err(error) => (Some(error.to_string()), Vec::new()),
        };
        self.figures.lock().unwrap().record(route, took, error);
        cookies
    }
}

/// A tiny generator (xorshift), enough to pick pages.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

async fn resident(
    load: Arc<Load>,
    seed: u64,
    shops: Arc<Vec<String>>,
    districts: Arc<Vec<String>>,
) {
    let mut rng = Rng(seed);
    let mut cookie = String::new();
    while !load.stop.load(Ordering::Relaxed) {
        let ip = format!(
            "10.{}.{}.{}",
            rng.below(20),
            rng.below(250),
            1 + rng.below(250)
        );
        let base = load.base().to_owned();
        let get = |path: String| {
            let mut request = load
                .client
                .get(format!("{base}{path}"))
                .header("X-Forwarded-For", &ip)
                .header("Accept", "text/html");
            if !cookie.is_empty() {
                request = request.header("Cookie", &cookie);
            }
            request
        };
        let shop = &shops[rng.below(shops.len())];
        match rng.below(100) {
            0..=14 => {
                load.send("GET /", get("/".into()), false).await;
            }
            15..=39 => {
                load.send("GET /shops/{slug}", get(format!("/shops/{shop}")), false)
                    .await;
            }
            40..=49 => {
                let district = &districts[rng.below(districts.len())];
                load.send(
                    "GET /districts/{slug}",
                    get(format!("/districts/{district}")),
                    false,
                )
                .await;
            }
            50..=64 => {
                let q = SEARCHES[rng.below(SEARCHES.len())];
                load.send("GET /search", get(format!("/search?q={q}")), false)
                    .await;
            }
            65..=69 => {
                load.send("GET /map", get("/map".into()), false).await;
            }
            70..=84 => {
                load.send("GET /feed", get("/feed".into()), false).await;
            }
            85..=97 => {
                let follow = rng.below(3) != 0;
                let mut request = load
                    .client
                    .post(format!("{base}/api/follow"))
                    .header("X-Forwarded-For", &ip)
                    .header("Accept", "text/html")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(format!(
                        "target=shop&slug={shop}&follow={follow}&return_to=%2Ffeed"
                    ));
                if !cookie.is_empty() {
                    request = request.header("Cookie", &cookie);
                }
                let cookies = load.send("POST /api/follow", request, true).await;
                if let Some(device) = cookies.iter().find(|c| c.starts_with("quartier_device=")) {
                    cookie = device.clone();
                }
            }
            _ => {
                load.send("GET /my-data", get("/my-data".into()), false)
                    .await;
            }
        }
    }
}

async fn merchant(
    load: Arc<Load>,
    slug: String,
    session: String,
    every: Duration,
    offset: Duration,
) {
    tokio::time::sleep(offset).await;
    let mut n = 0u8;
    while !load.stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        n = n.wrapping_add(1);
        let (content_type, body) = multipart(&slug, &format!("Offre {n}"), &photo(n));
        let request = load
            .client
            .post(format!("{}/api/counter/publish", load.base()))
            .header("Content-Type", content_type)
            .header("Accept", "application/json")
            .header("X-Forwarded-For", "10.99.0.1")
            .header("Cookie", &session)
            .body(body);
        load.send("POST /api/counter/publish", request, false).await;
        let wait = every.saturating_sub(started.elapsed());
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline && !load.stop.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let minutes: u64 = args
        .iter()
        .position(|a| a == "--minutes")
        .and_then(|i| args.get(i + 1))
        .and_then(|m| m.parse().ok())
        .unwrap_or(10);
    let postgres = args.iter().any(|a| a == "--postgres");
    let object_store = args.iter().any(|a| a == "--object-store");
    let dir = tempfile::tempdir().unwrap();
    let database_url = if postgres {
        use sqlx::Connection;
        let admin = std::env::var("QUARTIER_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("quartier_soak_{}", std::process::id());
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let base = admin.rsplit_once('/').unwrap().0;
        format!("{base}/{name}")
    } else {
        format!("sqlite://{}", dir.path().join("quartier.db").display())
    };

    // The demo town, pushes at any hour and without caps that a soak would reach.
    let store = SqlStore::connect(&database_url).await.unwrap();
    store.migrate().await.unwrap();
    server::cli::demo::load_demo(&store, "Europe/Brussels", chrono::Utc::now())
        .await
        .unwrap();
    let town = store.first_town().await.unwrap().unwrap();
    store
        .set_town_push_defaults(town.id, QuietHours { start: 0, end: 0 }, 1_000, 1_000)
        .await
        .unwrap();
    let shops: Vec<String> = store
        .shops(town.id, &app::server::ShopFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.slug)
        .collect();
    let districts: Vec<String> = store
        .districts(town.id)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.slug)
        .collect();
    let service = PushService::start().await;
    service.sample_only(1000);
    let bakery = store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    add_audience(&database_url, bakery.id, &service.subscribe_many(AUDIENCE)).await;

    // Photos on an S3 server (s3s-fs over a directory, started here) instead of the directory
    // the instances share.
    let s3_root = tempfile::tempdir().unwrap();
    let s3_server = if object_store {
        std::fs::create_dir(s3_root.path().join("photos")).unwrap();
        Some(s3::S3Server::start(s3_root.path()).await)
    } else {
        None
    };
    let media: Vec<(&str, &str)> = match &s3_server {
        Some(server) => s3::settings(server, "s3://photos/soak").to_vec(),
        None => Vec::new(),
    };
    let mut instances: Vec<Instance> = (0..if postgres { 2 } else { 1 })
        .map(|_| Instance::start(&database_url, dir.path(), &media))
        .collect();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    for instance in &mut instances {
        instance.ready(&client).await;
    }
    let merchant_shops: Vec<String> = shops
        .iter()
        .filter(|s| s.as_str() != "boulangerie-jacob")
        .take(MERCHANTS)
        .cloned()
        .collect();
    let mut sessions = Vec::new();
    for slug in merchant_shops.iter().chain(std::iter::once(&bakery.slug)) {
        sessions.push(owner_session(&store, &client, &instances[0].base, town.id, slug).await);
    }
    store.close().await;

    println!(
        "soak: {minutes} min, {} instance(s) on {}, photos {}, {} shops, {RESIDENTS} residents, \
         {MERCHANTS} merchants posting with a photo every 2 min, the bakery's offer to {AUDIENCE} \
         phones every minute",
        instances.len(),
        if postgres { "PostgreSQL" } else { "SQLite" },
        if object_store {
            "on an S3 server"
        } else {
            "in a directory"
        },
        shops.len()
    );
    let load = Arc::new(Load {
        client,
        bases: instances.iter().map(|i| i.base.clone()).collect(),
        figures: Mutex::new(Figures::default()),
        stop: AtomicBool::new(false),
        next: Default::default(),
    });
    let shops = Arc::new(shops);
    let districts = Arc::new(districts);
    let mut tasks = Vec::new();
    for i in 0..RESIDENTS {
        tasks.push(tokio::spawn(resident(
            load.clone(),
            0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1),
            shops.clone(),
            districts.clone(),
        )));
    }
    for (i, (slug, session)) in merchant_shops.iter().zip(&sessions).enumerate() {
        tasks.push(tokio::spawn(merchant(
            load.clone(),
            slug.clone(),
            session.clone(),
            Duration::from_secs(120),
            Duration::from_secs(20 * i as u64),
        )));
    }
    tasks.push(tokio::spawn(merchant(
        load.clone(),
        bakery.slug.clone(),
        sessions.last().unwrap().clone(),
        Duration::from_secs(60),
        Duration::from_secs(5),
    )));

    let pids: Vec<u32> = instances.iter().map(|i| i.child.id()).collect();
    let started = Instant::now();
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); pids.len()];
    while started.elapsed() < Duration::from_secs(minutes * 60) {
        tokio::time::sleep(Duration::from_secs(10)).await;
        let line: Vec<String> = pids
            .iter()
            .enumerate()
            .map(|(i, pid)| {
                let mb = rss_mb(*pid);
                samples[i].push(mb);
                format!("instance {} {mb:.1} MB", i + 1)
            })
            .collect();
        let requests: usize = load
            .figures
            .lock()
            .unwrap()
            .routes
            .values()
            .map(|(l, _)| l.len())
            .sum();
        println!(
            "{:>4} s  RSS {}  requests {requests}  pushes accepted {}",
            started.elapsed().as_secs(),
            line.join(", "),
            service.accepted().1
        );
    }
    load.stop.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = task.await;
    }
    // The last fan-out finishes.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let elapsed = started.elapsed().as_secs_f64();

    let figures = load.figures.lock().unwrap();
    println!("\n| route | requests | per second | errors | p50 ms | p99 ms |");
    println!("|---|---|---|---|---|---|");
    let mut errors = 0;
    let mut total = 0;
    for (route, (latencies, failed)) in &figures.routes {
        let mut sorted = latencies.clone();
        sorted.sort_unstable();
        errors += failed;
        total += sorted.len();
        println!(
            "| `{route}` | {} | {:.1} | {failed} | {:.1} | {:.1} |",
            sorted.len(),
            sorted.len() as f64 / elapsed,
            percentile(&sorted, 0.5),
            percentile(&sorted, 0.99)
        );
    }
    let (reached, accepted) = service.accepted();
    println!(
        "\n{total} requests ({:.0}/s), {errors} errors; pushes: {accepted} accepted by the push \
         service for {reached} phones; refused by it: {}",
        total as f64 / elapsed,
        service.refused().len()
    );
    let mut failed = errors > 0 || !service.refused().is_empty();
    for (i, series) in samples.iter().enumerate() {
        let max = series.iter().cloned().fold(0.0, f64::max);
        let first_minute = series.iter().take(6).cloned().fold(0.0, f64::max);
        let last_minute = series.iter().rev().take(6).cloned().fold(0.0, f64::max);
        println!(
            "instance {}: RSS max {max:.1} MB; first minute's max {first_minute:.1} MB, last \
             minute's {last_minute:.1} MB",
            i + 1
        );
        failed |= max > RSS_LIMIT_MB;
    }
    for error in &figures.first_errors {
        println!("error: {error}");
    }
    drop(figures);
    for mut instance in instances {
        instance.kill();
    }
    if failed {
        println!("FAILED: errors, or an instance over {RSS_LIMIT_MB} MB");
        std::process::exit(1);
    }
}
