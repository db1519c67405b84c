//! What the dashboard reads from the feature tables rather than from the daily counters:
//! followers now, posts and their pushes, reviews.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::dashboard::{FollowerCounts, PostFigures, ReviewFigures, StewardActivity};

#[async_trait]
pub trait DashboardStore {
    /// Each shop's followers now, and each district's own.
    async fn follower_counts(&self, town_id: i64) -> StoreResult<FollowerCounts>;

    /// How many residents (device profiles) follow something of the town, or of one district
    /// (the district itself or one of its shops), each counted once.
    async fn distinct_followers(&self, town_id: i64, district_id: Option<i64>) -> StoreResult<i64>;

    /// The posts published from `from` (included) to `to` (excluded) by the town's shops and
    /// districts (or one district's and its shops'), per shop and kind, with their pushes.
    async fn post_figures(
        &self,
        town_id: i64,
        district_id: Option<i64>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<PostFigures>>;

    /// The reviews written from `from` (included) to `to` (excluded) and published, per shop
    /// (of the town, or of one district).
    async fn review_figures(
        &self,
        town_id: i64,
        district_id: Option<i64>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<ReviewFigures>>;

    /// The invitations made (and how many of them were accepted) and the district and
    /// on-behalf posts published from `from` (included) to `to` (excluded), in the town or
    /// about one district.
    async fn steward_activity(
        &self,
        town_id: i64,
        district_id: Option<i64>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<StewardActivity>;
}
