//! A push service for tests, behaving like a browser vendor's (RFC 8030) on 127.0.0.1: it
//! checks the VAPID `Authorization` header (RFC 8292: ES256 signature by the `k` key, `aud` its
//! own origin, `exp` in the future and at most 24 hours ahead, `sub` a mailto: or https: URL),
//! requires `TTL`, and decrypts the `aes128gcm` body (RFC 8188, RFC 8291) with the private key
//! and auth secret of the subscription, made here as a browser would make them. The decryption
//! is written here from the RFCs, independently of the crate that encrypts.
//!
//! Each subscription can be told how to answer its next requests (a status, `Retry-After`, or
//! hanging); afterwards it answers 201 Created.

use app::server::store::prelude::*;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::Aes128Gcm;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hkdf::Hkdf;
use p256::ecdsa::signature::Verifier;
use sha2_11::Sha256;
use tokio::sync::Notify;

/// How the push service answers one request.
#[derive(Clone, Debug)]
pub enum Answer {
    Status(u16),
    /// 429 Too Many Requests with `Retry-After: seconds`.
    RetryAfter(u64),
    /// Never answers (the sender must time out).
    Hang,
}

/// A message the push service accepted, decrypted.
#[derive(Clone, Debug)]
pub struct Received {
    pub subscription: usize,
    pub payload: Vec<u8>,
    pub ttl: u32,
    pub urgency: Option<String>,
    pub topic: Option<String>,
    pub jwt: String,
    pub claims: serde_json::Value,
    /// The VAPID public key it was signed with (`k=`, base64url).
    pub key: String,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.payload).expect("the payload is JSON")
    }
}

/// A browser's subscription, with the secrets only the browser knows.
pub struct Browser {
    secret: p256::SecretKey,
    auth: [u8; 16],
    answers: VecDeque<Answer>,
    /// The `applicationServerKey` it was made with, if the test gave one: as push services
    /// do, a message signed with another key is refused.
    server_key: Option<String>,
}

#[derive(Default)]
struct Inner {
    browsers: Vec<Browser>,
    received: Vec<Received>,
    /// Every request, answered or not: (subscription, status answered; 0 when hanging).
    requests: Vec<(usize, u16)>,
    /// Requests refused by the checks, with the reason.
    refused: Vec<String>,
    /// Skip decryption (throughput measurements), checking one message in `sample`.
    sample: Option<usize>,
    /// Signatures already verified (as push services do, a JWT is checked once): header → claims.
    verified: std::collections::HashMap<String, (String, serde_json::Value)>,
}

#[derive(Clone)]
pub struct PushService {
    inner: Arc<Mutex<Inner>>,
    changed: Arc<Notify>,
    pub origin: String,
}

/// The parts of `PushSubscription.toJSON()`.
#[derive(Clone, Debug)]
pub struct Subscription {
    pub index: usize,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("randomness");
    bytes
}

impl PushService {
    pub async fn start() -> PushService {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let service = PushService {
            inner: Arc::new(Mutex::new(Inner::default())),
            changed: Arc::new(Notify::new()),
            origin,
        };
        let app = Router::new()
            .route("/push/{id}", post(receive))
            .with_state(service.clone());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        service
    }

    /// A new subscription, as a browser makes one.
    pub fn subscribe(&self) -> Subscription {
        self.subscribe_for(None)
    }

    /// A new subscription made with a site's `applicationServerKey` (base64url): only messages
    /// signed with that key are taken.
    pub fn subscribe_with(&self, application_server_key: &str) -> Subscription {
        self.subscribe_for(Some(application_server_key.to_owned()))
    }

