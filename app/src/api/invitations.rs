//! Invitations: a single-use link (and its QR code) that makes someone a shop's owner or staff,
//! a district's steward or a town administrator. Also the team of a shop.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{InvitationCreated, InvitationView};

/// Creates an invitation: `role` = `owner` or `staff` (`target` = the shop's slug), `steward`
/// (`target` = the district's slug) or `admin`. The link is returned once, never stored.
/// Without JavaScript the browser goes back to `return_to` with `?invitation=<token>`, where
/// the page shows the link and its QR code (see [`get_invitation_link`]).
#[server(prefix = "/api", endpoint = "invitations/create")]
pub async fn create_invitation(
    role: String,
    target: Option<String>,
    return_to: Option<String>,
) -> Result<InvitationCreated, AppError> {
    let result = super::with_status(create_inner(role, target).await);
    if let (Ok(created), Some(back)) = (&result, return_to.as_deref()) {
        let token = created.url.rsplit('/').next().unwrap_or_default();
        let path = back.split(['?', '#']).next().unwrap_or(back);
        super::redirect_plain_form(Some(&format!("{path}?invitation={token}#invitation")));
    }
    result
}

/// The link and QR code of an open invitation, for whoever holds its token (the page a plain
/// form came back to).
#[server(prefix = "/api", endpoint = "invitations/link")]
pub async fn get_invitation_link(token: String) -> Result<InvitationCreated, AppError> {
    super::with_status(link_inner(token).await)
}

#[cfg(feature = "ssr")]
async fn link_inner(token: String) -> Result<InvitationCreated, AppError> {
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let invitation = invitation_of_town(&state, &town, &token)
        .await?
        .filter(|i| i.is_open(state.clock.now()))
        .ok_or(AppError::NotFound)?;
    invitation_created(&state, &town, &token, invitation.expires_at)
}

/// The town's invitation whose link carries `token`, whatever its state.
#[cfg(feature = "ssr")]
async fn invitation_of_town(
    state: &crate::server::AppState,
    town: &crate::server::Town,
    token: &str,
) -> Result<Option<crate::server::Invitation>, AppError> {
    use crate::server::auth::{is_secret, secret_hash};
    if !is_secret(token) {
        return Ok(None);
    }
    Ok(state
        .store
        .invitation_by_token(&secret_hash(token))
        .await
        .map_err(crate::server::access::store_error("loading an invitation"))?
        .filter(|i| i.town_id == town.id))
}

/// The link of an invitation token, drawn as a QR code too.
#[cfg(feature = "ssr")]
fn invitation_created(
    state: &crate::server::AppState,
    town: &crate::server::Town,
    token: &str,
    expires_at: chrono::DateTime<chrono::Utc>,
) -> Result<InvitationCreated, AppError> {
    let tz = crate::model::records::town_tz(town);
    let url = format!("{}/invite/{token}", state.settings.base_url_of(town));
    let qr_svg =
        crate::server::qr::qr_svg(&url).map_err(|e| AppError::internal("drawing a QR code", e))?;
    Ok(InvitationCreated {
        url,
        qr_svg,
        expires_on: crate::domain::posting::form_date(expires_at, tz),
    })
}

#[cfg(feature = "ssr")]
async fn create_inner(role: String, target: Option<String>) -> Result<InvitationCreated, AppError> {
    use crate::domain::authz::{Action, ShopRef};
    use crate::server::access::{district_or_404, shop_or_404, store_error};
    use crate::server::auth::*;
    use crate::server::{AppState, InvitedRole, NewInvitation};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let role = InvitedRole::parse(&role).ok_or_else(|| AppError::Validation {
        field: "role".into(),
        message: super::request_locale().t("error.validation"),
    })?;
    let target = target.unwrap_or_default();
    let (action, shop_id, district_id) = match role {
        InvitedRole::Owner | InvitedRole::Staff => {
            let shop = shop_or_404(&state, &town, &target).await?;
            let shop_ref = ShopRef {
                id: shop.id,
                district_id: shop.district_id,
            };
            let action = if role == InvitedRole::Owner {
                Action::InviteShopOwner(shop_ref)
            } else {
                Action::ManageShopStaff(shop_ref)
            };
            (action, Some(shop.id), None)
        }
        InvitedRole::Steward => {
            let district = district_or_404(&state, &town, &target).await?;
            (Action::InviteSteward(district.id), None, Some(district.id))
        }
        InvitedRole::Admin => (Action::InviteAdmin, None, None),
    };
    let actor = state.authorize(&town, action).await?;
    let now = state.clock.now();
    let token = new_secret()?;
    let invitation = state
        .store
        .create_invitation(
            town.id,
            &NewInvitation {
                token_hash: secret_hash(&token),
                role,
                shop_id,
                district_id,
                created_by: actor.user_id(),
                expires_at: now + INVITATION_LIFETIME,
            },
            now,
        )
        .await
        .map_err(store_error("creating an invitation"))?;
    tracing::info!(
        invitation = invitation.id,
        role = role.as_str(),
        by = actor.user_id(),
        "invitation created"
    );
    invitation_created(&state, &town, &token, invitation.expires_at)
}

