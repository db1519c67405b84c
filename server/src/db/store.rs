//! What spans the features: the health check, rate limits and the purge of expired rows.

use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};

use super::sql::*;
use super::{BeginWrite, Pool, SqlStore};

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
        use app::domain::privacy::*;
        let now = now.trunc_subsecs(0);
        let days = |n: i64| now - TimeDelta::days(n);
        let mut deleted = self.forget_idle_profiles(now).await?;
        let statements = [
            ("DELETE FROM sign_in_links WHERE expires_at < $1", now),
            ("DELETE FROM sessions WHERE expires_at < $1", now),
            ("DELETE FROM passkey_ceremonies WHERE expires_at < $1", now),
            (
                "DELETE FROM rate_limits WHERE window_start < $1",
                days(RATE_LIMIT_DAYS),
            ),
            // Notices carry texts (messages, answers, reviews): kept only until they are sent,
            // and a day more; those whose browser went, at once.
            (
                "DELETE FROM push_notices WHERE (state <> 'pending' AND finished_at < $1) \
                 OR subscription_id IS NULL",
                days(NOTICE_DAYS),
            ),
            // The caps look back a week at most.
            (
                "DELETE FROM push_cap_ledger WHERE counted_at < $1",
                days(CAP_LEDGER_DAYS),
            ),
            // A private message a year after the last exchange.
            (
                "DELETE FROM messages WHERE COALESCE(answered_at, created_at) < $1",
                days(MESSAGE_DAYS),
            ),
            // Invitations used or expired more than four years ago (their figures are the
            // dashboard's for that long).
            (
                "DELETE FROM invitations WHERE (used_at IS NOT NULL AND used_at < $1) \
                 OR (used_at IS NULL AND expires_at < $1)",
                days(INVITATION_DAYS),
            ),
        ];
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
        let marks_before = days(DAILY_MARK_DAYS).format("%Y-%m-%d").to_string();
        for sql in [
            "DELETE FROM daily_marks WHERE day < $1",
            "DELETE FROM daily_salts WHERE day < $1",
        ] {
            deleted += on_pool!(self, |pool| sqlx::query(sql)
                .bind(&marks_before)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
                .map_err(store_error))?;
        }
        // Last: a failure here leaves the rest done.
        deleted += self.archive_deliveries(days(DELIVERY_ROWS_DAYS)).await?;
        Ok(deleted)
    }

    async fn photo_in_use(&self, name: &str) -> StoreResult<bool> {
        // Shops keep their photos' names separated by spaces; a name is 32 hex digits (no
        // wildcard of LIKE).
        if !app::server::is_photo_name(name) {
            return Ok(false);
        }
        let sql = "SELECT CASE WHEN EXISTS (SELECT 1 FROM posts WHERE photo = $1) \
                   OR EXISTS (SELECT 1 FROM shops WHERE ' ' || photos || ' ' LIKE $2) \
                   THEN 1 ELSE 0 END";
        let pattern = format!("% {name} %");
        on_pool!(self, |pool| sqlx::query_scalar::<_, i32>(sql)
            .bind(name)
            .bind(&pattern)
            .fetch_one(pool)
            .await
            .map(|n| n > 0)
            .map_err(store_error))
    }

    async fn schema_is_current(&self) -> StoreResult<bool> {
        let applied = self.schema_version().await.map_err(store_error)?;
        Ok(applied == self.expected_schema_version())
    }

    async fn photos_in_use(&self) -> StoreResult<std::collections::HashSet<String>> {
        let rows: Vec<String> = on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT photo FROM posts WHERE photo IS NOT NULL \
             UNION SELECT photos FROM shops WHERE photos <> ''"
        )
        .fetch_all(pool)
        .await
        .map_err(store_error))?;
        Ok(rows
            .iter()
            .flat_map(|names| names.split_whitespace())
            .map(str::to_owned)
            .collect())
    }
}

/// Deliveries archived per transaction (the write lock is held that long on SQLite).
const ARCHIVE_BATCH: i64 = 5_000;

/// The phones' profiles to forget, with [`FORGET_PROFILE`]'s clean-ups (`$1`: the idle limit,
/// `$2`: the limit past which a phone's cookie has expired):
/// - a phone that follows nothing, has no subscription, is no account's, wrote no message and
///   was not seen for 90 days (cookie-less requests make one each, and would otherwise pile up);
/// - whatever it follows, a phone not seen since its cookie expired, unless its notifications
///   still arrive or it is an account's (which goes with the account).
const IDLE_PROFILES: &str = "DELETE FROM device_profiles WHERE \
     NOT EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.profile_id = device_profiles.id) \
     AND NOT EXISTS (SELECT 1 FROM users u WHERE u.profile_id = device_profiles.id) \
     AND (last_seen_at < $2 OR (last_seen_at < $1 \
     AND NOT EXISTS (SELECT 1 FROM shop_follows f WHERE f.profile_id = device_profiles.id) \
     AND NOT EXISTS (SELECT 1 FROM district_follows f WHERE f.profile_id = device_profiles.id) \
     AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.profile_id = device_profiles.id))) \
     RETURNING id";

