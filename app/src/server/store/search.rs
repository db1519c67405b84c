//! The storage port of search: [`SearchStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::shops::{Shop, ShopFilter};

/// Full-text search over shops and their current posts.
#[async_trait]
pub trait SearchStore: Send + Sync {
    /// Shops whose name, description or category label, or one of whose current posts,
    /// contains every term as a word prefix (terms as made by `domain::search::terms`).
    /// At most `limit`, by name. Posts count as of their shop's last refresh (on every change
    /// of its posts, and `refresh_posts_text`).
    async fn search_shops(
        &self,
        town_id: i64,
        terms: &[String],
        filter: &ShopFilter,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<Shop>>;

    /// Updates what search knows of the shops whose posts became current (scheduled ones) or
    /// stopped being current (expired offers, ended events) in `(since, now]`. Returns how many
    /// shops were refreshed.
    async fn refresh_posts_text(
        &self,
        town_id: i64,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<usize>;
}
