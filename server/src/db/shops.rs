//! Shops: imports, merchants' profiles, lists, categories and the map's rectangle.

use app::domain::search;
use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};

use super::rows::*;
use super::sql::*;
use super::{BeginWrite, Pool, SqlStore};

/// Binds the shop fields as `$1`…`$15` (the last is the search text), in the order of the
/// `UPDATE` and `INSERT` below.
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
            .bind(&$fields.description)
            .bind(search::shop_text(
                &$fields.name,
                $fields.description.as_deref(),
                &$fields.category,
            ))
    };
}

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
impl ShopStore for SqlStore {
    async fn shop_notes(
        &self,
        town_id: i64,
    ) -> StoreResult<Vec<app::domain::onboarding::ShopNote>> {
        let sql = "SELECT n.shop_id, n.note, n.updated_at FROM shop_notes n \
                   JOIN shops s ON s.id = n.shop_id WHERE s.town_id = $1 ORDER BY n.shop_id";
        let rows: Vec<(i64, String, DateTime<Utc>)> = on_pool!(self, |pool| sqlx::query_as(sql)
            .bind(town_id)
            .fetch_all(pool)
            .await
            .map_err(store_error))?;
        Ok(rows
            .into_iter()
            .map(
                |(shop_id, note, updated_at)| app::domain::onboarding::ShopNote {
                    shop_id,
                    note,
                    updated_at,
                },
            )
            .collect())
    }

    async fn set_shop_note(
        &self,
        shop_id: i64,
        note: Option<&str>,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = now.trunc_subsecs(0);
        on_pool!(self, |pool| {
            match note {
                Some(note) => sqlx::query(
                    "INSERT INTO shop_notes (shop_id, note, updated_at, updated_by) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (shop_id) DO UPDATE \
                     SET note = excluded.note, updated_at = excluded.updated_at, \
                     updated_by = excluded.updated_by",
                )
                .bind(shop_id)
                .bind(note)
                .bind(now)
                .bind(by)
                .execute(pool)
                .await
                .map_err(store_error)?,
                None => sqlx::query("DELETE FROM shop_notes WHERE shop_id = $1")
                    .bind(shop_id)
                    .execute(pool)
                    .await
                    .map_err(store_error)?,
            };
            Ok(())
        })
    }

