//! The delivery worker: expands due push jobs, takes due deliveries (leased, so that a crash
//! loses nothing), sends them with bounded concurrency and records each outcome.
//!
//! Outcomes are written as soon as they come back, in batches of whatever has arrived meanwhile:
//! after a `kill -9` only the messages in flight (at most `concurrency` plus one batch) may be
//! sent a second time when their lease runs out.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use app::server::{Clock, PostKind};
use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, watch, Semaphore};
use web_push::Urgency;

use super::sender::{Message, Sender, Sent, MAX_RETRY_AFTER};
use app::domain::outbox::{ClaimedDelivery, ClaimedNotice, Notice, Outcome, PushPost, PushTarget};
use app::server::OutboxStore;

/// When a push worker of this process last went round its loop (Unix seconds; 0: never), for
/// `/readyz` and the metrics.
static HEARTBEAT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Says the worker is alive (each turn of its loop).
pub fn heartbeat() {
    HEARTBEAT.store(
        chrono::Utc::now().timestamp(),
        std::sync::atomic::Ordering::Relaxed,
    );
}

/// When the worker last said it was alive (Unix seconds; 0: never).
pub fn last_heartbeat() -> i64 {
    HEARTBEAT.load(std::sync::atomic::Ordering::Relaxed)
}

/// How the worker paces itself.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// Messages in flight at once.
    pub concurrency: usize,
    /// How long a taken delivery is this worker's (at least twice as long as a request may
    /// last: a message not started within half of it is put back).
    pub lease: Duration,
    /// The first retry's delay; doubled at each attempt (with jitter), up to `retry_max`.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// A delivery still failing this long after it was queued is given up.
    pub give_up_after: Duration,
    /// How often to look for due work when idle.
    pub poll_every: Duration,
    /// The longest a push service keeps a message for an offline browser.
    pub max_ttl: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            concurrency: 48,
            lease: Duration::from_secs(30),
            retry_base: Duration::from_secs(10),
            retry_max: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(24 * 3600),
            poll_every: Duration::from_secs(1),
            max_ttl: Duration::from_secs(48 * 3600),
        }
    }
}

/// Sends the outbox's deliveries.
pub struct Worker {
    store: Arc<dyn OutboxStore>,
    /// Each town's key, contact and public URL (notifications link to absolute URLs).
    senders: Arc<dyn super::TownSenders>,
    clock: Arc<dyn Clock>,
    settings: WorkerSettings,
    /// How many outcomes have been written so far.
    recorded: Arc<watch::Sender<u64>>,
}

impl Worker {
    /// A worker sending every town's pushes with one sender, linking to `base_url`.
    pub fn new(
        store: Arc<dyn OutboxStore>,
        sender: Sender,
        clock: Arc<dyn Clock>,
        settings: WorkerSettings,
        base_url: &str,
    ) -> Worker {
        let push = super::TownPush {
            sender,
            base_url: base_url.trim_end_matches('/').to_owned(),
        };
        Worker::with_senders(
            store,
            Arc::new(super::OneSender(Arc::new(push))),
            clock,
            settings,
        )
    }

    /// A worker sending each town's pushes with that town's sender.
    pub fn with_senders(
        store: Arc<dyn OutboxStore>,
        senders: Arc<dyn super::TownSenders>,
        clock: Arc<dyn Clock>,
        settings: WorkerSettings,
    ) -> Worker {
        Worker {
            store,
            senders,
            clock,
            settings,
            recorded: Arc::new(watch::Sender::new(0)),
        }
    }

    /// The sender of town `town_id`'s pushes; `None` (logged) when it cannot be set up now.
    async fn town_push(&self, town_id: i64) -> Option<Arc<super::TownPush>> {
        match self.senders.for_town(town_id).await {
            Ok(push) => Some(push),
            Err(error) => {
                tracing::error!(%error, town = town_id, "the town's push sender is not available");
                None
            }
        }
    }

    /// Follows the number of outcomes written (for tests and benchmarks).
    pub fn recorded(&self) -> watch::Receiver<u64> {
        self.recorded.subscribe()
    }

