//! "Autour de moi": the town's shops nearest a point the browser sends (used for the answer,
//! never stored).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{HtmlChunk, NearbyShop};

/// The town's shops nearest to a position (rounded to about 100 m here and on the server;
/// never stored or logged).
#[server(prefix = "/api", endpoint = "nearby")]
pub async fn get_nearby(lat: f64, lon: f64) -> Result<Vec<NearbyShop>, AppError> {
    super::with_status(nearby_inner(lat, lon).await)
}

/// The same shops, rendered by the server for the "Autour de moi" page. The position comes in
/// thousandths of a degree (about 100 m, all the precision the phone sends).
#[server(prefix = "/api", endpoint = "nearby_results")]
pub async fn get_nearby_results(lat_milli: i32, lon_milli: i32) -> Result<HtmlChunk, AppError> {
    super::with_status(nearby_results_inner(lat_milli, lon_milli).await)
}

#[cfg(feature = "ssr")]
async fn nearby_results_inner(lat_milli: i32, lon_milli: i32) -> Result<HtmlChunk, AppError> {
    use crate::components::shop_list::NearbyList;

    let degrees = |milli: i32| f64::from(milli) / 1_000.0;
    let shops = nearby_inner(degrees(lat_milli), degrees(lon_milli)).await?;
    let count = shops.len();
    let html = super::render_chunk(move || view! { <NearbyList shops/> });
    Ok(HtmlChunk {
        html,
        count,
        next_cursor: None,
    })
}

#[cfg(feature = "ssr")]
async fn nearby_inner(lat: f64, lon: f64) -> Result<Vec<NearbyShop>, AppError> {
    use crate::domain::nearby;
    use crate::model::records::*;
    use crate::server::access::*;
    use crate::server::AppState;

    let (lat, lon) = nearby::coarse_position(lat, lon).ok_or_else(|| AppError::Validation {
        field: "position".into(),
        message: "latitude and longitude".into(),
    })?;
    let state = AppState::from_context()?;
    let town = state.town().await?;
    let mut found = Vec::new();
    for radius in nearby::RADII_M {
        let candidates = state
            .store
            .shops_in_box(town.id, &nearby::bounding_box(lat, lon, radius))
            .await
            .map_err(store_error("listing shops nearby"))?;
        found = nearby::nearest(candidates, lat, lon, radius);
        if found.len() >= nearby::ENOUGH {
            break;
        }
    }
    let districts = state
        .store
        .districts(town.id)
        .await
        .map_err(store_error("listing districts"))?;
    let (shops, distances): (Vec<_>, Vec<_>) = found.into_iter().unzip();
    let summaries = shop_summaries(&shops, &districts, town_tz(&town), state.clock.now());
    Ok(summaries
        .into_iter()
        .zip(distances)
        .map(|(shop, d)| NearbyShop {
            shop,
            distance_m: nearby::shown_distance_m(d),
        })
        .collect())
}
