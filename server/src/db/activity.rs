//! The daily counters and the day's marks (schema v15).

use app::domain::activity::{Hit, Metric, Subject};
use app::server::{ActivityStore, StoreResult};
use async_trait::async_trait;
use chrono::NaiveDate;

use super::sql::{placeholders, store_error};
use super::{BeginWrite, Pool, SqlStore};

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Counts the hits in one write transaction: a mark already set that day is left alone, a new
/// one is set and its tally counted (a notification tap also in its post's `push_clicks`).
macro_rules! count_in_tx {
    ($pool:expr, $town_id:expr, $day:expr, $hits:expr) => {{
        let mut tx = $pool.begin_write().await.map_err(store_error)?;
        let mut counted = 0u64;
        for hit in $hits {
            if let Some(mark) = &hit.mark {
                let fresh = sqlx::query(
                    "INSERT INTO daily_marks (day, mark) VALUES ($1, $2) \
                     ON CONFLICT (day, mark) DO NOTHING",
                )
                .bind($day)
                .bind(mark)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?
                .rows_affected();
                if fresh == 0 {
                    continue;
                }
            }
            let tally = &hit.tally;
            // A notification tap is also the post's own figure (the counter's "ouvertures"),
            // written with its daily mark: the two never differ. (The post's row before the
            // counter's, in the order deleting a district's posts takes them on PostgreSQL.)
            if tally.metric == Metric::PushOpen && tally.post_id != 0 {
                sqlx::query(
                    "UPDATE posts SET push_clicks = push_clicks + 1 WHERE town_id = $1 AND id = $2",
                )
                .bind($town_id)
                .bind(tally.post_id)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
            }
            sqlx::query(
                "INSERT INTO daily_counts (town_id, day, metric, district_id, shop_id, post_id, count) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1) \
                 ON CONFLICT (town_id, day, metric, district_id, shop_id, post_id) \
                 DO UPDATE SET count = daily_counts.count + 1",
            )
            .bind($town_id)
            .bind($day)
            .bind(tally.metric.as_str())
            .bind(tally.district_id)
            .bind(tally.shop_id)
            .bind(tally.post_id)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
            counted += 1;
        }
        tx.commit().await.map_err(store_error)?;
        Ok(counted)
    }};
}

#[async_trait]
impl ActivityStore for SqlStore {
    async fn day_salt(&self, day: NaiveDate, fresh: &str) -> StoreResult<String> {
        let day = day_text(day);
        on_pool!(self, |pool| {
            // Read first: a write only for the day's first request.
            let known =
                sqlx::query_scalar::<_, String>("SELECT salt FROM daily_salts WHERE day = $1")
                    .bind(&day)
                    .fetch_optional(pool)
                    .await
                    .map_err(store_error)?;
            if let Some(salt) = known {
                return Ok(salt);
            }
            sqlx::query(
                "INSERT INTO daily_salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
            )
            .bind(&day)
            .bind(fresh)
            .execute(pool)
            .await
            .map_err(store_error)?;
            sqlx::query_scalar::<_, String>("SELECT salt FROM daily_salts WHERE day = $1")
                .bind(&day)
                .fetch_one(pool)
                .await
                .map_err(store_error)
        })
    }

    async fn count_hits(&self, town_id: i64, day: NaiveDate, hits: &[Hit]) -> StoreResult<u64> {
        if hits.is_empty() {
            return Ok(0);
        }
        let day = day_text(day);
        // Rows are locked in one order by every transaction (a feed lists its posts in its own
        // order): two at once on PostgreSQL wait for each other instead of deadlocking.
        let mut hits: Vec<&Hit> = hits.iter().collect();
        hits.sort_by_key(|h| {
            let t = &h.tally;
            (
                t.metric.as_str(),
                t.district_id,
                t.shop_id,
                t.post_id,
                h.mark.clone(),
            )
        });
        match &self.pool {
            Pool::Sqlite(pool) => count_in_tx!(pool, town_id, &day, hits),
            Pool::Postgres(pool) => count_in_tx!(pool, town_id, &day, hits),
        }
    }

