//! The storage ports: one trait per feature (each in the file of its feature's name), all of
//! them together in [`Store`]. One method is one transaction (a post's change then refreshes
//! the search text of its shop in a second one); both SQLite and PostgreSQL implement them. The records they speak of belong to `crate::domain`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

mod accounts;
mod activity;
mod dashboard;
mod districts;
mod feeds;
mod follows;
mod invitations;
mod messages;
mod outbox;
mod passkeys;
mod posts;
mod privacy;
mod push;
mod reviews;
mod search;
mod shops;
mod towns;

pub use accounts::AccountStore;
pub use activity::ActivityStore;
pub use dashboard::DashboardStore;
pub use districts::DistrictStore;
pub use feeds::FeedStore;
pub use follows::FollowStore;
pub use invitations::InvitationStore;
pub use messages::MessageStore;
pub use outbox::OutboxStore;
pub use passkeys::PasskeyStore;
pub use posts::PostStore;
pub use privacy::PrivacyStore;
pub use push::PushStore;
pub use reviews::{
    ModerationDecision, ModerationItem, NewDecision, OpenReport, ReviewSettings, ReviewStore,
    ReviewVersion,
};
pub use search::SearchStore;
pub use shops::ShopStore;
pub use towns::TownStore;

/// Every storage trait, for code that calls them on a concrete store rather than through
/// `dyn Store` (whose supertraits' methods need no import): `use app::server::store::prelude::*`.
pub mod prelude {
    pub use super::{
        AccountStore, ActivityStore, DashboardStore, DistrictStore, FeedStore, FollowStore,
        InvitationStore, MessageStore, OutboxStore, PasskeyStore, PostStore, PrivacyStore,
        PushStore, ReviewStore, SearchStore, ShopStore, Store, TownStore,
    };
}

/// A storage failure. Conflicts are detected by the backend (unique violations), not by text.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("storage: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the application stores: every feature's storage, and what spans them.
#[async_trait]
pub trait Store:
    TownStore
    + DistrictStore
    + ShopStore
    + SearchStore
    + PostStore
    + FeedStore
    + FollowStore
    + PushStore
    + OutboxStore
    + AccountStore
    + InvitationStore
    + PasskeyStore
    + ReviewStore
    + MessageStore
    + ActivityStore
    + DashboardStore
    + PrivacyStore
    + Send
    + Sync
    + 'static
{
    /// Answers when the database does (for `/healthz`).
    async fn ping(&self) -> StoreResult<()>;

    /// Whether every migration this version has is applied (for `/readyz`: a database restored
    /// from an older backup, or not migrated yet, is not ready).
    async fn migrations_applied(&self) -> StoreResult<bool>;

    /// Counts one more hit of `key` in the current fixed window of length `window` (a new
    /// window starts when the last one is over) and returns the hits of the window.
    async fn hit_rate_limit(
        &self,
        key: &str,
        window: chrono::TimeDelta,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;

    /// Deletes expired sign-in links, sessions, passkey ceremonies and rate-limit windows,
    /// idle empty device profiles, the push caps' old counts and the daily counters' marks and
    /// salts older than two days; returns how many rows.
    async fn purge_expired(&self, now: DateTime<Utc>) -> StoreResult<u64>;

    /// Whether the database is of exactly this version's schema (not an older one being
    /// migrated, nor a newer one an upgraded instance migrated while this one still runs).
    async fn schema_is_current(&self) -> StoreResult<bool>;

    /// Whether a post or a shop shows the photo `name`.
    async fn photo_in_use(&self, name: &str) -> StoreResult<bool>;

    /// Every photo a post or a shop shows.
    async fn photos_in_use(&self) -> StoreResult<std::collections::HashSet<String>>;
}
