//! The storage contract, written once against the storage traits and run on a temporary SQLite
//! file and on a fresh PostgreSQL database: one module per feature, named as the feature's
//! storage trait and `db/` file (`shops.rs`: `ShopStore`), in one test binary. This file: what
//! spans the features (the health check, rate limits, the purge of expired rows and idle device
//! profiles) and the databases themselves (migrations run twice, SQLite's file and journal, bad
//! URLs).

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod activity;
mod dashboard;
mod districts;
mod feeds;
mod follows;
mod invitations;
mod media;
mod messages;
mod passkeys;
mod posts;
mod privacy;
mod push;
mod reviews;
mod search;
mod shops;
mod towns;
mod visibility;

use app::server::Store;
use chrono::TimeDelta;
use common::fixtures::{now, shop, shop_fields, sign_in, town};

async fn contract(store: &dyn Store) {
    let t0 = now();
    store.ping().await.expect("ping");
    // Two accounts, each with a sign-in link used and a session (expired in 60 days).
    let habay = town(store, "habay", "Habay").await;
    sign_in(store, habay.id, "marie@habay.be", "a").await;
    sign_in(store, habay.id, "paul@habay.be", "c").await;

    // --- Rate limits: fixed windows.
    let window = TimeDelta::hours(1);
    for expected in 1..=3 {
        assert_eq!(
            store.hit_rate_limit("k", window, t0).await.unwrap(),
            expected
        );
    }
    assert_eq!(
        store
            .hit_rate_limit("k", window, t0 + TimeDelta::minutes(59))
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        store
            .hit_rate_limit("k", window, t0 + TimeDelta::minutes(61))
            .await
            .unwrap(),
        1,
        "a new window"
    );
    assert_eq!(store.hit_rate_limit("other", window, t0).await.unwrap(), 1);

    // --- Purge: expired links, sessions and old windows go.
    let purged = store.purge_expired(t0 + TimeDelta::days(60)).await.unwrap();
    assert!(purged >= 5, "purged {purged}");
    assert_eq!(
        store.purge_expired(t0 + TimeDelta::days(60)).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn store_on_sqlite() {
    let (store, _dir) = common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn store_on_postgres() {
    let db = common::postgres_store().await;
    contract(&db.store).await;
}

/// A phone that follows nothing, has no subscription, is no account's and was not seen for 90
/// days is deleted by the purge; the others stay.
async fn idle_device_profiles(store: &dyn Store) {
    let t0 = now();
    let habay = town(store, "habay", "Habay").await;
    let shop = shop(
        store,
        habay.id,
        "node/1",
        "boulangerie",
        &shop_fields("Boulangerie", "bakery", 49.72, 5.64),
    )
    .await
    .id;
    let empty = store.create_device_profile("empty", t0).await.unwrap();
    let follower = store.create_device_profile("follower", t0).await.unwrap();
    store
        .set_shop_follow(follower, shop, true, t0)
        .await
        .unwrap();
    let later = t0 + TimeDelta::days(80);
    let recent = store.create_device_profile("recent", later).await.unwrap();
    assert_ne!(empty, recent);
    let purge_at = t0 + TimeDelta::days(91);
    store.purge_expired(purge_at).await.unwrap();
    assert_eq!(store.device_profile("empty", purge_at).await.unwrap(), None);
    assert_eq!(
        store.device_profile("follower", purge_at).await.unwrap(),
        Some(follower)
    );
    assert_eq!(
        store.device_profile("recent", purge_at).await.unwrap(),
        Some(recent)
    );
}

#[tokio::test]
async fn idle_device_profiles_on_sqlite() {
    let (store, _dir) = common::sqlite_store().await;
    idle_device_profiles(&store).await;
}

#[tokio::test]
async fn idle_device_profiles_on_postgres() {
    let db = common::postgres_store().await;
    idle_device_profiles(&db.store).await;
}

#[tokio::test]
async fn migrations_are_idempotent_on_both_databases() {
    let (sqlite, _dir) = common::sqlite_store().await;
    sqlite
        .migrate()
        .await
        .expect("second migration run on SQLite");
    let pg = common::postgres_store().await;
    pg.store
        .migrate()
        .await
        .expect("second migration run on PostgreSQL");
}

/// Several instances on one PostgreSQL start at once after an upgrade: each runs the
/// migrations; they apply once (sqlx holds an advisory lock), and every instance starts.
#[tokio::test]
async fn instances_starting_at_once_migrate_postgres_once() {
    let db = common::empty_postgres_db().await;
    let mut instances = Vec::new();
    for _ in 0..3 {
        instances.push(server::db::SqlStore::connect(&db.url).await.unwrap());
    }
    let (a, b, c) = tokio::join!(
        instances[0].migrate(),
        instances[1].migrate(),
        instances[2].migrate()
    );
    for result in [a, b, c] {
        result.expect("every instance migrates");
    }
    for store in &instances {
        assert_eq!(
            store.schema_version().await.unwrap(),
            store.expected_schema_version()
        );
        assert!(store.migrations_applied().await.unwrap());
    }
    let applied: i64 = {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    assert_eq!(Some(applied), instances[0].expected_schema_version());
}

#[tokio::test]
async fn sqlite_file_and_directory_are_created_with_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/deeper/q.db");
    let store = server::db::SqlStore::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    assert!(path.exists());
    store.ping().await.unwrap();
    assert!(
        dir.path().join("nested/deeper/q.db-wal").exists(),
        "WAL journal mode is on"
    );
}

#[tokio::test]
async fn bad_database_urls_get_clear_errors() {
    let error = server::db::SqlStore::connect("mysql://root@localhost/q")
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("not supported"), "{error}");
    let error = server::db::SqlStore::connect("postgres://nobody:secret@127.0.0.1:1/none")
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("cannot open the database"), "{error}");
    assert!(
        !error.contains("secret"),
        "the password is not shown: {error}"
    );
}
