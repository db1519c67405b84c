//! Posts as merchants and stewards write them: publish (idempotent), edit, delete, list, views.

use app::domain::search;
use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};

use super::rows::*;
use super::sql::*;
use super::{BeginWrite, Pool, SqlStore};

/// Binds a post's content, in the order of the columns kind … published_at (eleven values).
macro_rules! bind_content {
    ($query:expr, $post:expr, $text:expr) => {
        $query
            .bind($post.kind.as_str())
            .bind(&$post.title)
            .bind(&$post.body)
            .bind(&$post.photo)
            .bind(second($post.valid_from))
            .bind(second($post.valid_until))
            .bind(second($post.starts_at))
            .bind(second($post.ends_at))
            .bind(&$post.place)
            .bind(&$text)
            .bind($post.published_at.trunc_subsecs(0))
    };
}

async fn by_idempotency_key(
    store: &SqlStore,
    town_id: i64,
    key: &str,
) -> StoreResult<Option<Post>> {
    let sql =
        format!("SELECT {POST_COLUMNS} FROM posts WHERE town_id = $1 AND idempotency_key = $2");
    let post = on_pool!(store, |pool| sqlx::query_as::<_, PostRow>(&sql)
        .bind(town_id)
        .bind(key)
        .fetch_optional(pool)
        .await
        .map(|row| row.and_then(PostRow::into_post))
        .map_err(store_error))?;
    Ok(with_co_organisers(store, post.into_iter().collect())
        .await?
        .pop())
}

/// Fills in the co-organisers of the district posts among `posts` (one query, none when there is
/// no district post).
pub(super) async fn with_co_organisers(
    store: &SqlStore,
    mut posts: Vec<Post>,
) -> StoreResult<Vec<Post>> {
    let ids: Vec<i64> = posts
        .iter()
        .filter(|p| matches!(p.content.author, PostAuthor::District(_)))
        .map(|p| p.id)
        .collect();
    for chunk in ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT post_id, shop_id FROM post_shops WHERE post_id IN ({}) \
             ORDER BY post_id, shop_id",
            placeholders.join(", ")
        );
        let pairs: Vec<(i64, i64)> = on_pool!(store, |pool| {
            let mut query = sqlx::query_as(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            query.fetch_all(pool).await.map_err(store_error)
        })?;
        for (post_id, shop_id) in pairs {
            if let Some(post) = posts.iter_mut().find(|p| p.id == post_id) {
                post.content.broadcast.co_organisers.push(shop_id);
            }
        }
    }
    Ok(posts)
}

