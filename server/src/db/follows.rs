//! Device profiles and their follows.

use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};

use super::sql::*;
use super::{BeginWrite, Pool, SqlStore};

/// Moves the follows and push subscriptions of profile `$1` into profile `$2` and deletes `$1`.
pub(super) const MERGE_PROFILES: [&str; 6] = [
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
    // The phone's messages (and their answers) stay on its "Mes messages".
    "UPDATE messages SET profile_id = $2 WHERE profile_id = $1",
    "DELETE FROM device_profiles WHERE id = $1 AND $2 = $2",
];

#[async_trait]
impl FollowStore for SqlStore {
    async fn device_profile(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        // Seen-times are kept to the day: enough to expire idle profiles, no activity trail.
        let day = day_of(now);
        let sql = "UPDATE device_profiles SET last_seen_at = $2 WHERE token_hash = $1 \
                   RETURNING id";
        on_pool!(self, |pool| sqlx::query_scalar::<_, i64>(sql)
            .bind(token_hash)
            .bind(day)
            .fetch_optional(pool)
            .await
            .map_err(store_error))
    }

    async fn known_device_profile(&self, token_hash: &str) -> StoreResult<Option<i64>> {
        on_pool!(self, |pool| sqlx::query_scalar::<_, i64>(
            "SELECT id FROM device_profiles WHERE token_hash = $1"
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await
        .map_err(store_error))
    }

    async fn create_device_profile(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let day = day_of(now);
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
    ) -> StoreResult<bool> {
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
            .map(|r| r.rows_affected() > 0)
            .map_err(store_error))
    }

    async fn set_follow_notify(
        &self,
        profile_id: i64,
        target: FollowTarget,
        notify: app::domain::follows::Notify,
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

    async fn follow_notifications(
        &self,
        profile_id: i64,
    ) -> StoreResult<Vec<(FollowTarget, app::domain::follows::Notify)>> {
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
                    app::domain::follows::Notify::parse(&notify).unwrap_or_default(),
                )
            })
            .collect())
    }

    async fn set_district_follow(
        &self,
        profile_id: i64,
        district_id: i64,
        follow: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
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
            .map(|r| r.rows_affected() > 0)
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

    async fn shop_follower_stats(
        &self,
        shop_id: i64,
        since: DateTime<Utc>,
    ) -> StoreResult<FollowerStats> {
        let sql =
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN created_at >= $2 THEN 1 ELSE 0 END), 0) \
                   FROM shop_follows WHERE shop_id = $1";
        let (total, new_since): (i64, i64) = on_pool!(self, |pool| sqlx::query_as(sql)
            .bind(shop_id)
            .bind(since.trunc_subsecs(0))
            .fetch_one(pool)
            .await
            .map_err(store_error))?;
        Ok(FollowerStats { total, new_since })
    }
}
