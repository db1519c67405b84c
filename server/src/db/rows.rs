//! Row types shared by both drivers, and their conversion to the app's records.

use app::server::{District, Shop, ShopFields, Town};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
pub struct TownRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub timezone: String,
}

impl From<TownRow> for Town {
    fn from(r: TownRow) -> Town {
        Town {
            id: r.id,
            slug: r.slug,
            name: r.name,
            timezone: r.timezone,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct DistrictRow {
    pub id: i64,
    pub town_id: i64,
    pub slug: String,
    pub name: String,
    pub boundary: String,
}

impl From<DistrictRow> for District {
    fn from(r: DistrictRow) -> District {
        District {
            id: r.id,
            town_id: r.town_id,
            slug: r.slug,
            name: r.name,
            boundary: r.boundary,
        }
    }
}

pub const SHOP_COLUMNS: &str =
    "id, town_id, district_id, slug, osm_id, name, category, source_tag, \
     street, housenumber, postcode, city, lat, lon, phone, website, email, opening_hours, \
     created_at, updated_at";

#[derive(sqlx::FromRow)]
pub struct ShopRow {
    pub id: i64,
    pub town_id: i64,
    pub district_id: Option<i64>,
    pub slug: String,
    pub osm_id: Option<String>,
    pub name: String,
    pub category: String,
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
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ShopRow> for Shop {
    fn from(r: ShopRow) -> Shop {
        Shop {
            id: r.id,
            town_id: r.town_id,
            district_id: r.district_id,
            slug: r.slug,
            osm_id: r.osm_id,
            fields: ShopFields {
                name: r.name,
                category: r.category,
                source_tag: r.source_tag,
                street: r.street,
                housenumber: r.housenumber,
                postcode: r.postcode,
                city: r.city,
                lat: r.lat,
                lon: r.lon,
                phone: r.phone,
                website: r.website,
                email: r.email,
                opening_hours: r.opening_hours,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct CategoryCountRow {
    pub category: String,
    pub n: i64,
}
