//! The storage port of passkeys: [`PasskeyStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::accounts::{NewSession, SignedIn};
use crate::domain::passkeys::PasskeyRecord;

/// Passkeys (WebAuthn) and signing in with them.
#[async_trait]
pub trait PasskeyStore: Send + Sync {
    /// The account's WebAuthn user handle: `candidate` the first time, the same ever after.
    async fn passkey_handle(&self, user_id: i64, candidate: &str) -> StoreResult<String>;

    /// Keeps the server's half of a passkey registration or sign-in until `expires_at`.
    async fn save_passkey_ceremony(
        &self,
        id_hash: &str,
        user_id: Option<i64>,
        state: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Takes a ceremony back (once): its user and state, unless unknown or expired.
    async fn take_passkey_ceremony(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Option<i64>, String)>>;

    /// The account's passkeys, oldest first.
    async fn user_passkeys(&self, user_id: i64) -> StoreResult<Vec<PasskeyRecord>>;

    /// Adds a verified passkey; `Conflict` if its credential is already registered.
    async fn add_passkey(
        &self,
        user_id: i64,
        credential_id: &str,
        credential: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<PasskeyRecord>;

    /// The passkey with this credential id, and its account's user handle.
    async fn passkey_by_credential_id(
        &self,
        credential_id: &str,
    ) -> StoreResult<Option<(PasskeyRecord, Option<String>)>>;

    /// Removes one of the account's passkeys; `false` if it has no such passkey.
    async fn delete_passkey(&self, user_id: i64, passkey_id: i64) -> StoreResult<bool>;

    /// Signs in with a verified passkey, in one transaction: records its use (and its updated
    /// counter), gives the device's profile to the account (or merges it) and opens the
    /// session. `None` if the passkey no longer exists.
    async fn complete_passkey_sign_in(
        &self,
        passkey_id: i64,
        updated_credential: Option<&str>,
        session: &NewSession,
        device_profile: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SignedIn>>;
}
