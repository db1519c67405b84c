//! What spans the features: the health check, rate limits and the purge of expired rows.

use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};

use super::sql::*;
use super::{Pool, SqlStore};

/// Days after which an idle device profile with nothing in it is deleted.
pub const IDLE_DEVICE_PROFILE_DAYS: i64 = 90;

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        on_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ())
            .map_err(store_error))
    }

    async fn migrations_applied(&self) -> StoreResult<bool> {
        let applied = self.schema_version().await.map_err(store_error)?;
        Ok(applied.is_some() && applied >= self.expected_schema_version())
    }

    async fn hit_rate_limit(
        &self,
        key: &str,
        window: TimeDelta,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let sql = "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1) \
                   ON CONFLICT (key) DO UPDATE SET \
                   hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 \
                          ELSE rate_limits.hits + 1 END, \
                   window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 \
                          ELSE rate_limits.window_start END \
                   RETURNING hits";
        let now = now.trunc_subsecs(0);
        on_pool!(self, |pool| sqlx::query_scalar::<_, i64>(sql)
            .bind(key)
            .bind(now)
            .bind(now - window)
            .fetch_one(pool)
            .await
            .map_err(store_error))
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let now = now.trunc_subsecs(0);
        // Rate-limit windows are at most a day long.
        let statements = [
            ("DELETE FROM sign_in_links WHERE expires_at < $1", now),
            ("DELETE FROM sessions WHERE expires_at < $1", now),
            ("DELETE FROM passkey_ceremonies WHERE expires_at < $1", now),
            (
                "DELETE FROM rate_limits WHERE window_start < $1",
                now - TimeDelta::days(1),
            ),
            // A phone that follows nothing, has no subscription, is no account's and was not seen
            // for 90 days is forgotten (cookie-less requests make one each, and would otherwise
            // pile up).
            (
                "DELETE FROM device_profiles WHERE last_seen_at < $1 \
                 AND NOT EXISTS (SELECT 1 FROM shop_follows f WHERE f.profile_id = device_profiles.id) \
                 AND NOT EXISTS (SELECT 1 FROM district_follows f WHERE f.profile_id = device_profiles.id) \
                 AND NOT EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.profile_id = device_profiles.id) \
                 AND NOT EXISTS (SELECT 1 FROM users u WHERE u.profile_id = device_profiles.id) \
                 AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.profile_id = device_profiles.id)",
                now - TimeDelta::days(IDLE_DEVICE_PROFILE_DAYS),
            ),
            // Notices carry texts (messages, answers, reviews): kept only until they are sent,
            // and a day more; those whose browser went, at once.
            (
                "DELETE FROM push_notices WHERE (state <> 'pending' AND finished_at < $1) \
                 OR subscription_id IS NULL",
                now - TimeDelta::days(1),
            ),
            // The caps look back a week at most.
            (
                "DELETE FROM push_cap_ledger WHERE counted_at < $1",
                now - TimeDelta::days(8),
            ),
        ];
        let mut deleted = 0;
        for (sql, before) in statements {
            deleted += on_pool!(self, |pool| sqlx::query(sql)
                .bind(before)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
                .map_err(store_error))?;
        }
        // The day's marks and salt serve that day only (a town's day ends at most 12 hours
        // after UTC's, in UTC-12): two days later both go, and with the salt any way to
        // match them.
        let two_days_ago = (now - TimeDelta::days(2)).format("%Y-%m-%d").to_string();
        for sql in [
            "DELETE FROM daily_marks WHERE day < $1",
            "DELETE FROM daily_salts WHERE day < $1",
        ] {
            deleted += on_pool!(self, |pool| sqlx::query(sql)
                .bind(&two_days_ago)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
                .map_err(store_error))?;
        }
        Ok(deleted)
    }
}
