//! The push outbox's records: deliveries leased by the worker, what a notification says of a
//! post, how each delivery ended, and a post's figures.

use chrono::{DateTime, Utc};

use super::posts::PostKind;
use super::push::QuietHours;

/// A delivery taken by this worker until its lease runs out.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub post_id: i64,
    /// Attempts so far, this one included.
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    /// The edited post sent again to a browser that had it.
    pub is_update: bool,
    /// `None` when the subscription was removed since the delivery was queued.
    pub target: Option<PushTarget>,
    /// The resident's quiet hours (else the town's), in the town's time zone.
    pub quiet: QuietHours,
    pub timezone: String,
    /// The town whose key signs it and whose site it links to.
    pub town_id: i64,
}

/// Where and how to encrypt a message for one browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushTarget {
    pub subscription_id: i64,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

/// What a notification says about a post.
#[derive(Clone, Debug, PartialEq)]
pub struct PushPost {
    pub id: i64,
    pub kind: PostKind,
    pub title: String,
    pub body: String,
    pub photo: Option<String>,
    pub valid_until: Option<DateTime<Utc>>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// The shop's (or district's) name and page.
    pub author_name: String,
    pub author_path: String,
}

/// How one delivery ended (or when it is tried again).
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The push service accepted it (2xx).
    Delivered { status: u16 },
    /// The subscription no longer exists (404, 410, or an endpoint that now resolves to a
    /// non-public address): it is deleted.
    Gone {
        status: Option<u16>,
        subscription_id: i64,
    },
    /// Due in the resident's quiet hours: sent when they end (not counted as an attempt).
    Deferred { until: DateTime<Utc> },
    /// A temporary failure: tried again at `at`.
    Retry {
        status: Option<u16>,
        at: DateTime<Utc>,
    },
    /// Given up: after retrying for too long, or refused by the push service for a reason of
    /// ours (400, 401, 403, 413…), or the send failed unexpectedly.
    Failed { status: Option<u16> },
    /// The post ended (or was removed) before the message could go.
    Expired,
    /// The subscription was removed meanwhile.
    Dropped,
}

/// Figures of one post's notifications.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PushFigures {
    /// Subscriptions the post was sent to (every delivery).
    pub targeted: i64,
    pub pending: i64,
    pub delivered: i64,
    pub failed: i64,
    /// Subscriptions found expired and deleted.
    pub pruned: i64,
    /// Not sent: the post ended first, or the subscription went meanwhile.
    pub skipped: i64,
}

/// A personal notification for one profile's browsers, about no post: an answer to a
/// resident's message, a new review or message for a shop's team, a reply for a reviewer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
    /// The page it opens: a path of the site (`/messages#message-12`).
    pub path: String,
    /// A notice with the same tag replaces the earlier one on the device.
    pub tag: String,
    /// The language of the text (`fr`, `nl`, `de`, `en`).
    pub lang: String,
    /// Whether it waits for the end of the recipient's quiet hours.
    pub respects_quiet_hours: bool,
    /// The private message it tells of: deleting the message deletes the notice.
    pub message_id: Option<i64>,
}

/// A notice taken by this worker until its lease runs out.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimedNotice {
    pub id: i64,
    /// Attempts so far, this one included.
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    /// `None` when the subscription was removed since the notice was queued.
    pub target: Option<PushTarget>,
    /// The recipient's quiet hours (else the town's), if the notice respects them.
    pub quiet: Option<QuietHours>,
    pub timezone: String,
    /// The town whose key signs it and whose site it links to.
    pub town_id: i64,
    pub notice: Notice,
}
