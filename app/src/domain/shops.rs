//! Shops: what an import brings, what merchants edit, and how lists are filtered.

use chrono::{DateTime, Utc};

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
    /// Where else it is listed.
    pub listings: Listings,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Most other listings a shop records.
pub const MAX_LISTINGS: usize = 5;

/// Where else a shop is listed: its Google Maps place, other pages (directories, social
/// networks: web addresses).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listings {
    /// A Google Place ID (`ChIJ…`).
    pub google_place_id: Option<String>,
    pub others: Vec<String>,
}

impl Listings {
    /// Whether it names no page at all.
    pub fn is_empty(&self) -> bool {
        self.google_place_id.is_none() && self.others.is_empty()
    }

    /// The shop on Google Maps (the documented "Maps URLs" search form, with the place).
    #[cfg(feature = "ssr")]
    pub fn google_maps_url(&self, name: &str) -> Option<String> {
        let id = self.google_place_id.as_deref()?;
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("api", "1");
        query.append_pair("query", name);
        query.append_pair("query_place_id", id);
        Some(format!(
            "https://www.google.com/maps/search/?{}",
            query.finish()
        ))
    }

    /// Google's "write a review" page of the place.
    pub fn google_review_url(&self) -> Option<String> {
        let id = self.google_place_id.as_deref()?;
        Some(format!(
            "https://search.google.com/local/writereview?placeid={id}"
        ))
    }
}

/// A Google Place ID as a merchant pastes it: the ID itself, or an address carrying it
/// (`…?placeid=ID`, `…&query_place_id=ID`, `…place_id:ID`). `None` if there is none.
pub fn parse_place_id(input: &str) -> Option<String> {
    let input = input.trim();
    let id = ["query_place_id=", "placeid=", "place_id=", "place_id:"]
        .iter()
        .find_map(|marker| {
            let start = input.find(marker)? + marker.len();
            Some(&input[start..])
        })
        .unwrap_or(input);
    let id: &str = id.split(['&', '#', '/', '?']).next().unwrap_or_default();
    let valid = (10..=300).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| id.to_owned())
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
    pub listings: Listings,
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

#[cfg(test)]
mod listing_tests {
    use super::*;

    #[test]
    fn place_ids_are_found_in_what_merchants_paste() {
        let id = "ChIJN1t_tDeuEmsRUsoyG83frY4";
        for pasted in [
            id.to_owned(),
            format!("  {id} "),
            format!("https://search.google.com/local/writereview?placeid={id}"),
            format!(
                "https://www.google.com/maps/search/?api=1&query=Boulangerie&query_place_id={id}"
            ),
            format!("https://www.google.com/maps/place/?q=place_id:{id}"),
        ] {
            assert_eq!(parse_place_id(&pasted).as_deref(), Some(id), "{pasted}");
        }
        for bad in [
            "",
            "court",
            "https://maps.app.goo.gl/abc",
            "<script>alert(1)</script>",
            "ChIJ N1t tDeuEmsRUsoyG83frY4",
        ] {
            assert_eq!(parse_place_id(bad), None, "{bad}");
        }
        let listings = Listings {
            google_place_id: Some(id.into()),
            others: Vec::new(),
        };
        assert_eq!(
            listings.google_review_url().unwrap(),
            format!("https://search.google.com/local/writereview?placeid={id}")
        );
        #[cfg(feature = "ssr")]
        assert_eq!(
            listings.google_maps_url("Café & Cie").unwrap(),
            format!("https://www.google.com/maps/search/?api=1&query=Caf%C3%A9+%26+Cie&query_place_id={id}")
        );
        assert_eq!(Listings::default().google_review_url(), None);
    }
}
