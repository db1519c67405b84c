//! Passkeys (WebAuthn) attached to accounts.

use chrono::{DateTime, Utc};

/// A passkey of an account.
#[derive(Clone, Debug, PartialEq)]
pub struct PasskeyRecord {
    pub id: i64,
    pub user_id: i64,
    /// The credential id's bytes, in hexadecimal.
    pub credential_id: String,
    /// The verified credential (webauthn-rs `Passkey`, JSON).
    pub credential: String,
    /// Where it was made ("Android", "iPhone"…), for the account page.
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}
