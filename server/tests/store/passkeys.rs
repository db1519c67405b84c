//! The storage contract for passkeys and their ceremonies, on a temporary SQLite file and on a
//! fresh PostgreSQL database.

use crate::common::fixtures::now;

use app::server::{NewSession, NewSignInLink, Store, StoreError};
use chrono::TimeDelta;

async fn contract(store: &dyn Store) {
    let t0 = now();
    let town = crate::common::fixtures::town(store, "habay", "Habay").await;
    // An account, made by an e-mail sign-in.
    store
        .create_sign_in_link(
            &NewSignInLink {
                token_hash: "link".into(),
                email: "jacob@example.be".into(),
                invitation_id: None,
                return_to: None,
                expires_at: t0 + TimeDelta::minutes(15),
            },
            t0,
        )
        .await
        .unwrap();
    let first = NewSession {
        token_hash: "session-1".into(),
        expires_at: t0 + TimeDelta::days(30),
        town_id: None,
    };
    let signed = store
        .complete_sign_in(town.id, "link", &first, None, t0)
        .await
        .unwrap()
        .unwrap();
    let user = signed.user.id;

    // The user handle is chosen once.
    let handle = store.passkey_handle(user, "handle-a").await.unwrap();
    assert_eq!(handle, "handle-a");
    assert_eq!(
        store.passkey_handle(user, "handle-b").await.unwrap(),
        "handle-a"
    );

    // Ceremonies: taken once, not after they expire.
    store
        .save_passkey_ceremony(
            "c1",
            Some(user),
            "{\"state\":1}",
            t0 + TimeDelta::minutes(5),
        )
        .await
        .unwrap();
    store
        .save_passkey_ceremony("c2", None, "{\"state\":2}", t0 + TimeDelta::minutes(5))
        .await
        .unwrap();
    assert_eq!(
        store.take_passkey_ceremony("c1", t0).await.unwrap(),
        Some((Some(user), "{\"state\":1}".to_owned()))
    );
    assert_eq!(store.take_passkey_ceremony("c1", t0).await.unwrap(), None);
    assert_eq!(
        store
            .take_passkey_ceremony("c2", t0 + TimeDelta::minutes(6))
            .await
            .unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        store.take_passkey_ceremony("c2", t0).await.unwrap(),
        None,
        "gone"
    );

    // Passkeys: added, listed, found by credential, never twice.
    let key = store
        .add_passkey(user, "cred-1", "{\"cred\":1}", "Android", t0)
        .await
        .unwrap();
    assert_eq!(key.user_id, user);
    assert_eq!(key.last_used_at, None);
    assert!(matches!(
        store.add_passkey(user, "cred-1", "{}", "Android", t0).await,
        Err(StoreError::Conflict(_))
    ));
    let second = store
        .add_passkey(user, "cred-2", "{\"cred\":2}", "iPhone", t0)
        .await
        .unwrap();
    let listed = store.user_passkeys(user).await.unwrap();
    assert_eq!(listed, vec![key.clone(), second.clone()]);
    let (found, found_handle) = store
        .passkey_by_credential_id("cred-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, key);
    assert_eq!(found_handle.as_deref(), Some("handle-a"));
    assert_eq!(store.passkey_by_credential_id("nope").await.unwrap(), None);

    // Signing in with a passkey: its counter and use are recorded, a session opens, and the
    // phone's own follows join the account.
    let device = store.create_device_profile("phone", t0).await.unwrap();
    let later = t0 + TimeDelta::days(2);
    let session = NewSession {
        token_hash: "session-2".into(),
        expires_at: later + TimeDelta::days(30),
        town_id: None,
    };
    let signed = store
        .complete_passkey_sign_in(
            key.id,
            Some("{\"cred\":1,\"counter\":5}"),
            &session,
            Some(device),
            later,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(signed.user.id, user);
    assert!(!signed.new_account);
    assert_eq!(
        signed.user.profile_id,
        Some(device),
        "the phone's profile is the account's"
    );
    let me = store
        .session_user("session-2", None, later, TimeDelta::days(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(me.user.id, user);
    let used = &store.user_passkeys(user).await.unwrap()[0];
    assert_eq!(used.credential, "{\"cred\":1,\"counter\":5}");
    assert_eq!(used.last_used_at, Some(later));

    // Removing: only one's own.
    assert!(!store.delete_passkey(user + 1000, key.id).await.unwrap());
    assert!(store.delete_passkey(user, key.id).await.unwrap());
    assert_eq!(store.user_passkeys(user).await.unwrap(), vec![second]);
    let gone = NewSession {
        token_hash: "session-3".into(),
        expires_at: later + TimeDelta::days(30),
        town_id: None,
    };
    assert!(store
        .complete_passkey_sign_in(key.id, None, &gone, None, later)
        .await
        .unwrap()
        .is_none());

    // Expired ceremonies are purged.
    store
        .save_passkey_ceremony("c3", None, "{}", t0 + TimeDelta::minutes(5))
        .await
        .unwrap();
    assert!(store.purge_expired(t0 + TimeDelta::hours(1)).await.unwrap() >= 1);
    assert_eq!(store.take_passkey_ceremony("c3", t0).await.unwrap(), None);
}

#[tokio::test]
async fn passkeys_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn passkeys_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
