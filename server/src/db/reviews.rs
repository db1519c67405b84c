//! Reviews of shops, the shops' replies, "useful" marks, reports and moderation.

use app::domain::reviews::{self as rules, ModerationAction, ReportReason, ReviewPart};
use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, SubsecRound, TimeDelta, Utc};

use super::sql::*;
use super::{BeginWrite, Pool, SqlStore};

/// A review with its author's name, its reply and its "useful" count.
const REVIEW_SELECT: &str = "SELECT r.id, r.town_id, r.shop_id, r.user_id, u.display_name, \
     u.email, r.rating, r.body, r.visited_on, r.status, r.status_reason, r.created_at, \
     r.edited_at, rp.body AS reply_body, rp.author_user_id AS reply_author, \
     rp.hidden_reason AS reply_hidden_reason, rp.created_at AS reply_created_at, \
     rp.edited_at AS reply_edited_at, \
     (SELECT COUNT(*) FROM review_useful ru WHERE ru.review_id = r.id) AS useful \
     FROM reviews r JOIN users u ON u.id = r.user_id \
     LEFT JOIN review_replies rp ON rp.review_id = r.id";

#[derive(sqlx::FromRow)]
struct ReviewRow {
    id: i64,
    town_id: i64,
    shop_id: i64,
    user_id: i64,
    display_name: Option<String>,
    email: String,
    rating: i32,
    body: String,
    visited_on: Option<NaiveDate>,
    status: String,
    status_reason: Option<String>,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
    reply_body: Option<String>,
    reply_author: Option<i64>,
    reply_hidden_reason: Option<String>,
    reply_created_at: Option<DateTime<Utc>>,
    reply_edited_at: Option<DateTime<Utc>>,
    useful: i64,
}

impl ReviewRow {
    fn into_review(self) -> Option<Review> {
        let reply = match (self.reply_body, self.reply_created_at) {
            (Some(body), Some(created_at)) => Some(Reply {
                body,
                author_user_id: self.reply_author,
                hidden_reason: self.reply_hidden_reason,
                created_at,
                edited_at: self.reply_edited_at,
            }),
            _ => None,
        };
        Some(Review {
            id: self.id,
            town_id: self.town_id,
            shop_id: self.shop_id,
            user_id: self.user_id,
            author_name: self
                .display_name
                .unwrap_or_else(|| rules::default_display_name(&self.email)),
            content: NewReview {
                rating: u8::try_from(self.rating).ok()?,
                body: self.body,
                visited_on: self.visited_on,
            },
            status: ReviewStatus::parse(&self.status)?,
            status_reason: self.status_reason,
            created_at: self.created_at,
            edited_at: self.edited_at,
            reply,
            useful: self.useful,
        })
    }
}

async fn reviews_where(
    store: &SqlStore,
    condition: &str,
    binds: &[i64],
) -> StoreResult<Vec<Review>> {
    let sql = format!("{REVIEW_SELECT} WHERE {condition}");
    on_pool!(store, |pool| {
        let mut query = sqlx::query_as::<_, ReviewRow>(&sql);
        for value in binds {
            query = query.bind(*value);
        }
        query
            .fetch_all(pool)
            .await
            .map(|rows| {
                rows.into_iter()
                    .filter_map(ReviewRow::into_review)
                    .collect()
            })
            .map_err(store_error)
    })
}

