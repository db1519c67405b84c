//! Full-text search: the text of shops and their current posts, and the query.

use app::domain::search;
use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};

use super::rows::*;
use super::sql::*;
use super::{BeginWrite, Pool, SqlStore};

#[async_trait]
impl SearchStore for SqlStore {
    async fn search_shops(
        &self,
        town_id: i64,
        terms: &[String],
        filter: &ShopFilter,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<Shop>> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        // $1 town, $2 query, $3 limit, then the filter's parameters. One document per shop:
        // its own text and that of its current posts (see `refresh_posts_text`).
        let (matches, query) = self.dialect().full_text(2, terms);
        let mut clause = String::new();
        let mut next = 4;
        if filter.category.is_some() {
            clause.push_str(&format!(" AND category = ${next}"));
            next += 1;
        }
        if filter.district_id.is_some() {
            clause.push_str(&format!(" AND district_id = ${next}"));
        }
        let sql = format!(
            "SELECT {SHOP_COLUMNS} FROM shops WHERE town_id = $1{clause} AND {matches} \
             ORDER BY name, id LIMIT $3"
        );
        let _ = now;
        on_pool!(self, |pool| {
            let mut q = sqlx::query_as::<_, ShopRow>(&sql)
                .bind(town_id)
                .bind(&query)
                .bind(limit);
            if let Some(category) = &filter.category {
                q = q.bind(category);
            }
            if let Some(district_id) = filter.district_id {
                q = q.bind(district_id);
            }
            q.fetch_all(pool)
                .await
                .map(|rows| rows.into_iter().map(Shop::from).collect())
                .map_err(store_error)
        })
    }

    async fn refresh_posts_text(
        &self,
        town_id: i64,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        // Shops with a post that became current, or stopped being current, in (since, now].
        let sql = "SELECT DISTINCT shop_id FROM posts WHERE town_id = $1 AND shop_id IS NOT NULL \
                   AND ((published_at > $2 AND published_at <= $3) \
                   OR (valid_until > $2 AND valid_until <= $3) \
                   OR (ends_at > $2 AND ends_at <= $3) \
                   OR (ends_at IS NULL AND starts_at > $4 AND starts_at <= $5))";
        let shop_ids: Vec<i64> = on_pool!(self, |pool| sqlx::query_scalar::<_, i64>(sql)
            .bind(town_id)
            .bind(since)
            .bind(now)
            .bind(since - EVENT_WITHOUT_END)
            .bind(now - EVENT_WITHOUT_END)
            .fetch_all(pool)
            .await
            .map_err(store_error))?;
        self.refresh_shop_posts_text(&shop_ids, now).await?;
        Ok(shop_ids.len())
    }
}

impl SqlStore {
    /// Recomputes the text of the current posts of these shops (what search matches them by).
    pub(crate) async fn refresh_shop_posts_text(
        &self,
        shop_ids: &[i64],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let aggregate = self.dialect().join_texts("p.search_text");
        let sql = format!(
            "UPDATE shops SET posts_text = (SELECT {aggregate} FROM posts p \
             WHERE p.shop_id = shops.id AND p.published_at <= $2 \
             AND (p.valid_until IS NULL OR p.valid_until > $2) \
             AND (p.kind <> 'event' OR p.ends_at > $2 OR (p.ends_at IS NULL AND p.starts_at > $3))) \
             WHERE id = $1"
        );
        let now = now.trunc_subsecs(0);
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            for id in shop_ids {
                sqlx::query(&sql)
                    .bind(id)
                    .bind(now)
                    .bind(now - EVENT_WITHOUT_END)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
            }
            tx.commit().await.map_err(store_error)
        })
    }

    /// Fills the search text of rows written before search existed (or by hand).
    pub(crate) async fn backfill_search_text(&self) -> StoreResult<()> {
        use super::rows::SearchTextRow;
        let shops = "SELECT id, name AS a, description AS b, category AS c FROM shops \
                     WHERE search_text IS NULL";
        let posts = "SELECT id, title AS a, body AS b, place AS c FROM posts \
                     WHERE search_text IS NULL";
        on_pool!(self, |pool| {
            let rows = sqlx::query_as::<_, SearchTextRow>(shops)
                .fetch_all(pool)
                .await
                .map_err(store_error)?;
            for row in rows {
                let text = search::shop_text(
                    &row.a,
                    row.b.as_deref(),
                    row.c.as_deref().unwrap_or_default(),
                );
                sqlx::query("UPDATE shops SET search_text = $1 WHERE id = $2")
                    .bind(text)
                    .bind(row.id)
                    .execute(pool)
                    .await
                    .map_err(store_error)?;
            }
            let rows = sqlx::query_as::<_, SearchTextRow>(posts)
                .fetch_all(pool)
                .await
                .map_err(store_error)?;
            for row in rows {
                let text = search::post_text(
                    &row.a,
                    row.b.as_deref().unwrap_or_default(),
                    row.c.as_deref(),
                );
                sqlx::query("UPDATE posts SET search_text = $1 WHERE id = $2")
                    .bind(text)
                    .bind(row.id)
                    .execute(pool)
                    .await
                    .map_err(store_error)?;
            }
            Ok(())
        })
    }
}
