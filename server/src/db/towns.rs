//! The towns a deployment serves.

use app::server::*;
use async_trait::async_trait;
use chrono::Utc;

use super::rows::*;
use super::sql::*;
use super::{Pool, SqlStore};

const TOWN_COLUMNS: &str = "id, slug, name, timezone, host, base_url, default_locale, \
                            vapid_subject, tile_url, tile_attribution, mail_from";

impl SqlStore {
    async fn one_town(&self, filter: &str, value: Option<&str>) -> StoreResult<Option<Town>> {
        let sql = format!("SELECT {TOWN_COLUMNS} FROM towns {filter} ORDER BY id LIMIT 1");
        on_pool!(self, |pool| {
            let mut query = sqlx::query_as::<_, TownRow>(&sql);
            if let Some(value) = value {
                query = query.bind(value);
            }
            query
                .fetch_optional(pool)
                .await
                .map(|row| row.map(Town::from))
                .map_err(store_error)
        })
    }
}

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
        self.one_town("WHERE slug = $1", Some(slug)).await
    }

    async fn town_by_id(&self, id: i64) -> StoreResult<Option<Town>> {
        let sql = format!("SELECT {TOWN_COLUMNS} FROM towns WHERE id = $1");
        on_pool!(self, |pool| sqlx::query_as::<_, TownRow>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await
            .map(|row| row.map(Town::from))
            .map_err(store_error))
    }

    async fn town_by_host(&self, host: &str) -> StoreResult<Option<Town>> {
        self.one_town("WHERE host = $1", Some(host)).await
    }

    async fn first_town(&self) -> StoreResult<Option<Town>> {
        self.one_town("", None).await
    }

    async fn first_town_without_host(&self) -> StoreResult<Option<Town>> {
        self.one_town("WHERE host IS NULL", None).await
    }

    async fn towns(&self) -> StoreResult<Vec<Town>> {
        let sql = format!("SELECT {TOWN_COLUMNS} FROM towns ORDER BY id");
        on_pool!(self, |pool| sqlx::query_as::<_, TownRow>(&sql)
            .fetch_all(pool)
            .await
            .map(|rows| rows.into_iter().map(Town::from).collect())
            .map_err(store_error))
    }

    async fn update_town(&self, town: &Town) -> StoreResult<Town> {
        let sql = format!(
            "UPDATE towns SET name = $2, timezone = $3, host = $4, base_url = $5, \
             default_locale = $6, vapid_subject = $7, tile_url = $8, tile_attribution = $9, \
             mail_from = $10 WHERE id = $1 RETURNING {TOWN_COLUMNS}"
        );
        on_pool!(self, |pool| sqlx::query_as::<_, TownRow>(&sql)
            .bind(town.id)
            .bind(&town.name)
            .bind(&town.timezone)
            .bind(&town.host)
            .bind(&town.base_url)
            .bind(&town.default_locale)
            .bind(&town.vapid_subject)
            .bind(&town.tile_url)
            .bind(&town.tile_attribution)
            .bind(&town.mail_from)
            .fetch_optional(pool)
            .await
            .map_err(store_error)?
            .map(Town::from)
            .ok_or_else(|| StoreError::Backend(format!(
                "no town {}",
                town.id
            ))))
    }
}
