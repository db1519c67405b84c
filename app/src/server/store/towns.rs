//! The storage port of towns: [`TownStore`].

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::towns::{NewTown, Town};

/// The town itself.
#[async_trait]
pub trait TownStore: Send + Sync {
    /// Creates the town, or updates its name and time zone if the slug exists.
    async fn upsert_town(&self, town: &NewTown) -> StoreResult<Town>;

    async fn town_by_slug(&self, slug: &str) -> StoreResult<Option<Town>>;

    /// The town created first (an instance usually serves one town).
    async fn first_town(&self) -> StoreResult<Option<Town>>;
}
