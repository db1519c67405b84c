//! The `Store` implementation, written once for both drivers.

use super::BeginWrite;
use app::domain::search;
use app::server::{
    BoundingBox, District, FeedCursor, FeedScope, FollowTarget, FollowerStats, Follows, Invitation,
    NewDistrict, NewInvitation, NewPost, NewSession, NewSignInLink, NewTown, PasskeyRecord, Post,
    PostAuthor, PostOrigin, PushSettings, PushSubscriptionRecord, Roles, SessionUser, Shop,
    ShopFields, ShopFilter, ShopMember, ShopProfile, SignedIn, Store, StoreError, StoreResult,
    Town, UpsertOutcome, User, VapidKeys, EVENT_WITHOUT_END,
};
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};

use super::rows::{
    CategoryCountRow, DistrictRow, PostRow, ShopRow, TownRow, POST_COLUMNS, SHOP_COLUMNS,
};
use super::{accounts, posts, Pool, SqlStore};

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

pub(super) fn store_error(error: sqlx::Error) -> StoreError {
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
             merchant_fields = $17, updated_at = $18 WHERE id = $19 RETURNING {SHOP_COLUMNS}"
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

    async fn set_shop_districts(
        &self,
        town_id: i64,
        assignments: &[(i64, Option<i64>)],
    ) -> StoreResult<()> {
        let sql = "UPDATE shops SET district_id = $1 WHERE id = $2 AND town_id = $3";
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
            }
            tx.commit().await.map_err(store_error)
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
        let (matches, query) = match self.pool {
            // `+id`: the matches are a set to test, while the (town, name) index gives the order
            // (the first page comes without sorting every match).
            Pool::Sqlite(_) => (
                "+id IN (SELECT rowid FROM shops_fts WHERE shops_fts MATCH $2)",
                search::fts5_query(terms),
            ),
            Pool::Postgres(_) => (
                "search_vector @@ to_tsquery('simple', $2)",
                search::tsquery(terms),
            ),
        };
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

    async fn insert_post(
        &self,
        town_id: i64,
        post: &NewPost,
        now: DateTime<Utc>,
    ) -> StoreResult<Post> {
        self.publish_post(town_id, post, &PostOrigin::default(), now)
            .await
            .map(|(post, _)| post)
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

    async fn post_by_id(&self, town_id: i64, id: i64) -> StoreResult<Option<Post>> {
        let sql = format!("SELECT {POST_COLUMNS} FROM posts WHERE town_id = $1 AND id = $2");
        on_pool!(self, |pool| sqlx::query_as::<_, PostRow>(&sql)
            .bind(town_id)
            .bind(id)
            .fetch_optional(pool)
            .await
            .map(|row| row.and_then(PostRow::into_post))
            .map_err(store_error))
    }

    async fn timeline(
        &self,
        town_id: i64,
        scope: FeedScope,
        now: DateTime<Utc>,
        before: Option<FeedCursor>,
        limit: i64,
    ) -> StoreResult<Vec<Post>> {
        // $1 town, $2 now, $3 limit, $4 scope id, $5/$6 cursor.
        let (scope_clause, scope_id) = scope_clause(scope, 4);
        let cursor_clause = if before.is_some() {
            " AND (published_at < $5 OR (published_at = $5 AND id < $6))"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE town_id = $1 AND published_at <= $2 \
             AND (kind = 'news' OR (kind = 'offer' AND (valid_until IS NULL OR valid_until > $2))) \
             AND {scope_clause}{cursor_clause} \
             ORDER BY published_at DESC, id DESC LIMIT $3"
        );
        let now = now.trunc_subsecs(0);
        on_pool!(self, |pool| {
            let mut q = sqlx::query_as::<_, PostRow>(&sql)
                .bind(town_id)
                .bind(now)
                .bind(limit)
                .bind(scope_id);
            if let Some(cursor) = before {
                q = q.bind(cursor.published_at).bind(cursor.id);
            }
            q.fetch_all(pool)
                .await
                .map(|rows| rows.into_iter().filter_map(PostRow::into_post).collect())
                .map_err(store_error)
        })
    }

    async fn upcoming_events(
        &self,
        town_id: i64,
        scope: FeedScope,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<Post>> {
        // $1 town, $2 now, $3 limit, $4 scope id, $5 start limit of events without an end.
        let (scope_clause, scope_id) = scope_clause(scope, 4);
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE town_id = $1 AND published_at <= $2 \
             AND kind = 'event' AND (ends_at > $2 OR (ends_at IS NULL AND starts_at > $5)) \
             AND {scope_clause} ORDER BY starts_at, id LIMIT $3"
        );
        let now = now.trunc_subsecs(0);
        on_pool!(self, |pool| sqlx::query_as::<_, PostRow>(&sql)
            .bind(town_id)
            .bind(now)
            .bind(limit)
            .bind(scope_id)
            .bind(now - EVENT_WITHOUT_END)
            .fetch_all(pool)
            .await
            .map(|rows| rows.into_iter().filter_map(PostRow::into_post).collect())
            .map_err(store_error))
    }

    async fn recent_posts(
        &self,
        town_id: i64,
        scope: FeedScope,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<Post>> {
        let (scope_clause, scope_id) = scope_clause(scope, 4);
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE town_id = $1 AND published_at <= $2 \
             AND {scope_clause} ORDER BY published_at DESC, id DESC LIMIT $3"
        );
        on_pool!(self, |pool| sqlx::query_as::<_, PostRow>(&sql)
            .bind(town_id)
            .bind(now.trunc_subsecs(0))
            .bind(limit)
            .bind(scope_id)
            .fetch_all(pool)
            .await
            .map(|rows| rows.into_iter().filter_map(PostRow::into_post).collect())
            .map_err(store_error))
    }

    async fn device_profile(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        // Seen-times are kept to the day: enough to expire idle profiles, no activity trail.
        let day = now.date_naive().and_time(chrono::NaiveTime::MIN).and_utc();
        let sql = "UPDATE device_profiles SET last_seen_at = $2 WHERE token_hash = $1 \
                   RETURNING id";
        on_pool!(self, |pool| sqlx::query_scalar::<_, i64>(sql)
            .bind(token_hash)
            .bind(day)
            .fetch_optional(pool)
            .await
            .map_err(store_error))
    }

    async fn create_device_profile(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let day = now.date_naive().and_time(chrono::NaiveTime::MIN).and_utc();
        let sql = "INSERT INTO device_profiles (token_hash, created_at, last_seen_at) \
                   VALUES ($1, $2, $2) RETURNING id";
        on_pool!(self, |pool| sqlx::query_scalar::<_, i64>(sql)
            .bind(token_hash)
            .bind(day)
            .fetch_one(pool)
            .await
            .map_err(store_error))
    }

    async fn set_shop_follow(
        &self,
        profile_id: i64,
        shop_id: i64,
        follow: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql = if follow {
            "INSERT INTO shop_follows (profile_id, shop_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (profile_id, shop_id) DO NOTHING"
        } else {
            "DELETE FROM shop_follows WHERE profile_id = $1 AND shop_id = $2 AND $3 = $3"
        };
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(profile_id)
            .bind(shop_id)
            .bind(now.trunc_subsecs(0))
            .execute(pool)
            .await
            .map(|_| ())
            .map_err(store_error))
    }

    async fn set_follow_notify(
        &self,
        profile_id: i64,
        target: FollowTarget,
        notify: app::model::Notify,
    ) -> StoreResult<bool> {
        let (sql, id) = match target {
            FollowTarget::Shop(id) => (
                "UPDATE shop_follows SET notify = $3 WHERE profile_id = $1 AND shop_id = $2",
                id,
            ),
            FollowTarget::District(id) => (
                "UPDATE district_follows SET notify = $3 WHERE profile_id = $1 AND district_id = $2",
                id,
            ),
        };
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(profile_id)
            .bind(id)
            .bind(notify.as_str())
            .execute(pool)
            .await
            .map(|r| r.rows_affected() == 1)
            .map_err(store_error))
    }

    async fn post_push_summaries(
        &self,
        post_ids: &[i64],
    ) -> StoreResult<Vec<(i64, app::model::PushSummary)>> {
        self.push_summaries(post_ids).await
    }

    async fn shop_push_summary(
        &self,
        shop_id: i64,
        since: DateTime<Utc>,
    ) -> StoreResult<app::model::PushSummary> {
        self.shop_push_figures(shop_id, since).await
    }

    async fn shop_push_reach(&self, shop_id: i64) -> StoreResult<i64> {
        on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM push_subscriptions s JOIN shop_follows f \
             ON f.profile_id = s.profile_id WHERE f.shop_id = $1 AND f.notify = 'all'"
        )
        .bind(shop_id)
        .fetch_one(pool)
        .await
        .map_err(store_error))
    }

    async fn record_push_click(&self, town_id: i64, post_id: i64) -> StoreResult<bool> {
        on_pool!(self, |pool| sqlx::query(
            "UPDATE posts SET push_clicks = push_clicks + 1 WHERE town_id = $1 AND id = $2"
        )
        .bind(town_id)
        .bind(post_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1)
        .map_err(store_error))
    }

    async fn set_town_push_defaults(
        &self,
        town_id: i64,
        quiet: app::domain::push::QuietHours,
        shop_pushes_per_day: i64,
        district_pushes_per_week: i64,
    ) -> StoreResult<()> {
        on_pool!(self, |pool| sqlx::query(
            "UPDATE towns SET quiet_start = $2, quiet_end = $3, shop_pushes_per_day = $4, \
             district_pushes_per_week = $5 WHERE id = $1"
        )
        .bind(town_id)
        .bind(i32::from(quiet.start.min(1439)))
        .bind(i32::from(quiet.end.min(1439)))
        .bind(shop_pushes_per_day.clamp(0, 1000) as i32)
        .bind(district_pushes_per_week.clamp(0, 1000) as i32)
        .execute(pool)
        .await
        .map(|_| ())
        .map_err(store_error))
    }

    async fn town_push_defaults(&self, town_id: i64) -> StoreResult<PushSettings> {
        self.push_settings_row(
            "SELECT quiet_start, quiet_end, shop_pushes_per_day, district_pushes_per_week \
             FROM towns WHERE id = $1",
            town_id,
        )
        .await?
        .ok_or_else(|| StoreError::Backend("no such town".into()))
    }

    async fn follow_notifications(
        &self,
        profile_id: i64,
    ) -> StoreResult<Vec<(FollowTarget, app::model::Notify)>> {
        let rows: Vec<(String, i64, String)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT 'shop', shop_id, notify FROM shop_follows WHERE profile_id = $1 \
             UNION ALL SELECT 'district', district_id, notify FROM district_follows \
             WHERE profile_id = $1"
        )
        .bind(profile_id)
        .fetch_all(pool)
        .await
        .map_err(store_error))?;
        Ok(rows
            .into_iter()
            .map(|(kind, id, notify)| {
                let target = if kind == "shop" {
                    FollowTarget::Shop(id)
                } else {
                    FollowTarget::District(id)
                };
                (
                    target,
                    app::model::Notify::parse(&notify).unwrap_or_default(),
                )
            })
            .collect())
    }

    async fn push_settings(&self, profile_id: i64) -> StoreResult<PushSettings> {
        Ok(self
            .push_settings_row(
                "SELECT quiet_start, quiet_end, shop_pushes_per_day, district_pushes_per_week \
                 FROM push_settings WHERE profile_id = $1",
                profile_id,
            )
            .await?
            .unwrap_or_default())
    }

    async fn save_push_settings(
        &self,
        profile_id: i64,
        settings: &PushSettings,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let small = |n: Option<i64>| n.map(|n| n.clamp(0, 1000) as i32);
        on_pool!(self, |pool| sqlx::query(
            "INSERT INTO push_settings (profile_id, quiet_start, quiet_end, shop_pushes_per_day, \
             district_pushes_per_week, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (profile_id) DO UPDATE SET quiet_start = excluded.quiet_start, \
             quiet_end = excluded.quiet_end, shop_pushes_per_day = excluded.shop_pushes_per_day, \
             district_pushes_per_week = excluded.district_pushes_per_week, \
             updated_at = excluded.updated_at"
        )
        .bind(profile_id)
        .bind(settings.quiet.map(|q| i32::from(q.start.min(1439))))
        .bind(settings.quiet.map(|q| i32::from(q.end.min(1439))))
        .bind(small(settings.shop_pushes_per_day))
        .bind(small(settings.district_pushes_per_week))
        .bind(now.trunc_subsecs(0))
        .execute(pool)
        .await
        .map(|_| ())
        .map_err(store_error))
    }

    async fn set_district_follow(
        &self,
        profile_id: i64,
        district_id: i64,
        follow: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql = if follow {
            "INSERT INTO district_follows (profile_id, district_id, created_at) \
             VALUES ($1, $2, $3) ON CONFLICT (profile_id, district_id) DO NOTHING"
        } else {
            "DELETE FROM district_follows WHERE profile_id = $1 AND district_id = $2 AND $3 = $3"
        };
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(profile_id)
            .bind(district_id)
            .bind(now.trunc_subsecs(0))
            .execute(pool)
            .await
            .map(|_| ())
            .map_err(store_error))
    }

    async fn follows(&self, profile_id: i64) -> StoreResult<Follows> {
        let shops = "SELECT shop_id FROM shop_follows WHERE profile_id = $1 ORDER BY shop_id";
        let districts =
            "SELECT district_id FROM district_follows WHERE profile_id = $1 ORDER BY district_id";
        on_pool!(self, |pool| {
            let shop_ids = sqlx::query_scalar::<_, i64>(shops)
                .bind(profile_id)
                .fetch_all(pool)
                .await
                .map_err(store_error)?;
            let district_ids = sqlx::query_scalar::<_, i64>(districts)
                .bind(profile_id)
                .fetch_all(pool)
                .await
                .map_err(store_error)?;
            Ok(Follows {
                shop_ids,
                district_ids,
            })
        })
    }

    async fn shop_follower_count(&self, shop_id: i64) -> StoreResult<i64> {
        let sql = "SELECT COUNT(*) FROM shop_follows WHERE shop_id = $1";
        on_pool!(self, |pool| sqlx::query_scalar::<_, i64>(sql)
            .bind(shop_id)
            .fetch_one(pool)
            .await
            .map_err(store_error))
    }

    async fn merge_device_profiles(&self, from: i64, into: i64) -> StoreResult<()> {
        if from == into {
            return Ok(());
        }
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            for sql in MERGE_PROFILES {
                sqlx::query(sql)
                    .bind(from)
                    .bind(into)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
            }
            tx.commit().await.map_err(store_error)
        })
    }

    async fn publish_post(
        &self,
        town_id: i64,
        post: &NewPost,
        origin: &PostOrigin,
        now: DateTime<Utc>,
    ) -> StoreResult<(Post, bool)> {
        posts::publish(self, town_id, post, origin, now).await
    }

    async fn update_post(
        &self,
        town_id: i64,
        id: i64,
        post: &NewPost,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Post>> {
        posts::update(self, town_id, id, post, now).await
    }

    async fn delete_post(&self, town_id: i64, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
        posts::delete(self, town_id, id, now).await
    }

    async fn shop_posts(&self, town_id: i64, shop_id: i64, limit: i64) -> StoreResult<Vec<Post>> {
        posts::of_shop(self, town_id, shop_id, limit).await
    }

    async fn shop_follower_stats(
        &self,
        shop_id: i64,
        since: DateTime<Utc>,
    ) -> StoreResult<FollowerStats> {
        posts::follower_stats(self, shop_id, since).await
    }

    async fn create_sign_in_link(
        &self,
        link: &NewSignInLink,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        accounts::create_sign_in_link(self, link, now).await
    }

    async fn complete_sign_in(
        &self,
        town_id: i64,
        link_token_hash: &str,
        session: &NewSession,
        device_profile: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SignedIn>> {
        accounts::complete_sign_in(self, town_id, link_token_hash, session, device_profile, now)
            .await
    }

    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        lifetime: TimeDelta,
    ) -> StoreResult<Option<SessionUser>> {
        accounts::session_user(self, token_hash, now, lifetime).await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        accounts::delete_session(self, token_hash).await
    }

    async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<u64> {
        accounts::delete_user_sessions(self, user_id).await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        accounts::user_by_email(self, email).await
    }

    async fn ensure_user_profile(&self, user_id: i64, now: DateTime<Utc>) -> StoreResult<i64> {
        accounts::ensure_user_profile(self, user_id, now).await
    }

    async fn grant_admin(
        &self,
        town_id: i64,
        email: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        accounts::grant_admin(self, town_id, email, now).await
    }

    async fn roles(&self, town_id: i64, user_id: i64) -> StoreResult<Roles> {
        accounts::roles(self, town_id, user_id).await
    }

    async fn create_invitation(
        &self,
        town_id: i64,
        invitation: &NewInvitation,
        now: DateTime<Utc>,
    ) -> StoreResult<Invitation> {
        accounts::create_invitation(self, town_id, invitation, now).await
    }

    async fn invitation_by_token(&self, token_hash: &str) -> StoreResult<Option<Invitation>> {
        accounts::invitation_by_token(self, token_hash).await
    }

    async fn accept_invitation(
        &self,
        token_hash: &str,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Invitation>> {
        accounts::accept_invitation(self, token_hash, user_id, now).await
    }

    async fn open_invitations(
        &self,
        town_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Invitation>> {
        accounts::open_invitations(self, town_id, now).await
    }

    async fn revoke_invitation(&self, town_id: i64, id: i64) -> StoreResult<bool> {
        accounts::revoke_invitation(self, town_id, id).await
    }

    async fn shop_members(&self, shop_id: i64) -> StoreResult<Vec<ShopMember>> {
        accounts::shop_members(self, shop_id).await
    }

    async fn claimed_shop_ids(&self, town_id: i64) -> StoreResult<Vec<i64>> {
        accounts::claimed_shop_ids(self, town_id).await
    }

    async fn remove_shop_member(&self, shop_id: i64, user_id: i64) -> StoreResult<bool> {
        accounts::remove_shop_member(self, shop_id, user_id).await
    }

    async fn hit_rate_limit(
        &self,
        key: &str,
        window: TimeDelta,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        accounts::hit_rate_limit(self, key, window, now).await
    }

    async fn vapid_keys(
        &self,
        candidate: &VapidKeys,
        now: DateTime<Utc>,
    ) -> StoreResult<VapidKeys> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO vapid_keys (id, private_key, public_key, created_at) \
                 VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&candidate.private_key)
            .bind(&candidate.public_key)
            .bind(now.trunc_subsecs(0))
            .execute(pool)
            .await
            .map_err(store_error)?;
            sqlx::query_as::<_, (String, String)>(
                "SELECT private_key, public_key FROM vapid_keys WHERE id = 1",
            )
            .fetch_one(pool)
            .await
            .map(|(private_key, public_key)| VapidKeys {
                private_key,
                public_key,
            })
            .map_err(store_error)
        })
    }

    async fn save_push_subscription(
        &self,
        profile_id: i64,
        subscription: &app::domain::push::Subscription,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = now.trunc_subsecs(0);
        on_pool!(self, |pool| {
            sqlx::query_scalar::<_, i64>(
            "INSERT INTO push_subscriptions (profile_id, endpoint, p256dh, auth, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) \
             ON CONFLICT (endpoint) DO UPDATE SET profile_id = excluded.profile_id, \
             p256dh = excluded.p256dh, auth = excluded.auth, updated_at = excluded.updated_at \
             RETURNING id"
        )
        .bind(profile_id)
        .bind(&subscription.endpoint)
        .bind(&subscription.p256dh)
        .bind(&subscription.auth)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(store_error)
        })
    }

    async fn delete_push_subscription(&self, profile_id: i64, endpoint: &str) -> StoreResult<bool> {
        on_pool!(self, |pool| sqlx::query(
            "DELETE FROM push_subscriptions WHERE profile_id = $1 AND endpoint = $2"
        )
        .bind(profile_id)
        .bind(endpoint)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1)
        .map_err(store_error))
    }

    async fn push_subscriptions(
        &self,
        profile_id: i64,
    ) -> StoreResult<Vec<PushSubscriptionRecord>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            profile_id: i64,
            endpoint: String,
            p256dh: String,
            auth: String,
            created_at: DateTime<Utc>,
            updated_at: DateTime<Utc>,
        }
        on_pool!(self, |pool| sqlx::query_as::<_, Row>(
            "SELECT id, profile_id, endpoint, p256dh, auth, created_at, updated_at \
             FROM push_subscriptions WHERE profile_id = $1 ORDER BY id"
        )
        .bind(profile_id)
        .fetch_all(pool)
        .await
        .map(|rows| {
            rows.into_iter()
                .map(|r| PushSubscriptionRecord {
                    id: r.id,
                    profile_id: r.profile_id,
                    subscription: app::domain::push::Subscription {
                        endpoint: r.endpoint,
                        p256dh: r.p256dh,
                        auth: r.auth,
                    },
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                })
                .collect()
        })
        .map_err(store_error))
    }

    async fn passkey_handle(&self, user_id: i64, candidate: &str) -> StoreResult<String> {
        accounts::passkey_handle(self, user_id, candidate).await
    }

    async fn save_passkey_ceremony(
        &self,
        id_hash: &str,
        user_id: Option<i64>,
        state: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        accounts::save_passkey_ceremony(self, id_hash, user_id, state, expires_at).await
    }

    async fn take_passkey_ceremony(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Option<i64>, String)>> {
        accounts::take_passkey_ceremony(self, id_hash, now).await
    }

    async fn user_passkeys(&self, user_id: i64) -> StoreResult<Vec<PasskeyRecord>> {
        accounts::user_passkeys(self, user_id).await
    }

    async fn add_passkey(
        &self,
        user_id: i64,
        credential_id: &str,
        credential: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<PasskeyRecord> {
        accounts::add_passkey(self, user_id, credential_id, credential, name, now).await
    }

    async fn passkey_by_credential_id(
        &self,
        credential_id: &str,
    ) -> StoreResult<Option<(PasskeyRecord, Option<String>)>> {
        accounts::passkey_by_credential_id(self, credential_id).await
    }

    async fn delete_passkey(&self, user_id: i64, passkey_id: i64) -> StoreResult<bool> {
        accounts::delete_passkey(self, user_id, passkey_id).await
    }

    async fn complete_passkey_sign_in(
        &self,
        passkey_id: i64,
        updated_credential: Option<&str>,
        session: &NewSession,
        device_profile: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SignedIn>> {
        accounts::complete_passkey_sign_in(
            self,
            passkey_id,
            updated_credential,
            session,
            device_profile,
            now,
        )
        .await
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        accounts::purge_expired(self, now).await
    }

    async fn record_post_views(&self, post_ids: &[i64], now: DateTime<Utc>) -> StoreResult<()> {
        posts::record_views(self, post_ids, now).await
    }

    async fn post_view_counts(&self, post_ids: &[i64]) -> StoreResult<Vec<(i64, i64)>> {
        posts::view_counts(self, post_ids).await
    }
}

/// Moves the follows and push subscriptions of profile `$1` into profile `$2` and deletes `$1`.
pub(super) const MERGE_PROFILES: [&str; 5] = [
    "INSERT INTO shop_follows (profile_id, shop_id, created_at, notify) \
     SELECT $2, shop_id, created_at, notify FROM shop_follows WHERE profile_id = $1 \
     ON CONFLICT (profile_id, shop_id) DO NOTHING",
    "INSERT INTO district_follows (profile_id, district_id, created_at, notify) \
     SELECT $2, district_id, created_at, notify FROM district_follows WHERE profile_id = $1 \
     ON CONFLICT (profile_id, district_id) DO NOTHING",
    // The account's own push settings win over the phone's.
    "INSERT INTO push_settings (profile_id, quiet_start, quiet_end, shop_pushes_per_day, \
     district_pushes_per_week, updated_at) SELECT $2, quiet_start, quiet_end, \
     shop_pushes_per_day, district_pushes_per_week, updated_at FROM push_settings \
     WHERE profile_id = $1 ON CONFLICT (profile_id) DO NOTHING",
    "UPDATE push_subscriptions SET profile_id = $2 WHERE profile_id = $1",
    "DELETE FROM device_profiles WHERE id = $1 AND $2 = $2",
];

/// The `WHERE` condition of a feed scope, using `$n` for the scope's id (bound as 0 for the
/// whole town, where it is unused but still bound).
fn scope_clause(scope: FeedScope, n: usize) -> (String, i64) {
    match scope {
        FeedScope::Profile(id) => (
            format!(
                "(shop_id IN (SELECT shop_id FROM shop_follows WHERE profile_id = ${n}) \
                 OR district_id IN (SELECT district_id FROM district_follows WHERE profile_id = ${n}) \
                 OR district_id IN (SELECT s.district_id FROM shop_follows f \
                 JOIN shops s ON s.id = f.shop_id WHERE f.profile_id = ${n}))"
            ),
            id,
        ),
        FeedScope::Shop(id) => (format!("shop_id = ${n}"), id),
        FeedScope::District(id) => (
            format!(
                "(district_id = ${n} OR shop_id IN (SELECT id FROM shops WHERE district_id = ${n}))"
            ),
            id,
        ),
        FeedScope::Town => (format!("${n} = ${n}"), 0),
    }
}

impl SqlStore {
    /// Recomputes the text of the current posts of these shops (what search matches them by).
    pub(crate) async fn refresh_shop_posts_text(
        &self,
        shop_ids: &[i64],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let aggregate = match self.pool {
            Pool::Sqlite(_) => "group_concat(p.search_text, ' ')",
            Pool::Postgres(_) => "string_agg(p.search_text, ' ')",
        };
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

    /// Push settings from a row of (quiet start, quiet end, per shop per day, district posts per
    /// week) that `sql` selects by `$1`; quiet hours only when both ends are set.
    async fn push_settings_row(&self, sql: &str, id: i64) -> StoreResult<Option<PushSettings>> {
        type Row = (Option<i32>, Option<i32>, Option<i32>, Option<i32>);
        let row: Option<Row> = on_pool!(self, |pool| sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(store_error))?;
        Ok(row.map(|(start, end, per_day, per_week)| PushSettings {
            quiet: match (start, end) {
                (Some(start), Some(end)) => Some(app::domain::push::QuietHours {
                    start: start.clamp(0, 1439) as u16,
                    end: end.clamp(0, 1439) as u16,
                }),
                _ => None,
            },
            shop_pushes_per_day: per_day.map(i64::from),
            district_pushes_per_week: per_week.map(i64::from),
        }))
    }

    /// Inserts many shop posts at once (generated data for benchmarks, bulk loads), in one
    /// transaction. Authors are not checked: callers pass shops of the town.
    pub async fn insert_posts_bulk(
        &self,
        town_id: i64,
        posts: &[NewPost],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let written = Utc::now().trunc_subsecs(0);
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            for chunk in posts.chunks(500) {
                let sql = format!(
                    "INSERT INTO posts (town_id, shop_id, district_id, kind, title, body, \
                     valid_until, starts_at, search_text, published_at, created_at, updated_at) \
                     VALUES {}",
                    values_placeholders(chunk.len(), 11, &[11])
                );
                let mut query = sqlx::query(&sql);
                for post in chunk {
                    let (shop_id, district_id) = match post.author {
                        PostAuthor::Shop(id) => (Some(id), None),
                        PostAuthor::District(id) => (None, Some(id)),
                    };
                    query = query
                        .bind(town_id)
                        .bind(shop_id)
                        .bind(district_id)
                        .bind(post.kind.as_str())
                        .bind(&post.title)
                        .bind(&post.body)
                        .bind(post.valid_until.map(|t| t.trunc_subsecs(0)))
                        .bind(post.starts_at.map(|t| t.trunc_subsecs(0)))
                        .bind(search::post_text(
                            &post.title,
                            &post.body,
                            post.place.as_deref(),
                        ))
                        .bind(post.published_at.trunc_subsecs(0))
                        .bind(written);
                }
                query.execute(&mut *tx).await.map_err(store_error)?;
            }
            tx.commit().await.map_err(store_error)
        })?;
        let mut shop_ids: Vec<i64> = posts
            .iter()
            .filter_map(|p| match p.author {
                PostAuthor::Shop(id) => Some(id),
                PostAuthor::District(_) => None,
            })
            .collect();
        shop_ids.sort_unstable();
        shop_ids.dedup();
        self.refresh_shop_posts_text(&shop_ids, now).await
    }
}

/// `($1, …, $n), ($n+1, …)`: `rows` groups of `columns` placeholders, each followed by the
/// 1-based columns of `repeat` again (one value bound for two columns).
fn values_placeholders(rows: usize, columns: usize, repeat: &[usize]) -> String {
    (0..rows)
        .map(|row| {
            let base = row * columns;
            let mut cells: Vec<String> = (1..=columns).map(|c| format!("${}", base + c)).collect();
            cells.extend(repeat.iter().map(|c| format!("${}", base + c)));
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