    fn subscribe_for(&self, server_key: Option<String>) -> Subscription {
        let secret = loop {
            if let Ok(key) = p256::SecretKey::from_slice(&random::<32>()) {
                break key;
            }
        };
        let auth = random::<16>();
        let public = secret.public_key().to_sec1_bytes();
        let mut inner = self.inner.lock().unwrap();
        inner.browsers.push(Browser {
            secret,
            auth,
            answers: VecDeque::new(),
            server_key,
        });
        let index = inner.browsers.len() - 1;
        Subscription {
            index,
            endpoint: format!("{}/push/{index}", self.origin),
            p256dh: URL_SAFE_NO_PAD.encode(public),
            auth: URL_SAFE_NO_PAD.encode(auth),
        }
    }

    /// The next answers to give this subscription (then 201).
    pub fn answer(&self, subscription: &Subscription, answers: &[Answer]) {
        let mut inner = self.inner.lock().unwrap();
        inner.browsers[subscription.index].answers = answers.iter().cloned().collect();
    }

    /// Skips decryption except for one message in `every` (throughput runs).
    pub fn sample_only(&self, every: usize) {
        self.inner.lock().unwrap().sample = Some(every.max(1));
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }

    pub fn received_count(&self) -> usize {
        self.inner
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|(_, s)| *s == 201)
            .count()
    }

    pub fn requests(&self) -> Vec<(usize, u16)> {
        self.inner.lock().unwrap().requests.clone()
    }

    pub fn refused(&self) -> Vec<String> {
        self.inner.lock().unwrap().refused.clone()
    }

    /// Waits (at most `limit`) until `done` holds for the service's state; panics otherwise.
    pub async fn wait_until(
        &self,
        limit: Duration,
        what: &str,
        done: impl Fn(&PushService) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.changed.notified();
            if done(self) {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                assert!(
                    done(self),
                    "timed out waiting for {what}: requests {:?}, refused {:?}",
                    self.requests(),
                    self.refused()
                );
                return;
            }
        }
    }
}

async fn receive(
    State(service): State<PushService>,
    Path(id): Path<usize>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let checked = check(&service, id, &headers, &body);
    let answer = {
        let mut inner = service.inner.lock().unwrap();
        match &checked {
            Err(reason) => {
                inner.refused.push(reason.clone());
                None
            }
            Ok(_) => inner
                .browsers
                .get_mut(id)
                .and_then(|b| b.answers.pop_front()),
        }
    };
    let response = match (checked, answer) {
        (Err(reason), _) => {
            service.changed.notify_waiters();
            return (StatusCode::BAD_REQUEST, reason).into_response();
        }
        (Ok(_), Some(Answer::Hang)) => {
            service.inner.lock().unwrap().requests.push((id, 0));
            service.changed.notify_waiters();
            std::future::pending::<()>().await;
            unreachable!()
        }
        (Ok(_), Some(Answer::RetryAfter(seconds))) => {
            service.inner.lock().unwrap().requests.push((id, 429));
            (
                StatusCode::TOO_MANY_REQUESTS,
                [("Retry-After", seconds.to_string())],
            )
                .into_response()
        }
        (Ok(_), Some(Answer::Status(status))) => {
            service.inner.lock().unwrap().requests.push((id, status));
            StatusCode::from_u16(status).unwrap().into_response()
        }
        (Ok(received), None) => {
            let mut inner = service.inner.lock().unwrap();
            inner.requests.push((id, 201));
            if let Some(received) = received {
                inner.received.push(received);
            }
            (
                StatusCode::CREATED,
                [(
                    "Location",
                    format!("{}/message/{}", service.origin, inner.requests.len()),
                )],
            )
                .into_response()
        }
    };
    service.changed.notify_waiters();
    response
}

