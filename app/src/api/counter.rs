//! The counter: a merchant (or the shop's steward) writes, edits and deletes the shop's posts,
//! and sees its numbers and team. Also the shops list of stewards and admins.

// The post form's fields are the server function's arguments.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{CounterView, ManageView};

/// Posts per merchant per hour (a stolen phone cannot flood the feeds).
pub const POSTS_PER_HOUR: i64 = 30;

/// Everything the counter of shop `slug` shows.
#[server(prefix = "/api", endpoint = "counter")]
pub async fn get_counter(slug: String) -> Result<CounterView, AppError> {
    super::with_status(counter_inner(slug).await)
}

#[cfg(feature = "ssr")]
fn shop_ref(shop: &crate::server::Shop) -> crate::domain::authz::ShopRef {
    crate::domain::authz::ShopRef {
        id: shop.id,
        district_id: shop.district_id,
    }
}

#[cfg(feature = "ssr")]
async fn counter_inner(slug: String) -> Result<CounterView, AppError> {
    use super::views::*;
    use crate::domain::authz::{allows, Action};
    use crate::domain::posting::{default_offer_dates, form_date, form_date_time};
    use crate::model::{CounterPost, PostForm, PostStatus, TeamMember};
    use crate::server::{AppState, PostKind};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let shop = shop_or_404(&state, &town, &slug).await?;
    let actor = state
        .authorize(&town, Action::PostForShop(shop_ref(&shop)))
        .await?;
    let tz = town_tz(&town);
    let now = state.clock.now();
    let districts = state
        .store
        .districts(town.id)
        .await
        .map_err(store_error("loading districts"))?;
    let posts = state
        .store
        .shop_posts(town.id, shop.id, 50)
        .await
        .map_err(store_error("loading posts"))?;
    let authors = super::feed::authors_of(&state, &town, posts.iter()).await?;
    let counter_posts = posts
        .iter()
        .filter_map(|post| {
            let view = post_view(post, &authors, tz, now)?;
            let c = &post.content;
            let ended = match c.kind {
                PostKind::Offer => c.valid_until.is_some_and(|t| t <= now),
                PostKind::Event => c
                    .ends_at
                    .or(c.starts_at.map(|s| s + chrono::TimeDelta::hours(3)))
                    .is_some_and(|t| t <= now),
                PostKind::News => false,
            };
            let status = if c.published_at > now {
                PostStatus::Scheduled
            } else if ended {
                PostStatus::Ended
            } else {
                PostStatus::Live
            };
            // Offers are valid through their last day: the form shows that day.
            let last_day = c
                .valid_until
                .map(|t| form_date(t - chrono::TimeDelta::seconds(1), tz));
            Some(CounterPost {
                post: view,
                status,
                form: PostForm {
                    kind: c.kind.as_str().into(),
                    title: c.title.clone(),
                    body: c.body.clone(),
                    valid_from: c.valid_from.map(|t| form_date(t, tz)),
                    valid_until: last_day,
                    starts_at: c.starts_at.map(|t| form_date_time(t, tz)),
                    ends_at: c.ends_at.map(|t| form_date_time(t, tz)),
                    place: c.place.clone(),
                    publish_at: (c.published_at > now).then(|| form_date_time(c.published_at, tz)),
                    idempotency_key: None,
                },
            })
        })
        .collect();
    let stats = state
        .store
        .shop_follower_stats(shop.id, now - chrono::TimeDelta::days(7))
        .await
        .map_err(store_error("counting followers"))?;
    let team = if allows(&actor, Action::ViewShopTeam(shop_ref(&shop))) {
        let members = state
            .store
            .shop_members(shop.id)
            .await
            .map_err(store_error("loading the team"))?;
        Some(
            members
                .into_iter()
                .map(|m| TeamMember {
                    is_me: Some(m.user_id) == actor.user_id(),
                    user_id: m.user_id,
                    email: m.email,
                    role: m.role.as_str().into(),
                })
                .collect(),
        )
    } else {
        None
    };
    let (valid_from, valid_until) = default_offer_dates(now, tz);
    let summary = shop_summaries(std::slice::from_ref(&shop), &districts, tz, now)
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(CounterView {
        shop: summary,
        on_behalf: actor.acts_on_behalf(shop_ref(&shop)),
        posts: counter_posts,
        followers: stats.total,
        new_followers_week: stats.new_since,
        blank: PostForm {
            kind: "offer".into(),
            valid_from: Some(valid_from),
            valid_until: Some(valid_until),
            idempotency_key: Some(crate::server::device::new_token()?),
            ..PostForm::default()
        },
        team,
        can_invite_staff: allows(&actor, Action::ManageShopStaff(shop_ref(&shop))),
    })
}

