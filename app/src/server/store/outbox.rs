//! The storage port of the push outbox: [`OutboxStore`].

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::StoreResult;
use crate::domain::outbox::{
    ClaimedDelivery, ClaimedNotice, Notice, Outcome, PushFigures, PushPost,
};

/// The push outbox: jobs written with their posts, expanded into one delivery per subscription,
/// leased by the delivery worker (each to one instance), and their outcomes.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Turns due jobs into deliveries, one per subscription of the post's followers (for a
    /// district's post: the district's followers and those of its shops). Idempotent: a job
    /// expanded twice (a crash between the two steps) gives each subscription one delivery.
    /// An edited post's `update` job goes to the browsers that had the post within `max_ttl`.
    /// Returns the number of deliveries created.
    async fn expand_push_jobs(
        &self,
        now: DateTime<Utc>,
        max_jobs: usize,
        max_ttl: Duration,
    ) -> StoreResult<u64>;

    /// Takes up to `limit` due deliveries for `lease` (with their subscriptions), counting an
    /// attempt for each. What a crashed worker had taken becomes due again when its lease ends.
    async fn claim_push_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> StoreResult<Vec<ClaimedDelivery>>;

    /// The posts (as notifications show them) of these ids; a deleted post is absent.
    async fn push_posts(&self, ids: &[i64]) -> StoreResult<HashMap<i64, PushPost>>;

    /// Records how deliveries went, in one transaction; deletes the subscriptions found gone.
    async fn record_push_outcomes(
        &self,
        now: DateTime<Utc>,
        outcomes: &[(i64, Outcome)],
    ) -> StoreResult<()>;

    /// How a post's notifications went.
    async fn push_figures(&self, post_id: i64) -> StoreResult<PushFigures>;

    /// A post's deliveries as (resident's profile, state, due time), by id.
    async fn push_delivery_rows(
        &self,
        post_id: i64,
    ) -> StoreResult<Vec<(i64, String, DateTime<Utc>)>>;

    /// The earliest time a pending delivery or job becomes due (for the worker's sleep).
    async fn next_push_due(&self) -> StoreResult<Option<DateTime<Utc>>>;

    /// Queues `notice` for every browser of these profiles, due at once (the quiet hours are
    /// the recipient's, else those of town `town_id`). Returns how many were queued.
    async fn queue_notice(
        &self,
        town_id: i64,
        profile_ids: &[i64],
        notice: &Notice,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;

    /// Takes up to `limit` due notices for `lease`, as [`OutboxStore::claim_push_deliveries`].
    async fn claim_push_notices(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> StoreResult<Vec<ClaimedNotice>>;

    /// Records how notices went, in one transaction; deletes the subscriptions found gone.
    async fn record_notice_outcomes(
        &self,
        now: DateTime<Utc>,
        outcomes: &[(i64, Outcome)],
    ) -> StoreResult<()>;

    /// The notices queued for a profile's browsers, oldest first, as (state, title, path).
    async fn profile_notices(&self, profile_id: i64) -> StoreResult<Vec<(String, String, String)>>;
}
