//! Following a shop or a district from this device (no account needed), and the list of
//! what it follows (`/following`).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{FollowState, FollowingView};

/// Follows and unfollows per client address per hour (each cookie-less one makes a device
/// profile, and follower counts are figures the town reads).
pub const FOLLOWS_PER_HOUR: i64 = 120;

/// Follows or unfollows a shop (`target = "shop"`) or a district (`"district"`) from this device,
/// without an account. Also the target of a plain form (no JavaScript): it then redirects back
/// to `return_to`.
#[server(prefix = "/api", endpoint = "follow")]
pub async fn set_follow(
    target: String,
    slug: String,
    follow: bool,
    return_to: Option<String>,
) -> Result<FollowState, AppError> {
    let result = super::with_status(follow_inner(target, slug, follow).await);
    if result.is_ok() {
        super::redirect_plain_form(return_to.as_deref());
    }
    result
}

#[cfg(feature = "ssr")]
async fn follow_inner(target: String, slug: String, follow: bool) -> Result<FollowState, AppError> {
    use crate::domain::activity::{Metric, Tally};
    use crate::server::access::store_error;
    use crate::server::{activity, device, AppState};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let now = state.clock.now();
    state
        .rate_limit(
            &format!("follow:client:{}", state.client_key()),
            FOLLOWS_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    match target.as_str() {
        "shop" => {
            let shop = crate::server::access::shop_or_404(&state, &town, &slug).await?;
            // The poster's scan is this visitor's before the follow gives it a cookie.
            let scanned = follow
                && activity::counted_today(
                    &state,
                    &town,
                    Tally::shop(Metric::PosterScan, shop.id, shop.district_id),
                )
                .await;
            let profile = device::ensure_profile(&state).await?;
            let changed = state
                .store
                .set_shop_follow(profile, shop.id, follow, now)
                .await
                .map_err(store_error("saving a follow"))?;
            if changed {
                let metric = if follow {
                    Metric::Follow
                } else {
                    Metric::Unfollow
                };
                // Once per phone and day: following, leaving and following again is one follow
                // (phones sharing an address, in the shop's Wi-Fi, are each one).
                let mut tallies = vec![Tally::shop(metric, shop.id, shop.district_id)];
                if scanned {
                    tallies.push(Tally::shop(Metric::PosterFollow, shop.id, shop.district_id));
                }
                activity::count_once_for_profile(&state, &town, profile, tallies).await;
            }
            let follower_count = state
                .store
                .shop_follower_count(shop.id)
                .await
                .map_err(store_error("counting followers"))?;
            Ok(FollowState {
                following: follow,
                follower_count,
            })
        }
        "district" => {
            let district = crate::server::access::district_or_404(&state, &town, &slug).await?;
            let profile = device::ensure_profile(&state).await?;
            let changed = state
                .store
                .set_district_follow(profile, district.id, follow, now)
                .await
                .map_err(store_error("saving a follow"))?;
            if changed {
                let metric = if follow {
                    Metric::Follow
                } else {
                    Metric::Unfollow
                };
                let tally = Tally::district(metric, district.id);
                activity::count_once_for_profile(&state, &town, profile, vec![tally]).await;
            }
            Ok(FollowState {
                following: follow,
                follower_count: 0,
            })
        }
        _ => Err(AppError::Validation {
            field: "target".into(),
            message: "shop or district".into(),
        }),
    }
}

/// "Mes commerces": the shops and districts this device follows.
#[server(prefix = "/api", endpoint = "following")]
pub async fn get_following() -> Result<FollowingView, AppError> {
    super::with_status(following_inner().await)
}

#[cfg(feature = "ssr")]
async fn following_inner() -> Result<FollowingView, AppError> {
    use crate::model::records::*;
    use crate::model::DistrictSummary;
    use crate::server::access::*;
    use crate::server::{device, AppState};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let Some(profile) = device::current_profile(&state).await? else {
        return Ok(FollowingView {
            shops: Vec::new(),
            districts: Vec::new(),
        });
    };
    let follows = state
        .store
        .follows(profile)
        .await
        .map_err(store_error("loading follows"))?;
    let (shops, districts) = shops_and_districts(&state, &town, &follows.shop_ids).await?;
    let followed_districts = districts
        .iter()
        .filter(|d| follows.district_ids.contains(&d.id))
        .map(|d| DistrictSummary {
            slug: d.slug.clone(),
            name: d.name.clone(),
            shop_count: 0,
        })
        .collect();
    Ok(FollowingView {
        shops: shop_summaries(&shops, &districts, town_tz(&town), state.clock.now()),
        districts: followed_districts,
    })
}

/// Whether this device follows the shop or district, and the shop's follower count.
#[cfg(feature = "ssr")]
pub(crate) async fn follow_state(
    state: &crate::server::AppState,
    shop_id: Option<i64>,
    district_id: Option<i64>,
) -> Result<FollowState, AppError> {
    use crate::server::access::store_error;
    let follows = match crate::server::device::current_profile(state).await? {
        Some(profile) => state
            .store
            .follows(profile)
            .await
            .map_err(store_error("loading follows"))?,
        None => Default::default(),
    };
    let following = shop_id.is_some_and(|id| follows.shop_ids.contains(&id))
        || district_id.is_some_and(|id| follows.district_ids.contains(&id));
    let follower_count = match shop_id {
        Some(id) => state
            .store
            .shop_follower_count(id)
            .await
            .map_err(store_error("counting followers"))?,
        None => 0,
    };
    Ok(FollowState {
        following,
        follower_count,
    })
}
