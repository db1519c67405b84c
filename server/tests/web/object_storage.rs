//! Photos on an S3-compatible object store (`QUARTIER_MEDIA_URL`): a real S3 server over a
//! directory (s3s-fs) started in-process, with signed requests. A post's photo is put there
//! (nothing on the local disk), served from there, and removed from there once nothing shows
//! it.

use crate::common;

use app::server::store::prelude::*;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::s3::{objects, S3Server, ACCESS_KEY};
use common::web::*;

/// The bakery's offer with a photo (`common::fixtures::phone_photo(seed)`), from its counter.
async fn publish_with_photo(app: &TestApp, cookie: &str, seed: u8) {
    let photo = common::fixtures::phone_photo(seed);
    let (status, _, answer) = call_multipart(
        app,
        "/api/counter/publish",
        &[
            ("slug", "boulangerie-jacob"),
            ("kind", "offer"),
            ("title", "Pain aux noix"),
            ("body", ""),
        ],
        Some(("IMG_0001.jpg", &photo)),
        Some(cookie),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_go_to_the_object_store_and_leave_it_when_nothing_shows_them() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("photos")).unwrap();
    let s3 = S3Server::start(root.path()).await;
    let settings = common::s3::settings(&s3, "s3://photos/habay");
    let app = app_with(&settings).await;
    let cookie = owner_session(&app, "boulangerie-jacob", "jacob@example.be").await;

    publish_with_photo(&app, &cookie, 0).await;

    // Both sizes are objects under the prefix; nothing was written on the local disk.
    let stored = objects(&root.path().join("photos").join("habay"));
    assert_eq!(stored.len(), 2, "{stored:?}");
    let name = stored[0][..32].to_owned();
    assert_eq!(
        stored,
        [format!("{name}-l.jpg"), format!("{name}-t.jpg")],
        "the large picture and its thumbnail"
    );
    assert!(objects(&app.store_media_dir()).is_empty());

    // Served from the object store, as the local files are.
    let (status, headers, _) = get(&app, &format!("/media/{name}-l.jpg")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type(&headers), "image/jpeg");
    let request = Request::get(format!("/media/{name}-t.jpg"))
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.router.clone(), request)
        .await
        .unwrap();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let on_store = std::fs::read(
        root.path()
            .join("photos")
            .join("habay")
            .join(format!("{name}-t.jpg")),
    )
    .unwrap();
    assert_eq!(bytes.as_ref(), on_store.as_slice());
    assert_eq!(
        get(&app, &format!("/media/{}-l.jpg", "0".repeat(32)))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // The post deleted, the photo waits out its 10 minutes, then the collection removes it
    // from the object store.
    let config = server::config::Config::from_lookup(|name| {
        settings
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
    .unwrap();
    let photos = server::photos::ObjectPhotos::s3(config.media_store.as_ref().unwrap()).unwrap();
    photos.check().await.unwrap();
    // A bucket that does not exist, or a wrong secret, is found at start.
    let mut absent = config.media_store.clone().unwrap();
    absent.bucket = "absent".into();
    let absent = server::photos::ObjectPhotos::s3(&absent).unwrap();
    assert!(absent.check().await.is_err());
    let mut wrong = config.media_store.clone().unwrap();
    wrong.credentials = Some((ACCESS_KEY.into(), "not-the-secret".into()));
    let wrong = server::photos::ObjectPhotos::s3(&wrong).unwrap();
    assert!(wrong.check().await.is_err());
    let listed = app::server::PhotoStore::list(&photos).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].0, name);
    let (town, shop) = town_and_shop(&app, "boulangerie-jacob").await;
    let post = app
        .store
        .shop_posts(town.id, shop.id, 50)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.content.title == "Pain aux noix")
        .expect("the post");
    let (status, _, body) = call(
        &app,
        "/api/counter/delete",
        &format!("slug=boulangerie-jacob&post_id={}", post.id),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        objects(&root.path().join("photos").join("habay")).len(),
        2,
        "written a moment ago: kept for now"
    );
    // Kept, but no longer served: nothing shows it.
    assert_eq!(
        get(&app, &format!("/media/{name}-l.jpg")).await.0,
        StatusCode::NOT_FOUND
    );
    let later = std::time::SystemTime::now() + 2 * app::server::PHOTO_GRACE;
    // Nothing at all shows a photo now, which the collection refuses unless forced (a wrong
    // database would look the same).
    assert!(
        server::media::collect_garbage(&app.store, &photos, later, false, false)
            .await
            .is_err()
    );
    let collected = server::media::collect_garbage(&app.store, &photos, later, false, true)
        .await
        .unwrap();
    assert_eq!(collected.removed, 1);
    assert!(objects(&root.path().join("photos").join("habay")).is_empty());
    assert_eq!(
        get(&app, &format!("/media/{name}-l.jpg")).await.0,
        StatusCode::NOT_FOUND
    );
}

