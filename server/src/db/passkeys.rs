//! Passkeys: ceremonies, credentials, and signing in with them.

use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};

use super::rows::*;
use super::sql::*;
use super::{BeginWrite, Pool, SqlStore};

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

#[async_trait]
impl PasskeyStore for SqlStore {
    async fn passkey_handle(&self, user_id: i64, candidate: &str) -> StoreResult<String> {
        on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE users SET passkey_handle = $2 WHERE id = $1 AND passkey_handle IS NULL",
            )
            .bind(user_id)
            .bind(candidate)
            .execute(pool)
            .await
            .map_err(store_error)?;
            sqlx::query_scalar::<_, Option<String>>(
                "SELECT passkey_handle FROM users WHERE id = $1",
            )
            .bind(user_id)
            .fetch_optional(pool)
            .await
            .map_err(store_error)?
            .flatten()
            .ok_or_else(|| StoreError::Backend(format!("no user {user_id}")))
        })
    }

    async fn save_passkey_ceremony(
        &self,
        id_hash: &str,
        user_id: Option<i64>,
        state: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(self, |pool| {
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

    async fn take_passkey_ceremony(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Option<i64>, String)>> {
        let taken: Option<(Option<i64>, String, DateTime<Utc>)> = on_pool!(self, |pool| {
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

    async fn user_passkeys(&self, user_id: i64) -> StoreResult<Vec<PasskeyRecord>> {
        let sql = format!("SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY id");
        on_pool!(self, |pool| sqlx::query_as::<_, PasskeyRow>(&sql)
            .bind(user_id)
            .fetch_all(pool)
            .await
            .map(|rows| rows.into_iter().map(PasskeyRecord::from).collect())
            .map_err(store_error))
    }

    async fn add_passkey(
        &self,
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
        on_pool!(self, |pool| sqlx::query_as::<_, PasskeyRow>(&sql)
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

    async fn passkey_by_credential_id(
        &self,
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
        on_pool!(self, |pool| sqlx::query_as::<_, Row>(&sql)
            .bind(credential_id)
            .fetch_optional(pool)
            .await
            .map(|row| row.map(|r| (PasskeyRecord::from(r.passkey), r.passkey_handle)))
            .map_err(store_error))
    }

    async fn delete_passkey(&self, user_id: i64, passkey_id: i64) -> StoreResult<bool> {
        on_pool!(self, |pool| sqlx::query(
            "DELETE FROM passkeys WHERE id = $1 AND user_id = $2"
        )
        .bind(passkey_id)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1)
        .map_err(store_error))
    }

    async fn complete_passkey_sign_in(
        &self,
        passkey_id: i64,
        updated_credential: Option<&str>,
        session: &NewSession,
        device_profile: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SignedIn>> {
        let now = now.trunc_subsecs(0);
        let user_sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        on_pool!(self, |pool| {
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
}
