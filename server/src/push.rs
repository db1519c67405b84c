//! Web Push: this site's VAPID identity (RFC 8292), made once and kept in the database so that
//! every instance signs with the same key.

use app::server::{Store, StoreError, VapidKeys};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// A new P-256 key pair, from the operating system's randomness.
pub fn generate_vapid_keys() -> Result<VapidKeys, String> {
    loop {
        let mut scalar = [0u8; 32];
        getrandom::fill(&mut scalar).map_err(|e| format!("no randomness: {e}"))?;
        // A random 32-byte string is a valid scalar with overwhelming probability; retry if not.
        let Ok(secret) = p256::SecretKey::from_slice(&scalar) else {
            continue;
        };
        let public = secret.public_key().to_sec1_bytes();
        return Ok(VapidKeys {
            private_key: URL_SAFE_NO_PAD.encode(secret.to_bytes()),
            public_key: URL_SAFE_NO_PAD.encode(public),
        });
    }
}

/// The site's VAPID keys, made and stored on first use.
pub async fn vapid_keys(store: &dyn Store) -> Result<VapidKeys, String> {
    let candidate = generate_vapid_keys()?;
    store
        .vapid_keys(&candidate, chrono::Utc::now())
        .await
        .map_err(|e: StoreError| e.to_string())
}
