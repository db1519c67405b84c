//! Invitations: creating, accepting (granting their role) and revoking them.

use app::server::*;
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};

use super::rows::*;
use super::sql::*;
use super::{BeginWrite, Pool, SqlStore};

/// Marks an open invitation used (`$1` its condition's value, `$2` now, `$3` the user).
pub(super) fn accept_sql(condition: &str) -> String {
    format!(
        "UPDATE invitations SET used_at = $2, used_by = $3 \
         WHERE {condition} AND used_at IS NULL AND expires_at > $2 RETURNING {INVITATION_COLUMNS}"
    )
}

/// The statement granting an invitation's role: binds `(target id, user id, role, now)`.
pub(super) fn grant_sql(role: InvitedRole) -> &'static str {
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

pub(super) fn grant_target(invitation: &Invitation) -> StoreResult<i64> {
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
        let row = sqlx::query_as::<_, super::rows::InvitationRow>(&super::invitations::accept_sql(
            $condition,
        ))
        .bind($value)
        .bind($now)
        .bind($user)
        .fetch_optional(&mut *$tx)
        .await
        .map_err(store_error)?;
        match row.and_then(super::rows::InvitationRow::into_invitation) {
            Some(invitation) => {
                sqlx::query(super::invitations::grant_sql(invitation.role))
                    .bind(super::invitations::grant_target(&invitation)?)
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

/// A printed sheet's owner invitations in one write transaction (see
/// `InvitationStore::replace_owner_invitations`).
macro_rules! replace_owner_invitations_in_tx {
    ($pool:expr, $town_id:expr, $invitations:expr, $now:expr) => {{
        let mut tx = $pool.begin_write().await.map_err(store_error)?;
        let mut made = Vec::with_capacity($invitations.len());
        for invitation in $invitations {
            let Some(shop_id) = invitation.shop_id else {
                continue;
            };
            sqlx::query(
                "DELETE FROM invitations WHERE town_id = $1 AND shop_id = $2 \
                 AND role = 'owner' AND used_at IS NULL",
            )
            .bind($town_id)
            .bind(shop_id)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
            let sql = format!(
                "INSERT INTO invitations (token_hash, town_id, role, shop_id, district_id, \
                 created_by, created_at, expires_at) SELECT $2, $1, 'owner', $3, NULL, $4, $5, $6 \
                 WHERE EXISTS (SELECT 1 FROM shops WHERE id = $3 AND town_id = $1) \
                 RETURNING {INVITATION_COLUMNS}"
            );
            let row = sqlx::query_as::<_, InvitationRow>(&sql)
                .bind($town_id)
                .bind(&invitation.token_hash)
                .bind(shop_id)
                .bind(invitation.created_by)
                .bind($now)
                .bind(invitation.expires_at.trunc_subsecs(0))
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_error)?;
            made.extend(row.and_then(InvitationRow::into_invitation));
        }
        tx.commit().await.map_err(store_error)?;
        Ok(made)
    }};
}

#[async_trait]
impl InvitationStore for SqlStore {
    async fn create_invitation(
        &self,
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
        // PostgreSQL wants the types of parameters only compared with NULL.
        let sql = match self.dialect() {
            Dialect::Sqlite => sql,
            Dialect::Postgres => sql.replace(
                "$4 IS NULL AND $5 IS NULL",
                "$4::BIGINT IS NULL AND $5::BIGINT IS NULL",
            ),
        };
        let row = on_pool!(self, |pool| sqlx::query_as::<_, InvitationRow>(&sql)
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
            .map_err(store_error))?;
        row.and_then(InvitationRow::into_invitation)
            .ok_or_else(|| StoreError::Conflict("the shop or district is not in this town".into()))
    }

    async fn invitation_by_token(&self, token_hash: &str) -> StoreResult<Option<Invitation>> {
        let sql = format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE token_hash = $1");
        on_pool!(self, |pool| sqlx::query_as::<_, InvitationRow>(&sql)
            .bind(token_hash)
            .fetch_optional(pool)
            .await
            .map(|row| row.and_then(InvitationRow::into_invitation))
            .map_err(store_error))
    }

    async fn accept_invitation(
        &self,
        town_id: i64,
        token_hash: &str,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Invitation>> {
        let now = now.trunc_subsecs(0);
        let condition = format!("token_hash = $1 AND town_id = {town_id}");
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await.map_err(store_error)?;
            let accepted = accept_in_tx!(tx, &condition, token_hash, user_id, now);
            tx.commit().await.map_err(store_error)?;
            Ok(accepted)
        })
    }

    async fn open_invitations(
        &self,
        town_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Invitation>> {
        self.invitations_where("used_at IS NULL AND expires_at > $2", town_id, Some(now))
            .await
    }

    async fn owner_invitations(&self, town_id: i64) -> StoreResult<Vec<Invitation>> {
        self.invitations_where("role = 'owner' AND shop_id IS NOT NULL", town_id, None)
            .await
    }

    async fn replace_owner_invitations(
        &self,
        town_id: i64,
        invitations: &[NewInvitation],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Invitation>> {
        let now = now.trunc_subsecs(0);
        match &self.pool {
            Pool::Sqlite(pool) => replace_owner_invitations_in_tx!(pool, town_id, invitations, now),
            Pool::Postgres(pool) => {
                replace_owner_invitations_in_tx!(pool, town_id, invitations, now)
            }
        }
    }

    async fn revoke_invitation(&self, town_id: i64, id: i64) -> StoreResult<bool> {
        let sql = "DELETE FROM invitations WHERE town_id = $1 AND id = $2 AND used_at IS NULL";
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(town_id)
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(store_error))
    }
}

impl SqlStore {
    /// The town's invitations (`$1`) matching `condition` (a constant; `$2` is `now` when
    /// given), newest first.
    async fn invitations_where(
        &self,
        condition: &'static str,
        town_id: i64,
        now: Option<DateTime<Utc>>,
    ) -> StoreResult<Vec<Invitation>> {
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations WHERE town_id = $1 AND {condition} \
             ORDER BY created_at DESC, id DESC"
        );
        on_pool!(self, |pool| {
            let query = sqlx::query_as::<_, InvitationRow>(&sql).bind(town_id);
            let query = match now {
                Some(now) => query.bind(now.trunc_subsecs(0)),
                None => query,
            };
            query
                .fetch_all(pool)
                .await
                .map(|rows| {
                    rows.into_iter()
                        .filter_map(InvitationRow::into_invitation)
                        .collect()
                })
                .map_err(store_error)
        })
    }
}
