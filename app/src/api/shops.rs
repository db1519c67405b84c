use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{HomeView, ShopView};

/// The home page: the town's districts, categories and shops (optionally one category).
#[server(prefix = "/api", endpoint = "home")]
pub async fn get_home(
    category: Option<String>,
    page: Option<String>,
) -> Result<HomeView, AppError> {
    super::with_status(home_view(category, page).await)
}

/// Shops on one page of the home page's list: a phone screen or two, never the whole town.
pub const HOME_PAGE_SIZE: usize = 24;

#[cfg(feature = "ssr")]
async fn home_view(category: Option<String>, page: Option<String>) -> Result<HomeView, AppError> {
    use crate::model::records::*;
    use crate::model::DistrictSummary;
    use crate::server::access::*;
    use crate::server::{AppState, ShopFilter};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let tz = town_tz(&town);
    let selected_category = known_category(category);
    let districts = state
        .store
        .districts(town.id)
        .await
        .map_err(store_error("listing districts"))?;
    let all_shops = state
        .store
        .shops(town.id, &ShopFilter::default())
        .await
        .map_err(store_error("listing shops"))?;
    let categories = category_counts(
        state
            .store
            .category_counts(town.id, None)
            .await
            .map_err(store_error("counting categories"))?,
    );
    let shown: Vec<_> = all_shops
        .iter()
        .filter(|s| {
            selected_category
                .as_ref()
                .is_none_or(|c| &s.fields.category == c)
        })
        .cloned()
        .collect();
    let total_shops = shown.len();
    let pages = total_shops.div_ceil(HOME_PAGE_SIZE).max(1);
    // A page past the end (the list got shorter) shows the last one.
    let page = page
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let shown: Vec<_> = shown
        .into_iter()
        .skip((page - 1) * HOME_PAGE_SIZE)
        .take(HOME_PAGE_SIZE)
        .collect();
    Ok(HomeView {
        total_shops: total_shops as i64,
        page: page as u32,
        pages: pages as u32,
        town: town_summary(&town),
        districts: districts
            .iter()
            .map(|d| DistrictSummary {
                slug: d.slug.clone(),
                name: d.name.clone(),
                shop_count: all_shops
                    .iter()
                    .filter(|s| s.district_id == Some(d.id))
                    .count() as i64,
            })
            .collect(),
        categories,
        shops: shop_summaries(&shown, &districts, tz, state.clock.now()),
        selected_category,
    })
}

/// One shop's page.
#[server(prefix = "/api", endpoint = "shop")]
pub async fn get_shop(slug: String, reviews: Option<u32>) -> Result<ShopView, AppError> {
    super::with_status(shop_view(slug, reviews.unwrap_or(1)).await)
}

