//! `/manage`: what a steward or an administrator looks after: the shops of their districts,
//! the open invitations, and (admins) the town's push defaults.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::ManageView;

/// The shops a steward (their districts) or an admin (the whole town) onboards: which have a
/// merchant, which wait for one, and the invitations not yet used.
#[server(prefix = "/api", endpoint = "manage")]
pub async fn get_manage() -> Result<ManageView, AppError> {
    super::with_status(manage_inner().await)
}

#[cfg(feature = "ssr")]
async fn manage_inner() -> Result<ManageView, AppError> {
    use std::collections::{HashMap, HashSet};

    use super::views::*;
    use crate::domain::authz::{allows, Action};
    use crate::model::{ManagedDistrict, ManagedShop, OpenInvitation};
    use crate::server::{AppState, InvitedRole, ShopFilter};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let actor = state.actor(&town).await?;
    let admin = allows(&actor, Action::ManageShops(None));
    let districts: Vec<_> = state
        .store
        .districts(town.id)
        .await
        .map_err(store_error("loading districts"))?
        .into_iter()
        .filter(|d| admin || allows(&actor, Action::ManageShops(Some(d.id))))
        .collect();
    if !admin && districts.is_empty() {
        return Err(if actor.user_id().is_none() {
            AppError::Unauthorized
        } else {
            AppError::Forbidden
        });
    }
    let tz = town_tz(&town);
    let now = state.clock.now();
    let shops = state
        .store
        .shops(town.id, &ShopFilter::default())
        .await
        .map_err(store_error("loading shops"))?;
    let claimed: HashSet<i64> = state
        .store
        .claimed_shop_ids(town.id)
        .await
        .map_err(store_error("loading merchants"))?
        .into_iter()
        .collect();
    let invitations = state
        .store
        .open_invitations(town.id, now)
        .await
        .map_err(store_error("loading invitations"))?;
    let pending: HashSet<i64> = invitations
        .iter()
        .filter(|i| i.role == InvitedRole::Owner)
        .filter_map(|i| i.shop_id)
        .collect();
    let visible_district: HashSet<i64> = districts.iter().map(|d| d.id).collect();
    let in_scope = |district_id: Option<i64>| match district_id {
        Some(id) => visible_district.contains(&id),
        None => admin,
    };
    let managed = |shop: &crate::server::Shop| ManagedShop {
        slug: shop.slug.clone(),
        name: shop.fields.name.clone(),
        address_line: address(shop).street_line(),
        has_merchant: claimed.contains(&shop.id),
        invitation_pending: pending.contains(&shop.id),
    };
    let mut groups: Vec<ManagedDistrict> = districts
        .iter()
        .map(|d| ManagedDistrict {
            slug: Some(d.slug.clone()),
            name: d.name.clone(),
            shops: shops
                .iter()
                .filter(|s| s.district_id == Some(d.id))
                .map(managed)
                .collect(),
        })
        .collect();
    if admin {
        let outside: Vec<ManagedShop> = shops
            .iter()
            .filter(|s| s.district_id.is_none())
            .map(managed)
            .collect();
        if !outside.is_empty() {
            groups.push(ManagedDistrict {
                slug: None,
                name: super::request_locale().t("manage.outside_districts"),
                shops: outside,
            });
        }
    }
    let shop_names: HashMap<i64, (&str, Option<i64>)> = shops
        .iter()
        .map(|s| (s.id, (s.fields.name.as_str(), s.district_id)))
        .collect();
    let district_names: HashMap<i64, &str> =
        districts.iter().map(|d| (d.id, d.name.as_str())).collect();
    let open: Vec<OpenInvitation> = invitations
        .iter()
        .filter_map(|i| {
            let target_name = match (i.shop_id, i.district_id) {
                (Some(shop), _) => {
                    let (name, district) = shop_names.get(&shop)?;
                    in_scope(*district).then(|| name.to_string())?
                }
                (None, Some(district)) => district_names.get(&district)?.to_string(),
                (None, None) if admin => town.name.clone(),
                _ => return None,
            };
            Some(OpenInvitation {
                id: i.id,
                role: i.role.as_str().into(),
                target_name,
                expires_on: crate::domain::posting::form_date(i.expires_at, tz),
            })
        })
        .collect();
    let total = groups.iter().map(|g| g.shops.len()).sum();
    let claimed_count = groups
        .iter()
        .flat_map(|g| g.shops.iter())
        .filter(|s| s.has_merchant)
        .count();
    let town_push = if admin {
        let defaults = state
            .store
            .town_push_defaults(town.id)
            .await
            .map_err(store_error("loading the town's push defaults"))?;
        let quiet = defaults
            .quiet
            .unwrap_or(crate::domain::push::QuietHours::DEFAULT);
        let shown = if quiet.start == quiet.end {
            crate::domain::push::QuietHours::DEFAULT
        } else {
            quiet
        };
        Some(crate::model::TownPushView {
            quiet_enabled: quiet.start != quiet.end,
            quiet_start: crate::domain::push::clock_text(shown.start),
            quiet_end: crate::domain::push::clock_text(shown.end),
            shop_pushes_per_day: defaults.shop_pushes_per_day.unwrap_or(1),
            district_pushes_per_week: defaults.district_pushes_per_week.unwrap_or(3),
        })
    } else {
        None
    };
    Ok(ManageView {
        admin,
        districts: groups,
        invitations: open,
        claimed: claimed_count,
        total,
        town_push,
    })
}
