//! What residents read: timelines, upcoming events, and the posts of Atom and calendar feeds.

use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};

use super::rows::*;
use super::sql::*;
use super::{Pool, SqlStore};

/// The `WHERE` condition of a feed scope, using `$n` for the scope's id (bound as 0 for the
/// whole town, where it is unused but still bound).
fn scope_clause(scope: FeedScope, n: usize) -> (String, i64) {
    match scope {
        FeedScope::Profile(id) => (
            format!(
                "(shop_id IN (SELECT shop_id FROM shop_follows WHERE profile_id = ${n}) \
                 OR district_id IN (SELECT district_id FROM district_follows WHERE profile_id = ${n}) \
                 OR id IN (SELECT ps.post_id FROM post_shops ps JOIN shop_follows f \
                 ON f.shop_id = ps.shop_id WHERE f.profile_id = ${n}) \
                 OR (notify_shop_followers AND district_id IN (SELECT s.district_id \
                 FROM shop_follows f JOIN shops s ON s.id = f.shop_id WHERE f.profile_id = ${n}) \
                 AND NOT EXISTS (SELECT 1 FROM post_shops ps WHERE ps.post_id = posts.id)))"
            ),
            id,
        ),
        // Its own posts and the district's events it co-organises.
        FeedScope::Shop(id) => (
            format!("(shop_id = ${n} OR id IN (SELECT post_id FROM post_shops WHERE shop_id = ${n}))"),
            id,
        ),
        FeedScope::District(id) => (
            format!(
                "(district_id = ${n} OR shop_id IN (SELECT id FROM shops WHERE district_id = ${n}))"
            ),
            id,
        ),
        FeedScope::Town => (format!("${n} = ${n}"), 0),
    }
}

#[async_trait]
impl FeedStore for SqlStore {
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
        let posts = on_pool!(self, |pool| {
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
        })?;
        super::posts::with_co_organisers(self, posts).await
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
        let posts = on_pool!(self, |pool| sqlx::query_as::<_, PostRow>(&sql)
            .bind(town_id)
            .bind(now)
            .bind(limit)
            .bind(scope_id)
            .bind(now - EVENT_WITHOUT_END)
            .fetch_all(pool)
            .await
            .map(|rows| rows.into_iter().filter_map(PostRow::into_post).collect())
            .map_err(store_error))?;
        super::posts::with_co_organisers(self, posts).await
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
        let posts = on_pool!(self, |pool| sqlx::query_as::<_, PostRow>(&sql)
            .bind(town_id)
            .bind(now.trunc_subsecs(0))
            .bind(limit)
            .bind(scope_id)
            .fetch_all(pool)
            .await
            .map(|rows| rows.into_iter().filter_map(PostRow::into_post).collect())
            .map_err(store_error))?;
        super::posts::with_co_organisers(self, posts).await
    }
}