#[cfg(feature = "ssr")]
async fn shop_view(slug: String, review_pages: u32) -> Result<ShopView, AppError> {
    use crate::domain::{categories, contact, hours, structured_data};
    use crate::model::records::*;
    use crate::model::DistrictLink;
    use crate::server::access::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let tz = town_tz(&town);
    let shop = crate::server::access::shop_or_404(&state, &town, &slug).await?;
    {
        use crate::domain::activity::{Metric, Tally};
        let mut tallies = vec![Tally::shop(Metric::ShopView, shop.id, shop.district_id)];
        if crate::server::activity::query_has("follow", "1") {
            tallies.push(Tally::shop(Metric::PosterScan, shop.id, shop.district_id));
        }
        // Opened from a link shared with the page's « Partager » button.
        if crate::server::activity::query_has("via", "share") {
            tallies.push(Tally::shop(Metric::Share, shop.id, shop.district_id));
        }
        let page = format!("/shops/{}", shop.slug);
        crate::server::activity::count_once(&state, &town, Some(&page), tallies).await;
    }
    let district = match shop.district_id {
        Some(id) => state
            .store
            .districts(town.id)
            .await
            .map_err(store_error("listing districts"))?
            .into_iter()
            .find(|d| d.id == id)
            .map(|d| DistrictLink {
                slug: d.slug,
                name: d.name,
            }),
        None => None,
    };
    let now = state.clock.now();
    let raw_hours = shop.fields.opening_hours.clone();
    let week = raw_hours
        .as_deref()
        .and_then(|raw| hours::week(raw, now, tz));
    let address = address(&shop);
    let canonical_url = format!("{}/shops/{}", state.settings.base_url_of(&town), shop.slug);
    let photos: Vec<crate::model::ShopPhoto> = shop
        .photos
        .iter()
        .map(|name| {
            let (thumb_url, large_url) = media_urls(name);
            crate::model::ShopPhoto {
                name: name.clone(),
                thumb_url,
                large_url,
            }
        })
        .collect();
    let image_url = match photos.first() {
        Some(photo) => format!("{}{}", state.settings.base_url_of(&town), photo.large_url),
        None => format!("{}/icons/icon-512.png", state.settings.base_url_of(&town)),
    };
    let phone_uri = shop.fields.phone.as_deref().and_then(contact::phone_uri);
    let website = website(&shop);
    let email = shop.fields.email.as_deref().and_then(contact::email);
    let regular_week = raw_hours
        .as_deref()
        .and_then(|raw| hours::regular_week(raw, now, tz));
    let schema_type =
        categories::by_key(&shop.fields.category).map_or("LocalBusiness", |c| c.schema_type);
    let mut business = structured_data::local_business(&structured_data::BusinessFacts {
        schema_type,
        name: &shop.fields.name,
        page_url: &canonical_url,
        website: website.as_deref(),
        telephone: phone_uri
            .as_deref()
            .and_then(|uri| uri.strip_prefix("tel:")),
        email: email.as_deref(),
        address: &address,
        lat: shop.fields.lat,
        lon: shop.fields.lon,
        regular_week: regular_week.as_deref(),
        image_url: &image_url,
        description: shop.fields.description.as_deref(),
    });
    let (reviews, review_summary, published) =
        super::reviews::shop_reviews(&state, &town, &shop, review_pages).await?;
    let review_facts: Vec<(String, String)> = published
        .iter()
        .map(|r| (r.author_name.clone(), calendar_day(r.created_at, tz).iso))
        .collect();
    structured_data::add_reviews(
        &mut business,
        review_summary.count,
        review_summary.average(),
        &published
            .iter()
            .zip(&review_facts)
            .map(|(r, (author, date))| structured_data::ReviewFacts {
                author,
                rating: r.content.rating,
                date,
                body: &r.content.body,
            })
            .collect::<Vec<_>>(),
    );
    let mut listings: Vec<crate::model::ListingLink> = shop
        .listings
        .google_maps_url(&shop.fields.name)
        .map(|url| crate::model::ListingLink {
            label: "Google Maps".into(),
            url,
        })
        .into_iter()
        .collect();
    listings.extend(shop.listings.others.iter().map(|url| {
        // The host the link leads to (after any `user@`), as `website_url` checked it.
        let host = url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', '?', '#']).next())
            .and_then(|authority| authority.rsplit('@').next())
            .and_then(|host| host.split(':').next())
            .unwrap_or(url);
        crate::model::ListingLink {
            label: host.trim_start_matches("www.").to_owned(),
            url: url.clone(),
        }
    }));
    structured_data::add_same_as(
        &mut business,
        &listings.iter().map(|l| l.url.clone()).collect::<Vec<_>>(),
    );
    let follow = super::follows::follow_state(&state, Some(shop.id), None).await?;
    let scope = crate::server::FeedScope::Shop(shop.id);
    let (events, page) = super::feeds::scoped_feed(
        &state,
        &town,
        scope,
        None,
        Some(&format!("/shops/{}", shop.slug)),
    )
    .await?;
    let json_ld = structured_data::script_json(&structured_data::with_posts(
        business,
        &canonical_url,
        &page.posts,
        &events,
    ));
    Ok(ShopView {
        geo_uri: contact::geo_uri(shop.fields.lat, shop.fields.lon, &shop.fields.name),
        follow,
        posts: page.posts,
        events,
        feed_url: format!("/shops/{}/feed.atom", shop.slug),
        slug: shop.slug.clone(),
        name: shop.fields.name.clone(),
        category: shop.fields.category.clone(),
        town_name: town.name.clone(),
        address,
        lat: shop.fields.lat,
        lon: shop.fields.lon,
        phone: shop.fields.phone.clone(),
        phone_uri,
        website,
        email,
        description: shop.fields.description.clone(),
        photos,
        hours_readable: week.is_some(),
        status: hours::status(raw_hours.as_deref(), now, tz),
        week: week.unwrap_or_default(),
        opening_hours: raw_hours,
        district,
        directions_url: contact::directions_url(shop.fields.lat, shop.fields.lon),
        canonical_url,
        image_url,
        json_ld,
        reviews,
        listings,
    })
}