async fn one_review(
    store: &SqlStore,
    condition: &str,
    binds: &[i64],
) -> StoreResult<Option<Review>> {
    Ok(reviews_where(store, condition, binds)
        .await?
        .into_iter()
        .next())
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    review_id: i64,
    target: String,
    reason: String,
    details: String,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct DecisionRow {
    review_id: Option<i64>,
    shop_id: Option<i64>,
    target: String,
    action: String,
    reason: String,
    actor_user_id: Option<i64>,
    actor_email: Option<String>,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    rating: i32,
    body: String,
    visited_on: Option<NaiveDate>,
    written_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Existing {
    id: i64,
    rating: i32,
    body: String,
    visited_on: Option<NaiveDate>,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
}

#[async_trait]
impl ReviewStore for SqlStore {
    async fn save_review(
        &self,
        town_id: i64,
        shop_id: i64,
        user_id: i64,
        review: &NewReview,
        status: ReviewStatus,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Review, bool)>> {
        let now = now.trunc_subsecs(0);
        let fingerprint = rules::fingerprint(&review.body);
        let lock = self.dialect().for_update();
        let saved = on_pool!(self, |pool| async {
            let mut tx = pool.begin_write().await?;
            let shop: Option<i64> =
                sqlx::query_scalar("SELECT id FROM shops WHERE id = $1 AND town_id = $2")
                    .bind(shop_id)
                    .bind(town_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if shop.is_none() {
                return Ok(None);
            }
            let existing = sqlx::query_as::<_, Existing>(&format!(
                "SELECT id, rating, body, visited_on, created_at, edited_at FROM reviews \
                 WHERE shop_id = $1 AND user_id = $2{lock}"
            ))
            .bind(shop_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            let (id, created) = match existing {
                Some(old) => {
                    sqlx::query(
                        "INSERT INTO review_versions (review_id, rating, body, visited_on, \
                         written_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(old.id)
                    .bind(old.rating)
                    .bind(&old.body)
                    .bind(old.visited_on)
                    .bind(old.edited_at.unwrap_or(old.created_at))
                    .execute(&mut *tx)
                    .await?;
                    // A review that waits for a moderator, or that one hid, goes back to
                    // them whatever the caller decided (decided here, under the row's lock:
                    // a moderator's decision made meanwhile is never undone by an edit).
                    sqlx::query(
                        "UPDATE reviews SET rating = $2, body = $3, visited_on = $4, \
                         status = CASE WHEN status = 'published' THEN $5 ELSE 'held' END, \
                         status_reason = NULL, fingerprint = $6, edited_at = $7 WHERE id = $1",
                    )
                    .bind(old.id)
                    .bind(i32::from(review.rating))
                    .bind(&review.body)
                    .bind(review.visited_on)
                    .bind(status.as_str())
                    .bind(&fingerprint)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    (old.id, false)
                }
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO reviews (town_id, shop_id, user_id, rating, body, \
                         visited_on, status, fingerprint, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    )
                    .bind(town_id)
                    .bind(shop_id)
                    .bind(user_id)
                    .bind(i32::from(review.rating))
                    .bind(&review.body)
                    .bind(review.visited_on)
                    .bind(status.as_str())
                    .bind(&fingerprint)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    (id, true)
                }
            };
            tx.commit().await?;
            Ok::<_, sqlx::Error>(Some((id, created)))
        }
        .await
        .map_err(store_error))?;
        let Some((id, created)) = saved else {
            return Ok(None);
        };
        Ok(self
            .review_by_id(town_id, id)
            .await?
            .map(|review| (review, created)))
    }

    async fn review_by_id(&self, town_id: i64, id: i64) -> StoreResult<Option<Review>> {
        one_review(self, "r.town_id = $1 AND r.id = $2", &[town_id, id]).await
    }

    async fn user_review(&self, shop_id: i64, user_id: i64) -> StoreResult<Option<Review>> {
        one_review(
            self,
            "r.shop_id = $1 AND r.user_id = $2",
            &[shop_id, user_id],
        )
        .await
    }

    async fn user_reviews(&self, town_id: i64, user_id: i64) -> StoreResult<Vec<Review>> {
        reviews_where(
            self,
            "r.town_id = $1 AND r.user_id = $2 ORDER BY r.created_at DESC, r.id DESC",
            &[town_id, user_id],
        )
        .await
    }

    async fn user_review_fingerprints(
        &self,
        user_id: i64,
        except_shop_id: i64,
    ) -> StoreResult<Vec<String>> {
        let sql = "SELECT fingerprint FROM reviews WHERE user_id = $1 AND shop_id <> $2";
        on_pool!(self, |pool| sqlx::query_scalar::<_, String>(sql)
            .bind(user_id)
            .bind(except_shop_id)
            .fetch_all(pool)
            .await
            .map_err(store_error))
    }

    async fn shop_reviews(
        &self,
        shop_id: i64,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<Review>> {
        reviews_where(
            self,
            "r.shop_id = $1 AND r.status = 'published' \
             ORDER BY r.created_at DESC, r.id DESC LIMIT $2 OFFSET $3",
            &[shop_id, limit.clamp(0, 100), offset.max(0)],
        )
        .await
    }

    async fn review_inbox(
        &self,
        shop_id: i64,
        unanswered: bool,
        limit: i64,
    ) -> StoreResult<Vec<Review>> {
        // A reply a moderator hid is no answer.
        let condition = if unanswered {
            "r.shop_id = $1 AND r.status = 'published' \
             AND (rp.review_id IS NULL OR rp.hidden_reason IS NOT NULL) \
             ORDER BY r.created_at DESC, r.id DESC LIMIT $2"
        } else {
            "r.shop_id = $1 AND r.status = 'published' \
             ORDER BY r.created_at DESC, r.id DESC LIMIT $2"
        };
        reviews_where(self, condition, &[shop_id, limit.clamp(0, 200)]).await
    }

    async fn review_summary(&self, shop_id: i64) -> StoreResult<ReviewSummary> {
        let sql = "SELECT rating, COUNT(*) FROM reviews WHERE shop_id = $1 \
                   AND status = 'published' GROUP BY rating";
        let rows: Vec<(i32, i64)> = on_pool!(self, |pool| sqlx::query_as(sql)
            .bind(shop_id)
            .fetch_all(pool)
            .await
            .map_err(store_error))?;
        let mut summary = ReviewSummary::default();
        for (rating, count) in rows {
            if let Some(slot) = usize::try_from(rating - 1)
                .ok()
                .and_then(|i| summary.distribution.get_mut(i))
            {
                *slot = count;
                summary.count += count;
            }
        }
        Ok(summary)
    }

    async fn review_stats(
        &self,
        shop_id: i64,
        month_start: DateTime<Utc>,
    ) -> StoreResult<ReviewStats> {
        let summary = self.review_summary(shop_id).await?;
        let month_sql = "SELECT COUNT(*) FROM reviews WHERE shop_id = $1 \
                         AND status = 'published' AND created_at >= $2";
        let this_month: i64 = on_pool!(self, |pool| sqlx::query_scalar(month_sql)
            .bind(shop_id)
            .bind(month_start.trunc_subsecs(0))
            .fetch_one(pool)
            .await
            .map_err(store_error))?;
        let replies_sql = "SELECT r.created_at, rp.created_at FROM reviews r \
                           JOIN review_replies rp ON rp.review_id = r.id \
                           WHERE r.shop_id = $1 AND r.status = 'published' \
                           AND rp.hidden_reason IS NULL";
        let pairs: Vec<(DateTime<Utc>, DateTime<Utc>)> =
            on_pool!(self, |pool| sqlx::query_as(replies_sql)
                .bind(shop_id)
                .fetch_all(pool)
                .await
                .map_err(store_error))?;
        let mut delays: Vec<TimeDelta> = pairs
            .iter()
            .map(|(review, reply)| (*reply - *review).max(TimeDelta::zero()))
            .collect();
        delays.sort();
        let median_reply = match delays.len() {
            0 => None,
            n if n % 2 == 1 => Some(delays[n / 2]),
            n => Some((delays[n / 2 - 1] + delays[n / 2]) / 2),
        };
        Ok(ReviewStats {
            summary,
            this_month,
            replied: delays.len() as i64,
            median_reply,
        })
    }

    async fn delete_review(&self, user_id: i64, id: i64) -> StoreResult<bool> {
        let sql = "DELETE FROM reviews WHERE id = $1 AND user_id = $2";
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(id)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() == 1)
            .map_err(store_error))
    }

    async fn save_reply(
        &self,
        review_id: i64,
        body: &str,
        author_user_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Reply>> {
        let now = now.trunc_subsecs(0);
        // A new reply, or the edited one (a moderator's hiding stays until they restore it).
        let sql = "INSERT INTO review_replies (review_id, body, author_user_id, created_at) \
                   SELECT id, $2, $3, $4 FROM reviews WHERE id = $1 \
                   ON CONFLICT (review_id) DO UPDATE SET body = excluded.body, \
                   author_user_id = excluded.author_user_id, edited_at = excluded.created_at \
                   RETURNING body, author_user_id, hidden_reason, created_at, edited_at";
        let row: Option<(
            String,
            Option<i64>,
            Option<String>,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
        )> = on_pool!(self, |pool| sqlx::query_as(sql)
            .bind(review_id)
            .bind(body)
            .bind(author_user_id)
            .bind(now)
            .fetch_optional(pool)
            .await
            .map_err(store_error))?;
        Ok(row.map(
            |(body, author_user_id, hidden_reason, created_at, edited_at)| Reply {
                body,
                author_user_id,
                hidden_reason,
                created_at,
                edited_at,
            },
        ))
    }

    async fn delete_reply(&self, review_id: i64) -> StoreResult<bool> {
        // A reply a moderator hid stays (hidden) until they restore it: deleting it and
        // replying again would undo their decision.
        let sql = "DELETE FROM review_replies WHERE review_id = $1 AND hidden_reason IS NULL";
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(review_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() == 1)
            .map_err(store_error))
    }

    async fn mark_useful(
        &self,
        review_id: i64,
        profile_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let sql = "INSERT INTO review_useful (review_id, profile_id, created_at) \
                   SELECT id, $2, $3 FROM reviews WHERE id = $1 \
                   ON CONFLICT (review_id, profile_id) DO NOTHING";
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(review_id)
            .bind(profile_id)
            .bind(day_of(now))
            .execute(pool)
            .await
            .map(|r| r.rows_affected() == 1)
            .map_err(store_error))
    }

    async fn useful_marks(&self, profile_id: i64, review_ids: &[i64]) -> StoreResult<Vec<i64>> {
        if review_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT review_id FROM review_useful WHERE profile_id = $1 AND review_id IN ({})",
            placeholders(2, review_ids.len())
        );
        on_pool!(self, |pool| {
            let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(profile_id);
            for id in review_ids {
                query = query.bind(*id);
            }
            query.fetch_all(pool).await.map_err(store_error)
        })
    }

    async fn report_review(
        &self,
        review_id: i64,
        part: ReviewPart,
        reason: ReportReason,
        details: &str,
        profile_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let sql = "INSERT INTO review_reports (review_id, target, reason, details, profile_id, \
                   created_at) SELECT id, $2, $3, $4, $5, $6 FROM reviews WHERE id = $1 \
                   ON CONFLICT (review_id, target, profile_id) DO NOTHING";
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(review_id)
            .bind(part.as_str())
            .bind(reason.as_str())
            .bind(details)
            .bind(profile_id)
            .bind(now.trunc_subsecs(0))
            .execute(pool)
            .await
            .map(|r| r.rows_affected() == 1)
            .map_err(store_error))
    }

    async fn moderation_queue(
        &self,
        town_id: i64,
        shop_ids: Option<&[i64]>,
    ) -> StoreResult<Vec<ModerationItem>> {
        let shops = match shop_ids {
            Some([]) => return Ok(Vec::new()),
            Some(ids) => format!(" AND r.shop_id IN ({})", placeholders(2, ids.len())),
            None => String::new(),
        };
        let condition = format!(
            "r.town_id = $1{shops} AND (r.status IN ('held', 'hidden') \
             OR rp.hidden_reason IS NOT NULL OR EXISTS (SELECT 1 FROM review_reports rr \
             WHERE rr.review_id = r.id AND rr.resolved_at IS NULL)) \
             ORDER BY r.created_at, r.id LIMIT 200"
        );
        let mut binds = vec![town_id];
        binds.extend(shop_ids.unwrap_or_default());
        let reviews = reviews_where(self, &condition, &binds).await?;
        if reviews.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = reviews.iter().map(|r| r.id).collect();
        let sql = format!(
            "SELECT id, review_id, target, reason, details, created_at FROM review_reports \
             WHERE resolved_at IS NULL AND review_id IN ({}) ORDER BY created_at, id",
            placeholders(1, ids.len())
        );
        let reports: Vec<ReportRow> = on_pool!(self, |pool| {
            let mut query = sqlx::query_as::<_, ReportRow>(&sql);
            for id in &ids {
                query = query.bind(*id);
            }
            query.fetch_all(pool).await.map_err(store_error)
        })?;
        Ok(reviews
            .into_iter()
            .map(|review| {
                let reports = reports
                    .iter()
                    .filter(|r| r.review_id == review.id)
                    .filter_map(|r| {
                        Some(OpenReport {
                            id: r.id,
                            part: ReviewPart::parse(&r.target)?,
                            reason: ReportReason::parse(&r.reason)?,
                            details: r.details.clone(),
                            created_at: r.created_at,
                        })
                    })
                    .collect();
                ModerationItem { review, reports }
            })
            .collect())
    }

    async fn moderate(
        &self,
        town_id: i64,
        review_id: i64,
        decision: &NewDecision,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let NewDecision {
            part,
            action,
            reason,
            actor_user_id,
        } = decision.clone();
        let now = now.trunc_subsecs(0);
        let lock = self.dialect().for_update();
        on_pool!(self, |pool| async {
            let mut tx = pool.begin_write().await?;
            let found: Option<(i64, i64)> = sqlx::query_as(&format!(
                "SELECT shop_id, user_id FROM reviews WHERE id = $1 AND town_id = $2{lock}"
            ))
            .bind(review_id)
            .bind(town_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((shop_id, author_user_id)) = found else {
                return Ok(false);
            };
            // (statement, whether it takes the reason as $2)
            let change = match (part, action) {
                (_, ModerationAction::Dismiss) => None,
                (ReviewPart::Review, ModerationAction::Hide) => Some((
                    "UPDATE reviews SET status = 'hidden', status_reason = $2 WHERE id = $1",
                    true,
                )),
                (ReviewPart::Review, ModerationAction::Restore | ModerationAction::Publish) => {
                    Some((
                        "UPDATE reviews SET status = 'published', status_reason = NULL \
                         WHERE id = $1",
                        false,
                    ))
                }
                (ReviewPart::Reply, ModerationAction::Hide) => Some((
                    "UPDATE review_replies SET hidden_reason = $2 WHERE review_id = $1",
                    true,
                )),
                (ReviewPart::Reply, ModerationAction::Restore | ModerationAction::Publish) => {
                    Some((
                        "UPDATE review_replies SET hidden_reason = NULL WHERE review_id = $1",
                        false,
                    ))
                }
            };
            if part == ReviewPart::Reply {
                let reply: Option<i64> =
                    sqlx::query_scalar("SELECT review_id FROM review_replies WHERE review_id = $1")
                        .bind(review_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if reply.is_none() {
                    return Ok(false);
                }
            }
            if let Some((sql, with_reason)) = change {
                let query = sqlx::query(sql).bind(review_id);
                let query = if with_reason {
                    query.bind(&reason)
                } else {
                    query
                };
                query.execute(&mut *tx).await?;
            }
            sqlx::query(
                "UPDATE review_reports SET resolved_at = $3 WHERE review_id = $1 \
                 AND target = $2 AND resolved_at IS NULL",
            )
            .bind(review_id)
            .bind(part.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO moderation_log (town_id, review_id, shop_id, author_user_id, \
                 target, action, reason, actor_user_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(town_id)
            .bind(review_id)
            .bind(shop_id)
            .bind(author_user_id)
            .bind(part.as_str())
            .bind(action.as_str())
            .bind(&reason)
            .bind(actor_user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(true)
        }
        .await
        .map_err(store_error))
    }

    async fn moderation_log(
        &self,
        town_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<ModerationDecision>> {
        let sql = "SELECT m.review_id, m.shop_id, m.target, m.action, m.reason, \
                   m.actor_user_id, u.email AS actor_email, m.created_at FROM moderation_log m \
                   LEFT JOIN users u ON u.id = m.actor_user_id WHERE m.town_id = $1 \
                   ORDER BY m.created_at DESC, m.id DESC LIMIT $2";
        let rows: Vec<DecisionRow> = on_pool!(self, |pool| sqlx::query_as(sql)
            .bind(town_id)
            .bind(limit.clamp(0, 1000))
            .fetch_all(pool)
            .await
            .map_err(store_error))?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(ModerationDecision {
                    review_id: r.review_id,
                    shop_id: r.shop_id,
                    part: ReviewPart::parse(&r.target)?,
                    action: ModerationAction::parse(&r.action)?,
                    reason: r.reason,
                    actor_user_id: r.actor_user_id,
                    actor_email: r.actor_email,
                    created_at: r.created_at,
                })
            })
            .collect())
    }

    async fn hidden_before(&self, shop_id: i64, user_id: i64) -> StoreResult<bool> {
        let sql = "SELECT COUNT(*) FROM moderation_log WHERE shop_id = $1 \
                   AND author_user_id = $2 AND target = 'review' AND action = 'hide'";
        on_pool!(self, |pool| sqlx::query_scalar::<_, i64>(sql)
            .bind(shop_id)
            .bind(user_id)
            .fetch_one(pool)
            .await
            .map(|n| n > 0)
            .map_err(store_error))
    }

    async fn review_versions(&self, review_id: i64) -> StoreResult<Vec<ReviewVersion>> {
        let sql = "SELECT rating, body, visited_on, written_at FROM review_versions \
                   WHERE review_id = $1 ORDER BY written_at, id";
        let rows: Vec<VersionRow> = on_pool!(self, |pool| sqlx::query_as(sql)
            .bind(review_id)
            .fetch_all(pool)
            .await
            .map_err(store_error))?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(ReviewVersion {
                    content: NewReview {
                        rating: u8::try_from(r.rating).ok()?,
                        body: r.body,
                        visited_on: r.visited_on,
                    },
                    written_at: r.written_at,
                })
            })
            .collect())
    }

    async fn set_display_name(&self, user_id: i64, name: Option<&str>) -> StoreResult<()> {
        let sql = "UPDATE users SET display_name = $2 WHERE id = $1";
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(user_id)
            .bind(name)
            .execute(pool)
            .await
            .map(|_| ())
            .map_err(store_error))
    }

    async fn display_name(&self, user_id: i64) -> StoreResult<Option<String>> {
        let sql = "SELECT display_name FROM users WHERE id = $1";
        on_pool!(self, |pool| sqlx::query_scalar::<_, Option<String>>(sql)
            .bind(user_id)
            .fetch_optional(pool)
            .await
            .map(Option::flatten)
            .map_err(store_error))
    }

    async fn review_settings(&self, town_id: i64) -> StoreResult<ReviewSettings> {
        let sql = "SELECT review_hold_first, review_min_account_minutes FROM towns WHERE id = $1";
        let row: Option<(bool, i32)> = on_pool!(self, |pool| sqlx::query_as(sql)
            .bind(town_id)
            .fetch_optional(pool)
            .await
            .map_err(store_error))?;
        Ok(
            row.map_or_else(ReviewSettings::default, |(hold_first, minutes)| {
                ReviewSettings {
                    hold_first,
                    min_account_minutes: i64::from(minutes),
                }
            }),
        )
    }

    async fn set_review_settings(&self, town_id: i64, settings: ReviewSettings) -> StoreResult<()> {
        let minutes =
            i32::try_from(settings.min_account_minutes.clamp(0, 60 * 24 * 30)).unwrap_or_default();
        let sql = "UPDATE towns SET review_hold_first = $2, review_min_account_minutes = $3 \
                   WHERE id = $1";
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(town_id)
            .bind(settings.hold_first)
            .bind(minutes)
            .execute(pool)
            .await
            .map(|_| ())
            .map_err(store_error))
    }
}