/// Checks the request as a push service does; returns the decrypted message (unless skipped).
fn check(
    service: &PushService,
    id: usize,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Option<Received>, String> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let ttl: u32 = header("ttl")
        .ok_or("no TTL header")?
        .parse()
        .map_err(|_| "TTL is not a number")?;
    if header("content-encoding") != Some("aes128gcm") {
        return Err(format!("Content-Encoding {:?}", header("content-encoding")));
    }
    if body.len() > 4096 {
        return Err("payload larger than 4096 bytes".into());
    }
    let authorization = header("authorization").ok_or("no Authorization")?;
    let known = service
        .inner
        .lock()
        .unwrap()
        .verified
        .get(authorization)
        .cloned();
    let (jwt, claims) = match known {
        Some((jwt, claims)) => {
            check_claims(&claims, &service.origin)?;
            (jwt, claims)
        }
        None => {
            let checked = check_vapid(authorization, &service.origin)?;
            service
                .inner
                .lock()
                .unwrap()
                .verified
                .insert(authorization.to_owned(), checked.clone());
            checked
        }
    };
    if let Some(topic) = header("topic") {
        if topic.len() > 32
            || !topic
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(format!("bad Topic {topic}"));
        }
    }
    let key = authorization
        .split(',')
        .find_map(|part| part.trim().strip_prefix("k="))
        .unwrap_or_default()
        .to_owned();
    let (secret, auth, sample) = {
        let inner = service.inner.lock().unwrap();
        let browser = inner.browsers.get(id).ok_or("no such subscription")?;
        if browser
            .server_key
            .as_ref()
            .is_some_and(|made_with| *made_with != key)
        {
            return Err(format!(
                "subscription {id} was made with another applicationServerKey than {key}"
            ));
        }
        (browser.secret.clone(), browser.auth, inner.sample)
    };
    let count = service.inner.lock().unwrap().requests.len();
    if let Some(every) = sample {
        if !count.is_multiple_of(every) {
            return Ok(None);
        }
    }
    let payload = decrypt(&secret, &auth, body)?;
    Ok(Some(Received {
        subscription: id,
        payload,
        ttl,
        urgency: header("urgency").map(str::to_owned),
        topic: header("topic").map(str::to_owned),
        jwt,
        key,
        claims,
    }))
}

/// `vapid t=<JWT>, k=<public key>` (RFC 8292 §3).
fn check_vapid(value: &str, origin: &str) -> Result<(String, serde_json::Value), String> {
    let rest = value.strip_prefix("vapid ").ok_or("not the vapid scheme")?;
    let mut jwt = None;
    let mut key = None;
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(t) = part.strip_prefix("t=") {
            jwt = Some(t);
        } else if let Some(k) = part.strip_prefix("k=") {
            key = Some(k);
        }
    }
    let (jwt, key) = (jwt.ok_or("no t=")?, key.ok_or("no k=")?);
    let key = URL_SAFE_NO_PAD
        .decode(key)
        .map_err(|_| "k is not base64url")?;
    let verifying =
        p256::ecdsa::VerifyingKey::from_sec1_bytes(&key).map_err(|_| "k is not a P-256 key")?;
    let mut parts = jwt.split('.');
    let (Some(header), Some(claims), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the JWT has not three parts".into());
    };
    let header: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(header)
            .map_err(|_| "JWT header encoding")?,
    )
    .map_err(|_| "JWT header JSON")?;
    if header["alg"] != "ES256" {
        return Err(format!("alg {}", header["alg"]));
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| "JWT signature encoding")?;
    let signature =
        p256::ecdsa::Signature::from_slice(&signature).map_err(|_| "JWT signature form")?;
    let signed = &jwt[..jwt.rfind('.').unwrap()];
    verifying
        .verify(signed.as_bytes(), &signature)
        .map_err(|_| "the JWT signature does not verify")?;
    let claims: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(claims)
            .map_err(|_| "JWT claims encoding")?,
    )
    .map_err(|_| "JWT claims JSON")?;
    check_claims(&claims, origin)?;
    Ok((jwt.to_owned(), claims))
}

