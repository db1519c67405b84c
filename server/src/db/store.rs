//! The `Store` implementation, written once for both drivers.

use app::server::{
    District, NewDistrict, NewTown, Shop, ShopFields, ShopFilter, Store, StoreError, StoreResult,
    Town, UpsertOutcome,
};
use async_trait::async_trait;
use chrono::Utc;

use super::rows::{CategoryCountRow, DistrictRow, ShopRow, TownRow, SHOP_COLUMNS};
use super::{Pool, SqlStore};

/// Runs `$body` with `$pool` bound to the concrete pool of either driver.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            Pool::Sqlite($pool) => $body,
            Pool::Postgres($pool) => $body,
        }
    };
}

/// Binds the shop fields as `$1`…`$13`, in the order of the `UPDATE` and `INSERT` below.
macro_rules! bind_shop_fields {
    ($query:expr, $fields:expr) => {
        $query
            .bind(&$fields.name)
            .bind(&$fields.category)
            .bind(&$fields.source_tag)
            .bind(&$fields.street)
            .bind(&$fields.housenumber)
            .bind(&$fields.postcode)
            .bind(&$fields.city)
            .bind($fields.lat)
            .bind($fields.lon)
            .bind(&$fields.phone)
            .bind(&$fields.website)
            .bind(&$fields.email)
            .bind(&$fields.opening_hours)
    };
}

fn store_error(error: sqlx::Error) -> StoreError {
    match error.as_database_error() {
        Some(db) if db.is_unique_violation() => StoreError::Conflict(db.message().to_owned()),
        _ => StoreError::Backend(error.to_string()),
    }
}

const TOWN_COLUMNS: &str = "id, slug, name, timezone";
const DISTRICT_COLUMNS: &str = "id, town_id, slug, name, boundary";

