//! The dashboard's figures read from the feature tables: followers, posts and pushes, reviews.

use app::domain::dashboard::{FollowerCounts, PostFigures, ReviewFigures, StewardActivity};
use app::domain::posts::PostKind;
use app::server::{DashboardStore, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};

use super::sql::store_error;
use super::{Pool, SqlStore};

#[async_trait]
impl DashboardStore for SqlStore {
    async fn follower_counts(&self, town_id: i64) -> StoreResult<FollowerCounts> {
        let shops_sql = "SELECT f.shop_id, COUNT(*) FROM shop_follows f \
                         JOIN shops s ON s.id = f.shop_id WHERE s.town_id = $1 \
                         GROUP BY f.shop_id ORDER BY f.shop_id";
        let districts_sql = "SELECT f.district_id, COUNT(*) FROM district_follows f \
                             JOIN districts d ON d.id = f.district_id WHERE d.town_id = $1 \
                             GROUP BY f.district_id ORDER BY f.district_id";
        on_pool!(self, |pool| {
            let shops = sqlx::query_as::<_, (i64, i64)>(shops_sql)
                .bind(town_id)
                .fetch_all(pool)
                .await
                .map_err(store_error)?;
            let districts = sqlx::query_as::<_, (i64, i64)>(districts_sql)
                .bind(town_id)
                .fetch_all(pool)
                .await
                .map_err(store_error)?;
            Ok(FollowerCounts { shops, districts })
        })
    }

    async fn distinct_followers(&self, town_id: i64, district_id: Option<i64>) -> StoreResult<i64> {
        let (shops, districts) = if district_id.is_some() {
            (" AND s.district_id = $2", " AND d.id = $2")
        } else {
            ("", "")
        };
        // UNION (not UNION ALL): a resident following a shop and its district is one.
        let sql = format!(
            "SELECT COUNT(*) FROM (\
             SELECT f.profile_id FROM shop_follows f JOIN shops s ON s.id = f.shop_id \
             WHERE s.town_id = $1{shops} \
             UNION \
             SELECT f.profile_id FROM district_follows f JOIN districts d ON d.id = f.district_id \
             WHERE d.town_id = $1{districts}) followers"
        );
        on_pool!(self, |pool| {
            let query = sqlx::query_scalar::<_, i64>(&sql).bind(town_id);
            let query = match district_id {
                Some(id) => query.bind(id),
                None => query,
            };
            query.fetch_one(pool).await.map_err(store_error)
        })
    }