/// `aud` this service, `exp` within 24 hours, `sub` a contact.
fn check_claims(claims: &serde_json::Value, origin: &str) -> Result<(), String> {
    if claims["aud"] != origin {
        return Err(format!("aud {} is not {origin}", claims["aud"]));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let exp = claims["exp"].as_u64().ok_or("no exp")?;
    if exp <= now || exp > now + 24 * 3600 {
        return Err(format!("exp {exp} is not within 24 hours of {now}"));
    }
    let sub = claims["sub"].as_str().ok_or("no sub")?;
    if !(sub.starts_with("mailto:") || sub.starts_with("https:")) {
        return Err(format!("sub {sub}"));
    }
    Ok(())
}

/// RFC 8291 §3.4 and RFC 8188: one record, `salt ‖ rs ‖ idlen ‖ keyid ‖ ciphertext`.
fn decrypt(secret: &p256::SecretKey, auth: &[u8; 16], body: &[u8]) -> Result<Vec<u8>, String> {
    if body.len() < 21 + 65 + 17 {
        return Err("body too short".into());
    }
    let salt = &body[..16];
    let record_size = u32::from_be_bytes(body[16..20].try_into().unwrap()) as usize;
    let id_len = body[20] as usize;
    if id_len != 65 {
        return Err(format!("keyid of {id_len} bytes, not a P-256 point"));
    }
    let sender_public = &body[21..21 + 65];
    let ciphertext = &body[21 + 65..];
    if ciphertext.len() > record_size {
        return Err("more than one record".into());
    }
    let sender = p256::PublicKey::from_sec1_bytes(sender_public).map_err(|_| "bad sender key")?;
    let shared = p256::ecdh::diffie_hellman(secret.to_nonzero_scalar(), sender.as_affine());
    let receiver_public = secret.public_key().to_sec1_bytes();
    let mut key_info = b"WebPush: info\0".to_vec();
    key_info.extend_from_slice(&receiver_public);
    key_info.extend_from_slice(sender_public);
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes())
        .expand(&key_info, &mut ikm)
        .map_err(|_| "hkdf")?;
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .map_err(|_| "hkdf")?;
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
        .map_err(|_| "hkdf")?;
    let cipher = Aes128Gcm::new_from_slice(&cek).map_err(|_| "aes key")?;
    let mut plain = cipher
        .decrypt(&nonce.into(), ciphertext)
        .map_err(|_| "the body does not decrypt")?;
    // Padding: the data, a delimiter (2 for the last record), then zeros.
    while plain.last() == Some(&0) {
        plain.pop();
    }
    if plain.pop() != Some(2) {
        return Err("no last-record delimiter".into());
    }
    Ok(plain)
}

impl PushService {
    /// `count` subscriptions sharing one key pair (cheap to make in bulk; each is still
    /// encrypted for and decrypted by its own request).
    pub fn subscribe_many(&self, count: usize) -> Vec<Subscription> {
        let first = self.subscribe();
        let mut inner = self.inner.lock().unwrap();
        let (secret, auth) = {
            let browser = &inner.browsers[first.index];
            (browser.secret.clone(), browser.auth)
        };
        let mut all = vec![first.clone()];
        for _ in 1..count {
            inner.browsers.push(Browser {
                secret: secret.clone(),
                auth,
                answers: VecDeque::new(),
                server_key: None,
            });
            let index = inner.browsers.len() - 1;
            all.push(Subscription {
                index,
                endpoint: format!("{}/push/{index}", self.origin),
                ..first.clone()
            });
        }
        all
    }

    /// How many subscriptions have had at least one message accepted, and how many messages
    /// were accepted in all.
    pub fn accepted(&self) -> (usize, usize) {
        let inner = self.inner.lock().unwrap();
        let mut seen = vec![false; inner.browsers.len()];
        let mut total = 0;
        for (index, status) in &inner.requests {
            if *status == 201 {
                seen[*index] = true;
                total += 1;
            }
        }
        (seen.iter().filter(|s| **s).count(), total)
    }
}

