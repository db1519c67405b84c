//! The push outbox (schema v9): jobs written with their posts, expanded into one delivery per
//! subscription, leased by the delivery worker, and their outcomes.
//!
//! On PostgreSQL several instances share the work: jobs and deliveries are taken with
//! `FOR UPDATE SKIP LOCKED`, so each goes to one instance. On SQLite one worker runs; every write
//! is serialised by the database anyway.

use std::collections::HashMap;

use app::domain::outbox::{
    ClaimedDelivery, ClaimedNotice, Notice, Outcome, PushFigures, PushPost, PushTarget,
};
use app::domain::push::QuietHours;
use app::server::{OutboxStore, PostKind, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Duration, SubsecRound, Utc};

use super::BeginWrite;

use super::sql::{placeholders, store_error, Dialect};
use super::{Pool, SqlStore};

impl SqlStore {
    /// Leases up to `limit` due rows of `table` (`push_deliveries` or `push_notices`), counting an
    /// attempt for each; returns their ids. On PostgreSQL, rows another instance is taking are
    /// skipped.
    async fn claim_ids(
        &self,
        table: &'static str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> StoreResult<Vec<i64>> {
        let lock = self.dialect().for_update_skip_locked();
        let claim = format!(
            "UPDATE {table} SET leased_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM {table} WHERE state = 'pending' AND due_at <= $1 \
             AND (leased_until IS NULL OR leased_until <= $1) ORDER BY due_at, id LIMIT $3{lock}) \
             RETURNING id"
        );
        on_pool!(self, |pool| sqlx::query_scalar(&claim)
            .bind(now)
            .bind(now + lease)
            .bind(limit as i64)
            .fetch_all(pool)
            .await
            .map_err(store_error))
    }

