//! The storage port of districts: [`DistrictStore`].

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::districts::{District, NewDistrict};

/// Districts and which shops they hold.
#[async_trait]
pub trait DistrictStore: Send + Sync {
    /// Creates the district, or updates its name and boundary if the slug exists in the town.
    async fn upsert_district(&self, town_id: i64, district: &NewDistrict) -> StoreResult<District>;

    /// The town's districts, by slug.
    async fn districts(&self, town_id: i64) -> StoreResult<Vec<District>>;

    async fn district_by_slug(&self, town_id: i64, slug: &str) -> StoreResult<Option<District>>;

    /// Sets the district of each `(shop_id, district_id)` pair of the town, in one transaction.
    async fn set_shop_districts(
        &self,
        town_id: i64,
        assignments: &[(i64, Option<i64>)],
    ) -> StoreResult<()>;
}
