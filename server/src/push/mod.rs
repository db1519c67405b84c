//! Web Push: this site's VAPID identity (RFC 8292), made once and kept in the database so that
//! every instance signs with the same key; the sender and the outbox's delivery worker.

pub mod aes128gcm;
pub mod sender;
pub mod worker;

use std::sync::Arc;

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

/// What the delivery worker needs to know of the site (the server's configuration gives it).
pub struct Delivery {
    /// The VAPID `sub` claim (RFC 8292, section 2.1): a `mailto:` or `https:` contact.
    pub vapid_subject: String,
    /// Subscriptions may point at loopback addresses (development and tests only).
    pub allow_loopback: bool,
    /// The site's public base URL, for the links in notifications.
    pub base_url: String,
    pub worker: worker::WorkerSettings,
}

/// Starts the delivery worker in the background; it stops when `stop` turns true.
pub fn start_worker(
    store: Arc<dyn app::server::OutboxStore>,
    keys: &VapidKeys,
    delivery: Delivery,
    clock: Arc<dyn app::server::Clock>,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let sender = sender::Sender::new(
        &keys.private_key,
        &delivery.vapid_subject,
        delivery.allow_loopback,
        REQUEST_TIMEOUT,
    )?;
    let worker = worker::Worker::new(
        store,
        Arc::new(sender),
        clock,
        delivery.worker,
        &delivery.base_url,
    );
    Ok(tokio::spawn(Arc::new(worker).run_until(stop)))
}

/// The longest a request to a push service may take.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);
