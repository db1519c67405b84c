//! Web Push: each town's VAPID identity (RFC 8292), made once and kept in the database so that
//! every instance signs with the same key; the sender and the outbox's delivery worker.

pub mod aes128gcm;
pub mod sender;
pub mod worker;

use std::collections::HashMap;
use std::sync::Arc;

use app::server::{Settings, Store, StoreError, Town, VapidKeys};
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

/// The town's VAPID keys, made and stored on first use.
pub async fn vapid_keys(store: &dyn Store, town_id: i64) -> Result<VapidKeys, String> {
    let candidate = generate_vapid_keys()?;
    store
        .vapid_keys(town_id, &candidate, chrono::Utc::now())
        .await
        .map_err(|e: StoreError| e.to_string())
}

/// What the delivery worker needs to know of the site (the server's configuration gives it).
pub struct Delivery {
    /// The VAPID `sub` claim (RFC 8292, section 2.1): a `mailto:` or `https:` contact, for
    /// towns without their own; `None`: the webmaster of each town's host.
    pub vapid_subject: Option<String>,
    /// Subscriptions may point at loopback addresses (development and tests only).
    pub allow_loopback: bool,
    pub worker: worker::WorkerSettings,
}

/// How one town's pushes go out: signed with its key and contact, linking to its site.
pub struct TownPush {
    pub sender: sender::Sender,
    /// The town's public base URL, for the links in notifications.
    pub base_url: String,
}

/// Each town's [`TownPush`].
#[async_trait::async_trait]
pub trait TownSenders: Send + Sync {
    async fn for_town(&self, town_id: i64) -> Result<Arc<TownPush>, String>;
}

/// One sender for every town (tests and benchmarks of a single town).
pub struct OneSender(pub Arc<TownPush>);

#[async_trait::async_trait]
impl TownSenders for OneSender {
    async fn for_town(&self, _town_id: i64) -> Result<Arc<TownPush>, String> {
        Ok(self.0.clone())
    }
}

/// How long a town's key, contact and address are used before they are read again (a change
/// made with `quartier town set` reaches running instances within this time).
pub const TOWN_PUSH_REFRESH: std::time::Duration = std::time::Duration::from_secs(60);

/// Each town's key (made on first use), contact and address, from the database.
pub struct StoredTownSenders {
    store: Arc<dyn Store>,
    settings: Arc<Settings>,
    vapid_subject: Option<String>,
    connections: sender::Sender,
    towns: std::sync::Mutex<HashMap<i64, (std::time::Instant, Arc<TownPush>)>>,
}

impl StoredTownSenders {
    pub fn new(
        store: Arc<dyn Store>,
        settings: Arc<Settings>,
        delivery: &Delivery,
    ) -> Result<StoredTownSenders, String> {
        // Only the connections of this sender are used; its throw-away key signs nothing.
        let keys = generate_vapid_keys()?;
        let connections = sender::Sender::new(
            &keys.private_key,
            "mailto:nobody@localhost",
            delivery.allow_loopback,
            REQUEST_TIMEOUT,
        )?;
        Ok(StoredTownSenders {
            store,
            settings,
            vapid_subject: delivery.vapid_subject.clone(),
            connections,
            towns: std::sync::Mutex::new(HashMap::new()),
        })
    }
}

/// The VAPID contact of a town's pushes: its own, the instance's, or its site's webmaster.
pub fn town_vapid_subject(town: &Town, instance: Option<&str>, base_url: &str) -> String {
    town.vapid_subject
        .clone()
        .or_else(|| instance.map(str::to_owned))
        .unwrap_or_else(|| {
            let host = url::Url::parse(base_url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| "localhost".into());
            format!("mailto:webmaster@{host}")
        })
}

#[async_trait::async_trait]
impl TownSenders for StoredTownSenders {
    async fn for_town(&self, town_id: i64) -> Result<Arc<TownPush>, String> {
        let now = std::time::Instant::now();
        if let Some((at, push)) = self
            .towns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&town_id)
        {
            if now.duration_since(*at) < TOWN_PUSH_REFRESH {
                return Ok(push.clone());
            }
        }
        let town = self
            .store
            .town_by_id(town_id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no town {town_id}"))?;
        let keys = vapid_keys(self.store.as_ref(), town_id).await?;
        let base_url = self.settings.base_url_of(&town);
        let subject = town_vapid_subject(&town, self.vapid_subject.as_deref(), &base_url);
        let push = Arc::new(TownPush {
            sender: self.connections.with_key(&keys.private_key, &subject)?,
            base_url,
        });
        self.towns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(town_id, (now, push.clone()));
        Ok(push)
    }
}

/// Starts the delivery worker in the background; it stops when `stop` turns true.
pub fn start_worker(
    store: Arc<dyn Store>,
    settings: Arc<Settings>,
    delivery: Delivery,
    clock: Arc<dyn app::server::Clock>,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let senders = StoredTownSenders::new(store.clone(), settings, &delivery)?;
    let worker = worker::Worker::with_senders(store, Arc::new(senders), clock, delivery.worker);
    Ok(tokio::spawn(Arc::new(worker).run_until(stop)))
}

/// The longest a request to a push service may take.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);
