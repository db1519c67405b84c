//! Feeds: whose posts a reader sees, and where a page of them stops.

use chrono::{DateTime, Utc};

use super::posts::Post;

/// Whose posts a feed shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedScope {
    /// What a device profile follows: its shops, its districts and the districts of its shops.
    Profile(i64),
    /// One shop's posts.
    Shop(i64),
    /// A district's own posts and those of its shops.
    District(i64),
    /// Every post of the town.
    Town,
}

/// A position in a feed: the last post seen (feeds are ordered by `published_at`, then `id`,
/// both descending).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeedCursor {
    pub published_at: DateTime<Utc>,
    pub id: i64,
}

impl FeedCursor {
    pub fn of(post: &Post) -> FeedCursor {
        FeedCursor {
            published_at: post.content.published_at,
            id: post.id,
        }
    }

    /// `<unix seconds>-<id>`, as it travels in URLs.
    pub fn encode(&self) -> String {
        format!("{}-{}", self.published_at.timestamp(), self.id)
    }

    pub fn decode(s: &str) -> Option<FeedCursor> {
        let (ts, id) = s.split_once('-')?;
        Some(FeedCursor {
            published_at: DateTime::from_timestamp(ts.parse().ok()?, 0)?,
            id: id.parse().ok()?,
        })
    }
}
