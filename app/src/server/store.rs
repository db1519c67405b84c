//! The storage port. One method is one transaction; both SQLite and PostgreSQL implement it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A storage failure. Conflicts are detected by the backend (unique violations), not by text.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("storage: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone, Debug, PartialEq)]
pub struct Town {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// IANA time zone name, e.g. `Europe/Brussels`.
    pub timezone: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewTown {
    pub slug: String,
    pub name: String,
    pub timezone: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct District {
    pub id: i64,
    pub town_id: i64,
    pub slug: String,
    pub name: String,
    /// GeoJSON geometry (Polygon or MultiPolygon), WGS 84.
    pub boundary: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewDistrict {
    pub slug: String,
    pub name: String,
    pub boundary: String,
}

/// The fields of a shop that come from an import (everything but identity and slug).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ShopFields {
    pub name: String,
    pub category: String,
    /// The OSM tag that decided the category, e.g. `shop=bakery`.
    pub source_tag: Option<String>,
    pub street: Option<String>,
    pub housenumber: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub lat: f64,
    pub lon: f64,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub opening_hours: Option<String>,
    /// A short presentation (OSM `description`, later written by the merchant).
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Shop {
    pub id: i64,
    pub town_id: i64,
    pub district_id: Option<i64>,
    pub slug: String,
    /// `node/123`, `way/456`… when the shop came from OpenStreetMap.
    pub osm_id: Option<String>,
    pub fields: ShopFields,
    /// Media names of the shop's photos, the first one leading.
    pub photos: Vec<String>,
    /// The [`PROFILE_FIELDS`] its merchants have edited: an import leaves them as they are.
    pub merchant_fields: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The fields of a shop's profile its merchants edit.
pub const PROFILE_FIELDS: [&str; 6] = [
    "category",
    "description",
    "phone",
    "website",
    "email",
    "opening_hours",
];

/// A shop's profile as its merchant saves it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ShopProfile {
    pub category: String,
    pub description: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub opening_hours: Option<String>,
    pub photos: Vec<String>,
}

impl ShopProfile {
    /// `fields` with this profile's values.
    pub fn apply(&self, fields: &ShopFields) -> ShopFields {
        let mut fields = fields.clone();
        if fields.category != self.category {
            fields.category = self.category.clone();
            // The OSM tag no longer explains the category.
            fields.source_tag = None;
        }
        fields.description = self.description.clone();
        fields.phone = self.phone.clone();
        fields.website = self.website.clone();
        fields.email = self.email.clone();
        fields.opening_hours = self.opening_hours.clone();
        fields
    }

    /// The [`PROFILE_FIELDS`] whose value differs between `a` and `b`.
    pub fn changed(a: &ShopFields, b: &ShopFields) -> Vec<&'static str> {
        PROFILE_FIELDS
            .into_iter()
            .filter(|field| match *field {
                "category" => a.category != b.category,
                "description" => a.description != b.description,
                "phone" => a.phone != b.phone,
                "website" => a.website != b.website,
                "email" => a.email != b.email,
                _ => a.opening_hours != b.opening_hours,
            })
            .collect()
    }
}

impl Shop {
    /// What an import of `imported` writes: the imported values, except the fields the
    /// merchants edited, which keep theirs.
    pub fn merge_import(&self, imported: &ShopFields) -> ShopFields {
        let mut fields = imported.clone();
        for field in &self.merchant_fields {
            match field.as_str() {
                "category" => {
                    fields.category = self.fields.category.clone();
                    fields.source_tag = self.fields.source_tag.clone();
                }
                "description" => fields.description = self.fields.description.clone(),
                "phone" => fields.phone = self.fields.phone.clone(),
                "website" => fields.website = self.fields.website.clone(),
                "email" => fields.email = self.fields.email.clone(),
                "opening_hours" => fields.opening_hours = self.fields.opening_hours.clone(),
                _ => {}
            }
        }
        fields
    }
}

/// What an import upsert did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpsertOutcome {
    Inserted,
    Updated,
    Unchanged,
}

/// Which shops to list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShopFilter {
    pub category: Option<String>,
    pub district_id: Option<i64>,
}

/// A latitude/longitude rectangle (WGS 84 degrees), for "near me" queries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoundingBox {
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lon: f64,
    pub max_lon: f64,
}

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
}

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