/// The shop an invitation is for (owners and staff), if it still exists.
#[cfg(feature = "ssr")]
async fn invited_shop(
    state: &crate::server::AppState,
    town: &crate::server::Town,
    invitation: &crate::server::Invitation,
) -> Result<Option<crate::server::Shop>, AppError> {
    let Some(shop_id) = invitation.shop_id else {
        return Ok(None);
    };
    Ok(state
        .store
        .shops_by_ids(town.id, &[shop_id])
        .await
        .map_err(crate::server::access::store_error("loading a shop"))?
        .into_iter()
        .next())
}

/// Where an accepted invitation leads: the shop's counter, or the shops list.
#[cfg(feature = "ssr")]
pub(super) async fn after_accepting(
    state: &crate::server::AppState,
    town: &crate::server::Town,
    invitation: &crate::server::Invitation,
) -> Result<String, AppError> {
    use crate::server::InvitedRole;
    Ok(match invitation.role {
        InvitedRole::Owner | InvitedRole::Staff => invited_shop(state, town, invitation)
            .await?
            .map(|s| format!("/counter/{}?welcome=1", s.slug))
            .unwrap_or_else(|| "/counter".into()),
        InvitedRole::Steward | InvitedRole::Admin => "/manage".into(),
    })
}

/// What an invitation link is for, and whether it can still be used.
#[server(prefix = "/api", endpoint = "invitations/show")]
pub async fn get_invitation(token: String) -> Result<InvitationView, AppError> {
    super::with_status(show_inner(token).await)
}

#[cfg(feature = "ssr")]
async fn show_inner(token: String) -> Result<InvitationView, AppError> {
    use crate::server::access::store_error;
    use crate::server::{AppState, InvitedRole};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let invitation = invitation_of_town(&state, &town, &token)
        .await?
        .ok_or(AppError::NotFound)?;
    let target_name = match invitation.role {
        InvitedRole::Owner | InvitedRole::Staff => invited_shop(&state, &town, &invitation)
            .await?
            .map(|s| s.fields.name),
        InvitedRole::Steward => state
            .store
            .districts(town.id)
            .await
            .map_err(store_error("loading districts"))?
            .into_iter()
            .find(|d| Some(d.id) == invitation.district_id)
            .map(|d| d.name),
        InvitedRole::Admin => Some(town.name.clone()),
    }
    .ok_or(AppError::NotFound)?;
    let signed_in_as = state.session().await?.map(|s| s.user.email);
    Ok(InvitationView {
        role: invitation.role.as_str().into(),
        target_name,
        open: invitation.is_open(state.clock.now()),
        signed_in_as,
    })
}

/// Accepts an invitation as the signed-in user, then opens what it gives access to.
#[server(prefix = "/api", endpoint = "invitations/accept")]
pub async fn accept_invitation(token: String) -> Result<String, AppError> {
    let result = super::with_status(accept_inner(token).await);
    if let Ok(path) = &result {
        leptos_axum::redirect(path);
    }
    result
}

