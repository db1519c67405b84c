//! The storage port of accounts: [`AccountStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::accounts::{
    AccountDeletion, NewSession, NewSignInLink, Roles, SessionUser, ShopMember, SignedIn, User,
};

/// Accounts: sign-in links, sessions, roles and shop teams.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Remembers a sign-in link (only its hash).
    async fn create_sign_in_link(
        &self,
        link: &NewSignInLink,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Uses the sign-in link (once, before it expires), in one transaction: creates the account
    /// if needed, gives the device's profile to the account (or merges it into the account's),
    /// accepts the link's invitation if still open, and opens the session. `None` when the link
    /// is unknown, used or expired.
    async fn complete_sign_in(
        &self,
        town_id: i64,
        link_token_hash: &str,
        session: &NewSession,
        device_profile: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SignedIn>>;

    /// The user of a live session valid on town `town_id` (`None`: on any town); extends the
    /// session (to `now + lifetime`) once a day.
    async fn session_user(
        &self,
        token_hash: &str,
        town_id: Option<i64>,
        now: DateTime<Utc>,
        lifetime: chrono::TimeDelta,
    ) -> StoreResult<Option<SessionUser>>;

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;

    /// Signs the user out everywhere; returns how many sessions ended.
    async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<u64>;

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;

    /// The account's own device profile, created if it has none.
    async fn ensure_user_profile(&self, user_id: i64, now: DateTime<Utc>) -> StoreResult<i64>;

    /// The account of this (lower-cased) e-mail address, created if there is none (the demo
    /// and the command line; residents get theirs by signing in).
    async fn ensure_user(&self, email: &str, now: DateTime<Utc>) -> StoreResult<User>;

    /// Makes the account (created if needed) an administrator of the town.
    async fn grant_admin(&self, town_id: i64, email: &str, now: DateTime<Utc>)
        -> StoreResult<User>;

    /// The user's roles in the town.
    async fn roles(&self, town_id: i64, user_id: i64) -> StoreResult<Roles>;

    /// A shop's team, owners first.
    async fn shop_members(&self, shop_id: i64) -> StoreResult<Vec<ShopMember>>;

    /// The town's shops that have at least one owner or staff member.
    async fn claimed_shop_ids(&self, town_id: i64) -> StoreResult<Vec<i64>>;

    /// Removes someone from a shop's team; `false` if they were not in it.
    async fn remove_shop_member(&self, shop_id: i64, user_id: i64) -> StoreResult<bool>;

    /// Deletes an account and what is only its: sessions, passkeys, roles, reviews (with their
    /// versions, replies, marks and reports), its device profile (follows, push subscriptions
    /// and settings) and the private messages sent from it. What it did for others stays
    /// without its name: posts written for a shop, replies, answers, moderation decisions.
    /// Refused (nothing deleted) while the account is a shop's only owner or a town's only
    /// administrator. The moderators' log forgets it was the author of what they decided.
    async fn delete_account(&self, user_id: i64) -> StoreResult<AccountDeletion>;
}
