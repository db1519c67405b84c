//! Two instances on one PostgreSQL share photos on an S3-compatible store (s3s-fs, started
//! in-process). One is killed with SIGKILL while it stores a merchant's photo: the merchant's
//! form, sent again (with its idempotency key) and passed to the other instance, is published
//! once, its photo whole; what a killed instance left on the store and nobody sent again is
//! removed by the collection.

use crate::common;

use app::server::store::prelude::*;
use std::time::Duration;

use common::instances::{owner_session, Instance};
use common::s3::{objects, S3Server};

/// The counter's form for the bakery's offer `title` with `photo`, as the phone sends it.
fn counter_form(title: &str, key: &str, photo: &[u8]) -> (String, Vec<u8>) {
    common::web::multipart(
        &[
            ("slug", "boulangerie-jacob"),
            ("kind", "offer"),
            ("title", title),
            ("body", "Cette semaine seulement."),
            ("idempotency_key", key),
        ],
        Some(("IMG_0001.jpg", photo)),
    )
}

/// Sends the form to `base` as the phone does; the status and body, or the transport error.
async fn publish(
    client: reqwest::Client,
    base: String,
    cookie: String,
    (content_type, body): (String, Vec<u8>),
) -> Result<(u16, String), String> {
    let response = client
        .post(format!("{base}/api/counter/publish"))
        .header("Content-Type", content_type)
        .header("Accept", "application/json")
        .header("X-Forwarded-For", "10.8.0.1")
        .header("Cookie", cookie)
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    Ok((status, response.text().await.map_err(|e| e.to_string())?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_killed_while_it_stores_a_photo_loses_nothing() {
    let db = common::empty_postgres_db().await;
    db.store.migrate().await.unwrap();
    server::cli::demo::load_demo(&db.store, "Europe/Brussels", chrono::Utc::now())
        .await
        .unwrap();
    let town = db.store.first_town().await.unwrap().unwrap();
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("photos")).unwrap();
    let bucket = root.path().join("photos").join("habay");
    let s3 = S3Server::start(root.path()).await;
    let settings = common::s3::settings(&s3, "s3://photos/habay");
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let mut first = Instance::start(&db.url, dir.path(), &settings);
    let mut second = Instance::start(&db.url, dir.path(), &settings);
    first.ready(&client).await;
    second.ready(&client).await;
    let cookie = owner_session(
        &db.store,
        &client,
        &first.base,
        town.id,
        "boulangerie-jacob",
    )
    .await;

    // The first instance stores the large picture, then dies while it puts the thumbnail.
    let form = counter_form(
        "Pain aux noix",
        "walnut-bread-1",
        &common::fixtures::phone_photo(1),
    );
    s3.hold_uploads_ending("-t.jpg");
    let sending = tokio::spawn(publish(
        client.clone(),
        first.base.clone(),
        cookie.clone(),
        form.clone(),
    ));
    let held = s3.held_upload().await;
    first.kill();
    let answer = sending.await.unwrap();
    assert!(answer.is_err(), "the killed instance answered: {answer:?}");
    s3.release().await;
    let name = held.rsplit('/').next().unwrap()[..32].to_owned();
    assert!(
        objects(&bucket).contains(&format!("{name}-l.jpg")),
        "the large picture was stored before the kill: {:?}",
        objects(&bucket)
    );
    assert!(
        bakery_posts(&db.store, town.id, "Pain aux noix")
            .await
            .is_empty(),
        "nothing published yet"
    );

    // No answer: the phone sends the form again, and the proxy passes it to the other
    // instance. Published once, its photo whole.
    let (status, body) = publish(
        client.clone(),
        second.base.clone(),
        cookie.clone(),
        form.clone(),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let post_id: i64 = body.trim().parse().unwrap_or_else(|_| panic!("{body}"));
    // The answer lost on the way back too: sent once more, it is still the same post.
    let again = publish(
        client.clone(),
        second.base.clone(),
        cookie.clone(),
        form.clone(),
    )
    .await
    .unwrap();
    assert_eq!(again, (200, post_id.to_string()));
    let posts = bakery_posts(&db.store, town.id, "Pain aux noix").await;
    assert_eq!(posts.len(), 1, "one post: {posts:?}");
    assert_eq!(posts[0].id, post_id);
    assert_eq!(posts[0].content.photo.as_deref(), Some(name.as_str()));
    assert_eq!(
        objects(&bucket),
        [format!("{name}-l.jpg"), format!("{name}-t.jpg")],
        "the same two objects, nothing else"
    );
    for size in ["l", "t"] {
        let file = format!("{name}-{size}.jpg");
        let served = client
            .get(format!("{}/media/{file}", second.base))
            .send()
            .await
            .unwrap();
        assert_eq!(served.status().as_u16(), 200, "{file}");
        let served = served.bytes().await.unwrap();
        assert_eq!(
            served.as_ref(),
            std::fs::read(bucket.join(&file)).unwrap().as_slice(),
            "{file} served whole"
        );
    }

    // The second instance dies too while it stores another photo, and this form is never sent
    // again: what it left (the large picture, and the thumbnail too when its request had
    // reached the store whole before the kill) is removed by the collection, once the upload
    // could no longer be under way; the published photo stays.
    let other = counter_form("Cramique", "cramique-1", &common::fixtures::phone_photo(2));
    s3.hold_uploads_ending("-t.jpg");
    let sending = tokio::spawn(publish(client.clone(), second.base.clone(), cookie, other));
    let left = s3.held_upload().await;
    second.kill();
    assert!(sending.await.unwrap().is_err());
    s3.release().await;
    let left = left.rsplit('/').next().unwrap()[..32].to_owned();
    assert_ne!(left, name);
    assert!(objects(&bucket).contains(&format!("{left}-l.jpg")));
    let config = server::config::Config::from_lookup(|variable| {
        settings
            .iter()
            .find(|(k, _)| *k == variable)
            .map(|(_, v)| v.to_string())
    })
    .unwrap();
    let photos = server::photos::ObjectPhotos::s3(config.media_store.as_ref().unwrap()).unwrap();
    let now = std::time::SystemTime::now();
    let soon = server::media::collect_garbage(&db.store, &photos, now, false, false)
        .await
        .unwrap();
    assert_eq!(soon.removed, 0, "written a moment ago: kept for now");
    let later = now + 2 * app::server::PHOTO_GRACE;
    let collected = server::media::collect_garbage(&db.store, &photos, later, false, false)
        .await
        .unwrap();
    assert_eq!(collected.removed, 1, "one photo (each of its files)");
    assert_eq!(
        objects(&bucket),
        [format!("{name}-l.jpg"), format!("{name}-t.jpg")],
        "only the published photo is left"
    );
}

/// The bakery's posts titled `title`.
async fn bakery_posts(
    store: &server::db::SqlStore,
    town_id: i64,
    title: &str,
) -> Vec<app::server::Post> {
    let bakery = store
        .shop_by_slug(town_id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    store
        .shop_posts(town_id, bakery.id, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.content.title == title)
        .collect()
}