    async fn shops_activity(
        &self,
        town_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<app::domain::visibility::ShopActivity>> {
        // The subqueries use indexes (`posts_shop`, the reviews' shop index, the replies' key).
        let sql = "SELECT s.id, \
             (SELECT MAX(p.published_at) FROM posts p \
              WHERE p.shop_id = s.id AND p.published_at <= $2) AS last_post, \
             (SELECT COUNT(*) FROM reviews r WHERE r.shop_id = s.id AND r.status = 'published' \
              AND NOT EXISTS (SELECT 1 FROM review_replies rp \
                              WHERE rp.review_id = r.id AND rp.hidden_reason IS NULL)) AS unanswered, \
             (SELECT COUNT(*) FROM reviews r JOIN review_replies rp ON rp.review_id = r.id \
              WHERE r.shop_id = s.id AND r.status = 'published' AND rp.hidden_reason IS NULL) AS replies, \
             (SELECT COUNT(*) FROM posts p WHERE p.shop_id = s.id AND p.author_user_id IS NOT NULL \
              AND NOT p.by_steward) AS merchant_posts \
             FROM shops s WHERE s.town_id = $1 ORDER BY s.id";
        type Row = (i64, Option<DateTime<Utc>>, i64, i64, i64);
        on_pool!(self, |pool| sqlx::query_as::<_, Row>(sql)
            .bind(town_id)
            .bind(now.trunc_subsecs(0))
            .fetch_all(pool)
            .await
            .map(|rows| rows
                .into_iter()
                .map(
                    |(shop_id, last_post, unanswered_reviews, replies, merchant_posts)| {
                        app::domain::visibility::ShopActivity {
                            shop_id,
                            last_post,
                            unanswered_reviews,
                            replies,
                            merchant_posts,
                        }
                    }
                )
                .collect())
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
             opening_hours = $13, description = $14, search_text = $15, updated_at = $16 \
             WHERE id = $17 RETURNING {SHOP_COLUMNS}"
        );
        let insert = format!(
            "INSERT INTO shops (name, category, source_tag, street, housenumber, postcode, city, lat, lon, \
             phone, website, email, opening_hours, description, search_text, created_at, updated_at, \
             town_id, slug, osm_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, \
             $17, $18, $19) \
             RETURNING {SHOP_COLUMNS}"
        );
        let slug_taken = "SELECT id FROM shops WHERE town_id = $1 AND slug = $2";
        let now = Utc::now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            let existing = sqlx::query_as::<_, ShopRow>(&select)
                .bind(town_id)
                .bind(osm_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_error)?
                .map(Shop::from);
            let result = match existing {
                Some(shop) if shop.fields == shop.merge_import(fields) => {
                    (shop, UpsertOutcome::Unchanged)
                }
                Some(shop) => {
                    let merged = shop.merge_import(fields);
                    let row = bind_shop_fields!(sqlx::query_as::<_, ShopRow>(&update), merged)
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

    async fn update_shop_profile(
        &self,
        town_id: i64,
        shop_id: i64,
        profile: &ShopProfile,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Shop>> {
        let select = format!("SELECT {SHOP_COLUMNS} FROM shops WHERE town_id = $1 AND id = $2");
        let update = format!(
            "UPDATE shops SET name = $1, category = $2, source_tag = $3, street = $4, housenumber = $5, \
             postcode = $6, city = $7, lat = $8, lon = $9, phone = $10, website = $11, email = $12, \
             opening_hours = $13, description = $14, search_text = $15, photos = $16, \
             merchant_fields = $17, updated_at = $18, google_place_id = $20, listings = $21 \
             WHERE id = $19 RETURNING {SHOP_COLUMNS}"
        );
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            let Some(shop) = sqlx::query_as::<_, ShopRow>(&select)
                .bind(town_id)
                .bind(shop_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_error)?
                .map(Shop::from)
            else {
                return Ok(None);
            };
            let fields = profile.apply(&shop.fields);
            let mut owned = shop.merchant_fields.clone();
            for field in ShopProfile::changed(&shop.fields, &fields) {
                if !owned.iter().any(|f| f == field) {
                    owned.push(field.to_owned());
                }
            }
            let row = bind_shop_fields!(sqlx::query_as::<_, ShopRow>(&update), fields)
                .bind(profile.photos.join(" "))
                .bind(owned.join(" "))
                .bind(now)
                .bind(shop.id)
                .bind(&profile.listings.google_place_id)
                .bind(profile.listings.others.join("\n"))
                .fetch_one(&mut *tx)
                .await
                .map_err(store_error)?;
            tx.commit().await.map_err(store_error)?;
            Ok(Some(Shop::from(row)))
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

    async fn shops_by_ids(&self, town_id: i64, ids: &[i64]) -> StoreResult<Vec<Shop>> {
        let mut found = Vec::with_capacity(ids.len());
        // In chunks, well under both databases' limits on bound parameters.
        for chunk in ids.chunks(500) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|n| format!("${n}")).collect();
            let sql = format!(
                "SELECT {SHOP_COLUMNS} FROM shops WHERE town_id = $1 AND id IN ({})",
                placeholders.join(", ")
            );
            let rows = on_pool!(self, |pool| {
                let mut query = sqlx::query_as::<_, ShopRow>(&sql).bind(town_id);
                for id in chunk {
                    query = query.bind(id);
                }
                query.fetch_all(pool).await.map_err(store_error)
            })?;
            found.extend(rows.into_iter().map(Shop::from));
        }
        found.sort_by(|a, b| a.fields.name.cmp(&b.fields.name).then(a.id.cmp(&b.id)));
        Ok(found)
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

    async fn shops_in_box(&self, town_id: i64, bbox: &BoundingBox) -> StoreResult<Vec<Shop>> {
        let sql = format!(
            "SELECT {SHOP_COLUMNS} FROM shops WHERE town_id = $1 \
             AND lat BETWEEN $2 AND $3 AND lon BETWEEN $4 AND $5"
        );
        on_pool!(self, |pool| sqlx::query_as::<_, ShopRow>(&sql)
            .bind(town_id)
            .bind(bbox.min_lat)
            .bind(bbox.max_lat)
            .bind(bbox.min_lon)
            .bind(bbox.max_lon)
            .fetch_all(pool)
            .await
            .map(|rows| rows.into_iter().map(Shop::from).collect())
            .map_err(store_error))
    }
}

impl SqlStore {
    /// Inserts many new shops at once (generated data for benchmarks, bulk loads): one
    /// multi-row `INSERT` per chunk, all in one transaction. Slugs must be free.
    pub async fn insert_shops_bulk(
        &self,
        town_id: i64,
        shops: &[(String, ShopFields)],
    ) -> StoreResult<()> {
        let now = Utc::now().trunc_subsecs(0);
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            for chunk in shops.chunks(500) {
                let sql = format!(
                    "INSERT INTO shops (town_id, slug, name, category, lat, lon, opening_hours, \
                     description, search_text, created_at, updated_at) VALUES {}",
                    values_placeholders(chunk.len(), 10, &[10])
                );
                let mut query = sqlx::query(&sql);
                for (slug, f) in chunk {
                    query = query
                        .bind(town_id)
                        .bind(slug)
                        .bind(&f.name)
                        .bind(&f.category)
                        .bind(f.lat)
                        .bind(f.lon)
                        .bind(&f.opening_hours)
                        .bind(&f.description)
                        .bind(search::shop_text(
                            &f.name,
                            f.description.as_deref(),
                            &f.category,
                        ))
                        .bind(now);
                }
                query.execute(&mut *tx).await.map_err(store_error)?;
            }
            tx.commit().await.map_err(store_error)
        })
    }
}
