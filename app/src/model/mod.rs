//! Types shared by the server and the browser (what server functions return).

use serde::{Deserialize, Serialize};

mod account;
pub use account::*;
mod dashboard;
mod districts_admin;
pub use dashboard::*;
pub use districts_admin::*;
mod messages;
pub mod privacy;
mod profile;
mod reviews;
pub use messages::*;
pub use profile::*;
pub use reviews::*;
#[cfg(feature = "ssr")]
pub mod records;

/// Whether a shop is open, computed on the server in the town's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OpenState {
    Open,
    /// Open, but closing within the hour.
    ClosingSoon,
    Closed,
    /// No hours known, or hours that could not be read.
    Unknown,
}

/// The next change of state, in the town's local time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextChange {
    /// 0 = today, 1 = tomorrow, …
    pub day_offset: i64,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    /// Local time, `HH:MM`.
    pub time: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenStatus {
    pub state: OpenState,
    pub next_change: Option<NextChange>,
}

impl OpenStatus {
    pub fn unknown() -> Self {
        OpenStatus {
            state: OpenState::Unknown,
            next_change: None,
        }
    }
}

/// One opening period of a day, local times `HH:MM`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourRange {
    pub from: String,
    pub to: String,
}

/// The hours of one day of the coming week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayHours {
    /// 0 = today, 1 = tomorrow, …
    pub day_offset: i64,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    /// ISO date `YYYY-MM-DD`.
    pub date: String,
    pub ranges: Vec<HourRange>,
    /// Part of the day has an "unknown" state (e.g. "on appointment").
    pub unknown: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownSummary {
    pub name: String,
    pub slug: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictSummary {
    pub slug: String,
    pub name: String,
    pub shop_count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCount {
    pub key: String,
    pub count: i64,
}

/// A shop as shown in lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopSummary {
    pub slug: String,
    pub name: String,
    pub category: String,
    pub address_line: Option<String>,
    pub district_name: Option<String>,
    pub status: OpenStatus,
}

/// The home page: the town, its districts and its shops.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeView {
    pub town: TownSummary,
    pub districts: Vec<DistrictSummary>,
    pub categories: Vec<CategoryCount>,
    pub selected_category: Option<String>,
    /// One page of the shops (in the chosen category).
    pub shops: Vec<ShopSummary>,
    /// How many shops there are in all (in the chosen category).
    pub total_shops: i64,
    /// This page (1-based) and the number of pages.
    pub page: u32,
    pub pages: u32,
}

/// A moment in the town's local time, ready to be written in any language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalMoment {
    /// RFC 3339, for `<time datetime>`.
    pub iso: String,
    /// Days from today (negative in the past).
    pub day_offset: i64,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    pub day: u8,
    /// 1 = January.
    pub month: u8,
    /// Local time, `HH:MM`.
    pub time: String,
}

/// What a post announces (`offer`, `event`, `news`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PostKindView {
    Offer,
    Event,
    News,
}

/// A post as shown in feeds and on shop pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostView {
    pub id: i64,
    pub kind: PostKindView,
    pub title: String,
    pub body: String,
    /// The shop or district that published it, and its page.
    pub author_name: String,
    pub author_url: String,
    pub by_district: bool,
    /// Written by a district steward for the shop.
    #[serde(default)]
    pub on_behalf: bool,
    /// The photo: `(thumbnail URL, large URL)`.
    #[serde(default)]
    pub photo: Option<(String, String)>,
    pub published: LocalMoment,
    /// Minutes since publication (for "il y a 5 min").
    pub minutes_ago: i64,
    /// Offers: last moment of validity.
    pub valid_until: Option<LocalMoment>,
    /// Events.
    pub starts: Option<LocalMoment>,
    pub ends: Option<LocalMoment>,
    pub place: Option<String>,
    /// Events: the calendar file.
    pub ics_url: Option<String>,
    /// Where the post is shown in full (its author's page, at the post).
    pub url: String,
    /// A district's co-organised event: the shops taking part, with their pages.
    #[serde(default)]
    pub co_organisers: Vec<NamedLink>,
}