#[cfg(feature = "ssr")]
async fn accept_inner(token: String) -> Result<String, AppError> {
    use crate::server::access::store_error;
    use crate::server::auth::*;
    use crate::server::{AppState, InvitedRole};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let session = state.session().await?.ok_or(AppError::Unauthorized)?;
    let closed = || AppError::Validation {
        field: "invitation".into(),
        message: super::request_locale().t("invite.error.closed"),
    };
    if !is_secret(&token) {
        return Err(closed());
    }
    let invitation = state
        .store
        .accept_invitation(
            town.id,
            &secret_hash(&token),
            session.user.id,
            state.clock.now(),
        )
        .await
        .map_err(store_error("accepting an invitation"))?
        .ok_or_else(closed)?;
    tracing::info!(
        invitation = invitation.id,
        user = session.user.id,
        "invitation accepted"
    );
    Ok(match invitation.role {
        InvitedRole::Owner | InvitedRole::Staff => {
            let shops = state
                .store
                .shops_by_ids(town.id, &invitation.shop_id.into_iter().collect::<Vec<_>>())
                .await
                .map_err(store_error("loading a shop"))?;
            shops
                .first()
                .map(|s| format!("/counter/{}?welcome=1", s.slug))
                .unwrap_or_else(|| "/counter".into())
        }
        InvitedRole::Steward | InvitedRole::Admin => "/manage".into(),
    })
}

/// Withdraws an invitation not yet used.
#[server(prefix = "/api", endpoint = "invitations/revoke")]
pub async fn revoke_invitation(id: i64, return_to: Option<String>) -> Result<(), AppError> {
    let result = super::with_status(revoke_inner(id).await);
    if result.is_ok() {
        super::redirect_plain_form(return_to.as_deref());
    }
    result
}

#[cfg(feature = "ssr")]
async fn revoke_inner(id: i64) -> Result<(), AppError> {
    use crate::domain::authz::{Action, ShopRef};
    use crate::server::access::store_error;
    use crate::server::{AppState, InvitedRole};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let actor = state.actor(&town).await?;
    let now = state.clock.now();
    let invitation = state
        .store
        .open_invitations(town.id, now)
        .await
        .map_err(store_error("loading invitations"))?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(AppError::NotFound)?;
    // Whoever could create it may withdraw it.
    let action = match invitation.role {
        InvitedRole::Owner | InvitedRole::Staff => {
            let shop = invited_shop(&state, &town, &invitation)
                .await?
                .ok_or(AppError::NotFound)?;
            let shop_ref = ShopRef {
                id: shop.id,
                district_id: shop.district_id,
            };
            if invitation.role == InvitedRole::Owner {
                Action::InviteShopOwner(shop_ref)
            } else {
                Action::ManageShopStaff(shop_ref)
            }
        }
        InvitedRole::Steward => Action::InviteSteward(invitation.district_id.unwrap_or_default()),
        InvitedRole::Admin => Action::InviteAdmin,
    };
    crate::server::auth::authorize(actor.clone(), action)?;
    state
        .store
        .revoke_invitation(town.id, id)
        .await
        .map_err(store_error("revoking an invitation"))?;
    Ok(())
}

/// Removes someone from a shop's team (owners, the shop's steward, admins; not oneself as
/// the last owner).
#[server(prefix = "/api", endpoint = "team/remove")]
pub async fn remove_team_member(
    shop: String,
    user_id: i64,
    return_to: Option<String>,
) -> Result<(), AppError> {
    let result = super::with_status(remove_inner(shop, user_id).await);
    if result.is_ok() {
        super::redirect_plain_form(return_to.as_deref());
    }
    result
}

#[cfg(feature = "ssr")]
async fn remove_inner(slug: String, user_id: i64) -> Result<(), AppError> {
    use crate::domain::authz::{Action, ShopRef};
    use crate::server::access::{shop_or_404, store_error};
    use crate::server::{AppState, ShopRole};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let shop = shop_or_404(&state, &town, &slug).await?;
    state
        .authorize(
            &town,
            Action::ManageShopStaff(ShopRef {
                id: shop.id,
                district_id: shop.district_id,
            }),
        )
        .await?;
    let members = state
        .store
        .shop_members(shop.id)
        .await
        .map_err(store_error("loading the team"))?;
    let owners = members.iter().filter(|m| m.role == ShopRole::Owner).count();
    let target = members
        .iter()
        .find(|m| m.user_id == user_id)
        .ok_or(AppError::NotFound)?;
    if target.role == ShopRole::Owner && owners == 1 {
        return Err(AppError::Conflict(
            super::request_locale().t("team.error.last_owner"),
        ));
    }
    state
        .store
        .remove_shop_member(shop.id, user_id)
        .await
        .map_err(store_error("removing a team member"))?;
    Ok(())
}

/// At most this many invitation cards per printed sheet (one district of a large town fits).
pub const SHEET_MAX_CARDS: usize = 200;

/// Printed sheets a steward or an administrator may make per hour.
pub const SHEETS_PER_HOUR: i64 = 10;

