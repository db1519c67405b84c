//! People's rights over their data: what "Mes données" exports, and erasing a phone's profile.

use app::domain::privacy::*;
use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, SubsecRound, TimeDelta, Utc};

use super::sql::*;
use super::{BeginWrite, Pool, SqlStore};

/// Erases a phone's profile (`$1`) inside a transaction: the messages sent from it first
/// (deleting the profile would only unlink them), then the profile's row (follows, settings,
/// subscriptions, reviews found useful and reports go with it), then the caps' counts; its
/// deliveries stay counted for the posts but no longer say whose they were (SQLite may give the
/// id to a new profile). After the row is gone, so that rows a fan-out committed meanwhile are
/// seen. The second statement's count says whether the profile existed.
pub(super) const FORGET_PROFILE: [&str; 4] = [
    "DELETE FROM messages WHERE profile_id = $1",
    "DELETE FROM device_profiles WHERE id = $1",
    "DELETE FROM push_cap_ledger WHERE profile_id = $1",
    "UPDATE push_deliveries SET profile_id = NULL WHERE profile_id = $1",
];

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn time_opt(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(time)
}

type FollowRow = (String, String, String, DateTime<Utc>);
type SettingsRow = (
    Option<i32>,
    Option<i32>,
    Option<i32>,
    Option<i32>,
    DateTime<Utc>,
);
type NotificationRow = (String, String, DateTime<Utc>, Option<DateTime<Utc>>);
type ReportRow = (
    i64,
    String,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);
type VersionRow = (i64, i32, String, Option<NaiveDate>, DateTime<Utc>);

fn follows(rows: Vec<FollowRow>) -> Vec<FollowData> {
    rows.into_iter()
        .map(|(slug, name, notify, since)| FollowData {
            slug,
            name,
            notify,
            since: time(since),
        })
        .collect()
}

#[async_trait]
impl PrivacyStore for SqlStore {
    async fn personal_data(
        &self,
        profile_id: Option<i64>,
        user_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<(Option<DeviceData>, Option<AccountData>)> {
        let device = match profile_id {
            Some(id) => self.device_data(id, now).await?,
            None => None,
        };
        let account = match user_id {
            Some(id) => self.account_data(id).await?,
            None => None,
        };
        Ok((device, account))
    }

    async fn is_account_profile(&self, profile_id: i64) -> StoreResult<bool> {
        on_pool!(self, |pool| sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM users WHERE profile_id = $1"
        )
        .bind(profile_id)
        .fetch_one(pool)
        .await
        .map(|n| n > 0)
        .map_err(store_error))
    }

