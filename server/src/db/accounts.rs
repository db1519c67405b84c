//! Accounts: sign-in links, sessions, roles and shop teams.

use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};

use super::invitations::grant_sql;
use super::rows::*;
use super::sql::*;
use super::{BeginWrite, Pool, SqlStore};

/// Creates the account of `$email` or finds it; `$2` is the time.
const UPSERT_USER: &str = "INSERT INTO users (email, created_at) VALUES ($1, $2) \
     ON CONFLICT (email) DO UPDATE SET email = excluded.email \
     RETURNING id, email, profile_id, created_at";

/// In transaction `$tx`, signs `$user` (a mutable `User`) in: records the sign-in, gives the
/// device's profile to the account (or merges it into the account's) and opens the session.
macro_rules! open_session_in_tx {
    ($tx:ident, $user:ident, $device_profile:expr, $session:expr, $now:expr) => {{
        let (device_profile, session, now): (Option<i64>, &NewSession, DateTime<Utc>) =
            ($device_profile, $session, $now);
        sqlx::query("UPDATE users SET last_sign_in_at = $2 WHERE id = $1")
            .bind($user.id)
            .bind(now)
            .execute(&mut *$tx)
            .await
            .map_err(store_error)?;

        // The device's follows go to the account: the device profile becomes the account's,
        // or is merged into it. A profile that already belongs to an account is left alone.
        if let Some(profile) = device_profile.filter(|p| Some(*p) != $user.profile_id) {
            let free: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM device_profiles p WHERE p.id = $1 \
                 AND NOT EXISTS (SELECT 1 FROM users u WHERE u.profile_id = p.id)",
            )
            .bind(profile)
            .fetch_one(&mut *$tx)
            .await
            .map_err(store_error)?;
            if free == 1 {
                match $user.profile_id {
                    None => {
                        sqlx::query("UPDATE users SET profile_id = $1 WHERE id = $2")
                            .bind(profile)
                            .bind($user.id)
                            .execute(&mut *$tx)
                            .await
                            .map_err(store_error)?;
                        $user.profile_id = Some(profile);
                    }
                    Some(into) => {
                        for sql in super::follows::MERGE_PROFILES {
                            sqlx::query(sql)
                                .bind(profile)
                                .bind(into)
                                .execute(&mut *$tx)
                                .await
                                .map_err(store_error)?;
                        }
                    }
                }
            }
        }

        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, \
             town_id) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session.token_hash)
        .bind($user.id)
        .bind(now)
        .bind(day_of(now))
        .bind(session.expires_at.trunc_subsecs(0))
        .bind(session.town_id)
        .execute(&mut *$tx)
        .await
        .map_err(store_error)?;
    }};
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    session_id: i64,
    last_seen_at: DateTime<Utc>,
    id: i64,
    email: String,
    profile_id: Option<i64>,
    created_at: DateTime<Utc>,
    session_created_at: DateTime<Utc>,
}

/// A session ends this long after it was opened, however often it is used (the sliding
/// lifetime only extends it up to there).
pub use app::server::auth::SESSION_MAX_AGE;

