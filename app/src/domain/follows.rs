//! Follows: what a device profile follows, and who follows a shop.

/// What a device profile follows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Follows {
    pub shop_ids: Vec<i64>,
    pub district_ids: Vec<i64>,
}

/// A shop or a district, as followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowTarget {
    Shop(i64),
    District(i64),
}

/// Followers of a shop: all, and those who started following since a given instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FollowerStats {
    pub total: i64,
    pub new_since: i64,
}

/// What a follow sends as notifications.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Notify {
    /// Every post.
    #[default]
    All,
    /// Events only.
    Events,
    /// None (the posts stay in the feed).
    None,
}

impl Notify {
    pub const ALL: [Notify; 3] = [Notify::All, Notify::Events, Notify::None];

    /// The word stored and sent in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Notify::All => "all",
            Notify::Events => "events",
            Notify::None => "none",
        }
    }

    pub fn parse(text: &str) -> Option<Notify> {
        Notify::ALL.into_iter().find(|n| n.as_str() == text)
    }
}
