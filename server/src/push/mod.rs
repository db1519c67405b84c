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

/// The VAPID `sub` claim: the configured contact, or (development, plain http) the site's
/// webmaster address.
pub fn vapid_subject(config: &crate::config::Config) -> String {
    config.vapid_subject.clone().unwrap_or_else(|| {
        let host = url::Url::parse(&config.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "localhost".into());
        format!("mailto:webmaster@{host}")
    })
}

/// Starts the delivery worker in the background.
pub fn start_worker(
    store: crate::db::SqlStore,
    keys: &VapidKeys,
    config: &crate::config::Config,
    clock: Arc<dyn app::server::Clock>,
    settings: worker::WorkerSettings,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let sender = sender::Sender::new(
        &keys.private_key,
        &vapid_subject(config),
        config.push_allow_loopback,
        REQUEST_TIMEOUT,
    )?;
    let worker = worker::Worker::new(store, Arc::new(sender), clock, settings, &config.base_url);
    Ok(tokio::spawn(Arc::new(worker).run_until(stop)))
}

/// The longest a request to a push service may take.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// `GET /api/push/key`: the `applicationServerKey` browsers subscribe with,
/// `{"publicKey": "<base64url>"}`.
pub async fn public_key_route(
    axum::extract::State(state): axum::extract::State<crate::RouterState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match vapid_keys(state.app.store.as_ref()).await {
        Ok(keys) => (
            [(axum::http::header::CACHE_CONTROL, "no-cache")],
            axum::Json(serde_json::json!({ "publicKey": keys.public_key })),
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "the VAPID key is not available");
            axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