/// A printable sheet of invitations: one owner invitation made for each shop without a merchant
/// in `district` (its slug), or in every district the viewer looks after (administrators: the
/// whole town), each with its link and QR code. Earlier links stay valid until they expire.
#[cfg(feature = "ssr")]
pub async fn invitation_sheet(
    district: Option<String>,
) -> Result<crate::model::InvitationSheet, AppError> {
    use std::collections::HashSet;

    use crate::domain::authz::{allows, Action, ShopRef};
    use crate::model::records::address;
    use crate::model::{InvitationCard, InvitationSheet};
    use crate::server::access::{district_or_404, store_error};
    use crate::server::auth::{new_secret, secret_hash, INVITATION_LIFETIME};
    use crate::server::{AppState, InvitedRole, NewInvitation, ShopFilter};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let actor = state.actor(&town).await?;
    let district = match district.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => Some(district_or_404(&state, &town, slug).await?),
        None => None,
    };
    let admin = allows(&actor, Action::ManageShops(None));
    let allowed = match &district {
        Some(d) => allows(&actor, Action::ManageShops(Some(d.id))),
        None => admin || actor.roles().is_some_and(|r| !r.districts.is_empty()),
    };
    if !allowed {
        return Err(crate::server::auth::refusal(&actor));
    }
    let user = actor.user_id().unwrap_or_default();
    state
        .rate_limit(
            &format!("invitation-sheet:{user}"),
            SHEETS_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    let claimed: HashSet<i64> = state
        .store
        .claimed_shop_ids(town.id)
        .await
        .map_err(store_error("loading merchants"))?
        .into_iter()
        .collect();
    let shops: Vec<_> = state
        .store
        .shops(town.id, &ShopFilter::default())
        .await
        .map_err(store_error("loading shops"))?
        .into_iter()
        .filter(|s| !claimed.contains(&s.id))
        .filter(|s| match &district {
            Some(d) => s.district_id == Some(d.id),
            None => true,
        })
        .filter(|s| {
            allows(
                &actor,
                Action::InviteShopOwner(ShopRef {
                    id: s.id,
                    district_id: s.district_id,
                }),
            )
        })
        .collect();
    let waiting = shops.len();
    let shops: Vec<_> = shops.into_iter().take(SHEET_MAX_CARDS).collect();
    let now = state.clock.now();
    // One new owner invitation per shop, all in one transaction; each replaces the shop's
    // earlier unused ones (a sheet lost or binned leaves no other valid card behind).
    let mut tokens = Vec::with_capacity(shops.len());
    let mut invitations = Vec::with_capacity(shops.len());
    for shop in &shops {
        let token = new_secret()?;
        invitations.push(NewInvitation {
            token_hash: secret_hash(&token),
            role: InvitedRole::Owner,
            shop_id: Some(shop.id),
            district_id: None,
            created_by: actor.user_id(),
            expires_at: now + INVITATION_LIFETIME,
        });
        tokens.push(token);
    }
    let made = state
        .store
        .replace_owner_invitations(town.id, &invitations, now)
        .await
        .map_err(store_error("creating the sheet's invitations"))?;
    let mut cards = Vec::with_capacity(made.len());
    for (shop, (token, invitation)) in shops.iter().zip(tokens.iter().zip(&invitations)) {
        let Some(stored) = made.iter().find(|m| m.shop_id == invitation.shop_id) else {
            continue;
        };
        let created = invitation_created(&state, &town, token, stored.expires_at)?;
        let address = address(shop);
        cards.push(InvitationCard {
            shop_name: shop.fields.name.clone(),
            address_line: [address.street_line(), address.locality_line()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
            url: created.url,
            qr_svg: created.qr_svg,
            expires_on: created.expires_on,
        });
    }
    tracing::info!(
        town = town.id,
        by = actor.user_id(),
        cards = cards.len(),
        "invitation sheet printed"
    );
    Ok(InvitationSheet {
        title: match district {
            Some(d) => d.name,
            None if admin => town.name.clone(),
            // A steward's sheet without a district: their districts'.
            None => {
                let names: Vec<String> = state
                    .store
                    .districts(town.id)
                    .await
                    .map_err(store_error("loading districts"))?
                    .into_iter()
                    .filter(|d| allows(&actor, Action::ManageShops(Some(d.id))))
                    .map(|d| d.name)
                    .collect();
                names.join(", ")
            }
        },
        cards,
        waiting,
    })
}
