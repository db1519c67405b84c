//! Storage of the daily counters (`daily_counts`) and of the day's "already counted" marks.

use async_trait::async_trait;
use chrono::NaiveDate;

use super::StoreResult;
use crate::domain::activity::{Hit, Metric, Subject};

#[async_trait]
pub trait ActivityStore {
    /// The secret salt of `day`: `fresh` if this is the first call of that day (on any instance),
    /// otherwise the one drawn first.
    async fn day_salt(&self, day: NaiveDate, fresh: &str) -> StoreResult<String>;

    /// Counts, in the town's counters of `day`, each hit whose mark was not yet set that day
    /// (setting it) and each hit without a mark; returns how many were counted. One transaction.
    async fn count_hits(&self, town_id: i64, day: NaiveDate, hits: &[Hit]) -> StoreResult<u64>;

    /// Whether `mark` was set on `day`.
    async fn has_mark(&self, day: NaiveDate, mark: &str) -> StoreResult<bool>;

    /// The count of `metric` about each of these posts, all days together (posts never counted
    /// are left out), by post id.
    async fn post_counts(&self, metric: Metric, post_ids: &[i64]) -> StoreResult<Vec<(i64, i64)>>;

    /// The count of `metric` about `subject` in a town from `from` to `to` (both included).
    async fn total(
        &self,
        town_id: i64,
        subject: Subject,
        metric: Metric,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<i64>;

    /// Each metric's total in a town, or in one district (its own counters and its shops'),
    /// from `from` to `to` (both included); metrics never counted are left out.
    async fn metric_totals(
        &self,
        town_id: i64,
        district_id: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(Metric, i64)>>;

    /// The same per day, for trends (days without counts are left out).
    async fn daily_totals(
        &self,
        town_id: i64,
        district_id: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(NaiveDate, Metric, i64)>>;

    /// The same per shop (a shop's own counters and its posts'), for the shops' table.
    async fn shop_totals(
        &self,
        town_id: i64,
        district_id: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(i64, Metric, i64)>>;
}
