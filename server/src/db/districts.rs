//! Districts, and which shops they hold.

use app::server::*;
use async_trait::async_trait;
use chrono::Utc;

use super::rows::*;
use super::sql::*;
use super::{BeginWrite, Pool, SqlStore};

const DISTRICT_COLUMNS: &str = "id, town_id, slug, name, boundary";

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
        let sql = "UPDATE shops SET district_id = $1 WHERE id = $2 AND town_id = $3";
        // A shop that leaves a district no longer co-organises its posts.
        let leave = "DELETE FROM post_shops WHERE shop_id = $1 AND post_id IN \
                     (SELECT p.id FROM posts p JOIN shops s ON s.id = $1 \
                     WHERE s.district_id IS NULL OR p.district_id <> s.district_id)";
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            for (shop_id, district_id) in assignments {
                sqlx::query(sql)
                    .bind(district_id)
                    .bind(shop_id)
                    .bind(town_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                sqlx::query(leave)
                    .bind(shop_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
            }
            tx.commit().await.map_err(store_error)
        })
    }
}