    /// Runs until the process ends.
    pub async fn run(self: Arc<Self>) {
        let (keep, stop) = watch::channel(false);
        self.run_until(stop).await;
        drop(keep);
    }

    /// Runs until `stop` turns true (or its sender goes): then takes no more work, puts back
    /// what it had taken but not started, waits up to [`DRAIN`] for the messages in flight and
    /// records their outcomes, so that a graceful shutdown sends nothing twice.
    pub async fn run_until(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let concurrency = self.settings.concurrency.max(1);
        let slots = Arc::new(Semaphore::new(concurrency));
        let (outcomes, received) = mpsc::unbounded_channel();
        let recorder = tokio::spawn(record_outcomes(
            self.store.clone(),
            self.clock.clone(),
            received,
            self.recorded.clone(),
        ));
        // Jobs are looked for at most once per `poll_every` (and whenever the outbox is idle),
        // not before each batch of deliveries.
        let mut expanded_at: Option<std::time::Instant> = None;
        while !stopping(&stop) {
            heartbeat();
            let expand = expanded_at.is_none_or(|at| at.elapsed() >= self.settings.poll_every);
            if expand {
                expanded_at = Some(std::time::Instant::now());
            }
            let deliveries = self.step(expand, &slots, &outcomes, &stop).await;
            let notices = self.notice_step(&slots, &outcomes, &stop).await;
            // Idle when neither found work: a failing half does not slow the other down.
            let mut idle = true;
            for step in [deliveries, notices] {
                match step {
                    Ok(taken) => idle &= taken == 0,
                    Err(error) => tracing::warn!(%error, "push outbox: will try again"),
                }
            }
            if idle {
                tokio::select! {
                    _ = tokio::time::sleep(self.settings.poll_every) => {}
                    _ = stop.changed() => {}
                }
            }
        }
        // Every slot free again means every message in flight has its outcome queued.
        let drained = tokio::time::timeout(DRAIN, slots.acquire_many(concurrency as u32)).await;
        if drained.is_err() {
            tracing::warn!("push worker: messages still in flight after {DRAIN:?}; they go again after their lease");
        }
        drop(outcomes);
        if tokio::time::timeout(RECORD_AT_STOP, recorder)
            .await
            .is_err()
        {
            tracing::warn!("push worker: outcomes not all recorded at shutdown");
        }
        tracing::info!("push worker stopped");
    }

