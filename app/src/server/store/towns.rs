//! The storage port of towns: [`TownStore`].

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::towns::{NewTown, Town};

/// The towns a deployment serves.
#[async_trait]
pub trait TownStore: Send + Sync {
    /// Creates the town, or updates its name and time zone if the slug exists.
    async fn upsert_town(&self, town: &NewTown) -> StoreResult<Town>;

    async fn town_by_slug(&self, slug: &str) -> StoreResult<Option<Town>>;

    async fn town_by_id(&self, id: i64) -> StoreResult<Option<Town>>;

    /// The town served on `host` (a name from [`crate::domain::towns::normalize_host`]).
    async fn town_by_host(&self, host: &str) -> StoreResult<Option<Town>>;

    /// The town created first (an instance usually serves one town).
    async fn first_town(&self) -> StoreResult<Option<Town>>;

    /// The town created first among those without a host name: the one served on any host
    /// no other town claims.
    async fn first_town_without_host(&self) -> StoreResult<Option<Town>>;

    /// Every town, in the order they were created.
    async fn towns(&self) -> StoreResult<Vec<Town>>;

    /// Saves a town's name, time zone, host and settings (by its id). `Conflict` when another
    /// town has that host name.
    async fn update_town(&self, town: &Town) -> StoreResult<Town>;
}