/// What a device profile follows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Follows {
    pub shop_ids: Vec<i64>,
    pub district_ids: Vec<i64>,
}

/// Who publishes a post, and the client's key that makes a retried publication a no-op.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostOrigin {
    pub user_id: Option<i64>,
    pub by_steward: bool,
    /// Chosen by the client (at most 64 characters); unique in the town.
    pub idempotency_key: Option<String>,
}

/// An account, known by its (lower-cased) e-mail address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    /// The device profile holding the account's follows.
    pub profile_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A passkey of an account.
#[derive(Clone, Debug, PartialEq)]
pub struct PasskeyRecord {
    pub id: i64,
    pub user_id: i64,
    /// The credential id's bytes, in hexadecimal.
    pub credential_id: String,
    /// The verified credential (webauthn-rs `Passkey`, JSON).
    pub credential: String,
    /// Where it was made ("Android", "iPhone"…), for the account page.
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// This site's VAPID key pair (RFC 8292), both halves base64url without padding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VapidKeys {
    /// The P-256 private scalar (32 bytes).
    pub private_key: String,
    /// The uncompressed public point (65 bytes): the browsers' `applicationServerKey`.
    pub public_key: String,
}

/// A shop or a district, as followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowTarget {
    Shop(i64),
    District(i64),
}

/// A resident's push settings; `None`: the town's default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PushSettings {
    pub quiet: Option<crate::domain::push::QuietHours>,
    pub shop_pushes_per_day: Option<i64>,
    pub district_pushes_per_week: Option<i64>,
}

/// A Web Push subscription of a device profile.
#[derive(Clone, Debug, PartialEq)]
pub struct PushSubscriptionRecord {
    pub id: i64,
    pub profile_id: i64,
    pub subscription: crate::domain::push::Subscription,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A merchant's place in a shop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ShopRole {
    Owner,
    Staff,
}

impl ShopRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ShopRole::Owner => "owner",
            ShopRole::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<ShopRole> {
        match s {
            "owner" => Some(ShopRole::Owner),
            "staff" => Some(ShopRole::Staff),
            _ => None,
        }
    }
}

/// What a user may do in one town beyond reading and following (a resident has none of it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roles {
    pub admin: bool,
    /// `(shop id, role)`, by shop id.
    pub shops: Vec<(i64, ShopRole)>,
    /// Districts the user stewards, by id.
    pub districts: Vec<i64>,
}

/// The role an invitation grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InvitedRole {
    /// Owner of `shop_id`.
    Owner,
    /// Staff of `shop_id`.
    Staff,
    /// Steward of `district_id`.
    Steward,
    /// Administrator of the town.
    Admin,
}

impl InvitedRole {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitedRole::Owner => "owner",
            InvitedRole::Staff => "staff",
            InvitedRole::Steward => "steward",
            InvitedRole::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<InvitedRole> {
        [
            InvitedRole::Owner,
            InvitedRole::Staff,
            InvitedRole::Steward,
            InvitedRole::Admin,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInvitation {
    /// SHA-256 of the link's token.
    pub token_hash: String,
    pub role: InvitedRole,
    /// For owners and staff.
    pub shop_id: Option<i64>,
    /// For stewards.
    pub district_id: Option<i64>,
    pub created_by: Option<i64>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub id: i64,
    pub town_id: i64,
    pub role: InvitedRole,
    pub shop_id: Option<i64>,
    pub district_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub used_by: Option<i64>,
}

impl Invitation {
    /// Not used yet and not expired.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.used_at.is_none() && self.expires_at > now
    }
}

/// A sign-in link to send by e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSignInLink {
    /// SHA-256 of the link's token.
    pub token_hash: String,
    /// Lower-cased.
    pub email: String,
    /// Accepted on sign-in, if still open.
    pub invitation_id: Option<i64>,
    /// Where to go once signed in (a local path).
    pub return_to: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// A new session to open on sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSession {
    /// SHA-256 of the cookie's token.
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
}

/// What a sign-in did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub user: User,
    /// True when this sign-in created the account.
    pub new_account: bool,
    pub return_to: Option<String>,
    /// The link's invitation: `Some(Ok)` accepted, `Some(Err)` no longer open.
    pub invitation: Option<Result<Invitation, Invitation>>,
}