/// A `WHERE` clause for a shop filter, with `$n` placeholders numbered after `$1` (the town).
fn shop_filter_clause(filter: &ShopFilter) -> String {
    let mut clause = String::from("town_id = $1");
    let mut next = 2;
    if filter.category.is_some() {
        clause.push_str(&format!(" AND category = ${next}"));
        next += 1;
    }
    if filter.district_id.is_some() {
        clause.push_str(&format!(" AND district_id = ${next}"));
    }
    clause
}

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        on_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ())
            .map_err(store_error))
    }

    async fn upsert_town(&self, town: &NewTown) -> StoreResult<Town> {
        let sql = format!(
            "INSERT INTO towns (slug, name, timezone, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, timezone = excluded.timezone \
             RETURNING {TOWN_COLUMNS}"
        );
        on_pool!(self, |pool| sqlx::query_as::<_, TownRow>(&sql)
            .bind(&town.slug)
            .bind(&town.name)
            .bind(&town.timezone)
            .bind(Utc::now())
            .fetch_one(pool)
            .await
            .map(Town::from)
            .map_err(store_error))
    }

    async fn town_by_slug(&self, slug: &str) -> StoreResult<Option<Town>> {
        let sql = format!("SELECT {TOWN_COLUMNS} FROM towns WHERE slug = $1");
        on_pool!(self, |pool| sqlx::query_as::<_, TownRow>(&sql)
            .bind(slug)
            .fetch_optional(pool)
            .await
            .map(|row| row.map(Town::from))
            .map_err(store_error))
    }

    async fn first_town(&self) -> StoreResult<Option<Town>> {
        let sql = format!("SELECT {TOWN_COLUMNS} FROM towns ORDER BY id LIMIT 1");
        on_pool!(self, |pool| sqlx::query_as::<_, TownRow>(&sql)
            .fetch_optional(pool)
            .await
            .map(|row| row.map(Town::from))
            .map_err(store_error))
    }

    async fn upsert_district(&self, town_id: i64, district: &NewDistrict) -> StoreResult<District> {
        let sql = format!(
            "INSERT INTO districts (town_id, slug, name, boundary, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (town_id, slug) DO UPDATE SET name = excluded.name, boundary = excluded.boundary \
             RETURNING {DISTRICT_COLUMNS}"
        );
        on_pool!(self, |pool| sqlx::query_as::<_, DistrictRow>(&sql)
            .bind(town_id)
            .bind(&district.slug)
            .bind(&district.name)
            .bind(&district.boundary)
            .bind(Utc::now())
            .fetch_one(pool)
            .await
            .map(District::from)
            .map_err(store_error))
    }

    async fn districts(&self, town_id: i64) -> StoreResult<Vec<District>> {
        let sql =
            format!("SELECT {DISTRICT_COLUMNS} FROM districts WHERE town_id = $1 ORDER BY slug");
        on_pool!(self, |pool| sqlx::query_as::<_, DistrictRow>(&sql)
            .bind(town_id)
            .fetch_all(pool)
            .await
            .map(|rows| rows.into_iter().map(District::from).collect())
            .map_err(store_error))
    }

    async fn district_by_slug(&self, town_id: i64, slug: &str) -> StoreResult<Option<District>> {
        let sql =
            format!("SELECT {DISTRICT_COLUMNS} FROM districts WHERE town_id = $1 AND slug = $2");
        on_pool!(self, |pool| sqlx::query_as::<_, DistrictRow>(&sql)
            .bind(town_id)
            .bind(slug)
            .fetch_optional(pool)
            .await
            .map(|row| row.map(District::from))
            .map_err(store_error))
    }

    async fn upsert_osm_shop(
        &self,
        town_id: i64,
        osm_id: &str,
        fields: &ShopFields,
        slug_candidates: &mut (dyn Iterator<Item = String> + Send),
    ) -> StoreResult<(Shop, UpsertOutcome)> {
        let select = format!("SELECT {SHOP_COLUMNS} FROM shops WHERE town_id = $1 AND osm_id = $2");
        let update = format!(
            "UPDATE shops SET name = $1, category = $2, source_tag = $3, street = $4, housenumber = $5, \
             postcode = $6, city = $7, lat = $8, lon = $9, phone = $10, website = $11, email = $12, \
             opening_hours = $13, updated_at = $14 WHERE id = $15 RETURNING {SHOP_COLUMNS}"
        );
        let insert = format!(
            "INSERT INTO shops (name, category, source_tag, street, housenumber, postcode, city, lat, lon, \
             phone, website, email, opening_hours, created_at, updated_at, town_id, slug, osm_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17) \
             RETURNING {SHOP_COLUMNS}"
        );
        let slug_taken = "SELECT id FROM shops WHERE town_id = $1 AND slug = $2";
        let now = Utc::now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await.map_err(store_error)?;
            let existing = sqlx::query_as::<_, ShopRow>(&select)
                .bind(town_id)
                .bind(osm_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_error)?
                .map(Shop::from);
            let result = match existing {
                Some(shop) if shop.fields == *fields => (shop, UpsertOutcome::Unchanged),
                Some(shop) => {
                    let row = bind_shop_fields!(sqlx::query_as::<_, ShopRow>(&update), fields)
                        .bind(now)
                        .bind(shop.id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(store_error)?;
                    (Shop::from(row), UpsertOutcome::Updated)
                }
                None => {
                    let mut slug = None;
                    for candidate in slug_candidates.take(1000) {
                        let taken = sqlx::query_scalar::<_, i64>(slug_taken)
                            .bind(town_id)
                            .bind(&candidate)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(store_error)?;
                        if taken.is_none() {
                            slug = Some(candidate);
                            break;
                        }
                    }
                    let slug = slug.ok_or_else(|| StoreError::Conflict("no free slug".into()))?;
                    let row = bind_shop_fields!(sqlx::query_as::<_, ShopRow>(&insert), fields)
                        .bind(now)
                        .bind(town_id)
                        .bind(&slug)
                        .bind(osm_id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(store_error)?;
                    (Shop::from(row), UpsertOutcome::Inserted)
                }
            };
            tx.commit().await.map_err(store_error)?;
            Ok(result)
        })
    }

    async fn shops(&self, town_id: i64, filter: &ShopFilter) -> StoreResult<Vec<Shop>> {
        let sql = format!(
            "SELECT {SHOP_COLUMNS} FROM shops WHERE {} ORDER BY slug",
            shop_filter_clause(filter)
        );
        on_pool!(self, |pool| {
            let mut query = sqlx::query_as::<_, ShopRow>(&sql).bind(town_id);
            if let Some(category) = &filter.category {
                query = query.bind(category);
            }
            if let Some(district_id) = filter.district_id {
                query = query.bind(district_id);
            }
            query
                .fetch_all(pool)
                .await
                .map(|rows| rows.into_iter().map(Shop::from).collect())
                .map_err(store_error)
        })
    }

    async fn shop_by_slug(&self, town_id: i64, slug: &str) -> StoreResult<Option<Shop>> {
        let sql = format!("SELECT {SHOP_COLUMNS} FROM shops WHERE town_id = $1 AND slug = $2");
        on_pool!(self, |pool| sqlx::query_as::<_, ShopRow>(&sql)
            .bind(town_id)
            .bind(slug)
            .fetch_optional(pool)
            .await
            .map(|row| row.map(Shop::from))
            .map_err(store_error))
    }

    async fn category_counts(
        &self,
        town_id: i64,
        district_id: Option<i64>,
    ) -> StoreResult<Vec<(String, i64)>> {
        let filter = ShopFilter {
            category: None,
            district_id,
        };
        let sql = format!(
            "SELECT category, COUNT(*) AS n FROM shops WHERE {} GROUP BY category ORDER BY n DESC, category",
            shop_filter_clause(&filter)
        );
        on_pool!(self, |pool| {
            let mut query = sqlx::query_as::<_, CategoryCountRow>(&sql).bind(town_id);
            if let Some(district_id) = district_id {
                query = query.bind(district_id);
            }
            query
                .fetch_all(pool)
                .await
                .map(|rows| rows.into_iter().map(|r| (r.category, r.n)).collect())
                .map_err(store_error)
        })
    }

    async fn set_shop_districts(
        &self,
        town_id: i64,
        assignments: &[(i64, Option<i64>)],
    ) -> StoreResult<()> {
        let sql = "UPDATE shops SET district_id = $1 WHERE id = $2 AND town_id = $3";
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await.map_err(store_error)?;
            for (shop_id, district_id) in assignments {
                sqlx::query(sql)
                    .bind(district_id)
                    .bind(shop_id)
                    .bind(town_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
            }
            tx.commit().await.map_err(store_error)
        })
    }
}
