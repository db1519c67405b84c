//! Turning store records into what pages show.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::{contact, hours};
use crate::error::AppError;
use crate::model::{CategoryCount, PostalAddress, ShopSummary, TownSummary};
use crate::server::{District, Shop, Town};

pub fn town_tz(town: &Town) -> Tz {
    town.timezone.parse().unwrap_or(chrono_tz::Europe::Brussels)
}

pub fn town_summary(town: &Town) -> TownSummary {
    TownSummary {
        name: town.name.clone(),
        slug: town.slug.clone(),
    }
}

pub fn address(shop: &Shop) -> PostalAddress {
    PostalAddress {
        street: shop.fields.street.clone(),
        housenumber: shop.fields.housenumber.clone(),
        postcode: shop.fields.postcode.clone(),
        city: shop.fields.city.clone(),
    }
}

pub fn shop_summaries(
    shops: &[Shop],
    districts: &[District],
    tz: Tz,
    now: DateTime<Utc>,
) -> Vec<ShopSummary> {
    let district_names: HashMap<i64, &str> =
        districts.iter().map(|d| (d.id, d.name.as_str())).collect();
    shops
        .iter()
        .map(|shop| ShopSummary {
            slug: shop.slug.clone(),
            name: shop.fields.name.clone(),
            category: shop.fields.category.clone(),
            address_line: address(shop).street_line(),
            district_name: shop
                .district_id
                .and_then(|id| district_names.get(&id))
                .map(|n| n.to_string()),
            status: hours::status(shop.fields.opening_hours.as_deref(), now, tz),
        })
        .collect()
}

pub fn category_counts(counts: Vec<(String, i64)>) -> Vec<CategoryCount> {
    counts
        .into_iter()
        .map(|(key, count)| CategoryCount { key, count })
        .collect()
}

/// A category filter from the query string: known keys only, anything else means "all".
pub fn known_category(category: Option<String>) -> Option<String> {
    category.filter(|c| crate::domain::categories::by_key(c).is_some())
}

pub fn store_error(context: &str) -> impl Fn(crate::server::StoreError) -> AppError + '_ {
    move |e| AppError::internal(context, e)
}

pub fn website(shop: &Shop) -> Option<String> {
    shop.fields
        .website
        .as_deref()
        .and_then(contact::website_url)
}
