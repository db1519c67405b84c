//! Photos on an S3-compatible object store (`QUARTIER_MEDIA_URL`): a real S3 server over a
//! directory (s3s-fs) started in-process, with signed requests. A post's photo is put there
//! (nothing on the local disk), served from there, and removed from there once nothing shows
//! it.

use crate::common;

use app::server::store::prelude::*;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::web::*;

const ACCESS_KEY: &str = "quartier-test";
const SECRET_KEY: &str = "quartier-test-secret";

/// An S3 server over `root` (each directory a bucket), on a free local port; its URL.
async fn s3_server(root: &std::path::Path) -> String {
    let fs = s3s_fs::FileSystem::new(root).expect("an s3s-fs root");
    let mut builder = s3s::service::S3ServiceBuilder::new(fs);
    builder.set_auth(s3s::auth::SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let service = service.clone();
            tokio::spawn(async move {
                let _ = hyper_util::server::conn::auto::Builder::new(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
            });
        }
    });
    url
}

/// A JPEG the server accepts.
fn jpeg() -> Vec<u8> {
    use image::ImageEncoder;
    let picture = image::RgbImage::from_fn(800, 600, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(picture.as_raw(), 800, 600, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// The files under `dir`, by name.
fn files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_go_to_the_object_store_and_leave_it_when_nothing_shows_them() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("photos")).unwrap();
    let endpoint = s3_server(root.path()).await;
    let settings = [
        ("QUARTIER_MEDIA_URL", "s3://photos/habay"),
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_REGION", "eu-west-3"),
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
    ];
    let app = app_with(&settings).await;
    let cookie = owner_session(&app, "boulangerie-jacob", "jacob@example.be").await;

    let photo = jpeg();
    let (form_type, body) = multipart(
        &[
            ("slug", "boulangerie-jacob"),
            ("kind", "offer"),
            ("title", "Pain aux noix"),
            ("body", ""),
        ],
        Some(("IMG_0001.jpg", &photo)),
    );
    let request = Request::post("/api/counter/publish")
        .header(header::CONTENT_TYPE, form_type)
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, &cookie)
        .body(Body::from(body))
        .unwrap();
    let (status, _, answer) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    // Both sizes are objects under the prefix; nothing was written on the local disk.
    let stored = files(&root.path().join("photos").join("habay"));
    assert_eq!(stored.len(), 2, "{stored:?}");
    let name = stored[0][..32].to_owned();
    assert_eq!(
        stored,
        [format!("{name}-l.jpg"), format!("{name}-t.jpg")],
        "the large picture and its thumbnail"
    );
    assert!(files(&app.store_media_dir()).is_empty());

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
    let town = app.store.first_town().await.unwrap().unwrap();
    let shop = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
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
        files(&root.path().join("photos").join("habay")).len(),
        2,
        "written a moment ago: kept for now"
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
    assert!(files(&root.path().join("photos").join("habay")).is_empty());
    assert_eq!(
        get(&app, &format!("/media/{name}-l.jpg")).await.0,
        StatusCode::NOT_FOUND
    );
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
