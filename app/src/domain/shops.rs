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
