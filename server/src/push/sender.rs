//! Sending one Web Push message (RFC 8030): encrypted for the browser with `aes128gcm`
//! (RFC 8291, `super::aes128gcm`) and signed with this site's VAPID key (RFC 8292, JWTs by the
//! `web-push` crate); sent through one pooled HTTP client (HTTP/2 where the push service offers
//! it).
//!
//! Requests only reach public addresses: the client's resolver refuses a host that resolves to
//! anything else (checked at every connection, so a name re-pointed after subscribing, DNS
//! rebinding, is caught), and an endpoint written as an address is checked as such. One VAPID
//! JWT is made per push-service origin and reused until shortly before it expires.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::domain::push::{check_addresses, endpoint_url};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use web_push::{PartialVapidSignatureBuilder, SubscriptionInfo, Urgency, VapidSignatureBuilder};

use super::aes128gcm;

use app::domain::outbox::PushTarget;

/// How long a VAPID JWT is valid (push services accept at most 24 hours).
pub const JWT_LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// A JWT is replaced this long before it expires.
const JWT_MARGIN: Duration = Duration::from_secs(3600);

/// The longest wait a push service's `Retry-After` is followed for (a larger value, or a date
/// further ahead, is read as this).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// The most of a push service's answer body that is read (it is only logged, never kept).
const MAX_ANSWER_BYTES: usize = 16 * 1024;

/// The longest plaintext sent: what every push service accepts once encrypted (some stop at
/// 4 096 bytes of body, with room for the aes128gcm header and tag).
pub const MAX_PAYLOAD: usize = 3052;

/// One message for one browser.
#[derive(Clone, Debug)]
pub struct Message<'a> {
    /// The plaintext (at most 3 052 bytes: the push services' 4 096 minus encryption overhead).
    pub payload: &'a [u8],
    /// Seconds the push service keeps it for an offline browser.
    pub ttl: u32,
    pub urgency: Urgency,
    /// A newer message with the same topic replaces one still waiting at the push service.
    pub topic: Option<String>,
}

/// What came of a send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sent {
    /// The push service answered.
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// No answer: connection refused or reset, TLS failure, timeout.
    Network(String),
    /// The endpoint may not be contacted (its form, or the addresses it resolves to now).
    Refused,
    /// The message could not be made (the subscription's keys, an oversized payload).
    Invalid(String),
}

/// The address check failed: carried through reqwest's errors to tell it from a network error.
#[derive(Debug)]
struct NotPublic;

impl std::fmt::Display for NotPublic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the push endpoint resolves to a non-public address")
    }
}

impl StdError for NotPublic {}