    async fn post_figures(
        &self,
        town_id: i64,
        district_id: Option<i64>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<PostFigures>> {
        let district = if district_id.is_some() {
            " AND (p.district_id = $4 OR s.district_id = $4)"
        } else {
            ""
        };
        // The period's posts' deliveries, counted from the (post_id, is_update, state) index
        // alone (with the tallies of older ones), then summed with the posts per shop and kind.
        let deliveries = super::push::deliveries_counted(
            "NOT is_update AND post_id IN (SELECT id FROM posts WHERE town_id = $1 \
             AND published_at >= $2 AND published_at < $3)",
        );
        let sql = format!(
            "SELECT p.shop_id, p.district_id, p.kind, COUNT(*), \
             CAST(COALESCE(SUM(d.targeted), 0) AS BIGINT), \
             CAST(COALESCE(SUM(d.delivered), 0) AS BIGINT), CAST(SUM(p.push_clicks) AS BIGINT) \
             FROM posts p LEFT JOIN shops s ON s.id = p.shop_id \
             LEFT JOIN (SELECT post_id, SUM(n) AS targeted, \
                        SUM(CASE WHEN state = 'delivered' THEN n ELSE 0 END) AS delivered \
                        FROM {deliveries} e GROUP BY post_id) d \
             ON d.post_id = p.id \
             WHERE p.town_id = $1 AND p.published_at >= $2 AND p.published_at < $3{district} \
             GROUP BY p.shop_id, p.district_id, p.kind \
             ORDER BY p.shop_id, p.district_id, p.kind"
        );
        let (from, to) = (from.trunc_subsecs(0), to.trunc_subsecs(0));
        let rows: Vec<(Option<i64>, Option<i64>, String, i64, i64, i64, i64)> =
            on_pool!(self, |pool| {
                let query = sqlx::query_as(&sql).bind(town_id).bind(from).bind(to);
                let query = match district_id {
                    Some(id) => query.bind(id),
                    None => query,
                };
                query.fetch_all(pool).await.map_err(store_error)
            })?;
        Ok(rows
            .into_iter()
            .filter_map(
                |(shop_id, district_id, kind, posts, targeted, delivered, opened)| {
                    Some(PostFigures {
                        shop_id,
                        district_id,
                        kind: PostKind::parse(&kind)?,
                        posts,
                        targeted,
                        delivered,
                        opened,
                    })
                },
            )
            .collect())
    }

    async fn review_figures(
        &self,
        town_id: i64,
        district_id: Option<i64>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<ReviewFigures>> {
        let district = if district_id.is_some() {
            " AND s.district_id = $4"
        } else {
            ""
        };
        let sql = format!(
            "SELECT r.shop_id, COUNT(*), CAST(SUM(r.rating) AS BIGINT), \
             CAST(SUM(CASE WHEN rp.review_id IS NOT NULL AND rp.hidden_reason IS NULL \
             THEN 1 ELSE 0 END) AS BIGINT) \
             FROM reviews r JOIN shops s ON s.id = r.shop_id \
             LEFT JOIN review_replies rp ON rp.review_id = r.id \
             WHERE r.town_id = $1 AND r.status = 'published' \
             AND r.created_at >= $2 AND r.created_at < $3{district} \
             GROUP BY r.shop_id ORDER BY r.shop_id"
        );
        let (from, to) = (from.trunc_subsecs(0), to.trunc_subsecs(0));
        let rows: Vec<(i64, i64, i64, i64)> = on_pool!(self, |pool| {
            let query = sqlx::query_as(&sql).bind(town_id).bind(from).bind(to);
            let query = match district_id {
                Some(id) => query.bind(id),
                None => query,
            };
            query.fetch_all(pool).await.map_err(store_error)
        })?;
        Ok(rows
            .into_iter()
            .map(|(shop_id, reviews, rating_sum, answered)| ReviewFigures {
                shop_id,
                reviews,
                rating_sum,
                answered,
            })
            .collect())
    }

    async fn steward_activity(
        &self,
        town_id: i64,
        district_id: Option<i64>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<StewardActivity> {
        let (invitations_in, posts_in) = if district_id.is_some() {
            (
                " AND (i.district_id = $4 OR s.district_id = $4)",
                " AND (p.district_id = $4 OR s.district_id = $4)",
            )
        } else {
            ("", "")
        };
        let invitations_sql = format!(
            "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN i.used_at IS NOT NULL THEN 1 ELSE 0 END), 0) \
             AS BIGINT) FROM invitations i LEFT JOIN shops s ON s.id = i.shop_id \
             WHERE i.town_id = $1 AND i.role <> 'admin' AND i.created_at >= $2 \
             AND i.created_at < $3{invitations_in}"
        );
        let posts_sql = format!(
            "SELECT CAST(COALESCE(SUM(CASE WHEN p.district_id IS NOT NULL THEN 1 ELSE 0 END), 0) \
             AS BIGINT), CAST(COALESCE(SUM(CASE WHEN p.by_steward THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM posts p LEFT JOIN shops s ON s.id = p.shop_id \
             WHERE p.town_id = $1 AND p.published_at >= $2 AND p.published_at < $3{posts_in}"
        );
        let (from, to) = (from.trunc_subsecs(0), to.trunc_subsecs(0));
        on_pool!(self, |pool| {
            let query = sqlx::query_as::<_, (i64, i64)>(&invitations_sql)
                .bind(town_id)
                .bind(from)
                .bind(to);
            let query = match district_id {
                Some(id) => query.bind(id),
                None => query,
            };
            let (invitations, accepted) = query.fetch_one(pool).await.map_err(store_error)?;
            let query = sqlx::query_as::<_, (i64, i64)>(&posts_sql)
                .bind(town_id)
                .bind(from)
                .bind(to);
            let query = match district_id {
                Some(id) => query.bind(id),
                None => query,
            };
            let (district_posts, posts_on_behalf) =
                query.fetch_one(pool).await.map_err(store_error)?;
            Ok(StewardActivity {
                invitations,
                accepted,
                district_posts,
                posts_on_behalf,
            })
        })
    }
}
