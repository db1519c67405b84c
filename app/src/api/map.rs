//! The map of the town's shops.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::MapView;

/// Every shop and district outline, for the map.
#[server(prefix = "/api", endpoint = "map")]
pub async fn get_map() -> Result<MapView, AppError> {
    super::with_status(map_inner().await)
}

#[cfg(feature = "ssr")]
async fn map_inner() -> Result<MapView, AppError> {
    use crate::model::records::*;
    use crate::model::{MapDistrict, MapShop};
    use crate::server::access::*;
    use crate::server::{AppState, ShopFilter};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let districts = state
        .store
        .districts(town.id)
        .await
        .map_err(store_error("listing districts"))?;
    let shops = state
        .store
        .shops(town.id, &ShopFilter::default())
        .await
        .map_err(store_error("listing shops"))?;
    let summaries = shop_summaries(&shops, &districts, town_tz(&town), state.clock.now());
    Ok(MapView {
        town: town_summary(&town),
        tile_url: state.settings.tile_url_of(&town),
        tile_attribution: state.settings.tile_attribution_of(&town),
        shops: shops
            .iter()
            .zip(summaries)
            .map(|(shop, summary)| MapShop {
                summary,
                lat: shop.fields.lat,
                lon: shop.fields.lon,
            })
            .collect(),
        districts: districts
            .into_iter()
            .map(|d| MapDistrict {
                slug: d.slug,
                name: d.name,
                boundary: d.boundary,
            })
            .collect(),
    })
}
