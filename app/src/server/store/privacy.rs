//! The storage port of people's rights over their data: [`PrivacyStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::privacy::{AccountData, DeviceData};

/// What "Mes données" reads and erases.
#[async_trait]
pub trait PrivacyStore: Send + Sync {
    /// Everything kept about a phone's profile (follows, settings, subscriptions, the
    /// notifications of the last 30 days, reviews found useful, reports, messages) and about
    /// an account (roles, passkeys, sessions, reviews with their earlier versions). `None`
    /// for either when it does not exist.
    async fn personal_data(
        &self,
        profile_id: Option<i64>,
        user_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<(Option<DeviceData>, Option<AccountData>)>;

    /// Whether a profile is an account's (a phone that signed in adopted it).
    async fn is_account_profile(&self, profile_id: i64) -> StoreResult<bool>;

    /// Erases a phone's profile and what it holds (follows, settings, subscriptions, reviews
    /// found useful, reports, the messages sent from it); its notifications' deliveries stay
    /// counted for the shops, without the profile. `false` if there was none.
    async fn forget_profile(&self, profile_id: i64) -> StoreResult<bool>;
}
