//! Shared test support: real SQLite files and a fresh PostgreSQL database per test run.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

use server::db::SqlStore;

pub mod fixtures;
pub mod instances;
pub mod push_service;
pub mod s3;
pub mod smtp;
pub mod web;

/// A migrated store on a new SQLite file, deleted with the returned directory.
pub async fn sqlite_store() -> (SqlStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("quartier.db").display());
    let store = SqlStore::connect(&url).await.expect("open SQLite");
    store.migrate().await.expect("migrate SQLite");
    (store, dir)
}

/// The server used for PostgreSQL tests (the machine's local cluster, trust auth).
pub fn postgres_admin_url() -> String {
    std::env::var("QUARTIER_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh, migrated PostgreSQL database, dropped when the guard is dropped.
pub struct PostgresDb {
    pub store: SqlStore,
    /// Its `postgres://` URL.
    pub url: String,
    name: String,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub async fn postgres_store() -> PostgresDb {
    let db = empty_postgres_db().await;
    db.store.migrate().await.expect("migrate PostgreSQL");
    db
}

/// A fresh PostgreSQL database without any table (what `createdb` makes), dropped with the guard.
pub async fn empty_postgres_db() -> PostgresDb {
    use sqlx::Connection;
    let admin = postgres_admin_url();
    let name = format!(
        "quartier_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL must run on {admin} for these tests: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    conn.close().await.ok();
    let url = match admin.rfind('/') {
        Some(i) => format!("{}/{name}", &admin[..i]),
        None => panic!("bad admin URL"),
    };
    let store = SqlStore::connect(&url).await.expect("open PostgreSQL");
    PostgresDb { store, url, name }
}

impl Drop for PostgresDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop the database from a separate thread with its own runtime: the test's runtime is
        // blocked here. FORCE ends the pool's connections (waiting for them could deadlock).
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join()
        .ok();
    }
}

/// The real OpenStreetMap extracts of Habay (in the repository for the demo, and in shared/).
pub const HABAY_2020: &str = include_str!("../../data/habay-2020.geojson");

pub const HABAY_2016: &str = include_str!("../../data/test/habay-shops-2016.geojson");
