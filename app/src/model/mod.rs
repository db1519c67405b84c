//! Types shared by the server and the browser (what server functions return).

use serde::{Deserialize, Serialize};

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
    pub shops: Vec<ShopSummary>,
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
}
