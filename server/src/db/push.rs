//! Web Push: the site's keys, subscriptions, residents' and the town's settings, and the
//! figures of sent notifications (the deliveries themselves are in `outbox.rs`).

use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};

use super::sql::*;
use super::{Pool, SqlStore};

/// A post's (or a shop's) notification figures from its deliveries `d` (each `n` of them): an
/// edit sent again is no new push, only the subscriptions it found gone count.
const SUMMARY_COUNTS: &str = "\
    CAST(COALESCE(SUM(CASE WHEN NOT d.is_update THEN d.n ELSE 0 END), 0) AS BIGINT) AS targeted, \
    CAST(COALESCE(SUM(CASE WHEN NOT d.is_update AND d.state = 'delivered' THEN d.n ELSE 0 END), 0) \
    AS BIGINT) AS delivered, \
    CAST(COALESCE(SUM(CASE WHEN NOT d.is_update AND d.state = 'pending' THEN d.n ELSE 0 END), 0) \
    AS BIGINT) AS pending, \
    CAST(COALESCE(SUM(CASE WHEN NOT d.is_update AND d.state = 'capped' THEN d.n ELSE 0 END), 0) \
    AS BIGINT) AS capped, \
    CAST(COALESCE(SUM(CASE WHEN NOT d.is_update AND d.state = 'failed' THEN d.n ELSE 0 END), 0) \
    AS BIGINT) AS failed, \
    CAST(COALESCE(SUM(CASE WHEN d.state = 'gone' THEN d.n ELSE 0 END), 0) AS BIGINT) AS pruned";

/// The deliveries of the posts that `posts` selects (a condition on `post_id`) as rows
/// (post_id, is_update, state, n): those of the last 30 days one by one, older ones by their
/// tallies (written by the hourly purge, `SqlStore::archive_deliveries`).
pub(super) fn deliveries_counted(posts: &str) -> String {
    format!(
        "(SELECT post_id, is_update, state, 1 AS n FROM push_deliveries WHERE {posts} \
         UNION ALL SELECT post_id, is_update, state, deliveries AS n FROM push_delivery_tallies \
         WHERE {posts})"
    )
}

/// (id, clicks, targeted, delivered, pending, capped, failed, pruned)
type SummaryRow = (i64, i32, i64, i64, i64, i64, i64, i64);

fn summary(
    (_, clicks, targeted, delivered, pending, capped, failed, pruned): SummaryRow,
) -> app::domain::push::PushSummary {
    app::domain::push::PushSummary {
        targeted,
        delivered,
        pending,
        capped,
        failed,
        pruned,
        clicks: i64::from(clicks),
    }
}

#[async_trait]
impl PushStore for SqlStore {
    async fn post_push_summaries(
        &self,
        post_ids: &[i64],
    ) -> StoreResult<Vec<(i64, app::domain::push::PushSummary)>> {
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = placeholders(1, post_ids.len());
        let deliveries = deliveries_counted(&format!("post_id IN ({ids})"));
        let sql = format!(
            "SELECT p.id, p.push_clicks, {SUMMARY_COUNTS} \
             FROM posts p JOIN {deliveries} d ON d.post_id = p.id \
             WHERE p.id IN ({ids}) GROUP BY p.id, p.push_clicks"
        );
        let rows: Vec<SummaryRow> = on_pool!(self, |pool| {
            let mut query = sqlx::query_as(&sql);
            for id in post_ids {
                query = query.bind(id);
            }
            query.fetch_all(pool).await.map_err(store_error)
        })?;
        Ok(rows.into_iter().map(|r| (r.0, summary(r))).collect())
    }

    async fn shop_push_summary(
        &self,
        shop_id: i64,
        since: DateTime<Utc>,
    ) -> StoreResult<app::domain::push::PushSummary> {
        let sql = format!(
            "SELECT 0 AS id, CAST((SELECT COALESCE(SUM(q.push_clicks), 0) FROM posts q \
             WHERE q.shop_id = $1 AND EXISTS (SELECT 1 FROM push_deliveries e \
             WHERE e.post_id = q.id AND e.created_at > $2)) AS INTEGER) AS clicks, \
             {SUMMARY_COUNTS} FROM posts p JOIN (SELECT post_id, is_update, state, created_at, \
             1 AS n FROM push_deliveries) d ON d.post_id = p.id \
             WHERE p.shop_id = $1 AND d.created_at > $2"
        );
        let row: SummaryRow = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(shop_id)
            .bind(since.trunc_subsecs(0))
            .fetch_one(pool)
            .await
            .map_err(store_error))?;
        Ok(summary(row))
    }

    async fn shop_push_reach(&self, shop_id: i64) -> StoreResult<i64> {
        on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM push_subscriptions s JOIN shop_follows f \
             ON f.profile_id = s.profile_id WHERE f.shop_id = $1 AND f.notify = 'all' \
             AND (s.town_id IS NULL OR s.town_id = (SELECT town_id FROM shops WHERE id = $1))"
        )
        .bind(shop_id)
        .fetch_one(pool)
        .await
        .map_err(store_error))
    }

    async fn district_push_reach(&self, district_id: i64) -> StoreResult<(i64, i64)> {
        let wants = "f.notify IN ('all', 'events')";
        let here =
            "(s.town_id IS NULL OR s.town_id = (SELECT town_id FROM districts WHERE id = $1))";
        let sql = format!(
            "SELECT \
             (SELECT COUNT(*) FROM push_subscriptions s WHERE {here} AND s.profile_id IN \
               (SELECT f.profile_id FROM district_follows f WHERE f.district_id = $1 AND {wants})), \
             (SELECT COUNT(*) FROM push_subscriptions s WHERE {here} AND s.profile_id IN \
               (SELECT f.profile_id FROM district_follows f WHERE f.district_id = $1 AND {wants} \
                UNION SELECT f.profile_id FROM shop_follows f JOIN shops sh ON sh.id = f.shop_id \
                WHERE sh.district_id = $1 AND {wants}))"
        );
        on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(district_id)
            .fetch_one(pool)
            .await
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

    async fn vapid_keys(
        &self,
        town_id: i64,
        candidate: &VapidKeys,
        now: DateTime<Utc>,
    ) -> StoreResult<VapidKeys> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO town_vapid_keys (town_id, private_key, public_key, created_at) \
                 VALUES ($4, $1, $2, $3) ON CONFLICT (town_id) DO NOTHING",
            )
            .bind(&candidate.private_key)
            .bind(&candidate.public_key)
            .bind(now.trunc_subsecs(0))
            .bind(town_id)
            .execute(pool)
            .await
            .map_err(store_error)?;
            sqlx::query_as::<_, (String, String)>(
                "SELECT private_key, public_key FROM town_vapid_keys WHERE town_id = $1",
            )
            .bind(town_id)
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
        town_id: Option<i64>,
        subscription: &app::domain::push::Subscription,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = now.trunc_subsecs(0);
        on_pool!(self, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO push_subscriptions (profile_id, endpoint, p256dh, auth, created_at, \
             updated_at, town_id) VALUES ($1, $2, $3, $4, $5, $5, $6) \
             ON CONFLICT (endpoint) DO UPDATE SET profile_id = excluded.profile_id, \
             p256dh = excluded.p256dh, auth = excluded.auth, updated_at = excluded.updated_at, \
             town_id = excluded.town_id RETURNING id",
            )
            .bind(profile_id)
            .bind(&subscription.endpoint)
            .bind(&subscription.p256dh)
            .bind(&subscription.auth)
            .bind(now)
            .bind(town_id)
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
}

impl SqlStore {
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
}