/// The settings as the environment gives them.
fn config_of(settings: &[(&str, &str)]) -> server::config::Config {
    server::config::Config::from_lookup(|name| {
        settings
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
    .unwrap()
}

/// A town whose photos were on disk moves to an object store: its backup restored there puts
/// the photos on the store, and `quartier media upload` puts a photo directory's there, leaving
/// what is there already and whatever is not a photo.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_on_disk_move_to_the_object_store() {
    let app = app().await;
    let cookie = owner_session(&app, "boulangerie-jacob", "jacob@example.be").await;
    publish_with_photo(&app, &cookie, 3).await;
    let on_disk = objects(&app.store_media_dir());
    assert_eq!(on_disk.len(), 2, "{on_disk:?}");
    // Not photos: left where they are.
    std::fs::write(app.store_media_dir().join("notes.txt"), "x").unwrap();
    std::fs::write(
        app.store_media_dir().join(format!("{}.part", on_disk[0])),
        "half",
    )
    .unwrap();

    let database_url = app.database_url();
    let media_dir = app.store_media_dir().to_string_lossy().into_owned();
    let backups = tempfile::tempdir().unwrap();
    let backup = backups.path().join("backup");
    server::cli::backup::backup(
        &config_of(&[
            ("DATABASE_URL", &database_url),
            ("QUARTIER_MEDIA_DIR", &media_dir),
        ]),
        &backup,
    )
    .await
    .unwrap();

    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("photos")).unwrap();
    let s3 = S3Server::start(root.path()).await;
    let bucket = root.path().join("photos").join("arlon");
    let restored = tempfile::tempdir().unwrap();
    let restored_url = format!("sqlite://{}", restored.path().join("quartier.db").display());
    let mut settings = common::s3::settings(&s3, "s3://photos/arlon").to_vec();
    settings.push(("DATABASE_URL", &restored_url));
    settings.push(("QUARTIER_MEDIA_DIR", &media_dir));
    // A store that does not answer as expected (here, no such bucket) is found before
    // anything is replaced.
    let mut absent = common::s3::settings(&s3, "s3://absent/arlon").to_vec();
    absent.push(("DATABASE_URL", &restored_url));
    let error = server::cli::backup::restore(&config_of(&absent), &backup, false)
        .await
        .unwrap_err();
    assert!(
        error.contains("QUARTIER_MEDIA_URL") && error.contains("nothing was restored"),
        "{error}"
    );
    assert!(!restored.path().join("quartier.db").exists());
    let on_store = config_of(&settings);
    let said = server::cli::backup::restore(&on_store, &backup, false)
        .await
        .unwrap();
    assert!(said.ends_with("2 photo files"), "{said}");
    assert_eq!(
        objects(&bucket),
        on_disk,
        "the backup's photos on the store"
    );
    for file in &on_disk {
        assert_eq!(
            std::fs::read(bucket.join(file)).unwrap(),
            std::fs::read(app.store_media_dir().join(file)).unwrap()
        );
    }

    // The photo directory itself: everything is there already.
    let said = server::cli::media::upload(&on_store, None).await.unwrap();
    assert!(
        said.ends_with(
            "0 photo file(s) put on the object store, 2 already there, 2 other file(s) left alone"
        ),
        "{said}"
    );
    // One missing (or half-stored) on the store is put again.
    std::fs::write(bucket.join(&on_disk[1]), "cut").unwrap();
    std::fs::remove_file(bucket.join(&on_disk[0])).unwrap();
    let said = server::cli::media::upload(&on_store, Some(app.store_media_dir()))
        .await
        .unwrap();
    assert!(said.contains(": 2 photo file(s) put"), "{said}");
    assert_eq!(objects(&bucket), on_disk);
    assert_eq!(
        std::fs::read(bucket.join(&on_disk[1])).unwrap(),
        std::fs::read(app.store_media_dir().join(&on_disk[1])).unwrap()
    );

    // Files named as photos that are not whole ones are never put (a damaged copy must not
    // replace a good one, a link could point anywhere): said by name, the rest still put.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("secret"), "not for the store").unwrap();
    let link = format!("{}-t.jpg", "a".repeat(32));
    std::os::unix::fs::symlink(
        elsewhere.path().join("secret"),
        app.store_media_dir().join(&link),
    )
    .unwrap();
    let mislabelled = format!("{}-l.jpg", "b".repeat(32));
    let whole = std::fs::read(app.store_media_dir().join(&on_disk[0])).unwrap();
    std::fs::write(app.store_media_dir().join(&mislabelled), &whole).unwrap();
    // A pipe: never opened as a file (the command would wait on it for ever).
    let pipe = format!("{}-t.jpg", "c".repeat(32));
    let fifo = std::ffi::CString::new(
        app.store_media_dir()
            .join(&pipe)
            .into_os_string()
            .into_encoded_bytes(),
    )
    .unwrap();
    // SAFETY: a valid, NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let cut = format!("{}-t.jpg", "d".repeat(32));
    let thumbnail = std::fs::read(app.store_media_dir().join(&on_disk[1])).unwrap();
    std::fs::write(
        app.store_media_dir().join(&cut),
        &thumbnail[..thumbnail.len() / 2],
    )
    .unwrap();
    // Bytes after the end marker: never written by this software.
    let trailing = format!("{}-t.jpg", "e".repeat(32));
    std::fs::write(
        app.store_media_dir().join(&trailing),
        [&thumbnail[..], b"<script>"].concat(),
    )
    .unwrap();
    std::fs::remove_file(bucket.join(&on_disk[0])).unwrap();
    let error = server::cli::media::upload(&on_store, None)
        .await
        .unwrap_err();
    assert!(error.contains(": 1 photo file(s) put"), "{error}");
    assert!(
        error.ends_with(&format!("{link}, {mislabelled}, {pipe}, {cut}, {trailing}")),
        "a link, a large picture whose content is not its name's, a pipe, a cut JPEG, bytes \
         after its end: {error}"
    );
    assert_eq!(objects(&bucket), on_disk);

    // Without an object store, or from a directory that is not one, nothing happens.
    let error = server::cli::media::upload(
        &config_of(&[
            ("DATABASE_URL", &restored_url),
            ("QUARTIER_MEDIA_DIR", &media_dir),
        ]),
        None,
    )
    .await
    .unwrap_err();
    assert!(error.contains("QUARTIER_MEDIA_URL"), "{error}");
    let error = server::cli::media::upload(&on_store, Some(root.path().join("nowhere")))
        .await
        .unwrap_err();
    assert!(error.contains("is not a directory"), "{error}");
}

