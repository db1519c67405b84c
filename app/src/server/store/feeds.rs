//! The storage port of feeds: [`FeedStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::feeds::{FeedCursor, FeedScope};
use crate::domain::posts::Post;

/// What residents read: timelines, upcoming events, Atom and calendar feeds.
#[async_trait]
pub trait FeedStore: Send + Sync {
    /// Published offers (not expired) and news of the scope, newest first, after `before`.
    /// Events are listed by `upcoming_events`.
    async fn timeline(
        &self,
        town_id: i64,
        scope: FeedScope,
        now: DateTime<Utc>,
        before: Option<FeedCursor>,
        limit: i64,
    ) -> StoreResult<Vec<Post>>;

    /// Published events of the scope that have not ended, soonest first.
    async fn upcoming_events(
        &self,
        town_id: i64,
        scope: FeedScope,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<Post>>;

    /// Every published post of the scope, newest first (for Atom feeds and calendars).
    async fn recent_posts(
        &self,
        town_id: i64,
        scope: FeedScope,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<Post>>;
}
