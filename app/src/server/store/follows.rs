//! The storage port of follows: [`FollowStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::follows::{FollowTarget, FollowerStats, Follows, Notify};

/// Device profiles and what they follow.
#[async_trait]
pub trait FollowStore: Send + Sync {
    /// The device profile whose cookie hashes to `token_hash`; marks it seen.
    async fn device_profile(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;

    /// The device profile whose cookie hashes to `token_hash`, without marking it seen.
    async fn known_device_profile(&self, token_hash: &str) -> StoreResult<Option<i64>>;

    /// Creates a device profile for a new cookie.
    async fn create_device_profile(&self, token_hash: &str, now: DateTime<Utc>)
        -> StoreResult<i64>;

    /// Follows (`true`) or unfollows a shop; idempotent: `true` when it changed something.
    async fn set_shop_follow(
        &self,
        profile_id: i64,
        shop_id: i64,
        follow: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Follows (`true`) or unfollows a district; idempotent: `true` when it changed something.
    async fn set_district_follow(
        &self,
        profile_id: i64,
        district_id: i64,
        follow: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// What a followed shop or district notifies; `false` when it is not followed.
    async fn set_follow_notify(
        &self,
        profile_id: i64,
        target: FollowTarget,
        notify: Notify,
    ) -> StoreResult<bool>;

    /// What each of a profile's follows notifies.
    async fn follow_notifications(
        &self,
        profile_id: i64,
    ) -> StoreResult<Vec<(FollowTarget, Notify)>>;

    async fn follows(&self, profile_id: i64) -> StoreResult<Follows>;

    async fn shop_follower_count(&self, shop_id: i64) -> StoreResult<i64>;

    /// Moves the follows of profile `from` into profile `into` (a follow both have is kept
    /// once) and deletes `from`; for a sign-in that adopts a device's follows.
    async fn merge_device_profiles(&self, from: i64, into: i64) -> StoreResult<()>;

    async fn shop_follower_stats(
        &self,
        shop_id: i64,
        since: DateTime<Utc>,
    ) -> StoreResult<FollowerStats>;
}