/// A resolver that only hands out public addresses (or loopback ones, when allowed).
struct PublicOnly {
    allow_loopback: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let addresses: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let ips: Vec<IpAddr> = addresses.iter().map(SocketAddr::ip).collect();
            check_addresses(&ips, allow_loopback)
                .map_err(|_| Box::new(NotPublic) as Box<dyn StdError + Send + Sync>)?;
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

struct CachedJwt {
    /// The `Authorization` header: `vapid t=<JWT>, k=<public key>`.
    authorization: String,
    renew_at: Instant,
}

/// Sends Web Push messages for this site.
pub struct Sender {
    client: reqwest::Client,
    key: PartialVapidSignatureBuilder,
    subject: String,
    allow_loopback: bool,
    jwts: Mutex<HashMap<String, CachedJwt>>,
}

impl Sender {
    /// `private_key`: the VAPID scalar, base64url; `subject`: a `mailto:` or `https:` contact.
    pub fn new(
        private_key: &str,
        subject: &str,
        allow_loopback: bool,
        request_timeout: Duration,
    ) -> Result<Sender, String> {
        let key = VapidSignatureBuilder::from_base64_no_sub(private_key)
            .map_err(|e| format!("the VAPID private key is unusable: {e}"))?;
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(PublicOnly { allow_loopback }))
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5).min(request_timeout))
            .timeout(request_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_max_idle_per_host(256)
            .user_agent(concat!("Quartier/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot set up the HTTP client for push: {e}"))?;
        Ok(Sender {
            client,
            key,
            subject: subject.to_owned(),
            allow_loopback,
            jwts: Mutex::new(HashMap::new()),
        })
    }

    /// A sender for another key and contact (another town's) sharing this one's connections.
    pub fn with_key(&self, private_key: &str, subject: &str) -> Result<Sender, String> {
        let key = VapidSignatureBuilder::from_base64_no_sub(private_key)
            .map_err(|e| format!("the VAPID private key is unusable: {e}"))?;
        Ok(Sender {
            client: self.client.clone(),
            key,
            subject: subject.to_owned(),
            allow_loopback: self.allow_loopback,
            jwts: Mutex::new(HashMap::new()),
        })
    }

    /// The VAPID `Authorization` for a push service's origin (`aud`: scheme, host and a
    /// non-default port), signed once and reused until an hour before it expires.
    fn vapid_for(&self, origin: &str) -> Result<String, String> {
        let now = Instant::now();
        let mut jwts = self.jwts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(cached) = jwts.get(origin).filter(|c| c.renew_at > now) {
            return Ok(cached.authorization.clone());
        }
        let info = SubscriptionInfo::new(origin, "", "");
        let expires = std::time::SystemTime::now() + JWT_LIFETIME;
        let expires = expires
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let mut builder = self.key.clone().add_sub_info(&info);
        builder.add_claim("aud", origin);
        builder.add_claim("sub", self.subject.as_str());
        builder.add_claim("exp", expires);
        let signature = builder
            .build()
            .map_err(|e| format!("cannot sign the VAPID JWT: {e}"))?;
        let authorization = format!(
            "vapid t={}, k={}",
            signature.auth_t,
            URL_SAFE_NO_PAD.encode(&signature.auth_k)
        );
        jwts.insert(
            origin.to_owned(),
            CachedJwt {
                authorization: authorization.clone(),
                renew_at: now + JWT_LIFETIME - JWT_MARGIN,
            },
        );
        Ok(authorization)
    }

    /// Encrypts and sends one message.
    pub async fn send(&self, target: &PushTarget, message: &Message<'_>) -> Sent {
        let Ok(url) = endpoint_url(&target.endpoint, self.allow_loopback) else {
            return Sent::Refused;
        };
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        };
        if let Some(ip) = literal {
            if check_addresses(&[ip], self.allow_loopback).is_err() {
                return Sent::Refused;
            }
        }
        if message.payload.len() > MAX_PAYLOAD {
            return Sent::Invalid(format!(
                "{} bytes: too long a message",
                message.payload.len()
            ));
        }
        let authorization = match self.vapid_for(&url.origin().ascii_serialization()) {
            Ok(authorization) => authorization,
            Err(error) => return Sent::Invalid(error),
        };
        let keys = URL_SAFE_NO_PAD
            .decode(&target.p256dh)
            .ok()
            .zip(URL_SAFE_NO_PAD.decode(&target.auth).ok());
        let Some((p256dh, auth)) = keys else {
            return Sent::Invalid("the subscription's keys are not base64url".into());
        };
        let body = match aes128gcm::encrypt(&p256dh, &auth, message.payload) {
            Ok(body) => body,
            Err(error) => return Sent::Invalid(error.to_string()),
        };
        let mut request = self
            .client
            .post(url)
            .header("TTL", message.ttl.to_string())
            .header("Urgency", message.urgency.to_string())
            .header("Content-Encoding", "aes128gcm")
            .header("Content-Type", "application/octet-stream")
            .header("Authorization", authorization);
        if let Some(topic) = &message.topic {
            request = request.header("Topic", topic.as_str());
        }
        match request.body(body).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_retry_after);
                // Read the answer (up to a limit) so that the connection goes back to the pool;
                // a longer one is dropped with its connection.
                let mut response = response;
                let mut read = 0usize;
                while let Ok(Some(chunk)) = response.chunk().await {
                    read += chunk.len();
                    if read > MAX_ANSWER_BYTES {
                        break;
                    }
                }
                Sent::Status {
                    status,
                    retry_after,
                }
            }
            Err(error) if refused_address(&error) => Sent::Refused,
            Err(error) => Sent::Network(error_chain(&error)),
        }
    }
}

/// `Retry-After` (RFC 9110): seconds, or an HTTP date; at most [`MAX_RETRY_AFTER`] (a push
/// service asking for more, or for a number too large to read, is asked again after an hour).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date
        .with_timezone(&chrono::Utc)
        .signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO).min(MAX_RETRY_AFTER))
}

fn refused_address(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn StdError + 'static)> = error.source();
    while let Some(cause) = source {
        if cause.is::<NotPublic>() {
            return true;
        }
        source = cause.source();
    }
    false
}

fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source: Option<&(dyn StdError + 'static)> = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
