//! The storage contract for Web Push subscriptions, on a temporary SQLite file and on a fresh
//! PostgreSQL database: one endpoint once, owned by one profile, carried into the account when
//! the phone signs in.

use crate::common::fixtures::now;

use app::domain::push::Subscription;
use app::server::{NewSession, NewSignInLink, Store};
use chrono::TimeDelta;

fn subscription(endpoint: &str, auth: &str) -> Subscription {
    Subscription {
        endpoint: endpoint.into(),
        p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
            .into(),
        auth: auth.into(),
    }
}

async fn contract(store: &dyn Store) {
    let t0 = now();
    let town = crate::common::fixtures::town(store, "habay", "Habay").await;
    let phone = store.create_device_profile("phone", t0).await.unwrap();
    let tablet = store.create_device_profile("tablet", t0).await.unwrap();
    let a = subscription("https://push.example.net/a", "tBHItJI5svbpez7KI4CCXg");
    let id = store
        .save_push_subscription(phone, None, &a, t0)
        .await
        .unwrap();
    let listed = store.push_subscriptions(phone).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert_eq!(listed[0].subscription, a);
    assert_eq!(listed[0].created_at, t0);

    // The browser subscribes again (new keys): one row, updated.
    let later = t0 + TimeDelta::hours(1);
    let renewed = subscription("https://push.example.net/a", "AAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(
        store
            .save_push_subscription(phone, None, &renewed, later)
            .await
            .unwrap(),
        id
    );
    let listed = store.push_subscriptions(phone).await.unwrap();
    assert_eq!(listed[0].subscription.auth, "AAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(listed[0].updated_at, later);

    // Only the owner removes it.
    assert!(!store
        .delete_push_subscription(tablet, "https://push.example.net/a")
        .await
        .unwrap());
    let b = subscription("https://push.example.net/b", "tBHItJI5svbpez7KI4CCXg");
    store
        .save_push_subscription(tablet, None, &b, t0)
        .await
        .unwrap();
    assert!(store
        .delete_push_subscription(tablet, "https://push.example.net/b")
        .await
        .unwrap());
    assert!(store.push_subscriptions(tablet).await.unwrap().is_empty());

    // The phone signs in: its subscription now belongs to the account's profile.
    store
        .create_sign_in_link(
            &NewSignInLink {
                token_hash: "link".into(),
                email: "resident@example.be".into(),
                invitation_id: None,
                return_to: None,
                expires_at: t0 + TimeDelta::minutes(15),
            },
            t0,
        )
        .await
        .unwrap();
    let account_profile = store.create_device_profile("account", t0).await.unwrap();
    let session = |token: &str| NewSession {
        token_hash: token.into(),
        expires_at: t0 + TimeDelta::days(30),
        town_id: None,
    };
    let signed = store
        .complete_sign_in(town.id, "link", &session("s1"), Some(account_profile), t0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(signed.user.profile_id, Some(account_profile));
    store
        .create_sign_in_link(
            &NewSignInLink {
                token_hash: "link2".into(),
                email: "resident@example.be".into(),
                invitation_id: None,
                return_to: None,
                expires_at: t0 + TimeDelta::minutes(15),
            },
            t0,
        )
        .await
        .unwrap();
    store
        .complete_sign_in(town.id, "link2", &session("s2"), Some(phone), t0)
        .await
        .unwrap()
        .unwrap();
    let moved = store.push_subscriptions(account_profile).await.unwrap();
    // (checked below)
    assert_eq!(
        moved.len(),
        1,
        "the phone's subscription joined the account"
    );
    assert_eq!(moved[0].id, id);
    assert!(store.push_subscriptions(phone).await.unwrap().is_empty());

    // VAPID keys: the first pair stored is every instance's, each town has its own.
    let first = server::push::generate_vapid_keys().unwrap();
    let second = server::push::generate_vapid_keys().unwrap();
    assert_ne!(first, second);
    assert_eq!(store.vapid_keys(town.id, &first, t0).await.unwrap(), first);
    assert_eq!(store.vapid_keys(town.id, &second, t0).await.unwrap(), first);
    let arlon = crate::common::fixtures::town(store, "arlon", "Arlon").await;
    assert_eq!(
        store.vapid_keys(arlon.id, &second, t0).await.unwrap(),
        second
    );
    assert_eq!(store.vapid_keys(town.id, &second, t0).await.unwrap(), first);
}

#[tokio::test]
async fn push_subscriptions_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn push_subscriptions_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}

#[test]
fn vapid_keys_are_a_p256_pair() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let keys = server::push::generate_vapid_keys().unwrap();
    let private = URL_SAFE_NO_PAD.decode(&keys.private_key).unwrap();
    let public = URL_SAFE_NO_PAD.decode(&keys.public_key).unwrap();
    assert_eq!(private.len(), 32);
    assert_eq!(public.len(), 65);
    assert_eq!(
        public[0], 0x04,
        "uncompressed, as applicationServerKey wants"
    );
    let secret = p256::SecretKey::from_slice(&private).unwrap();
    assert_eq!(&*secret.public_key().to_sec1_bytes(), public.as_slice());
}
