//! Feeds residents read: the followed shops' and districts' posts (`/feed`), and the pages of
//! older posts an island adds ("voir plus") on the feed, a shop or a district.

use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::FeedPage;
use crate::model::{FeedView, HtmlChunk};

/// Posts per page of a feed.
pub const PAGE_SIZE: i64 = 20;
/// Upcoming events shown in a feed's strip.
pub const EVENTS_SHOWN: i64 = 10;

/// "Mon quartier": what this device follows publishes. `before` is the cursor of "voir plus".
#[server(prefix = "/api", endpoint = "feed")]
pub async fn get_feed(before: Option<String>) -> Result<FeedView, AppError> {
    super::with_status(feed_inner(before).await)
}

/// "Voir plus": the next page of this device's feed, or of a district's public posts
/// (`district`: its slug), rendered by the server for the island to append.
#[server(prefix = "/api", endpoint = "more_posts")]
pub async fn get_more_posts(
    district: Option<String>,
    before: String,
    show_author: bool,
) -> Result<HtmlChunk, AppError> {
    super::with_status(more_posts_inner(district, before, show_author).await)
}

#[cfg(feature = "ssr")]
async fn more_posts_inner(
    district: Option<String>,
    before: String,
    show_author: bool,
) -> Result<HtmlChunk, AppError> {
    use crate::components::posts::PostList;

    let page = match district {
        Some(slug) => district_feed_inner(slug, before).await?,
        None => {
            let view = feed_inner(Some(before)).await?;
            FeedPage {
                posts: view.posts,
                next_cursor: view.next_cursor,
            }
        }
    };
    let count = page.posts.len();
    let posts = page.posts;
    let html = super::render_chunk(move || view! { <PostList posts show_author/> });
    Ok(HtmlChunk {
        html,
        count,
        next_cursor: page.next_cursor,
    })
}

#[cfg(feature = "ssr")]
async fn feed_inner(before: Option<String>) -> Result<FeedView, AppError> {
    use crate::model::records::*;
    use crate::server::access::*;
    use crate::server::{device, AppState, FeedScope};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let tz = town_tz(&town);
    let now = state.clock.now();
    let before = parse_cursor(before.as_deref())?;
    let profile = device::current_profile(&state).await?;
    let follows_anything = match profile {
        Some(id) => {
            let follows = state
                .store
                .follows(id)
                .await
                .map_err(store_error("loading follows"))?;
            // An account follows in every town it signed in to: only this town's count.
            let districts = if follows.district_ids.is_empty() {
                Vec::new()
            } else {
                state
                    .store
                    .districts(town.id)
                    .await
                    .map_err(store_error("loading districts"))?
            };
            let shops = if follows.shop_ids.is_empty() {
                Vec::new()
            } else {
                state
                    .store
                    .shops_by_ids(town.id, &follows.shop_ids)
                    .await
                    .map_err(store_error("loading shops"))?
            };
            !shops.is_empty()
                || districts
                    .iter()
                    .any(|d| follows.district_ids.contains(&d.id))
        }
        None => false,
    };
    let generated = local_moment(now, tz, now);
    let Some(profile) = profile.filter(|_| follows_anything) else {
        return Ok(FeedView {
            follows_anything: false,
            events: Vec::new(),
            posts: Vec::new(),
            next_cursor: None,
            generated,
        });
    };
    let scope = FeedScope::Profile(profile);
    let (events, page) = scoped_feed(&state, &town, scope, before, Some("/feed")).await?;
    Ok(FeedView {
        follows_anything,
        events,
        posts: page.posts,
        next_cursor: page.next_cursor,
        generated,
    })
}

#[cfg(feature = "ssr")]
async fn district_feed_inner(slug: String, before: String) -> Result<FeedPage, AppError> {
    use crate::server::{AppState, FeedScope};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let district = crate::server::access::district_or_404(&state, &town, &slug).await?;
    let before = parse_cursor(Some(&before))?;
    let (_, page) = scoped_feed(
        &state,
        &town,
        FeedScope::District(district.id),
        before,
        None,
    )
    .await?;
    Ok(page)
}

#[cfg(feature = "ssr")]
pub(crate) fn parse_cursor(
    raw: Option<&str>,
) -> Result<Option<crate::server::FeedCursor>, AppError> {
    match raw.filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(raw) => crate::server::FeedCursor::decode(raw)
            .map(Some)
            .ok_or_else(|| AppError::Validation {
                field: "before".into(),
                message: "cursor".into(),
            }),
    }
}

/// A feed's upcoming events (first page only) and one page of offers and news.
#[cfg(feature = "ssr")]
pub(crate) async fn scoped_feed(
    state: &crate::server::AppState,
    town: &crate::server::Town,
    scope: crate::server::FeedScope,
    before: Option<crate::server::FeedCursor>,
    counted_page: Option<&str>,
) -> Result<(Vec<crate::model::PostView>, FeedPage), AppError> {
    use crate::model::records::*;
    use crate::server::access::*;
    use crate::server::FeedCursor;

    let now = state.clock.now();
    let tz = town_tz(town);
    let events = if before.is_none() {
        state
            .store
            .upcoming_events(town.id, scope, now, EVENTS_SHOWN)
            .await
            .map_err(store_error("listing events"))?
    } else {
        Vec::new()
    };
    let mut posts = state
        .store
        .timeline(town.id, scope, now, before, PAGE_SIZE + 1)
        .await
        .map_err(store_error("listing posts"))?;
    let more = posts.len() as i64 > PAGE_SIZE;
    posts.truncate(PAGE_SIZE as usize);
    let next_cursor = more
        .then(|| posts.last().map(|p| FeedCursor::of(p).encode()))
        .flatten();
    let authors = authors_of(state, town, events.iter().chain(posts.iter())).await?;
    // Posts shown to a person, once per visitor and day (not to robots, prefetches or the
    // service worker keeping the page for offline reading): on `counted_page` when a page is
    // being rendered (not the poster page that loads the same shop), or by "voir plus".
    crate::server::activity::count_once(
        state,
        town,
        counted_page,
        events
            .iter()
            .chain(posts.iter())
            .map(|p| authors.view_tally(p))
            .collect(),
    )
    .await;
    Ok((
        post_views(&events, &authors, tz, now),
        FeedPage {
            posts: post_views(&posts, &authors, tz, now),
            next_cursor,
        },
    ))
}

/// The names and pages of the authors of `posts`.
#[cfg(feature = "ssr")]
pub async fn authors_of<'a>(
    state: &crate::server::AppState,
    town: &crate::server::Town,
    posts: impl Iterator<Item = &'a crate::server::Post>,
) -> Result<crate::model::records::Authors, AppError> {
    use crate::model::records::Authors;
    use crate::server::access::store_error;
    use crate::server::PostAuthor;

    // The shops that wrote them, and those co-organising the districts' events.
    let mut shop_ids: Vec<i64> = posts
        .flat_map(|p| match p.content.author {
            PostAuthor::Shop(id) => vec![id],
            PostAuthor::District(_) => p.content.broadcast.co_organisers.clone(),
        })
        .collect();
    shop_ids.sort_unstable();
    shop_ids.dedup();
    let shops = state
        .store
        .shops_by_ids(town.id, &shop_ids)
        .await
        .map_err(store_error("loading post authors"))?;
    let districts = state
        .store
        .districts(town.id)
        .await
        .map_err(store_error("listing districts"))?;
    Ok(Authors::new(&shops, &districts))
}