#[async_trait]
impl AccountStore for SqlStore {
    async fn create_sign_in_link(
        &self,
        link: &NewSignInLink,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql =
            "INSERT INTO sign_in_links (token_hash, email, invitation_id, return_to, created_at, \
                   expires_at) VALUES ($1, $2, $3, $4, $5, $6)";
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(&link.token_hash)
            .bind(&link.email)
            .bind(link.invitation_id)
            .bind(&link.return_to)
            .bind(now.trunc_subsecs(0))
            .bind(link.expires_at.trunc_subsecs(0))
            .execute(pool)
            .await
            .map(|_| ())
            .map_err(store_error))
    }

    async fn complete_sign_in(
        &self,
        town_id: i64,
        link_token_hash: &str,
        session: &NewSession,
        device_profile: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SignedIn>> {
        let now = now.trunc_subsecs(0);
        let use_link = "UPDATE sign_in_links SET used_at = $2 \
                        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 \
                        RETURNING email, invitation_id, return_to";
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            let link: Option<(String, Option<i64>, Option<String>)> = sqlx::query_as(use_link)
                .bind(link_token_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_error)?;
            let Some((email, invitation_id, return_to)) = link else {
                return Ok(None);
            };
            let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
                .bind(&email)
                .fetch_one(&mut *tx)
                .await
                .map_err(store_error)?;
            let mut user = User::from(
                sqlx::query_as::<_, UserRow>(UPSERT_USER)
                    .bind(&email)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(store_error)?,
            );
            let invitation = match invitation_id {
                Some(id) => {
                    let condition = format!("id = $1 AND town_id = {town_id}");
                    match accept_in_tx!(tx, &condition, id, user.id, now) {
                        Some(accepted) => Some(Ok(accepted)),
                        None => {
                            let sql = format!(
                                "SELECT {INVITATION_COLUMNS} FROM invitations WHERE id = $1"
                            );
                            sqlx::query_as::<_, InvitationRow>(&sql)
                                .bind(id)
                                .fetch_optional(&mut *tx)
                                .await
                                .map_err(store_error)?
                                .and_then(InvitationRow::into_invitation)
                                .map(Err)
                        }
                    }
                }
                None => None,
            };

            open_session_in_tx!(tx, user, device_profile, session, now);
            tx.commit().await.map_err(store_error)?;
            Ok(Some(SignedIn {
                user,
                new_account: existing == 0,
                return_to,
                invitation,
            }))
        })
    }

    async fn session_user(
        &self,
        token_hash: &str,
        town_id: Option<i64>,
        now: DateTime<Utc>,
        lifetime: TimeDelta,
    ) -> StoreResult<Option<SessionUser>> {
        // A session opened on another town is not this town's (one made before towns had
        // hosts, or by a tool, is every town's).
        let find = "SELECT s.id AS session_id, s.last_seen_at, u.id, u.email, u.profile_id, \
                    u.created_at, s.created_at AS session_created_at \
                    FROM sessions s JOIN users u ON u.id = s.user_id \
                    WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.created_at > $3 \
                    AND (s.town_id IS NULL OR s.town_id = $4 OR $4 IS NULL)";
        let extend = "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1";
        let now = now.trunc_subsecs(0);
        let today = day_of(now);
        on_pool!(self, |pool| {
            let Some(row) = sqlx::query_as::<_, SessionRow>(find)
                .bind(token_hash)
                .bind(now)
                .bind(now - SESSION_MAX_AGE)
                .bind(town_id)
                .fetch_optional(pool)
                .await
                .map_err(store_error)?
            else {
                return Ok(None);
            };
            // Seen-times are kept to the day; the session is extended at most once a day.
            let extended_until = if row.last_seen_at < today {
                let until = (now + lifetime).min(row.session_created_at + SESSION_MAX_AGE);
                sqlx::query(extend)
                    .bind(row.session_id)
                    .bind(today)
                    .bind(until)
                    .execute(pool)
                    .await
                    .map_err(store_error)?;
                Some(until)
            } else {
                None
            };
            Ok(Some(SessionUser {
                session_id: row.session_id,
                user: User {
                    id: row.id,
                    email: row.email,
                    profile_id: row.profile_id,
                    created_at: row.created_at,
                },
                extended_until,
            }))
        })
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        on_pool!(self, |pool| sqlx::query(
            "DELETE FROM sessions WHERE token_hash = $1"
        )
        .bind(token_hash)
        .execute(pool)
        .await
        .map(|_| ())
        .map_err(store_error))
    }

    async fn delete_account(&self, user_id: i64) -> StoreResult<AccountDeletion> {
        let lock = self.dialect().for_update();
        let select = format!("SELECT profile_id FROM users WHERE id = $1{lock}");
        on_pool!(self, |pool| async {
            let mut tx = pool.begin_write().await?;
            let profile: Option<Option<i64>> = sqlx::query_scalar(&select)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(profile) = profile else {
                return Ok(AccountDeletion::NotFound);
            };
            // On PostgreSQL, two owners (or admins) leaving at once are decided one after the
            // other: the rows the checks read are locked (SQLite's writes are serialised).
            if !lock.is_empty() {
                sqlx::query(
                    "SELECT user_id FROM shop_members WHERE shop_id IN \
                     (SELECT shop_id FROM shop_members WHERE user_id = $1 AND role = 'owner') \
                     ORDER BY shop_id, user_id FOR UPDATE",
                )
                .bind(user_id)
                .fetch_all(&mut *tx)
                .await?;
                sqlx::query(
                    "SELECT user_id FROM town_admins WHERE town_id IN \
                     (SELECT town_id FROM town_admins WHERE user_id = $1) \
                     ORDER BY town_id, user_id FOR UPDATE",
                )
                .bind(user_id)
                .fetch_all(&mut *tx)
                .await?;
            }
            let last_owner: Option<i64> = sqlx::query_scalar(
                "SELECT m.shop_id FROM shop_members m WHERE m.user_id = $1 AND m.role = 'owner' \
                 AND NOT EXISTS (SELECT 1 FROM shop_members o WHERE o.shop_id = m.shop_id \
                 AND o.role = 'owner' AND o.user_id <> $1) LIMIT 1",
            )
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            if last_owner.is_some() {
                return Ok(AccountDeletion::LastOwner);
            }
            let last_admin: Option<i64> = sqlx::query_scalar(
                "SELECT a.town_id FROM town_admins a WHERE a.user_id = $1 \
                 AND NOT EXISTS (SELECT 1 FROM town_admins b WHERE b.town_id = a.town_id \
                 AND b.user_id <> $1) LIMIT 1",
            )
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            if last_admin.is_some() {
                return Ok(AccountDeletion::LastAdmin);
            }
            // Another account must not inherit its moderation history (SQLite may reuse ids).
            sqlx::query(
                "UPDATE moderation_log SET author_user_id = NULL WHERE author_user_id = $1",
            )
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM users WHERE id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            if let Some(profile) = profile {
                for sql in super::privacy::FORGET_PROFILE {
                    sqlx::query(sql).bind(profile).execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok::<AccountDeletion, sqlx::Error>(AccountDeletion::Deleted)
        }
        .await
        .map_err(store_error))
    }

    async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<u64> {
        on_pool!(self, |pool| sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1"
        )
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
        .map_err(store_error))
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        on_pool!(self, |pool| sqlx::query_as::<_, UserRow>(&sql)
            .bind(email)
            .fetch_optional(pool)
            .await
            .map(|row| row.map(User::from))
            .map_err(store_error))
    }

    async fn ensure_user_profile(&self, user_id: i64, now: DateTime<Utc>) -> StoreResult<i64> {
        let today = day_of(now);
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            let current: Option<Option<i64>> =
                sqlx::query_scalar("SELECT profile_id FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(store_error)?;
            match current {
                None => return Err(StoreError::Backend(format!("no user {user_id}"))),
                Some(Some(profile)) => return Ok(profile),
                Some(None) => {}
            }
            // No cookie leads to an account's profile: its "token hash" is not a SHA-256.
            let profile: i64 = sqlx::query_scalar(
                "INSERT INTO device_profiles (token_hash, created_at, last_seen_at) \
                 VALUES ($1, $2, $2) RETURNING id",
            )
            .bind(format!("user:{user_id}"))
            .bind(today)
            .fetch_one(&mut *tx)
            .await
            .map_err(store_error)?;
            sqlx::query("UPDATE users SET profile_id = $1 WHERE id = $2")
                .bind(profile)
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
            tx.commit().await.map_err(store_error)?;
            Ok(profile)
        })
    }

    async fn ensure_user(&self, email: &str, now: DateTime<Utc>) -> StoreResult<User> {
        on_pool!(self, |pool| sqlx::query_as::<_, UserRow>(UPSERT_USER)
            .bind(email)
            .bind(now.trunc_subsecs(0))
            .fetch_one(pool)
            .await
            .map(User::from)
            .map_err(store_error))
    }

    async fn grant_admin(
        &self,
        town_id: i64,
        email: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        let now = now.trunc_subsecs(0);
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            let user = User::from(
                sqlx::query_as::<_, UserRow>(UPSERT_USER)
                    .bind(email)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(store_error)?,
            );
            sqlx::query(grant_sql(InvitedRole::Admin))
                .bind(town_id)
                .bind(user.id)
                .bind(InvitedRole::Admin.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
            tx.commit().await.map_err(store_error)?;
            Ok(user)
        })
    }

    async fn roles(&self, town_id: i64, user_id: i64) -> StoreResult<Roles> {
        let admin = "SELECT COUNT(*) FROM town_admins WHERE town_id = $1 AND user_id = $2";
        let shops =
            "SELECT m.shop_id, m.role FROM shop_members m JOIN shops s ON s.id = m.shop_id \
                     WHERE s.town_id = $1 AND m.user_id = $2 ORDER BY m.shop_id";
        let districts =
            "SELECT d.id FROM district_stewards ds JOIN districts d ON d.id = ds.district_id \
                         WHERE d.town_id = $1 AND ds.user_id = $2 ORDER BY d.id";
        on_pool!(self, |pool| {
            let admin: i64 = sqlx::query_scalar(admin)
                .bind(town_id)
                .bind(user_id)
                .fetch_one(pool)
                .await
                .map_err(store_error)?;
            let shops: Vec<(i64, String)> = sqlx::query_as(shops)
                .bind(town_id)
                .bind(user_id)
                .fetch_all(pool)
                .await
                .map_err(store_error)?;
            let districts: Vec<i64> = sqlx::query_scalar(districts)
                .bind(town_id)
                .bind(user_id)
                .fetch_all(pool)
                .await
                .map_err(store_error)?;
            Ok(Roles {
                admin: admin > 0,
                shops: shops
                    .into_iter()
                    .filter_map(|(id, role)| Some((id, ShopRole::parse(&role)?)))
                    .collect(),
                districts,
            })
        })
    }

    async fn shop_members(&self, shop_id: i64) -> StoreResult<Vec<ShopMember>> {
        let sql = "SELECT m.user_id, u.email, m.role, m.created_at FROM shop_members m \
                   JOIN users u ON u.id = m.user_id WHERE m.shop_id = $1 \
                   ORDER BY CASE m.role WHEN 'owner' THEN 0 ELSE 1 END, u.email";
        on_pool!(self, |pool| sqlx::query_as::<_, MemberRow>(sql)
            .bind(shop_id)
            .fetch_all(pool)
            .await
            .map(|rows| rows
                .into_iter()
                .filter_map(MemberRow::into_member)
                .collect())
            .map_err(store_error))
    }

    async fn claimed_shop_ids(&self, town_id: i64) -> StoreResult<Vec<i64>> {
        let sql = "SELECT DISTINCT m.shop_id FROM shop_members m JOIN shops s ON s.id = m.shop_id \
                   WHERE s.town_id = $1 ORDER BY m.shop_id";
        on_pool!(self, |pool| sqlx::query_scalar::<_, i64>(sql)
            .bind(town_id)
            .fetch_all(pool)
            .await
            .map_err(store_error))
    }

    async fn remove_shop_member(&self, shop_id: i64, user_id: i64) -> StoreResult<bool> {
        let sql = "DELETE FROM shop_members WHERE shop_id = $1 AND user_id = $2";
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(shop_id)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(store_error))
    }
}
