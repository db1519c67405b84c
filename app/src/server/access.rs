//! Loading what a request names and checking who may act on it: the town's shop or district
//! by slug (or "not found"), the actor allowed to do an action to a shop, and the mapping of
//! storage failures to internal errors these lookups (and the server functions) share.

use super::{AppState, District, Shop, StoreError, Town};
use crate::error::AppError;

/// Maps a storage failure to an internal error that names what was being done.
pub fn store_error(context: &str) -> impl Fn(StoreError) -> AppError + '_ {
    move |e| AppError::internal(context, e)
}

/// The town's shop with this slug, or "not found".
pub async fn shop_or_404(state: &AppState, town: &Town, slug: &str) -> Result<Shop, AppError> {
    if !crate::domain::slugs::is_valid(slug) {
        return Err(AppError::NotFound);
    }
    state
        .store
        .shop_by_slug(town.id, slug)
        .await
        .map_err(store_error("loading a shop"))?
        .ok_or(AppError::NotFound)
}

/// Who a shop is, for authorization.
pub fn shop_ref(shop: &Shop) -> crate::domain::authz::ShopRef {
    crate::domain::authz::ShopRef {
        id: shop.id,
        district_id: shop.district_id,
    }
}

/// The town, its shop `slug` and the signed-in actor, if the actor may do `action` to it
/// (e.g. `Action::PostForShop`, `Action::EditShop`); 404, 401 or 403 otherwise.
pub async fn authorized_shop(
    state: &AppState,
    slug: &str,
    action: fn(crate::domain::authz::ShopRef) -> crate::domain::authz::Action,
) -> Result<(Town, Shop, crate::domain::authz::Actor), AppError> {
    let town = state.town().await?;
    let shop = shop_or_404(state, &town, slug).await?;
    let actor = state.authorize(&town, action(shop_ref(&shop))).await?;
    Ok((town, shop, actor))
}

/// The town's shops among `shop_ids` (e.g. the ones a resident follows), and all its districts.
pub async fn shops_and_districts(
    state: &AppState,
    town: &Town,
    shop_ids: &[i64],
) -> Result<(Vec<Shop>, Vec<District>), AppError> {
    let shops = state
        .store
        .shops_by_ids(town.id, shop_ids)
        .await
        .map_err(store_error("loading followed shops"))?;
    let districts = state
        .store
        .districts(town.id)
        .await
        .map_err(store_error("listing districts"))?;
    Ok((shops, districts))
}

/// The town's district with this slug, or "not found".
pub async fn district_or_404(
    state: &AppState,
    town: &Town,
    slug: &str,
) -> Result<District, AppError> {
    if !crate::domain::slugs::is_valid(slug) {
        return Err(AppError::NotFound);
    }
    state
        .store
        .district_by_slug(town.id, slug)
        .await
        .map_err(store_error("loading a district"))?
        .ok_or(AppError::NotFound)
}
