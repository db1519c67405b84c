//! Which photos are shown (`Store::photo_in_use`, `photos_in_use`) on both databases: a shop
//! shows several (kept as names separated by spaces), posts one each; and the collection of
//! those nothing shows, with the file system's times.

use crate::common;

use app::server::store::prelude::*;
use app::server::{PhotoStore, PostAuthor, PostKind, PostOrigin, ShopProfile};
use common::fixtures::{now, post, shop, shop_fields, town};
use std::time::SystemTime;

const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const C: &str = "cccccccccccccccccccccccccccccccc";
const D: &str = "dddddddddddddddddddddddddddddddd";

async fn photos_shown(store: &dyn Store) {
    let t0 = now();
    let habay = town(store, "habay", "Habay").await;
    let bakery = shop(
        store,
        habay.id,
        "node/1",
        "boulangerie",
        &shop_fields("Boulangerie", "bakery", 49.72, 5.64),
    )
    .await
    .id;
    assert!(store.photos_in_use().await.unwrap().is_empty());
    store
        .update_shop_profile(
            habay.id,
            bakery,
            &ShopProfile {
                category: "bakery".into(),
                photos: vec![A.into(), B.into(), C.into()],
                ..ShopProfile::default()
            },
            t0,
        )
        .await
        .unwrap()
        .expect("the shop");
    let (offer, _) = store
        .publish_post(
            habay.id,
            &app::server::NewPost {
                photo: Some(B.into()),
                ..post(PostAuthor::Shop(bakery), PostKind::Offer, "Pains", t0)
            },
            &PostOrigin::default(),
            t0,
        )
        .await
        .unwrap();
    for name in [A, B, C] {
        assert!(store.photo_in_use(name).await.unwrap(), "{name}");
    }
    assert!(!store.photo_in_use(D).await.unwrap());
    assert!(!store.photo_in_use("%").await.unwrap(), "not a name");
    assert!(!store.photo_in_use(&A[..31]).await.unwrap(), "not a name");
    let shown = store.photos_in_use().await.unwrap();
    assert_eq!(shown.len(), 3, "{shown:?}");
    // The post goes: B is still the shop's.
    store.delete_post(habay.id, offer.id, t0).await.unwrap();
    assert!(store.photo_in_use(B).await.unwrap());
    assert!(store.schema_is_current().await.unwrap());
}

#[tokio::test]
async fn photos_shown_on_sqlite() {
    let (store, _dir) = common::sqlite_store().await;
    photos_shown(&store).await;
}

#[tokio::test]
async fn photos_shown_on_postgres() {
    let db = common::postgres_store().await;
    photos_shown(&db.store).await;
}

/// A photo's files are removed only when older than the limit given; one rewritten meanwhile
/// (an upload of the same picture) stays.
#[tokio::test]
async fn a_recent_photo_file_is_never_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let photos = server::photos::DiskPhotos::new(dir.path()).unwrap();
    for suffix in ["l", "t"] {
        std::fs::write(dir.path().join(format!("{A}-{suffix}.jpg")), b"jpeg").unwrap();
    }
    let before_writing = SystemTime::now() - std::time::Duration::from_secs(60);
    assert!(!photos.delete(A, before_writing).await.unwrap(), "kept");
    let listed = photos.list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].0, A);
    assert!(dir.path().join(format!("{A}-l.jpg")).exists());
    assert!(dir.path().join(format!("{A}-t.jpg")).exists());
    // Nothing left aside.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    assert!(!photos.delete("../../etc", SystemTime::now()).await.unwrap());
    let later = SystemTime::now() + std::time::Duration::from_secs(60);
    assert!(photos.delete(A, later).await.unwrap());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    assert!(photos.list().await.unwrap().is_empty());
}
