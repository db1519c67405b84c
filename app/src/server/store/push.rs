//! The storage port of push: [`PushStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::push::{
    PushSettings, PushSubscriptionRecord, PushSummary, QuietHours, Subscription, VapidKeys,
};

/// Web Push: keys, subscriptions, settings, and how notifications went.
#[async_trait]
pub trait PushStore: Send + Sync {
    /// How the notifications of these posts went (posts never queued are absent).
    async fn post_push_summaries(&self, post_ids: &[i64]) -> StoreResult<Vec<(i64, PushSummary)>>;

    /// How the notifications of a shop's posts queued since `since` went, in all.
    async fn shop_push_summary(
        &self,
        shop_id: i64,
        since: DateTime<Utc>,
    ) -> StoreResult<PushSummary>;

    /// The push subscriptions of the shop's followers who get its offers (the reach of its
    /// next one, before quiet hours and caps).
    async fn shop_push_reach(&self, shop_id: i64) -> StoreResult<i64>;

    /// The push subscriptions a district's next event reaches, before quiet hours and caps: of
    /// the district's followers, and of its followers and its shops' together (each once).
    async fn district_push_reach(&self, district_id: i64) -> StoreResult<(i64, i64)>;

    /// The town's push defaults (quiet hours, caps) that residents' own settings override.
    async fn set_town_push_defaults(
        &self,
        town_id: i64,
        quiet: QuietHours,
        shop_pushes_per_day: i64,
        district_pushes_per_week: i64,
    ) -> StoreResult<()>;

    /// The town's push defaults, every part set.
    async fn town_push_defaults(&self, town_id: i64) -> StoreResult<PushSettings>;

    /// A resident's own push settings (unset parts follow the town's).
    async fn push_settings(&self, profile_id: i64) -> StoreResult<PushSettings>;

    async fn save_push_settings(
        &self,
        profile_id: i64,
        settings: &PushSettings,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// The town's VAPID keys: `candidate` if none were stored yet, else the stored ones
    /// (every instance ends up with the same pair).
    async fn vapid_keys(
        &self,
        town_id: i64,
        candidate: &VapidKeys,
        now: DateTime<Utc>,
    ) -> StoreResult<VapidKeys>;

    /// Attaches a (checked) push subscription, made with town `town_id`'s key, to a profile;
    /// the same endpoint again updates its keys and moves it to this profile. Returns its id.
    /// (`None`: every town's, as subscriptions made before towns had keys of their own.)
    async fn save_push_subscription(
        &self,
        profile_id: i64,
        town_id: Option<i64>,
        subscription: &Subscription,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;

    /// Removes the profile's subscription with this endpoint; `false` if it had none.
    async fn delete_push_subscription(&self, profile_id: i64, endpoint: &str) -> StoreResult<bool>;

    /// A profile's push subscriptions, oldest first.
    async fn push_subscriptions(&self, profile_id: i64)
        -> StoreResult<Vec<PushSubscriptionRecord>>;
}
