//! The storage port of districts: [`DistrictStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

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

    /// Creates a district in the town, with the outline `draft` waiting to be saved, in one
    /// statement; `None` when its slug is taken there.
    async fn create_district(
        &self,
        town_id: i64,
        district: &NewDistrict,
        draft: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<District>>;

    /// Renames a district of the town; `false` if there is none.
    async fn rename_district(&self, town_id: i64, id: i64, name: &str) -> StoreResult<bool>;

    /// Deletes a district of the town: its shops are left in no district; its posts, follows,
    /// stewards, invitations and messages go. `false` if there is none.
    async fn delete_district(&self, town_id: i64, id: i64) -> StoreResult<bool>;

    /// Keeps (or, with `None`, forgets) the outline waiting to be saved for a district.
    async fn set_district_draft(
        &self,
        town_id: i64,
        id: i64,
        draft: Option<&str>,
    ) -> StoreResult<bool>;

    /// The outline waiting to be saved for a district of the town (its GeoJSON text).
    async fn district_draft(&self, town_id: i64, id: i64) -> StoreResult<Option<String>>;

    /// The town's districts that have an outline waiting to be saved (their ids).
    async fn district_draft_ids(&self, town_id: i64) -> StoreResult<Vec<i64>>;

    /// Saves a district's outline (forgetting the one waiting) and the shops' districts it
    /// decides (`(shop id, district id)`), in one transaction.
    async fn save_district_outline(
        &self,
        town_id: i64,
        id: i64,
        boundary: &str,
        assignments: &[(i64, Option<i64>)],
    ) -> StoreResult<bool>;

    /// The stewards of the town's districts: `(district id, user id, e-mail)`, by e-mail.
    async fn district_stewards(&self, town_id: i64) -> StoreResult<Vec<(i64, i64, String)>>;

    /// Takes the steward role of a district of the town from an account; `false` if it did not
    /// have it.
    async fn remove_steward(
        &self,
        town_id: i64,
        district_id: i64,
        user_id: i64,
    ) -> StoreResult<bool>;
}