    /// Expands due jobs (if `expand`), takes a batch of due deliveries and starts each as a slot
    /// frees; returns how many deliveries were taken. The next batch is taken while the end of
    /// this one is still in flight, so that the slots never wait for the database.
    async fn step(
        self: &Arc<Self>,
        expand: bool,
        slots: &Arc<Semaphore>,
        outcomes: &mpsc::UnboundedSender<(Sending, Outcome)>,
        stop: &watch::Receiver<bool>,
    ) -> Result<usize, String> {
        let now = self.clock.now();
        let created = if !expand {
            0
        } else {
            self.store
                .expand_push_jobs(
                    now,
                    16,
                    chrono::Duration::from_std(self.settings.max_ttl).unwrap_or_default(),
                )
                .await
                .map_err(|e| e.to_string())?
        };
        if created > 0 {
            tracing::debug!(deliveries = created, "push jobs expanded");
        }
        let batch = self.settings.concurrency.max(1);
        let lease = chrono::Duration::from_std(self.settings.lease).unwrap_or_default();
        let claimed = self
            .store
            .claim_push_deliveries(now, lease, batch)
            .await
            .map_err(|e| e.to_string())?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let post_ids: Vec<i64> = claimed
            .iter()
            .map(|d| d.post_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let posts = Arc::new(
            self.store
                .push_posts(&post_ids)
                .await
                .map_err(|e| e.to_string())?,
        );
        let started = claimed.len();
        let claimed_at = std::time::Instant::now();
        for delivery in claimed {
            // A slot, unless the worker is told to stop meanwhile (then what is left of the
            // batch goes back below).
            let slot = tokio::select! {
                slot = slots.clone().acquire_owned() => slot.ok(),
                () = stopped(stop.clone()) => None,
            };
            let Some(slot) = slot.filter(|_| !stopping(stop)) else {
                let _ = outcomes.send((
                    Sending::Delivery(delivery.id),
                    Outcome::Deferred {
                        until: self.clock.now(),
                    },
                ));
                continue;
            };
            // A message must be done before its lease runs out (a request lasts at most half
            // of it): what waited too long for a slot goes back to the outbox, due at once; so
            // does what is not started yet when the worker stops.
            if claimed_at.elapsed() > self.settings.lease / 2 || stopping(stop) {
                let until = self.clock.now();
                let _ =
                    outcomes.send((Sending::Delivery(delivery.id), Outcome::Deferred { until }));
                continue;
            }
            let worker = self.clone();
            let posts = posts.clone();
            let outcomes = outcomes.clone();
            tokio::spawn(async move {
                // The send runs in a task of its own: whatever happens to it (a panic included),
                // the delivery gets an outcome and is never left to loop on its lease.
                let id = delivery.id;
                let sending = tokio::spawn(async move {
                    worker
                        .deliver(&delivery, posts.get(&delivery.post_id))
                        .await
                });
                let outcome = match sending.await {
                    Ok(outcome) => outcome,
                    Err(error) => {
                        tracing::error!(%error, delivery = id, "push delivery failed unexpectedly");
                        Outcome::Failed { status: None }
                    }
                };
                let _ = outcomes.send((Sending::Delivery(id), outcome));
                drop(slot);
            });
        }
        Ok(started)
    }

    /// Takes a batch of due notices and sends each as a slot frees (as [`Worker::step`] does
    /// for deliveries); returns how many were taken.
    async fn notice_step(
        self: &Arc<Self>,
        slots: &Arc<Semaphore>,
        outcomes: &mpsc::UnboundedSender<(Sending, Outcome)>,
        stop: &watch::Receiver<bool>,
    ) -> Result<usize, String> {
        let lease = chrono::Duration::from_std(self.settings.lease).unwrap_or_default();
        let claimed = self
            .store
            .claim_push_notices(self.clock.now(), lease, self.settings.concurrency.max(1))
            .await
            .map_err(|e| e.to_string())?;
        let started = claimed.len();
        let claimed_at = std::time::Instant::now();
        for notice in claimed {
            let slot = tokio::select! {
                slot = slots.clone().acquire_owned() => slot.ok(),
                () = stopped(stop.clone()) => None,
            };
            let slot = slot.filter(|_| !stopping(stop));
            if slot.is_none() || claimed_at.elapsed() > self.settings.lease / 2 {
                let until = self.clock.now();
                let _ = outcomes.send((Sending::Notice(notice.id), Outcome::Deferred { until }));
                continue;
            }
            let worker = self.clone();
            let outcomes = outcomes.clone();
            tokio::spawn(async move {
                let id = notice.id;
                let sending = tokio::spawn(async move { worker.deliver_notice(&notice).await });
                let outcome = match sending.await {
                    Ok(outcome) => outcome,
                    Err(error) => {
                        tracing::error!(%error, notice = id, "push notice failed unexpectedly");
                        Outcome::Failed { status: None }
                    }
                };
                let _ = outcomes.send((Sending::Notice(id), outcome));
                drop(slot);
            });
        }
        Ok(started)
    }

    /// Sends one notice and says how it went.
    pub async fn deliver_notice(&self, claimed: &ClaimedNotice) -> Outcome {
        let Some(target) = &claimed.target else {
            return Outcome::Dropped;
        };
        let now = self.clock.now();
        let tz: chrono_tz::Tz = claimed
            .timezone
            .parse()
            .unwrap_or(chrono_tz::Europe::Brussels);
        if let Some(until) = claimed.quiet.and_then(|quiet| quiet.until(now, tz)) {
            return Outcome::Deferred { until };
        }
        let Some(push) = self.town_push(claimed.town_id).await else {
            // Tried again later, and given up after as long as any other failure.
            return self.retry(claimed.attempts, claimed.created_at, now, None, None);
        };
        let payload = notice_payload(&claimed.notice, &push.base_url);
        let message = Message {
            payload: &payload,
            ttl: self.settings.max_ttl.as_secs().min(u64::from(u32::MAX)) as u32,
            urgency: Urgency::Normal,
            topic: Some(topic(&claimed.notice.tag)),
        };
        let sent = push.sender.send(target, &message).await;
        self.judge(
            sent,
            target,
            claimed.id,
            claimed.attempts,
            claimed.created_at,
            now,
        )
    }

    /// Sends one delivery and says how it went.
    pub async fn deliver(&self, delivery: &ClaimedDelivery, post: Option<&PushPost>) -> Outcome {
        let Some(target) = &delivery.target else {
            return Outcome::Dropped;
        };
        let Some(post) = post else {
            return Outcome::Expired;
        };
        let now = self.clock.now();
        let tz: chrono_tz::Tz = delivery
            .timezone
            .parse()
            .unwrap_or(chrono_tz::Europe::Brussels);
        let ttl = match message_ttl(post, now, self.settings.max_ttl) {
            Some(ttl) => ttl,
            None => return Outcome::Expired,
        };
        if let Some(until) = delivery.quiet.until(now, tz) {
            return Outcome::Deferred { until };
        }
        let Some(push) = self.town_push(delivery.town_id).await else {
            // Tried again later, and given up after as long as any other failure.
            return self.retry(delivery.attempts, delivery.created_at, now, None, None);
        };
        let payload = notification_payload(post, &push.base_url, delivery.is_update);
        let message = Message {
            payload: &payload,
            ttl,
            // An edit is worth no wake-up of a sleeping phone.
            urgency: match post.kind {
                _ if delivery.is_update => Urgency::Low,
                PostKind::News => Urgency::Low,
                _ => Urgency::Normal,
            },
            topic: Some(format!("post-{}", post.id)),
        };
        let sent = push.sender.send(target, &message).await;
        self.judge(
            sent,
            target,
            delivery.id,
            delivery.attempts,
            delivery.created_at,
            now,
        )
    }

    /// What a push service's answer means for a message (`id`: the delivery's or notice's, for
    /// the logs; `attempts` so far and when it was queued, for retries).
    fn judge(
        &self,
        sent: Sent,
        target: &PushTarget,
        id: i64,
        attempts: i32,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Outcome {
        let status = match &sent {
            Sent::Status { status, .. } => Some(*status),
            _ => None,
        };
        match sent {
            Sent::Status { status, .. } if (200..300).contains(&status) => {
                Outcome::Delivered { status }
            }
            // Only 404 and 410 say that the subscription is gone (RFC 8030 §7.3, §8.2): a
            // refusal caused by this server (a bad request, a VAPID problem, a message too
            // large) must not wipe the subscribers; it is logged and given up for this message.
            Sent::Status { status, .. } if matches!(status, 404 | 410) => Outcome::Gone {
                status: Some(status),
                subscription_id: target.subscription_id,
            },
            Sent::Status { status, .. } if !retryable(status) && (400..500).contains(&status) => {
                tracing::error!(
                    status,
                    message = id,
                    "the push service refused a message (our request, or the VAPID key?): not sent"
                );
                Outcome::Failed {
                    status: Some(status),
                }
            }
            Sent::Refused => Outcome::Gone {
                status: None,
                subscription_id: target.subscription_id,
            },
            Sent::Invalid(error) => {
                tracing::warn!(%error, message = id, "push message could not be made");
                Outcome::Failed { status: None }
            }
            Sent::Status { retry_after, .. } => {
                self.retry(attempts, created_at, now, status, retry_after)
            }
            Sent::Network(error) => {
                tracing::debug!(%error, message = id, "push service unreachable");
                self.retry(attempts, created_at, now, None, None)
            }
        }
    }

    /// When to try again (the push service's `Retry-After`, or exponential backoff with
    /// jitter), or give up.
    fn retry(
        &self,
        attempts: i32,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
        status: Option<u16>,
        retry_after: Option<Duration>,
    ) -> Outcome {
        // A push service's own wait, at least the first retry's (an answer of "now", again
        // and again, must not keep a slot busy every second).
        let wait = retry_after
            .map(|wait| wait.max(self.settings.retry_base).min(MAX_RETRY_AFTER))
            .unwrap_or_else(|| {
                backoff(attempts, self.settings.retry_base, self.settings.retry_max)
            });
        let at = chrono::Duration::from_std(wait)
            .ok()
            .and_then(|wait| now.checked_add_signed(wait));
        let deadline = chrono::Duration::from_std(self.settings.give_up_after)
            .ok()
            .and_then(|after| created_at.checked_add_signed(after));
        match (at, deadline) {
            (Some(at), Some(deadline)) if at <= deadline => Outcome::Retry { status, at },
            (Some(at), None) => Outcome::Retry { status, at },
            _ => Outcome::Failed { status },
        }
    }
}

/// How long a stopping worker waits for the messages in flight (longer than a request may
/// last, [`super::REQUEST_TIMEOUT`]).
pub const DRAIN: Duration = Duration::from_secs(20);
/// How long a stopping worker waits for the last outcomes to be written.
pub const RECORD_AT_STOP: Duration = Duration::from_secs(5);

/// Resolves when the worker is told to stop (or whoever could tell it is gone).
async fn stopped(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Whether the worker was told to stop (or whoever could tell it is gone).
fn stopping(stop: &watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}

/// Statuses worth another try: the push service is busy, overloaded or failing.
fn retryable(status: u16) -> bool {
    matches!(status, 406 | 408 | 429) || status >= 500
}

/// `base × 2^(attempt−1)`, at most `max`, then a random part of it between half and all
/// ("equal jitter"), so that retries of a busy push service do not come back together.
pub fn backoff(attempt: i32, base: Duration, max: Duration) -> Duration {
    let exponent = attempt.saturating_sub(1).clamp(0, 20) as u32;
    let full = base.saturating_mul(1u32 << exponent).min(max);
    let mut random = [0u8; 4];
    let fraction = match getrandom::fill(&mut random) {
        Ok(()) => f64::from(u32::from_le_bytes(random)) / f64::from(u32::MAX),
        Err(_) => 1.0,
    };
    full.mul_f64(0.5 + fraction / 2.0)
}

/// How long the push service should keep the message: until the offer or event ends, at most
/// `max`; `None` once it has ended.
pub fn message_ttl(post: &PushPost, now: DateTime<Utc>, max: Duration) -> Option<u32> {
    let end = match post.kind {
        PostKind::Offer => post.valid_until,
        PostKind::Event => post.ends_at.or(post.starts_at),
        PostKind::News => None,
    };
    let max = max.as_secs().min(u64::from(u32::MAX)) as u32;
    match end {
        Some(end) if end <= now => None,
        Some(end) => Some(((end - now).num_seconds().max(1) as u64).min(u64::from(max)) as u32),
        None => Some(max),
    }
}

/// The longest body a notification carries (the rest is on the post's page).
const BODY_CHARS: usize = 240;

/// The notification for a post, as JSON readable both by our service worker and as
/// Declarative Web Push (recent Safari): `{"web_push": 8030, "notification": {…}}`. Always
/// under the 3 KB a push message may carry. An edited post sent again (`update`) replaces the
/// notification with the same tag silently.
pub fn notification_payload(post: &PushPost, base_url: &str, update: bool) -> Vec<u8> {
    let mut body = post.title.clone();
    let text = post.body.trim();
    if !text.is_empty() {
        body.push('\n');
        if text.chars().count() > BODY_CHARS {
            body.extend(text.chars().take(BODY_CHARS - 1));
            body.push('…');
        } else {
            body.push_str(text);
        }
    }
    let mut notification = serde_json::json!({
        "title": post.author_name,
        "body": body,
        "navigate": format!("{base_url}{}#post-{}", post.author_path, post.id),
        "lang": "fr",
        "tag": format!("post-{}", post.id),
        "icon": format!("{base_url}/icons/icon-192.png"),
        "badge": format!("{base_url}/icons/icon-192.png"),
    });
    if update {
        notification["silent"] = true.into();
    }
    if let Some(photo) = &post.photo {
        notification["image"] = format!("{base_url}/media/{photo}-l.jpg").into();
    }
    serde_json::to_vec(&serde_json::json!({ "web_push": 8030, "notification": notification }))
        .unwrap_or_default()
}

/// What a worker sends: a post's delivery or a notice (each kept in its own table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sending {
    Delivery(i64),
    Notice(i64),
}

impl Sending {
    fn id(self) -> i64 {
        match self {
            Sending::Delivery(id) | Sending::Notice(id) => id,
        }
    }
}

/// A push message's `Topic` (RFC 8030 §5.4: at most 32 URL-safe base64 characters): a newer
/// message with the same topic replaces one the push service still holds.
fn topic(tag: &str) -> String {
    tag.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(32)
        .collect()
}

/// The notification of a notice, in the same shape as a post's ([`notification_payload`]).
pub fn notice_payload(notice: &Notice, base_url: &str) -> Vec<u8> {
    let shorten = |text: &str, max: usize| -> String {
        let text = text.trim();
        if text.chars().count() > max {
            let mut short: String = text.chars().take(max - 1).collect();
            short.push('…');
            short
        } else {
            text.to_owned()
        }
    };
    let path = if notice.path.starts_with('/') && !notice.path.starts_with("//") {
        notice.path.as_str()
    } else {
        "/"
    };
    let notification = serde_json::json!({
        "title": shorten(&notice.title, 120),
        "body": shorten(&notice.body, BODY_CHARS),
        "navigate": format!("{base_url}{path}"),
        "lang": notice.lang,
        "tag": notice.tag,
        "icon": format!("{base_url}/icons/icon-192.png"),
        "badge": format!("{base_url}/icons/icon-192.png"),
    });
    serde_json::to_vec(&serde_json::json!({ "web_push": 8030, "notification": notification }))
        .unwrap_or_default()
}

/// Writes outcomes as they come, batching whatever arrived meanwhile; a database error is
/// retried (the outcomes stay in memory) rather than dropped.
async fn record_outcomes(
    store: Arc<dyn OutboxStore>,
    clock: Arc<dyn Clock>,
    mut received: mpsc::UnboundedReceiver<(Sending, Outcome)>,
    recorded: Arc<watch::Sender<u64>>,
) {
    let mut batch = Vec::new();
    while let Some(first) = received.recv().await {
        batch.push(first);
        while batch.len() < 256 {
            match received.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let (deliveries, notices): (Vec<_>, Vec<_>) = batch
            .iter()
            .cloned()
            .partition(|(sending, _)| matches!(sending, Sending::Delivery(_)));
        let ids = |list: Vec<(Sending, Outcome)>| -> Vec<(i64, Outcome)> {
            list.into_iter()
                .map(|(sending, outcome)| (sending.id(), outcome))
                .collect()
        };
        let (deliveries, notices) = (ids(deliveries), ids(notices));
        // Each table's outcomes once: a retry after a failure writes only what is not written.
        let (mut deliveries_written, mut notices_written) =
            (deliveries.is_empty(), notices.is_empty());
        while !(deliveries_written && notices_written) {
            if !deliveries_written {
                match store.record_push_outcomes(clock.now(), &deliveries).await {
                    Ok(()) => {
                        deliveries_written = true;
                        for (_, outcome) in &deliveries {
                            crate::metrics::push_outcome(outcome);
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "recording push outcomes failed; retrying")
                    }
                }
            }
            if !notices_written {
                match store.record_notice_outcomes(clock.now(), &notices).await {
                    Ok(()) => notices_written = true,
                    Err(error) => {
                        tracing::warn!(%error, "recording notice outcomes failed; retrying")
                    }
                }
            }
            if !(deliveries_written && notices_written) {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
        recorded.send_modify(|count| *count += batch.len() as u64);
        batch.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn post(kind: PostKind) -> PushPost {
        PushPost {
            id: 7,
            kind,
            title: "Soldes".into(),
            body: String::new(),
            photo: None,
            valid_until: None,
            starts_at: None,
            ends_at: None,
            author_name: "Boulangerie Jacob".into(),
            author_path: "/shops/boulangerie-jacob".into(),
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let base = Duration::from_secs(10);
        let max = Duration::from_secs(3600);
        for attempt in 1..=12 {
            let full = (base * 2u32.pow(attempt as u32 - 1)).min(max);
            for _ in 0..20 {
                let wait = backoff(attempt, base, max);
                assert!(
                    wait >= full / 2 && wait <= full,
                    "{attempt}: {wait:?} vs {full:?}"
                );
            }
        }
        assert!(backoff(i32::MAX, base, max) <= max);
        assert!(backoff(0, base, max) <= base);
    }

    #[test]
    fn ttl_follows_the_post_end() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
        let max = Duration::from_secs(48 * 3600);
        assert_eq!(
            message_ttl(&post(PostKind::News), now, max),
            Some(48 * 3600)
        );
        let mut offer = post(PostKind::Offer);
        offer.valid_until = Some(now + chrono::Duration::hours(1));
        assert_eq!(message_ttl(&offer, now, max), Some(3600));
        offer.valid_until = Some(now + chrono::Duration::days(10));
        assert_eq!(message_ttl(&offer, now, max), Some(48 * 3600));
        offer.valid_until = Some(now);
        assert_eq!(message_ttl(&offer, now, max), None);
        let mut event = post(PostKind::Event);
        event.starts_at = Some(now + chrono::Duration::hours(2));
        assert_eq!(message_ttl(&event, now, max), Some(7200));
        event.ends_at = Some(now + chrono::Duration::hours(5));
        assert_eq!(message_ttl(&event, now, max), Some(5 * 3600));
        event.ends_at = Some(now - chrono::Duration::hours(1));
        assert_eq!(message_ttl(&event, now, max), None);
    }

    #[test]
    fn notices_open_a_page_of_the_site_and_fit_a_push_message() {
        let notice = |path: &str| app::domain::outbox::Notice {
            title: "T".repeat(500),
            body: "é".repeat(5000),
            path: path.into(),
            tag: "message-1".into(),
            lang: "de".into(),
            respects_quiet_hours: true,
            message_id: None,
        };
        for (path, navigate) in [
            (
                "/messages#message-1",
                "https://q.example/messages#message-1",
            ),
            ("//evil.example/x", "https://q.example/"),
            ("https://evil.example/", "https://q.example/"),
        ] {
            let payload = notice_payload(&notice(path), "https://q.example");
            assert!(payload.len() <= 3052, "{} bytes", payload.len());
            let json: serde_json::Value = serde_json::from_slice(&payload).unwrap();
            assert_eq!(json["notification"]["navigate"], navigate);
            assert_eq!(json["notification"]["lang"], "de");
        }
        assert_eq!(topic("message-1"), "message-1");
        assert_eq!(topic(&format!("a.b/c{}", "x".repeat(40))).len(), 32);
    }

    #[test]
    fn payload_fits_a_push_message_whatever_the_text() {
        let mut long = post(PostKind::Offer);
        long.title = "🥐".repeat(80);
        long.body = "🎉".repeat(600);
        long.author_name = "Ü".repeat(120);
        long.photo = Some("a".repeat(64));
        let payload = notification_payload(&long, "https://quartier.habay.be", true);
        assert!(payload.len() <= 3052, "{} bytes", payload.len());
        let json: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        let body = json["notification"]["body"].as_str().unwrap();
        assert!(body.ends_with('…'));
        assert_eq!(body.chars().count(), 80 + 1 + BODY_CHARS);
        assert_eq!(
            json["notification"]["image"],
            format!("https://quartier.habay.be/media/{}-l.jpg", "a".repeat(64))
        );
        assert_eq!(json["web_push"], 8030);
    }

    #[test]
    fn retry_after_as_seconds_or_date() {
        use super::super::sender::parse_retry_after;
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let later = (Utc::now() + chrono::Duration::seconds(600)).to_rfc2822();
        let wait = parse_retry_after(&later).unwrap();
        assert!(wait > Duration::from_secs(590) && wait <= Duration::from_secs(600));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