    async fn has_mark(&self, day: NaiveDate, mark: &str) -> StoreResult<bool> {
        let day = day_text(day);
        on_pool!(self, |pool| sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM daily_marks WHERE day = $1 AND mark = $2"
        )
        .bind(&day)
        .bind(mark)
        .fetch_one(pool)
        .await
        .map(|n| n > 0)
        .map_err(store_error))
    }

    async fn post_counts(&self, metric: Metric, post_ids: &[i64]) -> StoreResult<Vec<(i64, i64)>> {
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT post_id, CAST(SUM(count) AS BIGINT) FROM daily_counts \
             WHERE metric = $1 AND post_id <> 0 AND post_id IN ({}) GROUP BY post_id ORDER BY post_id",
            placeholders(2, post_ids.len())
        );
        on_pool!(self, |pool| {
            let mut query = sqlx::query_as::<_, (i64, i64)>(&sql).bind(metric.as_str());
            for id in post_ids {
                query = query.bind(id);
            }
            query.fetch_all(pool).await.map_err(store_error)
        })
    }

    async fn total(
        &self,
        town_id: i64,
        subject: Subject,
        metric: Metric,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<i64> {
        let (about, id) = match subject {
            Subject::Town => ("", 0),
            // The literal `<> 0` lets SQLite use the partial indexes.
            Subject::District(id) => (" AND district_id <> 0 AND district_id = $5", id),
            Subject::Shop(id) => (" AND shop_id <> 0 AND shop_id = $5", id),
            Subject::Post(id) => (" AND post_id <> 0 AND post_id = $5", id),
        };
        let sql = format!(
            "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM daily_counts \
             WHERE town_id = $1 AND metric = $2 AND day >= $3 AND day <= $4{about}"
        );
        let (from, to) = (day_text(from), day_text(to));
        on_pool!(self, |pool| {
            let query = sqlx::query_scalar::<_, i64>(&sql)
                .bind(town_id)
                .bind(metric.as_str())
                .bind(&from)
                .bind(&to);
            let query = if about.is_empty() {
                query
            } else {
                query.bind(id)
            };
            query.fetch_one(pool).await.map_err(store_error)
        })
    }

    async fn metric_totals(
        &self,
        town_id: i64,
        district_id: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(Metric, i64)>> {
        let rows: Vec<(String, i64)> =
            grouped(self, "metric", town_id, district_id, from, to).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(metric, n)| Some((Metric::parse(&metric)?, n)))
            .collect())
    }

    async fn daily_totals(
        &self,
        town_id: i64,
        district_id: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(NaiveDate, Metric, i64)>> {
        let rows: Vec<(String, String, i64)> =
            grouped(self, "day, metric", town_id, district_id, from, to).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(day, metric, n)| {
                let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()?;
                Some((day, Metric::parse(&metric)?, n))
            })
            .collect())
    }

    async fn shop_totals(
        &self,
        town_id: i64,
        district_id: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(i64, Metric, i64)>> {
        let rows: Vec<(i64, String, i64)> =
            grouped(self, "shop_id, metric", town_id, district_id, from, to).await?;
        Ok(rows
            .into_iter()
            .filter(|(shop_id, _, _)| *shop_id != 0)
            .filter_map(|(shop_id, metric, n)| Some((shop_id, Metric::parse(&metric)?, n)))
            .collect())
    }
}

/// Sums of `daily_counts` of a town (or of one district) over a range of days, grouped by
/// `columns` (fixed by the callers, never from a request), in their order.
async fn grouped<T>(
    store: &SqlStore,
    columns: &'static str,
    town_id: i64,
    district_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<T>>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    let district = if district_id.is_some() {
        " AND district_id <> 0 AND district_id = $4"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {columns}, CAST(SUM(count) AS BIGINT) FROM daily_counts \
         WHERE town_id = $1 AND day >= $2 AND day <= $3{district} \
         GROUP BY {columns} ORDER BY {columns}"
    );
    let (from, to) = (day_text(from), day_text(to));
    on_pool!(store, |pool| {
        let query = sqlx::query_as::<_, T>(&sql)
            .bind(town_id)
            .bind(&from)
            .bind(&to);
        let query = match district_id {
            Some(id) => query.bind(id),
            None => query,
        };
        query.fetch_all(pool).await.map_err(store_error)
    })
}