/// Publishes a new post of shop `slug` (or, with `post_id`, saves the edited post). A form
/// sent twice with the same `idempotency_key` publishes once. Returns the post's id.
#[server(prefix = "/api", endpoint = "counter/save")]
pub async fn save_post(
    slug: String,
    post_id: Option<i64>,
    kind: String,
    title: String,
    body: Option<String>,
    valid_from: Option<String>,
    valid_until: Option<String>,
    starts_at: Option<String>,
    ends_at: Option<String>,
    place: Option<String>,
    publish_at: Option<String>,
    idempotency_key: Option<String>,
) -> Result<i64, AppError> {
    let form = crate::model::PostForm {
        kind,
        title,
        body: body.unwrap_or_default(),
        valid_from,
        valid_until,
        starts_at,
        ends_at,
        place,
        publish_at,
        idempotency_key,
    };
    let result = super::with_status(save_inner(&slug, post_id, form.clone()).await);
    match &result {
        Ok(id) => super::redirect_plain_form(Some(&format!("/counter/{slug}?saved={id}"))),
        Err(error) => {
            // Without JavaScript the form comes back filled in: nothing typed is lost.
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("error", &super::error_code(error));
            if let Some(id) = post_id {
                query.append_pair("edit", &id.to_string());
            }
            let fields = [
                ("kind", Some(&form.kind)),
                ("title", Some(&form.title)),
                ("body", Some(&form.body)),
                ("valid_from", form.valid_from.as_ref()),
                ("valid_until", form.valid_until.as_ref()),
                ("starts_at", form.starts_at.as_ref()),
                ("ends_at", form.ends_at.as_ref()),
                ("place", form.place.as_ref()),
                ("publish_at", form.publish_at.as_ref()),
                ("idempotency_key", form.idempotency_key.as_ref()),
            ];
            for (name, value) in fields {
                if let Some(value) = value.filter(|v| !v.is_empty()) {
                    query.append_pair(name, value);
                }
            }
            super::redirect_plain_form(Some(&format!(
                "/counter/{slug}?{}#composer",
                query.finish()
            )))
        }
    }
    result
}

#[cfg(feature = "ssr")]
async fn save_inner(
    slug: &str,
    post_id: Option<i64>,
    form: crate::model::PostForm,
) -> Result<i64, AppError> {
    use super::views::*;
    use crate::domain::authz::Action;
    use crate::domain::posting::{idempotency_key, post_from_form};
    use crate::server::{AppState, PostAuthor, PostOrigin};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let shop = shop_or_404(&state, &town, slug).await?;
    let actor = state
        .authorize(&town, Action::PostForShop(shop_ref(&shop)))
        .await?;
    let user_id = actor.user_id().ok_or(AppError::Unauthorized)?;
    let locale = super::request_locale();
    let invalid = |e: crate::domain::posting::FieldError| AppError::Validation {
        field: e.field.into(),
        message: locale.t(e.key),
    };
    let now = state.clock.now();
    let post =
        post_from_form(&form, PostAuthor::Shop(shop.id), now, town_tz(&town)).map_err(invalid)?;
    match post_id {
        Some(id) => {
            let existing = state
                .store
                .post_by_id(town.id, id)
                .await
                .map_err(store_error("loading a post"))?
                .filter(|p| p.content.author == PostAuthor::Shop(shop.id))
                .ok_or(AppError::NotFound)?;
            let mut post = post;
            post.photo = existing.content.photo;
            // An edit of a published post does not move it up the feeds.
            if existing.content.published_at <= now && post.published_at == now {
                post.published_at = existing.content.published_at;
            }
            state
                .store
                .update_post(town.id, id, &post, now)
                .await
                .map_err(store_error("saving a post"))?
                .ok_or(AppError::NotFound)?;
            tracing::info!(post = id, user = user_id, "post edited");
            Ok(id)
        }
        None => {
            let key = idempotency_key(form.idempotency_key.as_deref()).map_err(invalid)?;
            state
                .rate_limit(
                    &format!("post:user:{user_id}"),
                    POSTS_PER_HOUR,
                    chrono::TimeDelta::hours(1),
                )
                .await?;
            let origin = PostOrigin {
                user_id: Some(user_id),
                by_steward: actor.acts_on_behalf(shop_ref(&shop)),
                idempotency_key: key,
            };
            let (saved, created) = state
                .store
                .publish_post(town.id, &post, &origin, now)
                .await
                .map_err(store_error("publishing a post"))?;
            tracing::info!(post = saved.id, user = user_id, created, "post published");
            Ok(saved.id)
        }
    }
}

/// Deletes a post of shop `slug`.
#[server(prefix = "/api", endpoint = "counter/delete")]
pub async fn delete_post(slug: String, post_id: i64) -> Result<(), AppError> {
    let result = super::with_status(delete_inner(&slug, post_id).await);
    if result.is_ok() {
        super::redirect_plain_form(Some(&format!("/counter/{slug}?deleted=1")));
    }
    result
}

#[cfg(feature = "ssr")]
async fn delete_inner(slug: &str, post_id: i64) -> Result<(), AppError> {
    use super::views::*;
    use crate::domain::authz::Action;
    use crate::server::{AppState, PostAuthor};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let shop = shop_or_404(&state, &town, slug).await?;
    let actor = state
        .authorize(&town, Action::PostForShop(shop_ref(&shop)))
        .await?;
    state
        .store
        .post_by_id(town.id, post_id)
        .await
        .map_err(store_error("loading a post"))?
        .filter(|p| p.content.author == PostAuthor::Shop(shop.id))
        .ok_or(AppError::NotFound)?;
    state
        .store
        .delete_post(town.id, post_id, state.clock.now())
        .await
        .map_err(store_error("deleting a post"))?;
    tracing::info!(post = post_id, user = actor.user_id(), "post deleted");
    Ok(())
}

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
    Ok(ManageView {
        admin,
        districts: groups,
        invitations: open,
        claimed: claimed_count,
        total,
    })
}