/// A named page: a link's text and address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedLink {
    pub name: String,
    pub url: String,
}

/// Whether this device follows a shop or district, and how many do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowState {
    pub following: bool,
    pub follower_count: i64,
}

/// What a follow sends as notifications.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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
    pub fn as_str(self) -> &'static str {
        match self {
            Notify::All => "all",
            Notify::Events => "events",
            Notify::None => "none",
        }
    }

    pub fn parse(text: &str) -> Option<Notify> {
        match text {
            "all" => Some(Notify::All),
            "events" => Some(Notify::Events),
            "none" => Some(Notify::None),
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::domain::follows::Notify> for Notify {
    fn from(notify: crate::domain::follows::Notify) -> Notify {
        use crate::domain::follows::Notify as Stored;
        match notify {
            Stored::All => Notify::All,
            Stored::Events => Notify::Events,
            Stored::None => Notify::None,
        }
    }
}

/// One followed shop or district and what it notifies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowNotifyView {
    /// `shop` or `district`.
    pub target: String,
    pub slug: String,
    pub name: String,
    pub notify: Notify,
}

/// The notification settings page: per follow, quiet hours and limits (the resident's, else
/// the town's), and the town's defaults for reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsView {
    pub follows: Vec<FollowNotifyView>,
    pub quiet_enabled: bool,
    /// `HH:MM`, in the town's time.
    pub quiet_start: String,
    pub quiet_end: String,
    pub shop_pushes_per_day: i64,
    pub district_pushes_per_week: i64,
    /// The town's quiet hours (`None`: none), pushes per shop per day, district posts a week.
    pub town_quiet: Option<(String, String)>,
    pub town_shop_pushes_per_day: i64,
    pub town_district_pushes_per_week: i64,
    /// The resident chose their own quiet hours and limits.
    pub own: bool,
}

/// "Mon quartier": what I follow publishes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedView {
    /// False for a newcomer who follows nothing yet.
    pub follows_anything: bool,
    /// Upcoming events (first page only).
    pub events: Vec<PostView>,
    pub posts: Vec<PostView>,
    /// Pass back to get the next page.
    pub next_cursor: Option<String>,
    /// When this was computed (for "mis à jour à …" when read offline).
    pub generated: LocalMoment,
}

/// One page of a feed (for "voir plus").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedPage {
    pub posts: Vec<PostView>,
    pub next_cursor: Option<String>,
}

/// HTML the server rendered for an island to put in place ("voir plus", live search, shops near
/// me), with the same components and escaping as its pages: the browser inserts it as it is and
/// carries no view code of its own for these lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HtmlChunk {
    pub html: String,
    /// How many items it holds.
    pub count: usize,
    /// Pass back to get the next page (paged lists).
    pub next_cursor: Option<String>,
}

/// "Mes commerces": what this device follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowingView {
    pub shops: Vec<ShopSummary>,
    pub districts: Vec<DistrictSummary>,
}

/// Search results with the filters that produced them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchView {
    pub query: String,
    /// False when the query had nothing searchable (then all shops matching the filters show).
    pub searched: bool,
    pub selected_category: Option<String>,
    pub selected_district: Option<String>,
    pub open_now: bool,
    pub shops: Vec<ShopSummary>,
}

/// What the search form offers to filter by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchFilters {
    pub categories: Vec<CategoryCount>,
    pub districts: Vec<DistrictSummary>,
}

/// A shop near the visitor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NearbyShop {
    pub shop: ShopSummary,
    /// Walking-scale distance in metres (straight line, rounded).
    pub distance_m: i64,
}

