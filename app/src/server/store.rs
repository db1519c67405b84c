//! The storage port. One method is one transaction; both SQLite and PostgreSQL implement it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A storage failure. Conflicts are detected by the backend (unique violations), not by text.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("storage: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone, Debug, PartialEq)]
pub struct Town {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// IANA time zone name, e.g. `Europe/Brussels`.
    pub timezone: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewTown {
    pub slug: String,
    pub name: String,
    pub timezone: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct District {
    pub id: i64,
    pub town_id: i64,
    pub slug: String,
    pub name: String,
    /// GeoJSON geometry (Polygon or MultiPolygon), WGS 84.
    pub boundary: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewDistrict {
    pub slug: String,
    pub name: String,
    pub boundary: String,
}

/// The fields of a shop that come from an import (everything but identity and slug).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ShopFields {
    pub name: String,
    pub category: String,
    /// The OSM tag that decided the category, e.g. `shop=bakery`.
    pub source_tag: Option<String>,
    pub street: Option<String>,
    pub housenumber: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub lat: f64,
    pub lon: f64,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub opening_hours: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Shop {
    pub id: i64,
    pub town_id: i64,
    pub district_id: Option<i64>,
    pub slug: String,
    /// `node/123`, `way/456`… when the shop came from OpenStreetMap.
    pub osm_id: Option<String>,
    pub fields: ShopFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What an import upsert did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpsertOutcome {
    Inserted,
    Updated,
    Unchanged,
}

/// Which shops to list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShopFilter {
    pub category: Option<String>,
    pub district_id: Option<i64>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers when the database does (for `/healthz`).
    async fn ping(&self) -> StoreResult<()>;

    /// Creates the town, or updates its name and time zone if the slug exists.
    async fn upsert_town(&self, town: &NewTown) -> StoreResult<Town>;
    async fn town_by_slug(&self, slug: &str) -> StoreResult<Option<Town>>;
    /// The town created first (an instance usually serves one town).
    async fn first_town(&self) -> StoreResult<Option<Town>>;

    /// Creates the district, or updates its name and boundary if the slug exists in the town.
    async fn upsert_district(&self, town_id: i64, district: &NewDistrict) -> StoreResult<District>;
    /// The town's districts, by name.
    async fn districts(&self, town_id: i64) -> StoreResult<Vec<District>>;
    async fn district_by_slug(&self, town_id: i64, slug: &str) -> StoreResult<Option<District>>;

    /// Inserts or updates the shop with this OSM id. A new shop gets the first free slug of
    /// `slug_candidates`; an existing shop keeps its slug.
    async fn upsert_osm_shop(
        &self,
        town_id: i64,
        osm_id: &str,
        fields: &ShopFields,
        slug_candidates: &mut (dyn Iterator<Item = String> + Send),
    ) -> StoreResult<(Shop, UpsertOutcome)>;
    /// The town's shops matching `filter`, by name.
    async fn shops(&self, town_id: i64, filter: &ShopFilter) -> StoreResult<Vec<Shop>>;
    async fn shop_by_slug(&self, town_id: i64, slug: &str) -> StoreResult<Option<Shop>>;
    /// Number of shops per category (optionally within a district), most common first.
    async fn category_counts(
        &self,
        town_id: i64,
        district_id: Option<i64>,
    ) -> StoreResult<Vec<(String, i64)>>;
    /// Sets the district of each `(shop_id, district_id)` pair of the town, in one transaction.
    async fn set_shop_districts(
        &self,
        town_id: i64,
        assignments: &[(i64, Option<i64>)],
    ) -> StoreResult<()>;
}
