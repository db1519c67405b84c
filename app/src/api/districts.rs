use leptos::prelude::*;

use crate::error::AppError;
use crate::model::DistrictView;

/// A district's page: its shops, optionally one category.
#[server(prefix = "/api", endpoint = "district")]
pub async fn get_district(
    slug: String,
    category: Option<String>,
    before: Option<String>,
) -> Result<DistrictView, AppError> {
    super::with_status(district_view(slug, category, before).await)
}

#[cfg(feature = "ssr")]
async fn district_view(
    slug: String,
    category: Option<String>,
    before: Option<String>,
) -> Result<DistrictView, AppError> {
    use crate::model::records::*;
    use crate::server::access::*;
    use crate::server::{AppState, ShopFilter};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let district = crate::server::access::district_or_404(&state, &town, &slug).await?;
    crate::server::activity::count_once(
        &state,
        &town,
        Some(&format!("/districts/{}", district.slug)),
        vec![crate::domain::activity::Tally::district(
            crate::domain::activity::Metric::DistrictView,
            district.id,
        )],
    )
    .await;
    let selected_category = known_category(category);
    let filter = ShopFilter {
        category: selected_category.clone(),
        district_id: Some(district.id),
    };
    let shops = state
        .store
        .shops(town.id, &filter)
        .await
        .map_err(store_error("listing shops"))?;
    let categories = category_counts(
        state
            .store
            .category_counts(town.id, Some(district.id))
            .await
            .map_err(store_error("counting categories"))?,
    );
    let summaries = shop_summaries(
        &shops,
        std::slice::from_ref(&district),
        town_tz(&town),
        state.clock.now(),
    );
    let follow = super::follows::follow_state(&state, None, Some(district.id)).await?;
    let scope = crate::server::FeedScope::District(district.id);
    let (events, page) = super::feeds::scoped_feed(
        &state,
        &town,
        scope,
        super::feeds::parse_cursor(before.as_deref())?,
        Some(&format!("/districts/{}", district.slug)),
    )
    .await?;
    let page_url = format!("{}/districts/{}", state.settings.base_url, district.slug);
    let json_ld = crate::domain::structured_data::district_events(
        &page_url,
        &district.name,
        &town.name,
        &events,
    )
    .map(|graph| crate::domain::structured_data::script_json(&graph));
    Ok(DistrictView {
        json_ld,
        follow,
        events,
        posts: page.posts,
        next_cursor: page.next_cursor,
        slug: district.slug,
        name: district.name,
        town: town_summary(&town),
        categories,
        selected_category,
        shops: summaries,
    })
}