    async fn forget_profile(&self, profile_id: i64) -> StoreResult<bool> {
        on_pool!(self, |pool| async {
            let mut tx = pool.begin_write().await?;
            let mut deleted = 0;
            for (index, sql) in FORGET_PROFILE.iter().enumerate() {
                let rows = sqlx::query(sql)
                    .bind(profile_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if index == 1 {
                    deleted = rows;
                }
            }
            tx.commit().await?;
            Ok::<bool, sqlx::Error>(deleted > 0)
        }
        .await
        .map_err(store_error))
    }
}

impl SqlStore {
    async fn device_data(&self, id: i64, now: DateTime<Utc>) -> StoreResult<Option<DeviceData>> {
        let since = (now - TimeDelta::days(DELIVERY_ROWS_DAYS)).trunc_subsecs(0);
        on_pool!(self, |pool| {
            async {
            let profile: Option<(DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
                "SELECT created_at, last_seen_at FROM device_profiles WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?;
            let Some((created_at, last_seen_at)) = profile else {
                return Ok(None);
            };
            let shops: Vec<FollowRow> = sqlx::query_as(
                "SELECT s.slug, s.name, f.notify, f.created_at FROM shop_follows f \
                 JOIN shops s ON s.id = f.shop_id WHERE f.profile_id = $1 ORDER BY s.name, s.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let districts: Vec<FollowRow> = sqlx::query_as(
                "SELECT d.slug, d.name, f.notify, f.created_at FROM district_follows f \
                 JOIN districts d ON d.id = f.district_id WHERE f.profile_id = $1 \
                 ORDER BY d.name, d.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let settings: Option<SettingsRow> = sqlx::query_as(
                "SELECT quiet_start, quiet_end, shop_pushes_per_day, district_pushes_per_week, \
                     updated_at FROM push_settings WHERE profile_id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?;
            let subscriptions: Vec<(String, DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
                "SELECT endpoint, created_at, updated_at FROM push_subscriptions \
                 WHERE profile_id = $1 ORDER BY created_at, id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let notifications: Vec<NotificationRow> =
                sqlx::query_as(
                    "SELECT p.title, d.state, d.created_at, d.finished_at FROM push_deliveries d \
                     JOIN posts p ON p.id = d.post_id WHERE d.profile_id = $1 \
                     AND NOT d.is_update AND d.created_at >= $2 ORDER BY d.created_at DESC, d.id DESC",
                )
                .bind(id)
                .bind(since)
                .fetch_all(pool)
                .await?;
            let useful: Vec<(i64, String, DateTime<Utc>)> = sqlx::query_as(
                "SELECT u.review_id, s.name, u.created_at FROM review_useful u \
                 JOIN reviews r ON r.id = u.review_id JOIN shops s ON s.id = r.shop_id \
                 WHERE u.profile_id = $1 ORDER BY u.created_at",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let reports: Vec<ReportRow> = sqlx::query_as(
                "SELECT review_id, target, reason, details, created_at, resolved_at \
                     FROM review_reports WHERE profile_id = $1 ORDER BY created_at, id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            type MessageRow = (
                Option<String>,
                String,
                Option<String>,
                DateTime<Utc>,
                Option<DateTime<Utc>>,
                Option<String>,
                Option<DateTime<Utc>>,
                Option<DateTime<Utc>>,
            );
            let messages: Vec<MessageRow> = sqlx::query_as(
                "SELECT COALESCE(s.name, d.name), m.body, m.email, m.created_at, m.edited_at, \
                 m.answer, m.answered_at, m.closed_at FROM messages m \
                 LEFT JOIN shops s ON s.id = m.shop_id \
                 LEFT JOIN districts d ON d.id = m.district_id WHERE m.profile_id = $1 \
                 ORDER BY m.created_at, m.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            Ok::<_, sqlx::Error>(Some(DeviceData {
                created_at: time(created_at),
                last_seen_at: time(last_seen_at),
                followed_shops: follows(shops),
                followed_districts: follows(districts),
                notification_settings: settings.map(|(qs, qe, shop, district, at)| {
                    NotificationSettingsData {
                        quiet_start: qs,
                        quiet_end: qe,
                        shop_pushes_per_day: shop,
                        district_pushes_per_week: district,
                        updated_at: time(at),
                    }
                }),
                push_subscriptions: subscriptions
                    .into_iter()
                    .map(|(endpoint, created, updated)| SubscriptionData {
                        endpoint,
                        created_at: time(created),
                        updated_at: time(updated),
                    })
                    .collect(),
                notifications: notifications
                    .into_iter()
                    .map(|(post_title, state, created, finished)| NotificationData {
                        post_title,
                        state,
                        created_at: time(created),
                        finished_at: time_opt(finished),
                    })
                    .collect(),
                reviews_found_useful: useful
                    .into_iter()
                    .map(|(review_id, shop, at)| UsefulData {
                        review_id,
                        shop,
                        at: time(at),
                    })
                    .collect(),
                reports: reports
                    .into_iter()
                    .map(
                        |(review_id, target, reason, details, created, resolved)| ReportData {
                            review_id,
                            target,
                            reason,
                            details,
                            created_at: time(created),
                            resolved_at: time_opt(resolved),
                        },
                    )
                    .collect(),
                messages: messages
                    .into_iter()
                    .map(
                        |(to, body, email, created, edited, answer, answered, closed)| {
                            MessageData {
                                to: to.unwrap_or_default(),
                                body,
                                email,
                                created_at: time(created),
                                edited_at: time_opt(edited),
                                answer,
                                answered_at: time_opt(answered),
                                closed_at: time_opt(closed),
                            }
                        },
                    )
                    .collect(),
            }))
        }
        .await
        .map_err(store_error)
        })
    }

    async fn account_data(&self, id: i64) -> StoreResult<Option<AccountData>> {
        on_pool!(self, |pool| {
            async {
            type UserRow = (String, Option<String>, DateTime<Utc>, Option<DateTime<Utc>>);
            let user: Option<UserRow> = sqlx::query_as(
                "SELECT email, display_name, created_at, last_sign_in_at FROM users WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?;
            let Some((email, display_name, created_at, last_sign_in_at)) = user else {
                return Ok(None);
            };
            let administrator: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM town_admins WHERE user_id = $1")
                    .bind(id)
                    .fetch_one(pool)
                    .await?;
            let shops: Vec<FollowRow> = sqlx::query_as(
                "SELECT s.slug, s.name, m.role, m.created_at FROM shop_members m \
                 JOIN shops s ON s.id = m.shop_id WHERE m.user_id = $1 ORDER BY s.name, s.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let districts: Vec<FollowRow> = sqlx::query_as(
                "SELECT d.slug, d.name, 'steward', m.created_at FROM district_stewards m \
                 JOIN districts d ON d.id = m.district_id WHERE m.user_id = $1 \
                 ORDER BY d.name, d.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let passkeys: Vec<(String, DateTime<Utc>, Option<DateTime<Utc>>)> = sqlx::query_as(
                "SELECT name, created_at, last_used_at FROM passkeys WHERE user_id = $1 \
                 ORDER BY created_at, id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let sessions: Vec<(DateTime<Utc>, DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
                "SELECT created_at, last_seen_at, expires_at FROM sessions WHERE user_id = $1 \
                 ORDER BY created_at, id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            type ReviewRow = (
                i64,
                String,
                i32,
                String,
                Option<NaiveDate>,
                String,
                Option<String>,
                DateTime<Utc>,
                Option<DateTime<Utc>>,
                Option<String>,
            );
            let reviews: Vec<ReviewRow> = sqlx::query_as(
                "SELECT r.id, s.name, r.rating, r.body, r.visited_on, r.status, r.status_reason, \
                 r.created_at, r.edited_at, rr.body FROM reviews r JOIN shops s ON s.id = r.shop_id \
                 LEFT JOIN review_replies rr ON rr.review_id = r.id AND rr.hidden_reason IS NULL \
                 WHERE r.user_id = $1 ORDER BY r.created_at, r.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let versions: Vec<VersionRow> =
                sqlx::query_as(
                    "SELECT v.review_id, v.rating, v.body, v.visited_on, v.written_at \
                     FROM review_versions v JOIN reviews r ON r.id = v.review_id \
                     WHERE r.user_id = $1 ORDER BY v.written_at, v.id",
                )
                .bind(id)
                .fetch_all(pool)
                .await?;
            let posts: Vec<(Option<String>, String, DateTime<Utc>)> = sqlx::query_as(
                "SELECT COALESCE(s.name, d.name), p.title, p.created_at FROM posts p \
                 LEFT JOIN shops s ON s.id = p.shop_id \
                 LEFT JOIN districts d ON d.id = p.district_id \
                 WHERE p.author_user_id = $1 ORDER BY p.created_at, p.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let replies: Vec<(Option<String>, String, DateTime<Utc>)> = sqlx::query_as(
                "SELECT s.name, rr.body, rr.created_at FROM review_replies rr \
                 JOIN reviews r ON r.id = rr.review_id LEFT JOIN shops s ON s.id = r.shop_id \
                 WHERE rr.author_user_id = $1 ORDER BY rr.created_at, rr.review_id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let written = |rows: Vec<(Option<String>, String, DateTime<Utc>)>| -> Vec<WrittenData> {
                rows.into_iter()
                    .map(|(for_whom, text, at)| WrittenData {
                        for_whom: for_whom.unwrap_or_default(),
                        text,
                        at: time(at),
                    })
                    .collect()
            };
            let roles = |rows: Vec<FollowRow>| -> Vec<RoleData> {
                rows.into_iter()
                    .map(|(slug, name, role, since)| RoleData {
                        slug,
                        name,
                        role,
                        since: time(since),
                    })
                    .collect()
            };
            Ok::<_, sqlx::Error>(Some(AccountData {
                email,
                display_name,
                posts_written: written(posts),
                replies_written: written(replies),
                created_at: time(created_at),
                last_sign_in_at: time_opt(last_sign_in_at),
                administrator: administrator > 0,
                shops: roles(shops),
                districts: roles(districts),
                passkeys: passkeys
                    .into_iter()
                    .map(|(name, created, used)| PasskeyData {
                        name,
                        created_at: time(created),
                        last_used_at: time_opt(used),
                    })
                    .collect(),
                sessions: sessions
                    .into_iter()
                    .map(|(created, seen, expires)| SessionData {
                        created_at: time(created),
                        last_seen_at: time(seen),
                        expires_at: time(expires),
                    })
                    .collect(),
                reviews: reviews
                    .into_iter()
                    .map(
                        |(id, shop, rating, body, visited, status, reason, created, edited, reply)| {
                            ReviewData {
                                id,
                                shop,
                                rating,
                                body,
                                visited_on: visited.map(|d| d.to_string()),
                                status,
                                status_reason: reason,
                                created_at: time(created),
                                edited_at: time_opt(edited),
                                versions: versions
                                    .iter()
                                    .filter(|v| v.0 == id)
                                    .map(|(_, rating, body, visited, written)| ReviewVersionData {
                                        rating: *rating,
                                        body: body.clone(),
                                        visited_on: visited.map(|d| d.to_string()),
                                        written_at: time(*written),
                                    })
                                    .collect(),
                                reply,
                            }
                        },
                    )
                    .collect(),
            }))
        }
        .await
        .map_err(store_error)
        })
    }
}