#[test]
fn object_store_settings_are_checked() {
    use server::config::Config;
    let config = |vars: &[(&str, &str)]| {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    };
    let media = config(&[("QUARTIER_MEDIA_URL", "s3://quartier-photos/towns/habay/")])
        .unwrap()
        .media_store
        .unwrap();
    assert_eq!(media.bucket, "quartier-photos");
    assert_eq!(media.prefix, "towns/habay");
    assert_eq!(media.region, "us-east-1");
    assert_eq!(media.credentials, None);
    for (vars, named) in [
        (
            vec![("QUARTIER_MEDIA_URL", "/var/photos")],
            "QUARTIER_MEDIA_URL",
        ),
        (
            vec![("QUARTIER_MEDIA_URL", "s3://Bad_Bucket")],
            "QUARTIER_MEDIA_URL",
        ),
        (
            vec![("QUARTIER_MEDIA_URL", "s3://photos/../etc")],
            "QUARTIER_MEDIA_URL",
        ),
        (
            vec![
                ("QUARTIER_MEDIA_URL", "s3://photos"),
                ("AWS_ENDPOINT_URL", "s3.example.be"),
            ],
            "AWS_ENDPOINT_URL",
        ),
        (
            vec![
                ("QUARTIER_MEDIA_URL", "s3://photos"),
                ("AWS_ENDPOINT_URL", "https://key:secret@s3.example.be"),
            ],
            "AWS_ENDPOINT_URL",
        ),
        (
            vec![
                ("QUARTIER_MEDIA_URL", "s3://photos"),
                ("AWS_ACCESS_KEY_ID", "only-the-id"),
            ],
            "AWS_ACCESS_KEY_ID",
        ),
    ] {
        let error = config(&vars).expect_err(&format!("{vars:?}"));
        assert_eq!(error.name, named, "{vars:?}: {error}");
    }
    // The secret never shows in a debug print of the settings.
    let media = config(&[
        ("QUARTIER_MEDIA_URL", "s3://photos"),
        ("AWS_ACCESS_KEY_ID", "AKIA-TEST"),
        ("AWS_SECRET_ACCESS_KEY", "very-secret"),
    ])
    .unwrap()
    .media_store
    .unwrap();
    assert!(!format!("{media:?}").contains("very-secret"));
}