/// Writes the co-organisers of a post in transaction `$tx` (replacing any): shops of the post's
/// district only, others are left out.
macro_rules! write_co_organisers {
    ($tx:expr, $id:expr, $shops:expr) => {{
        sqlx::query("DELETE FROM post_shops WHERE post_id = $1")
            .bind($id)
            .execute(&mut *$tx)
            .await?;
        for shop_id in $shops {
            sqlx::query(
                "INSERT INTO post_shops (post_id, shop_id) SELECT p.id, s.id FROM posts p \
                 JOIN shops s ON s.district_id = p.district_id WHERE p.id = $1 AND s.id = $2 \
                 ON CONFLICT DO NOTHING",
            )
            .bind($id)
            .bind(shop_id)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

/// How long after an edit the phones that have the post get its new version (the edits made
/// meanwhile go in the same message).
pub const UPDATE_PUSH_DELAY: TimeDelta = TimeDelta::seconds(60);
/// The most times a post is sent again after edits (later edits reach the feed and the copies
/// still waiting only).
pub const MAX_UPDATE_PUSHES: i64 = 3;

#[async_trait]
impl PostStore for SqlStore {
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

    async fn post_by_id(&self, town_id: i64, id: i64) -> StoreResult<Option<Post>> {
        let sql = format!("SELECT {POST_COLUMNS} FROM posts WHERE town_id = $1 AND id = $2");
        let post = on_pool!(self, |pool| sqlx::query_as::<_, PostRow>(&sql)
            .bind(town_id)
            .bind(id)
            .fetch_optional(pool)
            .await
            .map(|row| row.and_then(PostRow::into_post))
            .map_err(store_error))?;
        Ok(with_co_organisers(self, post.into_iter().collect())
            .await?
            .pop())
    }

    async fn publish_post(
        &self,
        town_id: i64,
        post: &NewPost,
        origin: &PostOrigin,
        now: DateTime<Utc>,
    ) -> StoreResult<(Post, bool)> {
        if let Some(key) = &origin.idempotency_key {
            if let Some(existing) = by_idempotency_key(self, town_id, key).await? {
                return Ok((existing, false));
            }
        }
        let (shop_id, district_id) = match post.author {
            PostAuthor::Shop(id) => (Some(id), None),
            PostAuthor::District(id) => (None, Some(id)),
        };
        // The author must be of this town: the INSERT selects from it.
        let author_check = match post.author {
            PostAuthor::Shop(_) => "SELECT 1 FROM shops WHERE id = $2 AND town_id = $1",
            PostAuthor::District(_) => "SELECT 1 FROM districts WHERE id = $3 AND town_id = $1",
        };
        let sql = format!(
            "INSERT INTO posts (town_id, shop_id, district_id, kind, title, body, photo, \
             valid_from, valid_until, starts_at, ends_at, place, search_text, published_at, \
             created_at, updated_at, author_user_id, by_steward, idempotency_key, \
             notify_shop_followers) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17, $18, $19 \
             WHERE EXISTS ({author_check}) RETURNING {POST_COLUMNS}"
        );
        let text = search::post_text(&post.title, &post.body, post.place.as_deref());
        // The post and its push job are written together: a post is never published without its
        // notifications being queued, whatever happens to this process afterwards.
        let inserted = on_pool!(self, |pool| async {
            let mut tx = pool.begin_write().await?;
            let row = bind_content!(
                sqlx::query_as::<_, PostRow>(&sql)
                    .bind(town_id)
                    .bind(shop_id)
                    .bind(district_id),
                post,
                text
            )
            .bind(now.trunc_subsecs(0))
            .bind(origin.user_id)
            .bind(origin.by_steward)
            .bind(&origin.idempotency_key)
            .bind(post.broadcast.notify_shop_followers)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = &row {
                write_co_organisers!(tx, row.id, &post.broadcast.co_organisers);
                sqlx::query(
                    "INSERT INTO push_jobs (post_id, due_at, created_at) VALUES ($1, $2, $3)",
                )
                .bind(row.id)
                .bind(row.published_at.max(now.trunc_subsecs(0)))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(row)
        }
        .await
        .map_err(store_error));
        let row = match (inserted, &origin.idempotency_key) {
            // The same key sent twice at once: the other request won.
            (Err(StoreError::Conflict(_)), Some(key)) => {
                if let Some(existing) = by_idempotency_key(self, town_id, key).await? {
                    return Ok((existing, false));
                }
                return Err(StoreError::Conflict("duplicate post".into()));
            }
            (result, _) => result?,
        };
        let post = row
            .and_then(PostRow::into_post)
            .ok_or_else(|| StoreError::Conflict("the post's author is not in this town".into()))?;
        let post = with_co_organisers(self, vec![post])
            .await?
            .pop()
            .ok_or_else(|| StoreError::Conflict("the post vanished".into()))?;
        if let PostAuthor::Shop(shop_id) = post.content.author {
            self.refresh_shop_posts_text(&[shop_id], now).await?;
        }
        Ok((post, true))
    }

    async fn update_post(
        &self,
        town_id: i64,
        id: i64,
        post: &NewPost,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Post>> {
        let sql = format!(
            "UPDATE posts SET kind = $3, title = $4, body = $5, photo = $6, valid_from = $7, \
             valid_until = $8, starts_at = $9, ends_at = $10, place = $11, search_text = $12, \
             published_at = $13, updated_at = $14, notify_shop_followers = $15 \
             WHERE town_id = $1 AND id = $2 \
             RETURNING {POST_COLUMNS}"
        );
        let lock = self.dialect().for_update();
        let before_sql =
            format!("SELECT title, body, photo FROM posts WHERE town_id = $1 AND id = $2{lock}");
        let text = search::post_text(&post.title, &post.body, post.place.as_deref());
        let now = now.trunc_subsecs(0);
        // The post and what its notifications need are changed together.
        let row = on_pool!(self, |pool| {
            async {
            let mut tx = pool.begin_write().await?;
            let before: Option<(String, String, Option<String>)> = sqlx::query_as(&before_sql)
                .bind(town_id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let row = bind_content!(
                sqlx::query_as::<_, PostRow>(&sql).bind(town_id).bind(id),
                post,
                text
            )
            .bind(now)
            .bind(post.broadcast.notify_shop_followers)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = &row {
                write_co_organisers!(tx, row.id, &post.broadcast.co_organisers);
            }
            if let (Some(row), Some((title, body, photo))) = (&row, before) {
                // Not announced yet: the announcement follows the publication time.
                sqlx::query(
                    "UPDATE push_jobs SET due_at = $2 WHERE post_id = $1 AND kind = 'publish' \
                     AND expanded_at IS NULL",
                )
                .bind(row.id)
                .bind(row.published_at.max(now))
                .execute(&mut *tx)
                .await?;
                // Already announced, and what the notification shows changed: the phones that
                // have it get the new version in its place, a minute later (edits in a row go out
                // once), at most `MAX_UPDATE_PUSHES` times per post.
                if title != post.title || body != post.body || photo != post.photo {
                    sqlx::query(
                        "INSERT INTO push_jobs (post_id, kind, due_at, created_at) \
                         SELECT $1, 'update', $2, $3 WHERE EXISTS (SELECT 1 FROM push_jobs \
                         WHERE post_id = $1 AND kind = 'publish' AND expanded_at IS NOT NULL) \
                         AND NOT EXISTS (SELECT 1 FROM push_jobs WHERE post_id = $1 \
                         AND kind = 'update' AND expanded_at IS NULL) \
                         AND (SELECT COUNT(*) FROM push_jobs WHERE post_id = $1 AND kind = 'update') < $4",
                    )
                    .bind(row.id)
                    .bind(now + UPDATE_PUSH_DELAY)
                    .bind(now)
                    .bind(MAX_UPDATE_PUSHES)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(row)
        }
        .await
        .map_err(store_error)
        })?;
        let post = with_co_organisers(self, row.and_then(PostRow::into_post).into_iter().collect())
            .await?
            .pop();
        if let Some(PostAuthor::Shop(shop_id)) = post.as_ref().map(|p| p.content.author) {
            self.refresh_shop_posts_text(&[shop_id], now).await?;
        }
        Ok(post)
    }

    async fn delete_post(&self, town_id: i64, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
        let sql = "DELETE FROM posts WHERE town_id = $1 AND id = $2 RETURNING shop_id";
        let deleted: Option<Option<i64>> = on_pool!(self, |pool| sqlx::query_scalar(sql)
            .bind(town_id)
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(store_error))?;
        if let Some(Some(shop_id)) = deleted {
            self.refresh_shop_posts_text(&[shop_id], now).await?;
        }
        Ok(deleted.is_some())
    }

    async fn shop_posts(&self, town_id: i64, shop_id: i64, limit: i64) -> StoreResult<Vec<Post>> {
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE town_id = $1 AND shop_id = $2 \
             ORDER BY published_at DESC, id DESC LIMIT $3"
        );
        on_pool!(self, |pool| sqlx::query_as::<_, PostRow>(&sql)
            .bind(town_id)
            .bind(shop_id)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map(|rows| rows.into_iter().filter_map(PostRow::into_post).collect())
            .map_err(store_error))
    }

    async fn district_posts(
        &self,
        town_id: i64,
        district_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<Post>> {
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE town_id = $1 AND district_id = $2 \
             ORDER BY published_at DESC, id DESC LIMIT $3"
        );
        let posts = on_pool!(self, |pool| sqlx::query_as::<_, PostRow>(&sql)
            .bind(town_id)
            .bind(district_id)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map(|rows| rows.into_iter().filter_map(PostRow::into_post).collect())
            .map_err(store_error))?;
        with_co_organisers(self, posts).await
    }
}

impl SqlStore {
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
