//! The storage port of posts: [`PostStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::posts::{NewPost, Post, PostOrigin};

/// Posts: writing, editing, deleting, the merchant's list and views.
#[async_trait]
pub trait PostStore: Send + Sync {
    /// Stores a post of the town (the author must belong to the town); `now` decides whether
    /// it is current for search.
    async fn insert_post(
        &self,
        town_id: i64,
        post: &NewPost,
        now: DateTime<Utc>,
    ) -> StoreResult<Post>;

    async fn post_by_id(&self, town_id: i64, id: i64) -> StoreResult<Option<Post>>;

    /// Stores a post like `insert_post`, recording who wrote it. When `origin` carries an
    /// idempotency key already used in the town, nothing is written and the earlier post is
    /// returned with `false`.
    async fn publish_post(
        &self,
        town_id: i64,
        post: &NewPost,
        origin: &PostOrigin,
        now: DateTime<Utc>,
    ) -> StoreResult<(Post, bool)>;

    /// Replaces the content of a post of the town (its author stays); `None` if there is none.
    async fn update_post(
        &self,
        town_id: i64,
        id: i64,
        post: &NewPost,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Post>>;

    /// Deletes a post of the town; `false` if there was none.
    async fn delete_post(&self, town_id: i64, id: i64, now: DateTime<Utc>) -> StoreResult<bool>;

    /// Every post of a shop, scheduled ones included, newest first (the merchant's list).
    async fn shop_posts(&self, town_id: i64, shop_id: i64, limit: i64) -> StoreResult<Vec<Post>>;

    /// Every post of a district as its stewards wrote it, scheduled ones included, newest first
    /// (the district's counter).
    async fn district_posts(
        &self,
        town_id: i64,
        district_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<Post>>;
}
