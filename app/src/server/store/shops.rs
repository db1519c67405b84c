//! The storage port of shops: [`ShopStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::shops::{BoundingBox, Shop, ShopFields, ShopFilter, ShopProfile, UpsertOutcome};

/// Shops: imports, profiles, lists and the map's rectangle.
#[async_trait]
pub trait ShopStore: Send + Sync {
    /// The stewards' notes about the town's shops.
    async fn shop_notes(
        &self,
        town_id: i64,
    ) -> StoreResult<Vec<crate::domain::onboarding::ShopNote>>;

    /// Keeps `note` about the shop (`None` deletes it).
    async fn set_shop_note(
        &self,
        shop_id: i64,
        note: Option<&str>,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// For each shop of the town: its latest post published by `now` and its published reviews
    /// without a visible reply (for the shops' visibility, in one query).
    async fn shops_activity(
        &self,
        town_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::domain::visibility::ShopActivity>>;

    /// Inserts or updates the shop with this OSM id. A new shop gets the first free slug of
    /// `slug_candidates`; an existing shop keeps its slug.
    async fn upsert_osm_shop(
        &self,
        town_id: i64,
        osm_id: &str,
        fields: &ShopFields,
        slug_candidates: &mut (dyn Iterator<Item = String> + Send),
    ) -> StoreResult<(Shop, UpsertOutcome)>;

    /// The town's shops matching `filter`, by slug (which follows the name).
    async fn shops(&self, town_id: i64, filter: &ShopFilter) -> StoreResult<Vec<Shop>>;

    /// Saves a merchant's edit of the shop's profile; the fields it changes become the
    /// merchants' (see [`Shop::merge_import`]). `None` if the shop is not the town's.
    async fn update_shop_profile(
        &self,
        town_id: i64,
        shop_id: i64,
        profile: &ShopProfile,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Shop>>;

    async fn shop_by_slug(&self, town_id: i64, slug: &str) -> StoreResult<Option<Shop>>;

    /// The town's shops among `ids` (unknown ids are ignored), by name.
    async fn shops_by_ids(&self, town_id: i64, ids: &[i64]) -> StoreResult<Vec<Shop>>;

    /// Number of shops per category (optionally within a district), most common first.
    async fn category_counts(
        &self,
        town_id: i64,
        district_id: Option<i64>,
    ) -> StoreResult<Vec<(String, i64)>>;

    /// The town's shops inside the rectangle (unordered).
    async fn shops_in_box(&self, town_id: i64, bbox: &BoundingBox) -> StoreResult<Vec<Shop>>;
}