/// The inserts of [`add_audience`] in the transaction `$tx`, with `$placeholder(n)` the n-th
/// parameter's placeholder.
macro_rules! insert_audience {
    ($tx:ident, $shop_id:expr, $subscriptions:expr, $placeholder:expr) => {{
        let now = chrono::Utc::now();
        let placeholder = $placeholder;
        let base: i64 =
            sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) FROM device_profiles")
                .fetch_one(&mut *$tx)
                .await
                .unwrap();
        for (chunk_index, chunk) in $subscriptions.chunks(500).enumerate() {
            let first = base + (chunk_index * 500) as i64;
            let rows = |n: usize| {
                (0..chunk.len())
                    .map(|row| {
                        let cells: Vec<String> =
                            (1..=n).map(|col| placeholder(row * n + col)).collect();
                        format!("({})", cells.join(", "))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let sql = format!(
                "INSERT INTO device_profiles (id, token_hash, created_at, last_seen_at) VALUES {}",
                rows(4)
            );
            let mut query = sqlx::query(&sql);
            for i in 0..chunk.len() {
                let id = first + i as i64;
                query = query
                    .bind(id)
                    .bind(format!("bulk-{id}"))
                    .bind(now)
                    .bind(now);
            }
            query.execute(&mut *$tx).await.unwrap();
            let sql = format!(
                "INSERT INTO shop_follows (profile_id, shop_id, created_at) VALUES {}",
                rows(3)
            );
            let mut query = sqlx::query(&sql);
            for i in 0..chunk.len() {
                query = query.bind(first + i as i64).bind($shop_id).bind(now);
            }
            query.execute(&mut *$tx).await.unwrap();
            let sql = format!(
                "INSERT INTO push_subscriptions (profile_id, endpoint, p256dh, auth, created_at, \
                 updated_at) VALUES {}",
                rows(6)
            );
            let mut query = sqlx::query(&sql);
            for (i, subscription) in chunk.iter().enumerate() {
                query = query
                    .bind(first + i as i64)
                    .bind(&subscription.endpoint)
                    .bind(&subscription.p256dh)
                    .bind(&subscription.auth)
                    .bind(now)
                    .bind(now);
            }
            query.execute(&mut *$tx).await.unwrap();
        }
    }};
}
/// Adds one resident per subscription, each following `shop_id`, straight into the database at
/// `url` (SQLite or PostgreSQL; thousands at once, in one transaction).
pub async fn add_audience(url: &str, shop_id: i64, subscriptions: &[Subscription]) {
    if url.starts_with("postgres") {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        let mut tx = conn.begin().await.unwrap();
        insert_audience!(tx, shop_id, subscriptions, |n| format!("${n}"));
        // The ids were given: the identity goes on after them (new phones would collide).
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('device_profiles', 'id'), \
             (SELECT MAX(id) FROM device_profiles))",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    } else {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        let mut tx = conn.begin().await.unwrap();
        insert_audience!(tx, shop_id, subscriptions, |_| "?".to_owned());
        tx.commit().await.unwrap();
    }
}

/// A new database at `url` (SQLite or PostgreSQL) with Habay and its bakery, without quiet hours (fan-outs are
/// measured at any time of day); the town's and the bakery's ids.
pub async fn town_with_bakery(url: &str) -> (server::db::SqlStore, i64, i64) {
    use app::server::{NewTown, ShopFields};
    let store = server::db::SqlStore::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let town = store
        .upsert_town(&NewTown {
            slug: "habay".into(),
            name: "Habay".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap();
    store
        .set_town_push_defaults(
            town.id,
            app::domain::push::QuietHours { start: 0, end: 0 },
            1,
            3,
        )
        .await
        .unwrap();
    let fields = ShopFields {
        name: "Boulangerie Jacob".into(),
        category: "bakery".into(),
        lat: 49.72,
        lon: 5.64,
        ..ShopFields::default()
    };
    let mut slugs = vec!["boulangerie-jacob".to_string()].into_iter();
    let shop = store
        .upsert_osm_shop(town.id, "node/1", &fields, &mut slugs)
        .await
        .unwrap()
        .0;
    (store, town.id, shop.id)
}