/// Shops and district outlines for the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapView {
    pub town: TownSummary,
    pub tile_url: Option<String>,
    pub tile_attribution: String,
    pub shops: Vec<MapShop>,
    /// District outlines as GeoJSON geometry strings.
    pub districts: Vec<MapDistrict>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapShop {
    pub summary: ShopSummary,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapDistrict {
    pub slug: String,
    pub name: String,
    pub boundary: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    pub street: Option<String>,
    pub housenumber: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
}

impl PostalAddress {
    /// "Rue de la Courtière 3" — Belgian order: street then number.
    pub fn street_line(&self) -> Option<String> {
        match (&self.street, &self.housenumber) {
            (Some(street), Some(number)) => Some(format!("{street} {number}")),
            (Some(street), None) => Some(street.clone()),
            _ => None,
        }
    }

    /// "6720 Habay-la-Neuve".
    pub fn locality_line(&self) -> Option<String> {
        match (&self.postcode, &self.city) {
            (Some(postcode), Some(city)) => Some(format!("{postcode} {city}")),
            (None, Some(city)) => Some(city.clone()),
            (Some(postcode), None) => Some(postcode.clone()),
            (None, None) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictLink {
    pub slug: String,
    pub name: String,
}

/// Everything the shop page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShopView {
    pub slug: String,
    pub name: String,
    pub category: String,
    pub town_name: String,
    pub address: PostalAddress,
    pub lat: f64,
    pub lon: f64,
    pub phone: Option<String>,
    /// `tel:` URI (RFC 3966) for tap-to-call.
    pub phone_uri: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    /// The merchant's presentation of the shop.
    pub description: Option<String>,
    /// The shop's photos, the main one first.
    pub photos: Vec<ShopPhoto>,
    pub opening_hours: Option<String>,
    /// False when the OSM hours could not be read (the raw text is then shown as is).
    pub hours_readable: bool,
    pub status: OpenStatus,
    pub week: Vec<DayHours>,
    pub district: Option<DistrictLink>,
    pub directions_url: String,
    /// The page's canonical URL.
    pub canonical_url: String,
    /// Image for link previews (absolute URL).
    pub image_url: String,
    /// schema.org JSON-LD, ready for a `<script type="application/ld+json">` element.
    pub json_ld: String,
    /// `geo:` URI (RFC 5870) for the phone's map app.
    pub geo_uri: String,
    pub follow: FollowState,
    /// Current offers and news, newest first.
    pub posts: Vec<PostView>,
    /// Upcoming events, soonest first.
    pub events: Vec<PostView>,
    pub feed_url: String,
    /// Residents' reviews: figures, the latest ones, the visitor's own.
    pub reviews: ShopReviews,
    /// The shop elsewhere: Google Maps, directories, social networks.
    pub listings: Vec<ListingLink>,
}

/// A page about the shop on another site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingLink {
    /// "Google Maps", or the site's host name.
    pub label: String,
    pub url: String,
}

/// Everything the district page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictView {
    pub slug: String,
    pub name: String,
    pub town: TownSummary,
    pub categories: Vec<CategoryCount>,
    pub selected_category: Option<String>,
    pub shops: Vec<ShopSummary>,
    pub follow: FollowState,
    /// The district's public feed: its events, then its and its shops' offers and news.
    pub events: Vec<PostView>,
    pub posts: Vec<PostView>,
    pub next_cursor: Option<String>,
    /// schema.org JSON-LD of its events, if it has any.
    pub json_ld: Option<String>,
}

#[cfg(all(test, feature = "ssr"))]
mod notify_tests {
    use super::Notify;
    use crate::domain::follows::Notify as Stored;

    #[test]
    fn what_a_follow_sends_keeps_its_word_between_storage_and_pages() {
        for stored in Stored::ALL {
            let shown = Notify::from(stored);
            assert_eq!(shown.as_str(), stored.as_str());
            assert_eq!(Notify::parse(stored.as_str()), Some(shown));
            assert_eq!(Stored::parse(shown.as_str()), Some(stored));
        }
    }
}
