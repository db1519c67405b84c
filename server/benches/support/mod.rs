//! What the benchmarks share: a deterministic generator, percentiles, and fresh databases
//! (a SQLite file, or a PostgreSQL database created on the machine's server and dropped after).
#![allow(dead_code)]

use std::time::Duration;

use server::db::SqlStore;

/// A small deterministic generator (no extra dependency).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() % 1_000_000) as f64 / 1_000_000.0
    }
    pub fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

pub fn report(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{label:<52} n={:<5} p50={:>8.3} ms  p99={:>8.3} ms  max={:>8.3} ms",
        samples.len(),
        percentile(&samples, 0.50).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3,
    );
}

/// A fresh database `quartier_bench_{name}_{pid}`: the store, the admin URL, the database's
/// name and its URL.
pub async fn postgres(name: &str) -> (SqlStore, String, String, String) {
    use sqlx::Connection;
    let admin = std::env::var("QUARTIER_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let db = format!("quartier_bench_{name}_{}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {db}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let url = format!("{}/{db}", &admin[..admin.rfind('/').unwrap()]);
    let store = SqlStore::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    (store, admin, db, url)
}

pub async fn drop_postgres(store: SqlStore, admin: &str, db: &str) {
    use sqlx::Connection;
    store.close().await;
    let mut conn = sqlx::PgConnection::connect(admin).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .unwrap();
}

/// A fresh SQLite file in `dir`: the store and its URL.
pub async fn sqlite(dir: &tempfile::TempDir, name: &str) -> (SqlStore, String) {
    let url = format!(
        "sqlite://{}",
        dir.path().join(format!("{name}.db")).display()
    );
    let store = SqlStore::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    (store, url)
}
