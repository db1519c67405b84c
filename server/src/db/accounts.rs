//! Accounts, sessions, sign-in links, roles, invitations and rate limits.

use super::BeginWrite;
use app::server::{
    Invitation, InvitedRole, NewInvitation, NewSession, NewSignInLink, PasskeyRecord, Roles,
    SessionUser, ShopMember, ShopRole, SignedIn, StoreError, StoreResult, User,
};
use chrono::{DateTime, NaiveTime, SubsecRound, TimeDelta, Utc};

use super::rows::{InvitationRow, MemberRow, UserRow, INVITATION_COLUMNS, USER_COLUMNS};
use super::store::store_error;
use super::{Pool, SqlStore};

fn day_of(now: DateTime<Utc>) -> DateTime<Utc> {
    now.date_naive().and_time(NaiveTime::MIN).and_utc()
}

/// Creates the account of `$email` or finds it; `$2` is the time.
const UPSERT_USER: &str = "INSERT INTO users (email, created_at) VALUES ($1, $2) \
     ON CONFLICT (email) DO UPDATE SET email = excluded.email \
     RETURNING id, email, profile_id, created_at";

/// Marks an open invitation used (`$1` its condition's value, `$2` now, `$3` the user).
fn accept_sql(condition: &str) -> String {
    format!(
        "UPDATE invitations SET used_at = $2, used_by = $3 \
         WHERE {condition} AND used_at IS NULL AND expires_at > $2 RETURNING {INVITATION_COLUMNS}"
    )
}

/// The statement granting an invitation's role: binds `(target id, user id, role, now)`.
fn grant_sql(role: InvitedRole) -> &'static str {
    match role {
        // An owner invited as staff stays an owner; staff invited as owner becomes one.
        InvitedRole::Owner | InvitedRole::Staff => {
            "INSERT INTO shop_members (shop_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (shop_id, user_id) DO UPDATE SET role = CASE \
             WHEN shop_members.role = 'owner' THEN 'owner' ELSE excluded.role END"
        }
        InvitedRole::Steward => {
            "INSERT INTO district_stewards (district_id, user_id, created_at) \
             SELECT $1, $2, $4 WHERE $3 = $3 ON CONFLICT (district_id, user_id) DO NOTHING"
        }
        InvitedRole::Admin => {
            "INSERT INTO town_admins (town_id, user_id, created_at) \
             SELECT $1, $2, $4 WHERE $3 = $3 ON CONFLICT (town_id, user_id) DO NOTHING"
        }
    }
}

fn grant_target(invitation: &Invitation) -> StoreResult<i64> {
    match invitation.role {
        InvitedRole::Owner | InvitedRole::Staff => invitation.shop_id,
        InvitedRole::Steward => invitation.district_id,
        InvitedRole::Admin => Some(invitation.town_id),
    }
    .ok_or_else(|| StoreError::Backend("invitation without its shop or district".into()))
}

/// Inside a transaction `$tx`: uses the open invitation matching `$condition` = `$value` for
/// `$user` and grants its role. Evaluates to `Option<Invitation>` (`None`: not open).
macro_rules! accept_in_tx {
    ($tx:expr, $condition:expr, $value:expr, $user:expr, $now:expr) => {{
        let row = sqlx::query_as::<_, InvitationRow>(&accept_sql($condition))
            .bind($value)
            .bind($now)
            .bind($user)
            .fetch_optional(&mut *$tx)
            .await
            .map_err(store_error)?;
        match row.and_then(InvitationRow::into_invitation) {
            Some(invitation) => {
                sqlx::query(grant_sql(invitation.role))
                    .bind(grant_target(&invitation)?)
                    .bind($user)
                    .bind(invitation.role.as_str())
                    .bind($now)
                    .execute(&mut *$tx)
                    .await
                    .map_err(store_error)?;
                Some(invitation)
            }
            None => None,
        }
    }};
}

