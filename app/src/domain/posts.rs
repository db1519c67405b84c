//! Posts: offers, events and news, as shops and districts publish them.

use chrono::{DateTime, Utc};

/// What a post announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PostKind {
    Offer,
    Event,
    News,
}

impl PostKind {
    pub const ALL: [PostKind; 3] = [PostKind::Offer, PostKind::Event, PostKind::News];

    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Offer => "offer",
            PostKind::Event => "event",
            PostKind::News => "news",
        }
    }

    pub fn parse(s: &str) -> Option<PostKind> {
        PostKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An event without an end stays "upcoming" (and current for search) this long after its
/// start.
pub const EVENT_WITHOUT_END: chrono::TimeDelta = chrono::TimeDelta::hours(3);

/// Who publishes a post: a shop, or a district (a broadcast by its association or the town).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostAuthor {
    Shop(i64),
    District(i64),
}

/// A post as written. Times are whole seconds (the store truncates).
#[derive(Clone, Debug, PartialEq)]
pub struct NewPost {
    pub author: PostAuthor,
    pub kind: PostKind,
    pub title: String,
    pub body: String,
    /// Path of the photo under the media directory.
    pub photo: Option<String>,
    /// Offers: from when and until when the offer holds.
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    /// Events: start (required), end and place.
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub place: Option<String>,
    /// When it shows in feeds (a future time schedules it).
    pub published_at: DateTime<Utc>,
    /// A district's post: whom it reaches beyond the district's followers (empty for a shop's).
    pub broadcast: Broadcast,
}

/// What a district's post reaches beyond the district's followers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Broadcast {
    /// The shops of the district that co-organise it (ids, ascending): each one's page and feeds
    /// show it, and their followers' feeds.
    pub co_organisers: Vec<i64>,
    /// Notify the followers of the shops too: of the co-organisers when there are some, else of
    /// every shop of the district (under the residents' caps on district posts).
    pub notify_shop_followers: bool,
}

/// The most shops one district post lists as co-organisers.
pub const MAX_CO_ORGANISERS: usize = 50;

#[derive(Clone, Debug, PartialEq)]
pub struct Post {
    pub id: i64,
    pub town_id: i64,
    pub content: NewPost,
    /// The account that wrote it (none for imports and the demo).
    pub author_user_id: Option<i64>,
    /// Written by a district steward on the shop's behalf.
    pub by_steward: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who publishes a post, and the client's key that makes a retried publication a no-op.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostOrigin {
    pub user_id: Option<i64>,
    pub by_steward: bool,
    /// Chosen by the client (at most 64 characters); unique in the town.
    pub idempotency_key: Option<String>,
}
