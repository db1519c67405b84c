//! Districts, and which shops they hold.

use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::rows::*;
use super::sql::*;
use super::{BeginWrite, Pool, SqlStore};

const DISTRICT_COLUMNS: &str = "id, town_id, slug, name, boundary";

/// Sets the district of each `(shop id, district id)` of the town in transaction `$tx`; a shop
/// that leaves a district no longer co-organises its posts.
macro_rules! assign_shops_in {
    ($tx:expr, $town_id:expr, $assignments:expr) => {
        for (shop_id, district_id) in $assignments {
            sqlx::query("UPDATE shops SET district_id = $1 WHERE id = $2 AND town_id = $3")
                .bind(district_id)
                .bind(shop_id)
                .bind($town_id)
                .execute(&mut *$tx)
                .await
                .map_err(store_error)?;
            sqlx::query(
                "DELETE FROM post_shops WHERE shop_id = $1 AND post_id IN \
                 (SELECT p.id FROM posts p JOIN shops s ON s.id = $1 \
                 WHERE s.district_id IS NULL OR p.district_id <> s.district_id)",
            )
            .bind(shop_id)
            .execute(&mut *$tx)
            .await
            .map_err(store_error)?;
        }
    };
}

#[async_trait]
impl DistrictStore for SqlStore {
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

    async fn set_shop_districts(
        &self,
        town_id: i64,
        assignments: &[(i64, Option<i64>)],
    ) -> StoreResult<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            assign_shops_in!(tx, town_id, assignments);
            tx.commit().await.map_err(store_error)
        })
    }

    async fn create_district(
        &self,
        town_id: i64,
        district: &NewDistrict,
        draft: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<District>> {
        let sql = format!(
            "INSERT INTO districts (town_id, slug, name, boundary, draft_boundary, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (town_id, slug) DO NOTHING \
             RETURNING {DISTRICT_COLUMNS}"
        );
        on_pool!(self, |pool| sqlx::query_as::<_, DistrictRow>(&sql)
            .bind(town_id)
            .bind(&district.slug)
            .bind(&district.name)
            .bind(&district.boundary)
            .bind(draft)
            .bind(now)
            .fetch_optional(pool)
            .await
            .map(|row| row.map(District::from))
            .map_err(store_error))
    }

    async fn rename_district(&self, town_id: i64, id: i64, name: &str) -> StoreResult<bool> {
        on_pool!(self, |pool| sqlx::query(
            "UPDATE districts SET name = $3 WHERE town_id = $1 AND id = $2"
        )
        .bind(town_id)
        .bind(id)
        .bind(name)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1)
        .map_err(store_error))
    }

    async fn delete_district(&self, town_id: i64, id: i64) -> StoreResult<bool> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            let deleted = sqlx::query("DELETE FROM districts WHERE town_id = $1 AND id = $2")
                .bind(town_id)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?
                .rows_affected()
                == 1;
            // Its daily counters stay in the town's figures, apart from any district (SQLite
            // may give a new district this id again).
            if deleted {
                sqlx::query(
                    "UPDATE daily_counts SET district_id = -district_id \
                     WHERE town_id = $1 AND district_id = $2",
                )
                .bind(town_id)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
            }
            tx.commit().await.map_err(store_error)?;
            Ok(deleted)
        })
    }

    async fn set_district_draft(
        &self,
        town_id: i64,
        id: i64,
        draft: Option<&str>,
    ) -> StoreResult<bool> {
        on_pool!(self, |pool| sqlx::query(
            "UPDATE districts SET draft_boundary = $3 WHERE town_id = $1 AND id = $2"
        )
        .bind(town_id)
        .bind(id)
        .bind(draft)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1)
        .map_err(store_error))
    }

    async fn district_draft(&self, town_id: i64, id: i64) -> StoreResult<Option<String>> {
        on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT draft_boundary FROM districts WHERE town_id = $1 AND id = $2 \
             AND draft_boundary IS NOT NULL"
        )
        .bind(town_id)
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(store_error))
    }

    async fn district_draft_ids(&self, town_id: i64) -> StoreResult<Vec<i64>> {
        on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT id FROM districts WHERE town_id = $1 AND draft_boundary IS NOT NULL \
             ORDER BY slug"
        )
        .bind(town_id)
        .fetch_all(pool)
        .await
        .map_err(store_error))
    }

    async fn save_district_outline(
        &self,
        town_id: i64,
        id: i64,
        boundary: &str,
        assignments: &[(i64, Option<i64>)],
    ) -> StoreResult<bool> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            let saved = sqlx::query(
                "UPDATE districts SET boundary = $3, draft_boundary = NULL \
                 WHERE town_id = $1 AND id = $2",
            )
            .bind(town_id)
            .bind(id)
            .bind(boundary)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?
            .rows_affected()
                == 1;
            if saved {
                assign_shops_in!(tx, town_id, assignments);
            }
            tx.commit().await.map_err(store_error)?;
            Ok(saved)
        })
    }

    async fn district_stewards(&self, town_id: i64) -> StoreResult<Vec<(i64, i64, String)>> {
        on_pool!(self, |pool| sqlx::query_as(
            "SELECT s.district_id, u.id, u.email FROM district_stewards s \
             JOIN districts d ON d.id = s.district_id JOIN users u ON u.id = s.user_id \
             WHERE d.town_id = $1 ORDER BY u.email"
        )
        .bind(town_id)
        .fetch_all(pool)
        .await
        .map_err(store_error))
    }

    async fn remove_steward(
        &self,
        town_id: i64,
        district_id: i64,
        user_id: i64,
    ) -> StoreResult<bool> {
        on_pool!(self, |pool| sqlx::query(
            "DELETE FROM district_stewards WHERE district_id = $2 AND user_id = $3 \
             AND district_id IN (SELECT id FROM districts WHERE town_id = $1)"
        )
        .bind(town_id)
        .bind(district_id)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1)
        .map_err(store_error))
    }
}