pub(super) async fn create_sign_in_link(
    store: &SqlStore,
    link: &NewSignInLink,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let sql =
        "INSERT INTO sign_in_links (token_hash, email, invitation_id, return_to, created_at, \
               expires_at) VALUES ($1, $2, $3, $4, $5, $6)";
    on_pool!(store, |pool| sqlx::query(sql)
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
                        for sql in super::store::MERGE_PROFILES {
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
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&session.token_hash)
        .bind($user.id)
        .bind(now)
        .bind(day_of(now))
        .bind(session.expires_at.trunc_subsecs(0))
        .execute(&mut *$tx)
        .await
        .map_err(store_error)?;
    }};
}

pub(super) async fn complete_sign_in(
    store: &SqlStore,
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
    on_pool!(store, |pool| {
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
                        let sql =
                            format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE id = $1");
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

pub(super) async fn session_user(
    store: &SqlStore,
    token_hash: &str,
    now: DateTime<Utc>,
    lifetime: TimeDelta,
) -> StoreResult<Option<SessionUser>> {
    let find = "SELECT s.id AS session_id, s.last_seen_at, u.id, u.email, u.profile_id, \
                u.created_at, s.created_at AS session_created_at \
                FROM sessions s JOIN users u ON u.id = s.user_id \
                WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.created_at > $3";
    let extend = "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1";
    let now = now.trunc_subsecs(0);
    let today = day_of(now);
    on_pool!(store, |pool| {
        let Some(row) = sqlx::query_as::<_, SessionRow>(find)
            .bind(token_hash)
            .bind(now)
            .bind(now - SESSION_MAX_AGE)
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

pub(super) async fn delete_session(store: &SqlStore, token_hash: &str) -> StoreResult<()> {
    on_pool!(store, |pool| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .execute(pool)
    .await
    .map(|_| ())
    .map_err(store_error))
}

pub(super) async fn delete_user_sessions(store: &SqlStore, user_id: i64) -> StoreResult<u64> {
    on_pool!(store, |pool| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1"
    )
    .bind(user_id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    .map_err(store_error))
}

pub(super) async fn user_by_email(store: &SqlStore, email: &str) -> StoreResult<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    on_pool!(store, |pool| sqlx::query_as::<_, UserRow>(&sql)
        .bind(email)
        .fetch_optional(pool)
        .await
        .map(|row| row.map(User::from))
        .map_err(store_error))
}

pub(super) async fn ensure_user_profile(
    store: &SqlStore,
    user_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let today = day_of(now);
    on_pool!(store, |pool| {
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

pub(super) async fn grant_admin(
    store: &SqlStore,
    town_id: i64,
    email: &str,
    now: DateTime<Utc>,
) -> StoreResult<User> {
    let now = now.trunc_subsecs(0);
    on_pool!(store, |pool| {
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

pub(super) async fn roles(store: &SqlStore, town_id: i64, user_id: i64) -> StoreResult<Roles> {
    let admin = "SELECT COUNT(*) FROM town_admins WHERE town_id = $1 AND user_id = $2";
    let shops = "SELECT m.shop_id, m.role FROM shop_members m JOIN shops s ON s.id = m.shop_id \
                 WHERE s.town_id = $1 AND m.user_id = $2 ORDER BY m.shop_id";
    let districts =
        "SELECT d.id FROM district_stewards ds JOIN districts d ON d.id = ds.district_id \
                     WHERE d.town_id = $1 AND ds.user_id = $2 ORDER BY d.id";
    on_pool!(store, |pool| {
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

pub(super) async fn create_invitation(
    store: &SqlStore,
    town_id: i64,
    invitation: &NewInvitation,
    now: DateTime<Utc>,
) -> StoreResult<Invitation> {
    // The shop or district must be of this town: the INSERT selects from it.
    let target_check = match (invitation.shop_id, invitation.district_id) {
        (Some(_), None) => "EXISTS (SELECT 1 FROM shops WHERE id = $4 AND town_id = $1)",
        (None, Some(_)) => "EXISTS (SELECT 1 FROM districts WHERE id = $5 AND town_id = $1)",
        (None, None) => "$4 IS NULL AND $5 IS NULL",
        (Some(_), Some(_)) => {
            return Err(StoreError::Conflict(
                "an invitation is for a shop or a district".into(),
            ))
        }
    };
    let sql = format!(
        "INSERT INTO invitations (token_hash, town_id, role, shop_id, district_id, created_by, \
         created_at, expires_at) SELECT $2, $1, $3, $4, $5, $6, $7, $8 WHERE {target_check} \
         RETURNING {INVITATION_COLUMNS}"
    );
    let shop_id = invitation.shop_id;
    let district_id = invitation.district_id;
    let row = match &store.pool {
        Pool::Sqlite(pool) => sqlx::query_as::<_, InvitationRow>(&sql)
            .bind(town_id)
            .bind(&invitation.token_hash)
            .bind(invitation.role.as_str())
            .bind(shop_id)
            .bind(district_id)
            .bind(invitation.created_by)
            .bind(now.trunc_subsecs(0))
            .bind(invitation.expires_at.trunc_subsecs(0))
            .fetch_optional(pool)
            .await
            .map_err(store_error)?,
        // PostgreSQL wants the types of parameters only compared with NULL.
        Pool::Postgres(pool) => sqlx::query_as::<_, InvitationRow>(&sql.replace(
            "$4 IS NULL AND $5 IS NULL",
            "$4::BIGINT IS NULL AND $5::BIGINT IS NULL",
        ))
        .bind(town_id)
        .bind(&invitation.token_hash)
        .bind(invitation.role.as_str())
        .bind(shop_id)
        .bind(district_id)
        .bind(invitation.created_by)
        .bind(now.trunc_subsecs(0))
        .bind(invitation.expires_at.trunc_subsecs(0))
        .fetch_optional(pool)
        .await
        .map_err(store_error)?,
    };
    row.and_then(InvitationRow::into_invitation)
        .ok_or_else(|| StoreError::Conflict("the shop or district is not in this town".into()))
}

pub(super) async fn invitation_by_token(
    store: &SqlStore,
    token_hash: &str,
) -> StoreResult<Option<Invitation>> {
    let sql = format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE token_hash = $1");
    on_pool!(store, |pool| sqlx::query_as::<_, InvitationRow>(&sql)
        .bind(token_hash)
        .fetch_optional(pool)
        .await
        .map(|row| row.and_then(InvitationRow::into_invitation))
        .map_err(store_error))
}

pub(super) async fn accept_invitation(
    store: &SqlStore,
    token_hash: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<Option<Invitation>> {
    let now = now.trunc_subsecs(0);
    on_pool!(store, |pool| {
        let mut tx = pool.begin_write().await.map_err(store_error)?;
        let accepted = accept_in_tx!(tx, "token_hash = $1", token_hash, user_id, now);
        tx.commit().await.map_err(store_error)?;
        Ok(accepted)
    })
}

pub(super) async fn open_invitations(
    store: &SqlStore,
    town_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Invitation>> {
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations WHERE town_id = $1 AND used_at IS NULL \
         AND expires_at > $2 ORDER BY created_at DESC, id DESC"
    );
    on_pool!(store, |pool| sqlx::query_as::<_, InvitationRow>(&sql)
        .bind(town_id)
        .bind(now.trunc_subsecs(0))
        .fetch_all(pool)
        .await
        .map(|rows| {
            rows.into_iter()
                .filter_map(InvitationRow::into_invitation)
                .collect()
        })
        .map_err(store_error))
}

pub(super) async fn revoke_invitation(
    store: &SqlStore,
    town_id: i64,
    id: i64,
) -> StoreResult<bool> {
    let sql = "DELETE FROM invitations WHERE town_id = $1 AND id = $2 AND used_at IS NULL";
    on_pool!(store, |pool| sqlx::query(sql)
        .bind(town_id)
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() > 0)
        .map_err(store_error))
}

pub(super) async fn shop_members(store: &SqlStore, shop_id: i64) -> StoreResult<Vec<ShopMember>> {
    let sql = "SELECT m.user_id, u.email, m.role, m.created_at FROM shop_members m \
               JOIN users u ON u.id = m.user_id WHERE m.shop_id = $1 \
               ORDER BY CASE m.role WHEN 'owner' THEN 0 ELSE 1 END, u.email";
    on_pool!(store, |pool| sqlx::query_as::<_, MemberRow>(sql)
        .bind(shop_id)
        .fetch_all(pool)
        .await
        .map(|rows| rows
            .into_iter()
            .filter_map(MemberRow::into_member)
            .collect())
        .map_err(store_error))
}

pub(super) async fn claimed_shop_ids(store: &SqlStore, town_id: i64) -> StoreResult<Vec<i64>> {
    let sql = "SELECT DISTINCT m.shop_id FROM shop_members m JOIN shops s ON s.id = m.shop_id \
               WHERE s.town_id = $1 ORDER BY m.shop_id";
    on_pool!(store, |pool| sqlx::query_scalar::<_, i64>(sql)
        .bind(town_id)
        .fetch_all(pool)
        .await
        .map_err(store_error))
}

pub(super) async fn remove_shop_member(
    store: &SqlStore,
    shop_id: i64,
    user_id: i64,
) -> StoreResult<bool> {
    let sql = "DELETE FROM shop_members WHERE shop_id = $1 AND user_id = $2";
    on_pool!(store, |pool| sqlx::query(sql)
        .bind(shop_id)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() > 0)
        .map_err(store_error))
}

pub(super) async fn hit_rate_limit(
    store: &SqlStore,
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
    on_pool!(store, |pool| sqlx::query_scalar::<_, i64>(sql)
        .bind(key)
        .bind(now)
        .bind(now - window)
        .fetch_one(pool)
        .await
        .map_err(store_error))
}

/// Days after which an idle device profile with nothing in it is deleted.
pub const IDLE_DEVICE_PROFILE_DAYS: i64 = 90;

pub(super) async fn purge_expired(store: &SqlStore, now: DateTime<Utc>) -> StoreResult<u64> {
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
             AND NOT EXISTS (SELECT 1 FROM users u WHERE u.profile_id = device_profiles.id)",
            now - TimeDelta::days(IDLE_DEVICE_PROFILE_DAYS),
        ),
        // The caps look back a week at most.
        (
            "DELETE FROM push_cap_ledger WHERE counted_at < $1",
            now - TimeDelta::days(8),
        ),
    ];
    let mut deleted = 0;
    for (sql, before) in statements {
        deleted += on_pool!(store, |pool| sqlx::query(sql)
            .bind(before)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(store_error))?;
    }
    Ok(deleted)
}

/// A `PasskeyRecord`'s columns.
const PASSKEY_COLUMNS: &str =
    "id, user_id, credential_id, credential, name, created_at, last_used_at";

#[derive(sqlx::FromRow)]
struct PasskeyRow {
    id: i64,
    user_id: i64,
    credential_id: String,
    credential: String,
    name: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
}

impl From<PasskeyRow> for PasskeyRecord {
    fn from(r: PasskeyRow) -> PasskeyRecord {
        PasskeyRecord {
            id: r.id,
            user_id: r.user_id,
            credential_id: r.credential_id,
            credential: r.credential,
            name: r.name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        }
    }
}

pub(super) async fn passkey_handle(
    store: &SqlStore,
    user_id: i64,
    candidate: &str,
) -> StoreResult<String> {
    on_pool!(store, |pool| {
        sqlx::query(
            "UPDATE users SET passkey_handle = $2 WHERE id = $1 AND passkey_handle IS NULL",
        )
        .bind(user_id)
        .bind(candidate)
        .execute(pool)
        .await
        .map_err(store_error)?;
        sqlx::query_scalar::<_, Option<String>>("SELECT passkey_handle FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await
            .map_err(store_error)?
            .flatten()
            .ok_or_else(|| StoreError::Backend(format!("no user {user_id}")))
    })
}

pub(super) async fn save_passkey_ceremony(
    store: &SqlStore,
    id_hash: &str,
    user_id: Option<i64>,
    state: &str,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    on_pool!(store, |pool| {
        sqlx::query(
        "INSERT INTO passkey_ceremonies (id_hash, user_id, state, expires_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(state)
    .bind(expires_at.trunc_subsecs(0))
    .execute(pool)
    .await
    .map(|_| ())
    .map_err(store_error)
    })
}

pub(super) async fn take_passkey_ceremony(
    store: &SqlStore,
    id_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<(Option<i64>, String)>> {
    let taken: Option<(Option<i64>, String, DateTime<Utc>)> = on_pool!(store, |pool| {
        sqlx::query_as(
            "DELETE FROM passkey_ceremonies WHERE id_hash = $1 RETURNING user_id, state, expires_at",
        )
        .bind(id_hash)
        .fetch_optional(pool)
        .await
        .map_err(store_error)
    })?;
    Ok(taken
        .filter(|(_, _, expires_at)| *expires_at > now)
        .map(|(user, state, _)| (user, state)))
}

pub(super) async fn user_passkeys(
    store: &SqlStore,
    user_id: i64,
) -> StoreResult<Vec<PasskeyRecord>> {
    let sql = format!("SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY id");
    on_pool!(store, |pool| sqlx::query_as::<_, PasskeyRow>(&sql)
        .bind(user_id)
        .fetch_all(pool)
        .await
        .map(|rows| rows.into_iter().map(PasskeyRecord::from).collect())
        .map_err(store_error))
}

pub(super) async fn add_passkey(
    store: &SqlStore,
    user_id: i64,
    credential_id: &str,
    credential: &str,
    name: &str,
    now: DateTime<Utc>,
) -> StoreResult<PasskeyRecord> {
    let sql = format!(
        "INSERT INTO passkeys (user_id, credential_id, credential, name, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (credential_id) DO NOTHING \
         RETURNING {PASSKEY_COLUMNS}"
    );
    on_pool!(store, |pool| sqlx::query_as::<_, PasskeyRow>(&sql)
        .bind(user_id)
        .bind(credential_id)
        .bind(credential)
        .bind(name)
        .bind(now.trunc_subsecs(0))
        .fetch_optional(pool)
        .await
        .map_err(store_error)?
        .map(PasskeyRecord::from)
        .ok_or_else(|| StoreError::Conflict(
            "passkey already registered".into()
        )))
}

pub(super) async fn passkey_by_credential_id(
    store: &SqlStore,
    credential_id: &str,
) -> StoreResult<Option<(PasskeyRecord, Option<String>)>> {
    let sql = format!(
        "SELECT {}, u.passkey_handle FROM passkeys p JOIN users u ON u.id = p.user_id \
         WHERE p.credential_id = $1",
        PASSKEY_COLUMNS
            .split(", ")
            .map(|c| format!("p.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        passkey: PasskeyRow,
        passkey_handle: Option<String>,
    }
    on_pool!(store, |pool| sqlx::query_as::<_, Row>(&sql)
        .bind(credential_id)
        .fetch_optional(pool)
        .await
        .map(|row| row.map(|r| (PasskeyRecord::from(r.passkey), r.passkey_handle)))
        .map_err(store_error))
}

pub(super) async fn delete_passkey(
    store: &SqlStore,
    user_id: i64,
    passkey_id: i64,
) -> StoreResult<bool> {
    on_pool!(store, |pool| sqlx::query(
        "DELETE FROM passkeys WHERE id = $1 AND user_id = $2"
    )
    .bind(passkey_id)
    .bind(user_id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected() == 1)
    .map_err(store_error))
}

pub(super) async fn complete_passkey_sign_in(
    store: &SqlStore,
    passkey_id: i64,
    updated_credential: Option<&str>,
    session: &NewSession,
    device_profile: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<Option<SignedIn>> {
    let now = now.trunc_subsecs(0);
    let user_sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    on_pool!(store, |pool| {
        let mut tx = pool.begin_write().await.map_err(store_error)?;
        let user_id: Option<i64> = sqlx::query_scalar(
            "UPDATE passkeys SET last_used_at = $2, credential = COALESCE($3, credential) \
             WHERE id = $1 RETURNING user_id",
        )
        .bind(passkey_id)
        .bind(now)
        .bind(updated_credential)
        .fetch_optional(&mut *tx)
        .await
        .map_err(store_error)?;
        let Some(user_id) = user_id else {
            return Ok(None);
        };
        let mut user = User::from(
            sqlx::query_as::<_, UserRow>(&user_sql)
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(store_error)?,
        );
        open_session_in_tx!(tx, user, device_profile, session, now);
        tx.commit().await.map_err(store_error)?;
        Ok(Some(SignedIn {
            user,
            new_account: false,
            return_to: None,
            invitation: None,
        }))
    })
}
