//! The storage port of invitations: [`InvitationStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::invitations::{Invitation, NewInvitation};

/// Invitations to a shop's team, a district or the town.
#[async_trait]
pub trait InvitationStore: Send + Sync {
    /// Creates an invitation of the town (its shop or district must belong to the town).
    async fn create_invitation(
        &self,
        town_id: i64,
        invitation: &NewInvitation,
        now: DateTime<Utc>,
    ) -> StoreResult<Invitation>;

    /// The invitation whose token hashes to `token_hash`, whatever its state.
    async fn invitation_by_token(&self, token_hash: &str) -> StoreResult<Option<Invitation>>;

    /// Accepts an open invitation of town `town_id` for a signed-in user; `None` if it is no
    /// longer open (or another town's: it stays open).
    async fn accept_invitation(
        &self,
        town_id: i64,
        token_hash: &str,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Invitation>>;

    /// The town's invitations that are neither used nor expired, newest first.
    async fn open_invitations(
        &self,
        town_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Invitation>>;

    /// Withdraws an unused invitation; `false` if there was none.
    async fn revoke_invitation(&self, town_id: i64, id: i64) -> StoreResult<bool>;

    /// New owner invitations for the town's shops (a printed sheet), in one transaction: each
    /// shop's earlier unused owner invitations are withdrawn first (the new card replaces them).
    /// Shops of another town are skipped.
    async fn replace_owner_invitations(
        &self,
        town_id: i64,
        invitations: &[NewInvitation],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Invitation>>;

    /// Every owner invitation of the town's shops, used or not, expired or not, newest first
    /// (the onboarding's "invited" and its stale invitations).
    async fn owner_invitations(&self, town_id: i64) -> StoreResult<Vec<Invitation>>;
}
