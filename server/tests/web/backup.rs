//! Backups (issue 18): `quartier backup` copies a running server's database while residents
//! keep following shops, with the photos; `quartier restore` puts it into a fresh database;
//! every table is compared. On PostgreSQL through `pg_dump` and `pg_restore`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request};

use server::cli::backup::{backup, lock_sqlite, restore, Lock, Manifest};
use sqlx::Connection;

use crate::common;
use common::web::*;

fn config(database_url: &str, media: &std::path::Path) -> server::config::Config {
    let settings = [
        ("DATABASE_URL".to_owned(), database_url.to_owned()),
        (
            "QUARTIER_MEDIA_DIR".to_owned(),
            media.to_string_lossy().into_owned(),
        ),
    ];
    server::config::Config::from_lookup(|name| {
        settings
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap()
}

/// Every table of a SQLite file: its rows, each as the text of its values, sorted.
async fn sqlite_tables(url: &str) -> BTreeMap<String, Vec<String>> {
    let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut tables = BTreeMap::new();
    for name in names {
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(&name)
                .fetch_all(&mut conn)
                .await
                .unwrap();
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let mut rows: Vec<String> = sqlx::query_scalar(&format!("SELECT {row} FROM \"{name}\""))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        rows.sort();
        tables.insert(name, rows);
    }
    conn.close().await.unwrap();
    tables
}

/// Every table of a PostgreSQL database: its rows as PostgreSQL writes them, sorted.
async fn postgres_tables(url: &str) -> BTreeMap<String, Vec<String>> {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE schemaname = current_schema()",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut tables = BTreeMap::new();
    for name in names {
        let mut rows: Vec<String> =
            sqlx::query_scalar(&format!("SELECT CAST(t AS TEXT) FROM \"{name}\" t"))
                .fetch_all(&mut conn)
                .await
                .unwrap();
        rows.sort();
        tables.insert(name, rows);
    }
    conn.close().await.unwrap();
    tables
}

fn manifest(dir: &std::path::Path) -> Manifest {
    serde_json::from_slice(&std::fs::read(dir.join("backup.json")).unwrap()).unwrap()
}

/// A photo as the server stores it (content-hashed name).
const PHOTO: &str = "0123456789abcdef0123456789abcdef-l.jpg";

/// A resident's phone follows the bakery with a plain form (a new device each time), from its
/// own address (the follows per address and hour are limited).
async fn follow_from(app: &TestApp, n: usize) {
    let request = Request::post("/api/follow")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(
            "x-forwarded-for",
            format!("10.1.{}.{}", n / 250, n % 250 + 1),
        )
        .body(Body::from(
            "target=shop&slug=boulangerie-jacob&follow=true&return_to=%2F",
        ))
        .unwrap();
    let (status, headers, body) = send(app, request).await;
    assert!(status.is_success(), "{status} {body}");
    assert!(set_cookies(&headers)
        .iter()
        .any(|c| c.starts_with("quartier_device=")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_writes_restores_every_table_on_sqlite() {
    let app = Arc::new(app_with(&[("QUARTIER_CLIENT_IP_HEADER", "X-Forwarded-For")]).await);
    let live_url = app.database_url();
    let media = app.store_media_dir();
    std::fs::create_dir_all(&media).unwrap();
    std::fs::write(media.join(PHOTO), b"photo bytes").unwrap();
    // Half-written: not a photo yet.
    std::fs::write(
        media.join("fedcba9876543210fedcba9876543210-t.part"),
        b"half",
    )
    .unwrap();
    let before = sqlite_tables(&live_url).await;

    // Residents keep following the bakery (a device and a follow each) while the copy is taken.
    let stop = Arc::new(AtomicBool::new(false));
    // How many follows are saved (each one's answer received).
    let (saved, mut follows) = tokio::sync::watch::channel(0usize);
    let writer = {
        let (app, stop) = (app.clone(), stop.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                follow_from(&app, n).await;
                n += 1;
                saved.send_replace(n);
            }
        })
    };
    follows.wait_for(|n| *n >= 5).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("2026-12-04");
    let during = *follows.borrow();
    let said = backup(&config(&live_url, &media), &dest).await.unwrap();
    assert!(said.contains("1 photo files"), "{said}");
    let done = *follows.borrow();
    follows.wait_for(|n| *n >= done + 5).await.unwrap();
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    let after = sqlite_tables(&live_url).await;

    // The copy: a whole database of its own, consistent, as its manifest says.
    let copy_url = format!("sqlite://{}", dest.join("quartier.db").display());
    let copy = sqlite_tables(&copy_url).await;
    let written = manifest(&dest);
    assert_eq!(written.backend, "sqlite");
    assert!(written.schema_version.is_some());
    assert_eq!(written.media_files, 1);
    assert_eq!(
        written.tables,
        copy.iter()
            .map(|(name, rows)| (name.clone(), rows.len() as i64))
            .collect::<BTreeMap<_, _>>()
    );
    assert_eq!(
        std::fs::read(dest.join("media").join(PHOTO)).unwrap(),
        b"photo bytes"
    );
    assert_eq!(std::fs::read_dir(dest.join("media")).unwrap().count(), 1);
    // Tables the residents did not write are as they were; those they wrote hold at least
    // what was there before the copy started and at most what is there now.
    let mut changed = Vec::new();
    for (name, rows) in &copy {
        if before[name] == after[name] {
            assert_eq!(rows, &before[name], "{name}");
        } else {
            changed.push(name.as_str());
            assert!(
                rows.len() >= before[name].len() && rows.len() <= after[name].len(),
                "{name}: {} rows, between {} and {}",
                rows.len(),
                before[name].len(),
                after[name].len()
            );
        }
    }
    assert!(changed.contains(&"device_profiles"), "{changed:?}");
    let devices = |tables: &BTreeMap<String, Vec<String>>| tables["device_profiles"].len();
    let copied_follows = devices(&copy) - devices(&before);
    assert!(
        copied_follows >= during && copied_follows < devices(&after) - devices(&before),
        "the copy holds the follows made before it ({during}), not those after: {copied_follows}"
    );
    // A device is made just before its follow (two writes): the copy may have caught the
    // last one between the two, never more.
    let copied_shop_follows = copy["shop_follows"].len() - before["shop_follows"].len();
    assert!(
        copied_shop_follows == copied_follows || copied_shop_follows + 1 == copied_follows,
        "{copied_shop_follows} follows for {copied_follows} devices"
    );

    // A backup never overwrites another.
    let again = backup(&config(&live_url, &media), &dest).await.unwrap_err();
    assert!(again.contains("already holds files"), "{again}");

    // Restored into a new database: every table as in the copy, the photo back.
    let fresh = tempfile::tempdir().unwrap();
    let restored_url = format!("sqlite://{}", fresh.path().join("restored.db").display());
    let restored_media = fresh.path().join("media");
    let target = config(&restored_url, &restored_media);
    let said = restore(&target, &dest, false).await.unwrap();
    assert!(said.contains("1 photo files"), "{said}");
    assert_eq!(sqlite_tables(&restored_url).await, copy);
    assert_eq!(
        std::fs::read(restored_media.join(PHOTO)).unwrap(),
        b"photo bytes"
    );
    // Not over a database that holds data, unless asked.
    let refused = restore(&target, &dest, false).await.unwrap_err();
    assert!(refused.contains("already holds data"), "{refused}");
    restore(&target, &dest, true).await.unwrap();
    assert_eq!(sqlite_tables(&restored_url).await, copy);
    // Never under a running server (it holds the file's lock), even when asked; once it has
    // stopped, the restore takes place.
    let server = lock_sqlite(&restored_url, Lock::Serve).unwrap();
    let live = restore(&target, &dest, true).await.unwrap_err();
    assert!(live.contains("in use by a running server"), "{live}");
    let second = lock_sqlite(&restored_url, Lock::Serve).unwrap();
    drop((server, second));
    restore(&target, &dest, true).await.unwrap();
    // Nor a backup of a newer version.
    let newer = fresh.path().join("newer");
    std::fs::create_dir_all(&newer).unwrap();
    std::fs::copy(dest.join("quartier.db"), newer.join("quartier.db")).unwrap();
    let mut future = manifest(&dest);
    future.schema_version = Some(99_999_999_999_999);
    std::fs::write(
        newer.join("backup.json"),
        serde_json::to_vec(&future).unwrap(),
    )
    .unwrap();
    let refused = restore(&target, &newer, true).await.unwrap_err();
    assert!(refused.contains("newer version"), "{refused}");
    assert_eq!(sqlite_tables(&restored_url).await, copy);
    // Not a backup: said.
    let nothing = restore(&target, fresh.path(), true).await.unwrap_err();
    assert!(nothing.contains("is not a backup of Quartier"), "{nothing}");
    // Nor one of the other database.
    let pg = config(
        "postgres://postgres@127.0.0.1:5432/postgres",
        &restored_media,
    );
    let other = restore(&pg, &dest, false).await.unwrap_err();
    assert!(other.contains("of a sqlite database"), "{other}");
}

#[tokio::test]
async fn a_postgresql_backup_restores_every_table() {
    let source = common::postgres_store().await;
    server::cli::demo::load_demo(&source.store, "Europe/Brussels", NOW.parse().unwrap())
        .await
        .unwrap();
    let media = tempfile::tempdir().unwrap();
    std::fs::write(media.path().join(PHOTO), b"photo bytes").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("backup");
    let said = backup(&config(&source.url, media.path()), &dest)
        .await
        .unwrap();
    assert!(said.contains("1 photo files"), "{said}");
    assert!(dest.join("quartier.pgdump").is_file());
    let written = manifest(&dest);
    assert_eq!(written.backend, "postgres");
    let original = postgres_tables(&source.url).await;
    assert!(original["shops"].len() > 50, "the demo's shops");

    // Into an empty database (as `createdb` makes it) and into one already migrated.
    for target in [
        common::empty_postgres_db().await,
        common::postgres_store().await,
    ] {
        let restored_media = tempfile::tempdir().unwrap();
        restore(&config(&target.url, restored_media.path()), &dest, false)
            .await
            .unwrap();
        assert_eq!(postgres_tables(&target.url).await, original);
        assert!(restored_media.path().join(PHOTO).is_file());
    }
}
