//! Search: shops by words, category, district and "open now", as a page and as live results.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{HtmlChunk, SearchFilters, SearchView};

/// Shops found by a query and filters. `open = "1"` keeps shops open now.
#[server(prefix = "/api", endpoint = "search")]
pub async fn get_search(
    q: Option<String>,
    category: Option<String>,
    district: Option<String>,
    open: Option<String>,
) -> Result<SearchView, AppError> {
    super::with_status(search_inner(q, category, district, open).await)
}

/// The same search, its results rendered by the server (search as you type).
#[server(prefix = "/api", endpoint = "search_results")]
pub async fn get_search_results(
    q: Option<String>,
    category: Option<String>,
    district: Option<String>,
    open: Option<String>,
) -> Result<HtmlChunk, AppError> {
    super::with_status(search_results_inner(q, category, district, open).await)
}

#[cfg(feature = "ssr")]
async fn search_results_inner(
    q: Option<String>,
    category: Option<String>,
    district: Option<String>,
    open: Option<String>,
) -> Result<HtmlChunk, AppError> {
    use crate::components::shop_list::FoundShops;

    let shops = search_inner(q, category, district, open).await?.shops;
    let count = shops.len();
    let html = super::render_chunk(move || view! { <FoundShops shops/> });
    Ok(HtmlChunk {
        html,
        count,
        next_cursor: None,
    })
}

#[cfg(feature = "ssr")]
async fn search_inner(
    q: Option<String>,
    category: Option<String>,
    district: Option<String>,
    open: Option<String>,
) -> Result<SearchView, AppError> {
    use crate::domain::search;
    use crate::model::records::*;
    use crate::model::OpenState;
    use crate::server::access::*;
    use crate::server::{AppState, ShopFilter};

    /// Results listed at most.
    const LIMIT: i64 = 100;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let now = state.clock.now();
    let query: String = q
        .unwrap_or_default()
        .chars()
        .take(search::MAX_QUERY_CHARS)
        .collect();
    let selected_category = known_category(category);
    let districts = state
        .store
        .districts(town.id)
        .await
        .map_err(store_error("listing districts"))?;
    let district = district.and_then(|slug| districts.iter().find(|d| d.slug == slug));
    let filter = ShopFilter {
        category: selected_category.clone(),
        district_id: district.map(|d| d.id),
    };
    let terms = search::terms(&query);
    let mut shops = match &terms {
        Some(terms) => {
            let mut found = state
                .store
                .search_shops(town.id, terms, &filter, now, LIMIT)
                .await
                .map_err(store_error("searching shops"))?;
            // Names that start with the query first, then names containing every term.
            found.sort_by_key(|s| std::cmp::Reverse(search::name_score(&s.fields.name, terms)));
            found
        }
        None => state
            .store
            .shops(town.id, &filter)
            .await
            .map_err(store_error("listing shops"))?,
    };
    let open_now = open.as_deref() == Some("1");
    let tz = town_tz(&town);
    let mut summaries = shop_summaries(&shops, &districts, tz, now);
    if open_now {
        summaries.retain(|s| matches!(s.status.state, OpenState::Open | OpenState::ClosingSoon));
    }
    shops.clear();
    Ok(SearchView {
        searched: terms.is_some(),
        query,
        selected_category,
        selected_district: district.map(|d| d.slug.clone()),
        open_now,
        shops: summaries,
    })
}

/// The categories and districts the search form offers.
#[server(prefix = "/api", endpoint = "search_filters")]
pub async fn get_search_filters() -> Result<SearchFilters, AppError> {
    super::with_status(search_filters_inner().await)
}

#[cfg(feature = "ssr")]
async fn search_filters_inner() -> Result<SearchFilters, AppError> {
    use crate::model::records::*;
    use crate::model::DistrictSummary;
    use crate::server::access::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let categories = category_counts(
        state
            .store
            .category_counts(town.id, None)
            .await
            .map_err(store_error("counting categories"))?,
    );
    let districts = state
        .store
        .districts(town.id)
        .await
        .map_err(store_error("listing districts"))?;
    Ok(SearchFilters {
        categories,
        districts: districts
            .into_iter()
            .map(|d| DistrictSummary {
                slug: d.slug,
                name: d.name,
                shop_count: 0,
            })
            .collect(),
    })
}