    /// Records outcomes of `table`'s rows (`push_deliveries` or `push_notices`; the latter know
    /// no "expired": such a notice is "dropped").
    async fn record_outcomes(
        &self,
        table: &'static str,
        now: DateTime<Utc>,
        outcomes: &[(i64, Outcome)],
    ) -> StoreResult<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let now = now.trunc_subsecs(0);
        // Deliveries accepted by the push service, grouped by status (almost always one).
        let mut delivered: HashMap<u16, Vec<i64>> = HashMap::new();
        for (id, outcome) in outcomes {
            if let Outcome::Delivered { status } = outcome {
                delivered.entry(*status).or_default().push(*id);
            }
        }
        on_pool!(self, |pool| async {
            let mut tx = pool.begin_write().await?;
            for (status, ids) in &delivered {
                let sql = format!(
                    "UPDATE {table} SET state = 'delivered', last_status = $1, \
                     finished_at = $2, leased_until = NULL WHERE id IN ({})",
                    placeholders(3, ids.len())
                );
                let mut query = sqlx::query(&sql).bind(i32::from(*status)).bind(now);
                for id in ids {
                    query = query.bind(id);
                }
                query.execute(&mut *tx).await?;
            }
            for (id, outcome) in outcomes {
                let (state, status) = match outcome {
                    Outcome::Delivered { .. } => continue,
                    Outcome::Retry { status, at } => {
                        sqlx::query(&format!(
                            "UPDATE {table} SET due_at = $2, last_status = $3, \
                             leased_until = NULL WHERE id = $1"
                        ))
                        .bind(id)
                        .bind(at.trunc_subsecs(0))
                        .bind(status.map(i32::from))
                        .execute(&mut *tx)
                        .await?;
                        continue;
                    }
                    Outcome::Deferred { until } => {
                        sqlx::query(&format!(
                            "UPDATE {table} SET due_at = $2, leased_until = NULL, \
                             attempts = attempts - 1 WHERE id = $1"
                        ))
                        .bind(id)
                        .bind(until.trunc_subsecs(0))
                        .execute(&mut *tx)
                        .await?;
                        continue;
                    }
                    Outcome::Gone { status, .. } => ("gone", *status),
                    Outcome::Failed { status } => ("failed", *status),
                    Outcome::Expired if table == "push_notices" => ("dropped", None),
                    Outcome::Expired => ("expired", None),
                    Outcome::Dropped => ("dropped", None),
                };
                sqlx::query(&format!(
                    "UPDATE {table} SET state = $2, last_status = $3, finished_at = $4, \
                     leased_until = NULL WHERE id = $1"
                ))
                .bind(id)
                .bind(state)
                .bind(status.map(i32::from))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            for (_, outcome) in outcomes {
                if let Outcome::Gone {
                    subscription_id, ..
                } = outcome
                {
                    // Its other pending deliveries will be dropped when they come up.
                    sqlx::query("DELETE FROM push_subscriptions WHERE id = $1")
                        .bind(subscription_id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await
        }
        .await
        .map_err(store_error))
    }
}

/// The deliveries of a job: one per subscription of the residents whose follow asks for this
/// kind of post (a district's post: followers of the district, and when the steward asked for it
/// of its co-organising shops, or without co-organisers of all its shops), each `capped`
/// at once when the resident already had their share (one shop's posts today, district posts
/// this week: the resident's setting, else the town's). Parameters: $1 job, $2 post, $3 now,
/// $4 shop or district, $5 town, $6 the post's kind, $7 the start of the cap's window.
fn expansion_sql(shop_post: bool) -> String {
    let wants = "(f.notify = 'all' OR (f.notify = 'events' AND $6 = 'event'))";
    let (followers, counted, cap) = if shop_post {
        (
            format!("SELECT f.profile_id FROM shop_follows f WHERE f.shop_id = $4 AND {wants}"),
            "l.shop_id = $4",
            "COALESCE(ps.shop_pushes_per_day, t.shop_pushes_per_day)",
        )
    } else {
        (
            format!(
                "SELECT f.profile_id FROM district_follows f WHERE f.district_id = $4 AND {wants} \
                 UNION SELECT f.profile_id FROM shop_follows f \
                 JOIN posts p ON p.id = $2 AND p.notify_shop_followers \
                 WHERE {wants} AND (f.shop_id IN (SELECT shop_id FROM post_shops WHERE post_id = $2) \
                 OR (NOT EXISTS (SELECT 1 FROM post_shops WHERE post_id = $2) \
                 AND f.shop_id IN (SELECT id FROM shops WHERE district_id = $4)))"
            ),
            "l.district_post",
            "COALESCE(ps.district_pushes_per_week, t.district_pushes_per_week)",
        )
    };
    format!(
        "INSERT INTO push_deliveries (job_id, post_id, subscription_id, profile_id, state, due_at, \
         attempts, created_at, finished_at) \
         SELECT $1, $2, s.id, s.profile_id, c.state, $3, 0, $3, \
         CASE WHEN c.state = 'capped' THEN $3 END \
         FROM push_subscriptions s JOIN ( \
           SELECT r.profile_id, CASE WHEN ( \
             SELECT COUNT(*) FROM push_cap_ledger l \
             WHERE l.profile_id = r.profile_id AND {counted} AND l.counted_at > $7 \
           ) >= {cap} THEN 'capped' ELSE 'pending' END AS state \
           FROM ({followers}) r JOIN towns t ON t.id = $5 \
           LEFT JOIN push_settings ps ON ps.profile_id = r.profile_id \
         ) c ON c.profile_id = s.profile_id \
         WHERE s.town_id IS NULL OR s.town_id = $5 \
         ON CONFLICT (job_id, subscription_id) DO NOTHING"
    )
}

/// What a job's pending deliveries count towards the caps, once per resident, in the ledger
/// that outlives the post (a publish job expands once: its rows are written once).
/// Parameters: $1 job, $2 post, $3 now, $4 the shop (NULL for a district's post), $5 whether it
/// is a district's post.
const LEDGER_SQL: &str = "INSERT INTO push_cap_ledger (profile_id, post_id, shop_id, \
     district_post, counted_at) \
     SELECT DISTINCT d.profile_id, $2, $4, $5, $3 FROM push_deliveries d \
     WHERE d.job_id = $1 AND d.state = 'pending' AND d.profile_id IS NOT NULL";

/// The deliveries of an edited post's `update` job: one for each subscription that the push
/// service accepted the post for within the time it may keep a message ($4), or that is being
/// sent right now, so that the new version replaces it (same Topic and tag); none where a
/// delivery still waits (it will carry the new version). Parameters: $1 job, $2 post, $3 now,
/// $4 the start of that time.
const UPDATE_EXPANSION_SQL: &str = "INSERT INTO push_deliveries (job_id, post_id, \
     subscription_id, profile_id, state, due_at, attempts, created_at, is_update) \
     SELECT $1, $2, s.id, s.profile_id, 'pending', $3, 0, $3, TRUE FROM push_subscriptions s \
     WHERE EXISTS (SELECT 1 FROM push_deliveries d WHERE d.post_id = $2 \
       AND d.subscription_id = s.id AND ((d.state = 'delivered' AND d.finished_at > $4) \
       OR (d.state = 'pending' AND d.leased_until > $3))) \
     AND NOT EXISTS (SELECT 1 FROM push_deliveries d WHERE d.post_id = $2 \
       AND d.subscription_id = s.id AND d.state = 'pending' \
       AND (d.leased_until IS NULL OR d.leased_until <= $3)) \
     ON CONFLICT (job_id, subscription_id) DO NOTHING";

#[async_trait]
impl OutboxStore for SqlStore {
    async fn expand_push_jobs(
        &self,
        now: DateTime<Utc>,
        max_jobs: usize,
        max_ttl: Duration,
    ) -> StoreResult<u64> {
        let now = now.trunc_subsecs(0);
        let is_postgres = self.dialect() == Dialect::Postgres;
        let lock = self.dialect().for_update_skip_locked();
        let pick = format!(
            "SELECT j.id, j.post_id, j.kind AS job, p.town_id, p.shop_id, p.district_id, p.kind, \
             CASE p.kind WHEN 'offer' THEN p.valid_until \
             WHEN 'event' THEN COALESCE(p.ends_at, p.starts_at) END AS ends FROM push_jobs j \
             JOIN posts p ON p.id = j.post_id \
             WHERE j.expanded_at IS NULL AND j.due_at <= $1 ORDER BY j.due_at, j.id LIMIT 1{lock}"
        );
        let mut created = 0;
        for _ in 0..max_jobs {
            let done = on_pool!(self, |pool| async {
                let mut tx = pool.begin_write().await?;
                type Job = (
                    i64,
                    i64,
                    String,
                    i64,
                    Option<i64>,
                    Option<i64>,
                    String,
                    Option<DateTime<Utc>>,
                );
                let job: Option<Job> = sqlx::query_as(&pick)
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some((job_id, post_id, job, town_id, shop_id, district_id, kind, ends)) = job
                else {
                    return Ok::<_, sqlx::Error>(None);
                };
                // A post that has already ended announces nothing (nor counts towards caps).
                let ended = ends.is_some_and(|end| end <= now);
                let insert = expansion_sql(shop_id.is_some());
                let rows = if ended {
                    0
                } else if job == "update" {
                    sqlx::query(UPDATE_EXPANSION_SQL)
                        .bind(job_id)
                        .bind(post_id)
                        .bind(now)
                        .bind(now - max_ttl)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                } else {
                    // One expansion at a time per cap (the shop's, or the districts'), across
                    // instances: two jobs of one shop expanded at once would each see the
                    // other's pushes uncounted. Under READ COMMITTED (PostgreSQL's default)
                    // the statements after the lock see what the previous holder committed.
                    // SQLite's write transaction is serialised already.
                    if is_postgres {
                        let cap_key = match shop_id {
                            Some(shop) => format!("push-cap:shop:{shop}"),
                            None => "push-cap:districts".to_owned(),
                        };
                        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                            .bind(cap_key)
                            .execute(&mut *tx)
                            .await?;
                    }
                    let rows = sqlx::query(&insert)
                        .bind(job_id)
                        .bind(post_id)
                        .bind(now)
                        .bind(shop_id.or(district_id))
                        .bind(town_id)
                        .bind(kind)
                        .bind(now - Duration::days(if shop_id.is_some() { 1 } else { 7 }))
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    sqlx::query(LEDGER_SQL)
                        .bind(job_id)
                        .bind(post_id)
                        .bind(now)
                        .bind(shop_id)
                        .bind(shop_id.is_none())
                        .execute(&mut *tx)
                        .await?;
                    rows
                };
                sqlx::query("UPDATE push_jobs SET expanded_at = $2 WHERE id = $1")
                    .bind(job_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Some(rows))
            }
            .await
            .map_err(store_error))?;
            match done {
                Some(rows) => created += rows,
                None => break,
            }
        }
        Ok(created)
    }

    async fn claim_push_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        let ids = self.claim_ids("push_deliveries", now, lease, limit).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            post_id: i64,
            attempts: i32,
            created_at: DateTime<Utc>,
            is_update: bool,
            subscription_id: Option<i64>,
            endpoint: Option<String>,
            p256dh: Option<String>,
            auth: Option<String>,
            timezone: String,
            town_id: i64,
            quiet_start: i32,
            quiet_end: i32,
        }
        let sql = format!(
            "SELECT d.id, d.post_id, d.attempts, d.created_at, d.is_update, \
             s.id AS subscription_id, \
             s.endpoint, s.p256dh, s.auth, t.timezone, t.id AS town_id, \
             COALESCE(ps.quiet_start, t.quiet_start) AS quiet_start, \
             COALESCE(ps.quiet_end, t.quiet_end) AS quiet_end FROM push_deliveries d \
             LEFT JOIN push_subscriptions s ON s.id = d.subscription_id \
             LEFT JOIN push_settings ps ON ps.profile_id = s.profile_id \
             JOIN posts p ON p.id = d.post_id JOIN towns t ON t.id = p.town_id \
             WHERE d.id IN ({}) ORDER BY d.id",
            placeholders(1, ids.len())
        );
        let rows: Vec<Row> = on_pool!(self, |pool| {
            let mut query = sqlx::query_as::<_, Row>(&sql);
            for id in &ids {
                query = query.bind(id);
            }
            query.fetch_all(pool).await.map_err(store_error)
        })?;
        Ok(rows
            .into_iter()
            .map(|r| ClaimedDelivery {
                id: r.id,
                post_id: r.post_id,
                attempts: r.attempts,
                created_at: r.created_at,
                is_update: r.is_update,
                target: match (r.subscription_id, r.endpoint, r.p256dh, r.auth) {
                    (Some(subscription_id), Some(endpoint), Some(p256dh), Some(auth)) => {
                        Some(PushTarget {
                            subscription_id,
                            endpoint,
                            p256dh,
                            auth,
                        })
                    }
                    _ => None,
                },
                quiet: QuietHours {
                    start: r.quiet_start.clamp(0, 1439) as u16,
                    end: r.quiet_end.clamp(0, 1439) as u16,
                },
                timezone: r.timezone,
                town_id: r.town_id,
            })
            .collect())
    }

    async fn push_posts(&self, ids: &[i64]) -> StoreResult<HashMap<i64, PushPost>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            kind: String,
            title: String,
            body: String,
            photo: Option<String>,
            valid_until: Option<DateTime<Utc>>,
            starts_at: Option<DateTime<Utc>>,
            ends_at: Option<DateTime<Utc>>,
            shop_name: Option<String>,
            shop_slug: Option<String>,
            district_name: Option<String>,
            district_slug: Option<String>,
        }
        let sql = format!(
            "SELECT p.id, p.kind, p.title, p.body, p.photo, p.valid_until, p.starts_at, p.ends_at, \
             s.name AS shop_name, s.slug AS shop_slug, d.name AS district_name, \
             d.slug AS district_slug FROM posts p \
             LEFT JOIN shops s ON s.id = p.shop_id LEFT JOIN districts d ON d.id = p.district_id \
             WHERE p.id IN ({})",
            placeholders(1, ids.len())
        );
        let rows: Vec<Row> = on_pool!(self, |pool| {
            let mut query = sqlx::query_as::<_, Row>(&sql);
            for id in ids {
                query = query.bind(id);
            }
            query.fetch_all(pool).await.map_err(store_error)
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let (author_name, author_path) = match (r.shop_name, r.shop_slug) {
                    (Some(name), Some(slug)) => (name, format!("/shops/{slug}")),
                    _ => (r.district_name?, format!("/districts/{}", r.district_slug?)),
                };
                Some((
                    r.id,
                    PushPost {
                        id: r.id,
                        kind: PostKind::parse(&r.kind)?,
                        title: r.title,
                        body: r.body,
                        photo: r.photo,
                        valid_until: r.valid_until,
                        starts_at: r.starts_at,
                        ends_at: r.ends_at,
                        author_name,
                        author_path,
                    },
                ))
            })
            .collect())
    }

    async fn record_push_outcomes(
        &self,
        now: DateTime<Utc>,
        outcomes: &[(i64, Outcome)],
    ) -> StoreResult<()> {
        self.record_outcomes("push_deliveries", now, outcomes).await
    }

    async fn push_figures(&self, post_id: i64) -> StoreResult<PushFigures> {
        // With the tallies of deliveries older than 30 days.
        let sql = format!(
            "SELECT state, is_update, CAST(SUM(n) AS BIGINT) FROM {} d GROUP BY state, is_update",
            super::push::deliveries_counted("post_id = $1")
        );
        let rows: Vec<(String, bool, i64)> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(post_id)
            .fetch_all(pool)
            .await
            .map_err(store_error))?;
        let mut figures = PushFigures::default();
        for (state, is_update, count) in rows {
            // An edit sent again is no new push: only the subscriptions it found gone count.
            if is_update {
                if state == "gone" {
                    figures.pruned += count;
                }
                continue;
            }
            figures.targeted += count;
            match state.as_str() {
                "pending" => figures.pending += count,
                "delivered" => figures.delivered += count,
                "failed" => figures.failed += count,
                "gone" => figures.pruned += count,
                _ => figures.skipped += count,
            }
        }
        Ok(figures)
    }

    async fn push_delivery_rows(
        &self,
        post_id: i64,
    ) -> StoreResult<Vec<(i64, String, DateTime<Utc>)>> {
        on_pool!(self, |pool| sqlx::query_as::<
            _,
            (Option<i64>, String, DateTime<Utc>),
        >(
            "SELECT profile_id, state, due_at FROM push_deliveries WHERE post_id = $1 ORDER BY id"
        )
        .bind(post_id)
        .fetch_all(pool)
        .await
        .map(|rows| {
            rows.into_iter()
                .map(|(profile, state, due)| (profile.unwrap_or(0), state, due))
                .collect()
        })
        .map_err(store_error))
    }

    async fn next_push_due(&self) -> StoreResult<Option<DateTime<Utc>>> {
        on_pool!(self, |pool| sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
            "SELECT MIN(t) FROM (SELECT MIN(due_at) AS t FROM push_jobs WHERE expanded_at IS NULL \
             UNION ALL SELECT MIN(COALESCE(leased_until, due_at)) FROM push_deliveries \
             WHERE state = 'pending' \
             UNION ALL SELECT MIN(COALESCE(leased_until, due_at)) FROM push_notices \
             WHERE state = 'pending') AS due"
        )
        .fetch_one(pool)
        .await
        .map_err(store_error))
    }

    async fn queue_notice(
        &self,
        town_id: i64,
        profile_ids: &[i64],
        notice: &Notice,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        if profile_ids.is_empty() {
            return Ok(0);
        }
        let now = now.trunc_subsecs(0);
        let sql = format!(
            "INSERT INTO push_notices (town_id, subscription_id, title, body, path, tag, lang, \
             respects_quiet, message_id, due_at, created_at) \
             SELECT $1, s.id, $2, $3, $4, $5, $6, $7, $8, $9, $9 FROM push_subscriptions s \
             WHERE (s.town_id IS NULL OR s.town_id = $1) AND s.profile_id IN ({}) ORDER BY s.id",
            placeholders(10, profile_ids.len())
        );
        on_pool!(self, |pool| {
            let mut query = sqlx::query(&sql)
                .bind(town_id)
                .bind(&notice.title)
                .bind(&notice.body)
                .bind(&notice.path)
                .bind(&notice.tag)
                .bind(&notice.lang)
                .bind(notice.respects_quiet_hours)
                .bind(notice.message_id)
                .bind(now);
            for id in profile_ids {
                query = query.bind(id);
            }
            query
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
                .map_err(store_error)
        })
    }

    async fn claim_push_notices(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> StoreResult<Vec<ClaimedNotice>> {
        let ids = self.claim_ids("push_notices", now, lease, limit).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            attempts: i32,
            created_at: DateTime<Utc>,
            title: String,
            body: String,
            path: String,
            tag: String,
            lang: String,
            respects_quiet: bool,
            message_id: Option<i64>,
            subscription_id: Option<i64>,
            endpoint: Option<String>,
            p256dh: Option<String>,
            auth: Option<String>,
            timezone: String,
            town_id: i64,
            quiet_start: i32,
            quiet_end: i32,
        }
        let sql = format!(
            "SELECT n.id, n.attempts, n.created_at, n.title, n.body, n.path, n.tag, n.lang, \
             n.respects_quiet, n.message_id, s.id AS subscription_id, s.endpoint, s.p256dh, s.auth, \
             t.timezone, t.id AS town_id, COALESCE(ps.quiet_start, t.quiet_start) AS quiet_start, \
             COALESCE(ps.quiet_end, t.quiet_end) AS quiet_end FROM push_notices n \
             LEFT JOIN push_subscriptions s ON s.id = n.subscription_id \
             LEFT JOIN push_settings ps ON ps.profile_id = s.profile_id \
             JOIN towns t ON t.id = n.town_id WHERE n.id IN ({}) ORDER BY n.id",
            placeholders(1, ids.len())
        );
        let rows: Vec<Row> = on_pool!(self, |pool| {
            let mut query = sqlx::query_as::<_, Row>(&sql);
            for id in &ids {
                query = query.bind(id);
            }
            query.fetch_all(pool).await.map_err(store_error)
        })?;
        Ok(rows
            .into_iter()
            .map(|r| ClaimedNotice {
                id: r.id,
                attempts: r.attempts,
                created_at: r.created_at,
                target: match (r.subscription_id, r.endpoint, r.p256dh, r.auth) {
                    (Some(subscription_id), Some(endpoint), Some(p256dh), Some(auth)) => {
                        Some(PushTarget {
                            subscription_id,
                            endpoint,
                            p256dh,
                            auth,
                        })
                    }
                    _ => None,
                },
                quiet: r.respects_quiet.then(|| QuietHours {
                    start: r.quiet_start.clamp(0, 1439) as u16,
                    end: r.quiet_end.clamp(0, 1439) as u16,
                }),
                timezone: r.timezone,
                town_id: r.town_id,
                notice: Notice {
                    title: r.title,
                    body: r.body,
                    path: r.path,
                    tag: r.tag,
                    lang: r.lang,
                    respects_quiet_hours: r.respects_quiet,
                    message_id: r.message_id,
                },
            })
            .collect())
    }

    async fn record_notice_outcomes(
        &self,
        now: DateTime<Utc>,
        outcomes: &[(i64, Outcome)],
    ) -> StoreResult<()> {
        self.record_outcomes("push_notices", now, outcomes).await
    }

    async fn profile_notices(&self, profile_id: i64) -> StoreResult<Vec<(String, String, String)>> {
        on_pool!(self, |pool| sqlx::query_as(
            "SELECT n.state, n.title, n.path FROM push_notices n \
             JOIN push_subscriptions s ON s.id = n.subscription_id \
             WHERE s.profile_id = $1 ORDER BY n.id"
        )
        .bind(profile_id)
        .fetch_all(pool)
        .await
        .map_err(store_error))
    }
}
