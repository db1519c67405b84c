//! Open data: the town's shops as GeoJSON (RFC 7946), under the ODbL like their source.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::web::routes::{town_listing, RouterState};

/// `/open-data/shops.geojson`: every shop of the town, with its page, category and contact.
pub async fn shops_geojson(
    State(state): State<RouterState>,
    parts: axum::http::request::Parts,
) -> Response {
    let (town, districts, shops) = match town_listing(&state, &parts).await {
        Ok(listing) => listing,
        Err(response) => return response,
    };
    let district_slugs: HashMap<i64, &str> =
        districts.iter().map(|d| (d.id, d.slug.as_str())).collect();
    let base = &state.app.settings.base_url_of(&town);
    let features: Vec<Value> = shops
        .iter()
        .map(|shop| {
            let f = &shop.fields;
            json!({
                "type": "Feature",
                "id": shop.slug,
                "geometry": { "type": "Point", "coordinates": [round7(f.lon), round7(f.lat)] },
                "properties": {
                    "name": f.name,
                    "category": f.category,
                    "url": format!("{base}/shops/{}", shop.slug),
                    "district": shop.district_id.and_then(|id| district_slugs.get(&id)),
                    "addr:street": f.street,
                    "addr:housenumber": f.housenumber,
                    "addr:postcode": f.postcode,
                    "addr:city": f.city,
                    "phone": f.phone,
                    "website": f.website,
                    "opening_hours": f.opening_hours,
                    "osm_id": shop.osm_id,
                },
            })
        })
        .collect();
    let collection = json!({
        "type": "FeatureCollection",
        "name": format!("Quartier — {}", town.name),
        "attribution": "© OpenStreetMap contributors",
        "license": "ODbL-1.0",
        "license_url": "https://opendatacommons.org/licenses/odbl/1-0/",
        "features": features,
    });
    (
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        collection.to_string(),
    )
        .into_response()
}

fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}
