//! The town itself.

use app::server::*;
use async_trait::async_trait;
use chrono::Utc;

use super::rows::*;
use super::sql::*;
use super::{Pool, SqlStore};

const TOWN_COLUMNS: &str = "id, slug, name, timezone";

#[async_trait]
impl TownStore for SqlStore {
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
}