/// A signed-in browser's session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionUser {
    pub session_id: i64,
    pub user: User,
    /// The session's new expiry when this request extended it (the cookie is then renewed).
    pub extended_until: Option<DateTime<Utc>>,
}

/// A member of a shop's team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShopMember {
    pub user_id: i64,
    pub email: String,
    pub role: ShopRole,
    pub since: DateTime<Utc>,
}

/// Followers of a shop: all, and those who started following since a given instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FollowerStats {
    pub total: i64,
    pub new_since: i64,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers when the database does (for `/healthz`).
    async fn ping(&self) -> StoreResult<()>;

    /// Creates the town, or updates its name and time zone if the slug exists.
    async fn upsert_town(&self, town: &NewTown) -> StoreResult<Town>;
    async fn town_by_slug(&self, slug: &str) -> StoreResult<Option<Town>>;
    /// The town created first (an instance usually serves one town).
    async fn first_town(&self) -> StoreResult<Option<Town>>;

    /// Creates the district, or updates its name and boundary if the slug exists in the town.
    async fn upsert_district(&self, town_id: i64, district: &NewDistrict) -> StoreResult<District>;
    /// The town's districts, by name.
    async fn districts(&self, town_id: i64) -> StoreResult<Vec<District>>;
    async fn district_by_slug(&self, town_id: i64, slug: &str) -> StoreResult<Option<District>>;

    /// Inserts or updates the shop with this OSM id. A new shop gets the first free slug of
    /// `slug_candidates`; an existing shop keeps its slug.
    async fn upsert_osm_shop(
        &self,
        town_id: i64,
        osm_id: &str,
        fields: &ShopFields,
        slug_candidates: &mut (dyn Iterator<Item = String> + Send),
    ) -> StoreResult<(Shop, UpsertOutcome)>;
    /// The town's shops matching `filter`, by name.
    async fn shops(&self, town_id: i64, filter: &ShopFilter) -> StoreResult<Vec<Shop>>;
    /// Saves a merchant's edit of the shop's profile; the fields it changes become the
    /// merchants' (see [`Shop::merge_import`]). `None` if the shop is not the town's.
    async fn update_shop_profile(
        &self,
        town_id: i64,
        shop_id: i64,
        profile: &ShopProfile,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Shop>>;
    async fn shop_by_slug(&self, town_id: i64, slug: &str) -> StoreResult<Option<Shop>>;
    /// The town's shops among `ids` (unknown ids are ignored), by name.
    async fn shops_by_ids(&self, town_id: i64, ids: &[i64]) -> StoreResult<Vec<Shop>>;
    /// Number of shops per category (optionally within a district), most common first.
    async fn category_counts(
        &self,
        town_id: i64,
        district_id: Option<i64>,
    ) -> StoreResult<Vec<(String, i64)>>;
    /// Sets the district of each `(shop_id, district_id)` pair of the town, in one transaction.
    async fn set_shop_districts(
        &self,
        town_id: i64,
        assignments: &[(i64, Option<i64>)],
    ) -> StoreResult<()>;
    /// The town's shops inside the rectangle (unordered).
    async fn shops_in_box(&self, town_id: i64, bbox: &BoundingBox) -> StoreResult<Vec<Shop>>;
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

    /// Stores a post of the town (the author must belong to the town); `now` decides whether
    /// it is current for search.
    async fn insert_post(
        &self,
        town_id: i64,
        post: &NewPost,
        now: DateTime<Utc>,
    ) -> StoreResult<Post>;
    async fn post_by_id(&self, town_id: i64, id: i64) -> StoreResult<Option<Post>>;
    /// Updates what search knows of the shops whose posts became current (scheduled ones) or
    /// stopped being current (expired offers, ended events) in `(since, now]`. Returns how many
    /// shops were refreshed.
    async fn refresh_posts_text(
        &self,
        town_id: i64,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<usize>;
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

    /// The device profile whose cookie hashes to `token_hash`; marks it seen.
    async fn device_profile(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;
    /// Creates a device profile for a new cookie.
    async fn create_device_profile(&self, token_hash: &str, now: DateTime<Utc>)
        -> StoreResult<i64>;
    /// Follows (`true`) or unfollows a shop; idempotent.
    async fn set_shop_follow(
        &self,
        profile_id: i64,
        shop_id: i64,
        follow: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Follows (`true`) or unfollows a district; idempotent.
    async fn set_district_follow(
        &self,
        profile_id: i64,
        district_id: i64,
        follow: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// What a followed shop or district notifies; `false` when it is not followed.
    async fn set_follow_notify(
        &self,
        profile_id: i64,
        target: FollowTarget,
        notify: crate::model::Notify,
    ) -> StoreResult<bool>;
    /// How the notifications of these posts went (posts never queued are absent).
    async fn post_push_summaries(
        &self,
        post_ids: &[i64],
    ) -> StoreResult<Vec<(i64, crate::model::PushSummary)>>;
    /// How the notifications of a shop's posts queued since `since` went, in all.
    async fn shop_push_summary(
        &self,
        shop_id: i64,
        since: DateTime<Utc>,
    ) -> StoreResult<crate::model::PushSummary>;
    /// The push subscriptions of the shop's followers who get its offers (the reach of its
    /// next one, before quiet hours and caps).
    async fn shop_push_reach(&self, shop_id: i64) -> StoreResult<i64>;
    /// Counts a tap on a notification of the town's post; `false` for an unknown post.
    async fn record_push_click(&self, town_id: i64, post_id: i64) -> StoreResult<bool>;
    /// The town's push defaults (quiet hours, caps) that residents' own settings override.
    async fn set_town_push_defaults(
        &self,
        town_id: i64,
        quiet: crate::domain::push::QuietHours,
        shop_pushes_per_day: i64,
        district_pushes_per_week: i64,
    ) -> StoreResult<()>;
    /// The town's push defaults, every part set.
    async fn town_push_defaults(&self, town_id: i64) -> StoreResult<PushSettings>;
    /// What each of a profile's follows notifies.
    async fn follow_notifications(
        &self,
        profile_id: i64,
    ) -> StoreResult<Vec<(FollowTarget, crate::model::Notify)>>;
    /// A resident's own push settings (unset parts follow the town's).
    async fn push_settings(&self, profile_id: i64) -> StoreResult<PushSettings>;
    async fn save_push_settings(
        &self,
        profile_id: i64,
        settings: &PushSettings,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn follows(&self, profile_id: i64) -> StoreResult<Follows>;
    async fn shop_follower_count(&self, shop_id: i64) -> StoreResult<i64>;
    /// Moves the follows of profile `from` into profile `into` (a follow both have is kept
    /// once) and deletes `from`; for a sign-in that adopts a device's follows.
    async fn merge_device_profiles(&self, from: i64, into: i64) -> StoreResult<()>;

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
    async fn shop_follower_stats(
        &self,
        shop_id: i64,
        since: DateTime<Utc>,
    ) -> StoreResult<FollowerStats>;

    /// Remembers a sign-in link (only its hash).
    async fn create_sign_in_link(
        &self,
        link: &NewSignInLink,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Uses the sign-in link (once, before it expires), in one transaction: creates the account
    /// if needed, gives the device's profile to the account (or merges it into the account's),
    /// accepts the link's invitation if still open, and opens the session. `None` when the link
    /// is unknown, used or expired.
    async fn complete_sign_in(
        &self,
        town_id: i64,
        link_token_hash: &str,
        session: &NewSession,
        device_profile: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SignedIn>>;
    /// The user of a live session; extends the session (to `now + lifetime`) once a day.
    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        lifetime: chrono::TimeDelta,
    ) -> StoreResult<Option<SessionUser>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Signs the user out everywhere; returns how many sessions ended.
    async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<u64>;
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    /// The account's own device profile, created if it has none.
    async fn ensure_user_profile(&self, user_id: i64, now: DateTime<Utc>) -> StoreResult<i64>;
    /// Makes the account (created if needed) an administrator of the town.
    async fn grant_admin(&self, town_id: i64, email: &str, now: DateTime<Utc>)
        -> StoreResult<User>;
    /// The user's roles in the town.
    async fn roles(&self, town_id: i64, user_id: i64) -> StoreResult<Roles>;

    /// Creates an invitation of the town (its shop or district must belong to the town).
    async fn create_invitation(
        &self,
        town_id: i64,
        invitation: &NewInvitation,
        now: DateTime<Utc>,
    ) -> StoreResult<Invitation>;
    /// The invitation whose token hashes to `token_hash`, whatever its state.
    async fn invitation_by_token(&self, token_hash: &str) -> StoreResult<Option<Invitation>>;
    /// Accepts an open invitation for a signed-in user; `None` if it is no longer open.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Invitation>>;
    /// The town's invitations that are neither used nor expired, newest first.
    async fn open_invitations(
        &self,
        town_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Invitation>>;
    /// Withdraws an unused invitation; `false` if there was none.
    async fn revoke_invitation(&self, town_id: i64, id: i64) -> StoreResult<bool>;
    /// A shop's team, owners first.
    async fn shop_members(&self, shop_id: i64) -> StoreResult<Vec<ShopMember>>;
    /// The town's shops that have at least one owner or staff member.
    async fn claimed_shop_ids(&self, town_id: i64) -> StoreResult<Vec<i64>>;
    /// Removes someone from a shop's team; `false` if they were not in it.
    async fn remove_shop_member(&self, shop_id: i64, user_id: i64) -> StoreResult<bool>;

    /// Counts one more hit of `key` in the current fixed window of length `window` (a new
    /// window starts when the last one is over) and returns the hits of the window.
    async fn hit_rate_limit(
        &self,
        key: &str,
        window: chrono::TimeDelta,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Deletes expired sign-in links, sessions, passkey ceremonies and rate-limit windows;
    /// returns how many rows.
    async fn purge_expired(&self, now: DateTime<Utc>) -> StoreResult<u64>;

    /// The site's VAPID keys: `candidate` if none were stored yet, else the stored ones (every
    /// instance ends up with the same pair).
    async fn vapid_keys(&self, candidate: &VapidKeys, now: DateTime<Utc>)
        -> StoreResult<VapidKeys>;
    /// Attaches a (checked) push subscription to a profile; the same endpoint again updates its
    /// keys and moves it to this profile. Returns its id.
    async fn save_push_subscription(
        &self,
        profile_id: i64,
        subscription: &crate::domain::push::Subscription,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Removes the profile's subscription with this endpoint; `false` if it had none.
    async fn delete_push_subscription(&self, profile_id: i64, endpoint: &str) -> StoreResult<bool>;
    /// A profile's push subscriptions, oldest first.
    async fn push_subscriptions(&self, profile_id: i64)
        -> StoreResult<Vec<PushSubscriptionRecord>>;

    /// The account's WebAuthn user handle: `candidate` the first time, the same ever after.
    async fn passkey_handle(&self, user_id: i64, candidate: &str) -> StoreResult<String>;
    /// Keeps the server's half of a passkey registration or sign-in until `expires_at`.
    async fn save_passkey_ceremony(
        &self,
        id_hash: &str,
        user_id: Option<i64>,
        state: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Takes a ceremony back (once): its user and state, unless unknown or expired.
    async fn take_passkey_ceremony(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Option<i64>, String)>>;
    /// The account's passkeys, oldest first.
    async fn user_passkeys(&self, user_id: i64) -> StoreResult<Vec<PasskeyRecord>>;
    /// Adds a verified passkey; `Conflict` if its credential is already registered.
    async fn add_passkey(
        &self,
        user_id: i64,
        credential_id: &str,
        credential: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<PasskeyRecord>;
    /// The passkey with this credential id, and its account's user handle.
    async fn passkey_by_credential_id(
        &self,
        credential_id: &str,
    ) -> StoreResult<Option<(PasskeyRecord, Option<String>)>>;
    /// Removes one of the account's passkeys; `false` if it has no such passkey.
    async fn delete_passkey(&self, user_id: i64, passkey_id: i64) -> StoreResult<bool>;
    /// Signs in with a verified passkey, in one transaction: records its use (and its updated
    /// counter), gives the device's profile to the account (or merges it) and opens the
    /// session. `None` if the passkey no longer exists.
    async fn complete_passkey_sign_in(
        &self,
        passkey_id: i64,
        updated_credential: Option<&str>,
        session: &NewSession,
        device_profile: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SignedIn>>;

    /// Counts one view of each of these posts today (unknown ids are ignored).
    async fn record_post_views(&self, post_ids: &[i64], now: DateTime<Utc>) -> StoreResult<()>;
    /// Total views of each of these posts (posts never shown are left out).
    async fn post_view_counts(&self, post_ids: &[i64]) -> StoreResult<Vec<(i64, i64)>>;
}