impl SqlStore {
    /// Forgets the idle phones' profiles (see [`IDLE_PROFILES`]) and clears their ids from the
    /// deliveries and the caps' counts (SQLite may give an id again); returns how many.
    async fn forget_idle_profiles(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        use app::domain::privacy::{FORGOTTEN_DEVICE_DAYS, IDLE_DEVICE_PROFILE_DAYS};
        let idle = now - TimeDelta::days(IDLE_DEVICE_PROFILE_DAYS);
        let forgotten = now - TimeDelta::days(FORGOTTEN_DEVICE_DAYS);
        on_pool!(self, |pool| async {
            let mut tx = pool.begin_write().await?;
            let ids: Vec<i64> = sqlx::query_scalar(IDLE_PROFILES)
                .bind(idle)
                .bind(forgotten)
                .fetch_all(&mut *tx)
                .await?;
            for chunk in ids.chunks(500) {
                for sql in [
                    "DELETE FROM push_cap_ledger WHERE profile_id IN ({})",
                    "UPDATE push_deliveries SET profile_id = NULL WHERE profile_id IN ({})",
                ] {
                    let sql = sql.replace("{}", &placeholders(1, chunk.len()));
                    let mut query = sqlx::query(&sql);
                    for id in chunk {
                        query = query.bind(id);
                    }
                    query.execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok::<u64, sqlx::Error>(ids.len() as u64)
        }
        .await
        .map_err(store_error))
    }

    /// Replaces the deliveries that finished before `before` (and were created before it) by
    /// their counts per post, kind and outcome, a batch per transaction; returns how many rows
    /// went. Rows finished before `before` never change again. On PostgreSQL one statement
    /// deletes and counts (an instance purging at the same time waits for the rows, then finds
    /// them gone: nothing is counted twice); SQLite's write transactions are serialised.
    async fn archive_deliveries(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        const FINISHED: &str = "state <> 'pending' AND finished_at IS NOT NULL \
             AND finished_at < $1 AND created_at < $1";
        const UPSERT: &str = "ON CONFLICT (post_id, is_update, state) DO UPDATE \
             SET deliveries = push_delivery_tallies.deliveries + excluded.deliveries";
        let batch = format!(
            "SELECT MAX(id) FROM (SELECT id FROM push_deliveries WHERE {FINISHED} \
             ORDER BY id LIMIT {ARCHIVE_BATCH}) b"
        );
        let tally = format!(
            "INSERT INTO push_delivery_tallies (post_id, is_update, state, deliveries) \
             SELECT post_id, is_update, state, COUNT(*) FROM push_deliveries \
             WHERE {FINISHED} AND id <= $2 GROUP BY post_id, is_update, state {UPSERT}"
        );
        let delete = format!("DELETE FROM push_deliveries WHERE {FINISHED} AND id <= $2");
        let delete_and_tally = format!(
            "WITH gone AS (DELETE FROM push_deliveries WHERE {FINISHED} AND id <= $2 \
             RETURNING post_id, is_update, state), \
             tallied AS (INSERT INTO push_delivery_tallies (post_id, is_update, state, deliveries) \
             SELECT post_id, is_update, state, COUNT(*) FROM gone \
             GROUP BY post_id, is_update, state {UPSERT} RETURNING 1) \
             SELECT COUNT(*) FROM gone"
        );
        let before = before.trunc_subsecs(0);
        let mut archived = 0;
        loop {
            let rows = match &self.pool {
                Pool::Sqlite(pool) => {
                    async {
                        let mut tx = pool.begin_write().await?;
                        let Some(last) = sqlx::query_scalar::<_, Option<i64>>(&batch)
                            .bind(before)
                            .fetch_one(&mut *tx)
                            .await?
                        else {
                            return Ok(0);
                        };
                        sqlx::query(&tally)
                            .bind(before)
                            .bind(last)
                            .execute(&mut *tx)
                            .await?;
                        let rows = sqlx::query(&delete)
                            .bind(before)
                            .bind(last)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                        tx.commit().await?;
                        Ok::<u64, sqlx::Error>(rows)
                    }
                    .await
                }
                Pool::Postgres(pool) => {
                    async {
                        let Some(last) = sqlx::query_scalar::<_, Option<i64>>(&batch)
                            .bind(before)
                            .fetch_one(pool)
                            .await?
                        else {
                            return Ok(0);
                        };
                        let rows: i64 = sqlx::query_scalar(&delete_and_tally)
                            .bind(before)
                            .bind(last)
                            .fetch_one(pool)
                            .await?;
                        Ok::<u64, sqlx::Error>(rows.max(0) as u64)
                    }
                    .await
                }
            }
            .map_err(store_error)?;
            if rows == 0 {
                return Ok(archived);
            }
            archived += rows;
        }
    }
}
