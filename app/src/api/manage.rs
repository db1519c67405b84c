//! `/manage`: what a steward or an administrator looks after: the shops of their districts,
//! the open invitations, and (admins) the town's push defaults.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::ManageView;

/// The shops a steward (their districts) or an admin (the whole town) onboards: which have a
/// merchant, which wait for one, and the invitations not yet used.
/// With `step` (`invited`…) or `todo` (`stale_invitations`, `no_hours`, `no_photo`), the lists
/// hold only those shops (an unknown value lists them all).
#[server(prefix = "/api", endpoint = "manage")]
pub async fn get_manage(
    step: Option<String>,
    todo: Option<String>,
) -> Result<ManageView, AppError> {
    super::with_status(manage_inner(step, todo).await)
}

/// The steward's to-do list: what each item selects, by its key.
#[cfg(feature = "ssr")]
const TODOS: [&str; 3] = ["stale_invitations", "no_hours", "no_photo"];

#[cfg(feature = "ssr")]
fn todo_matches(todo: &str, shop: &crate::model::ManagedShop) -> bool {
    match todo {
        "stale_invitations" => shop.stale_invitation,
        "no_hours" => !shop.has_hours,
        "no_photo" => !shop.has_photo,
        _ => true,
    }
}

#[cfg(feature = "ssr")]
async fn manage_inner(step: Option<String>, todo: Option<String>) -> Result<ManageView, AppError> {
    use std::collections::HashMap;

    use crate::model::records::*;

    use crate::domain::authz::{allows, Action};
    use crate::domain::onboarding::Step;
    use crate::model::{ManageCount, ManagedDistrict, ManagedShop};
    use crate::server::access::*;
    use crate::server::{AppState, ShopFilter};

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
        return Err(crate::server::auth::refusal(&actor));
    }
    let tz = town_tz(&town);
    let now = state.clock.now();
    let shops = state
        .store
        .shops(town.id, &ShopFilter::default())
        .await
        .map_err(store_error("loading shops"))?;
    let invitations = state
        .store
        .open_invitations(town.id, now)
        .await
        .map_err(store_error("loading invitations"))?;
    let managed: HashMap<i64, ManagedShop> =
        managed_shops(&state, &town, &shops, &invitations, now)
            .await?
            .into_iter()
            .collect();
    let managed = |shop: &crate::server::Shop| managed.get(&shop.id).cloned();
    let average = |shops: &[ManagedShop]| {
        crate::domain::visibility::average(shops.iter().map(|s| s.visibility))
    };
    let mut groups: Vec<ManagedDistrict> = districts
        .iter()
        .map(|d| {
            let shops: Vec<ManagedShop> = shops
                .iter()
                .filter(|s| s.district_id == Some(d.id))
                .filter_map(managed)
                .collect();
            ManagedDistrict {
                slug: Some(d.slug.clone()),
                name: d.name.clone(),
                average_visibility: average(&shops),
                waiting: shops.iter().filter(|s| !s.has_merchant).count(),
                shops,
            }
        })
        .collect();
    if admin {
        let outside: Vec<ManagedShop> = shops
            .iter()
            .filter(|s| s.district_id.is_none())
            .filter_map(managed)
            .collect();
        if !outside.is_empty() {
            groups.push(ManagedDistrict {
                slug: None,
                name: super::request_locale().t("manage.outside_districts"),
                average_visibility: average(&outside),
                waiting: outside.iter().filter(|s| !s.has_merchant).count(),
                shops: outside,
            });
        }
    }
    let open = open_invitations(&invitations, &shops, &districts, admin, &town.name, tz);
    let total = groups.iter().map(|g| g.shops.len()).sum();
    let claimed_count = groups
        .iter()
        .flat_map(|g| g.shops.iter())
        .filter(|s| s.has_merchant)
        .count();
    // The funnel and the to-do list count every shop listed; then the filter, if any.
    let listed: Vec<&ManagedShop> = groups.iter().flat_map(|g| g.shops.iter()).collect();
    let steps = Step::ALL
        .iter()
        .map(|step| ManageCount {
            filter: format!("step={}", step.key()),
            key: format!("manage.step.{}", step.key()),
            count: listed.iter().filter(|s| s.step == step.key()).count(),
        })
        .collect();
    let todos = TODOS
        .iter()
        .map(|todo| ManageCount {
            filter: format!("todo={todo}"),
            key: format!("manage.todo.{todo}"),
            count: listed.iter().filter(|s| todo_matches(todo, s)).count(),
        })
        .filter(|c| c.count > 0)
        .collect();
    // One filter at a time: a step, else a to-do item.
    let step = step.as_deref().and_then(Step::parse);
    let todo = todo
        .as_deref()
        .filter(|t| step.is_none() && TODOS.contains(t));
    let filter = match (step, todo) {
        (Some(step), _) => Some(format!("step={}", step.key())),
        (None, Some(todo)) => Some(format!("todo={todo}")),
        (None, None) => None,
    };
    if filter.is_some() {
        for group in &mut groups {
            group.shops.retain(|shop| {
                step.is_none_or(|step| shop.step == step.key())
                    && todo.is_none_or(|todo| todo_matches(todo, shop))
            });
        }
        groups.retain(|g| !g.shops.is_empty());
    }
    let town_push = if admin {
        Some(town_push_view(&state, &town).await?)
    } else {
        None
    };
    let review_rules = if admin {
        let settings = state.store.review_settings(town.id).await.map_err(
            crate::server::access::store_error("loading the review settings"),
        )?;
        Some(crate::model::ReviewRulesView {
            hold_first: settings.hold_first,
            min_account_minutes: settings.min_account_minutes,
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
        review_rules,
        steps,
        todos,
        filter,
    })
}

/// Each of `shops` with what `/manage` and the dashboard show of it: its visibility, its
/// onboarding step, its merchant and its owner's invitation (`invitations`: the open ones).
#[cfg(feature = "ssr")]
pub(crate) async fn managed_shops(
    state: &crate::server::AppState,
    town: &crate::server::Town,
    shops: &[crate::server::Shop],
    invitations: &[crate::server::Invitation],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<(i64, crate::model::ManagedShop)>, AppError> {
    use std::collections::{HashMap, HashSet};

    use crate::domain::onboarding;
    use crate::model::records::*;
    use crate::model::{ManagedShop, STALE_INVITATION_DAYS};
    use crate::server::access::*;
    use crate::server::{InvitedRole, Shop};

    let claimed: HashSet<i64> = state
        .store
        .claimed_shop_ids(town.id)
        .await
        .map_err(store_error("loading merchants"))?
        .into_iter()
        .collect();
    let pending: HashSet<i64> = invitations
        .iter()
        .filter(|i| i.role == InvitedRole::Owner)
        .filter_map(|i| i.shop_id)
        .collect();
    let activity: HashMap<i64, crate::domain::visibility::ShopActivity> = state
        .store
        .shops_activity(town.id, now)
        .await
        .map_err(store_error("loading the shops' activity"))?
        .into_iter()
        .map(|a| (a.shop_id, a))
        .collect();
    // Each shop's newest owner invitation (used, open or expired): an unused one makes the
    // shop "invited", and stale after a week (an expired one most of all).
    let stale_before = now - chrono::TimeDelta::days(STALE_INVITATION_DAYS);
    let mut latest_invitation: HashMap<i64, (bool, bool)> = HashMap::new();
    for invitation in state
        .store
        .owner_invitations(town.id)
        .await
        .map_err(store_error("loading invitations"))?
    {
        if let Some(shop_id) = invitation.shop_id {
            let unused = invitation.used_at.is_none();
            latest_invitation
                .entry(shop_id)
                .or_insert((unused, unused && invitation.created_at < stale_before));
        }
    }
    let notes: HashMap<i64, crate::domain::onboarding::ShopNote> = state
        .store
        .shop_notes(town.id)
        .await
        .map_err(store_error("loading the shops' notes"))?
        .into_iter()
        .map(|n| (n.shop_id, n))
        .collect();
    let tz = town_tz(town);
    let managed = |shop: &Shop| {
        let note = notes.get(&shop.id);
        let facts = activity.get(&shop.id);
        let visibility = crate::domain::visibility::visibility(
            shop,
            facts.and_then(|a| a.last_post),
            facts.map_or(0, |a| a.unanswered_reviews),
            now,
        );
        let has_merchant = claimed.contains(&shop.id);
        let invitation_pending = pending.contains(&shop.id);
        let step = onboarding::step(onboarding::Facts {
            invited: latest_invitation
                .get(&shop.id)
                .is_some_and(|(unused, _)| *unused),
            has_merchant,
            profile_completed: visibility.profile_completed(),
            posted: facts.is_some_and(|a| a.merchant_posts > 0),
            replied: facts.is_some_and(|a| a.replies > 0),
        });
        use crate::domain::visibility::Item;
        ManagedShop {
            slug: shop.slug.clone(),
            name: shop.fields.name.clone(),
            address_line: address(shop).street_line(),
            has_merchant,
            invitation_pending,
            visibility: visibility.score(),
            step: step.key().into(),
            has_hours: visibility.done.contains(&Item::Hours),
            has_photo: visibility.done.contains(&Item::Photo),
            stale_invitation: !has_merchant
                && latest_invitation
                    .get(&shop.id)
                    .is_some_and(|(_, stale)| *stale),
            note: note.map(|n| n.note.clone()),
            note_on: note.map(|n| crate::domain::posting::form_date(n.updated_at, tz)),
        }
    };
    Ok(shops.iter().map(|shop| (shop.id, managed(shop))).collect())
}

/// The open invitations among `invitations` that the manager may see, with what they are for.
#[cfg(feature = "ssr")]
fn open_invitations(
    invitations: &[crate::server::Invitation],
    shops: &[crate::server::Shop],
    districts: &[crate::server::District],
    admin: bool,
    town_name: &str,
    tz: chrono_tz::Tz,
) -> Vec<crate::model::OpenInvitation> {
    use crate::model::OpenInvitation;
    use std::collections::HashMap;

    let shop_names: HashMap<i64, (&str, Option<i64>)> = shops
        .iter()
        .map(|s| (s.id, (s.fields.name.as_str(), s.district_id)))
        .collect();
    let district_names: HashMap<i64, &str> =
        districts.iter().map(|d| (d.id, d.name.as_str())).collect();
    invitations
        .iter()
        .filter_map(|i| {
            let target_name = match (i.shop_id, i.district_id) {
                (Some(shop), _) => {
                    let (name, district) = shop_names.get(&shop)?;
                    (*district)
                        .map_or(admin, |d| districts.iter().any(|v| v.id == d))
                        .then(|| name.to_string())?
                }
                (None, Some(district)) => district_names.get(&district)?.to_string(),
                (None, None) if admin => town_name.to_owned(),
                _ => return None,
            };
            Some(OpenInvitation {
                id: i.id,
                role: i.role.as_str().into(),
                target_name,
                expires_on: crate::domain::posting::form_date(i.expires_at, tz),
            })
        })
        .collect()
}

/// The town's default quiet hours and caps, as the admins' form shows them.
#[cfg(feature = "ssr")]
async fn town_push_view(
    state: &crate::server::AppState,
    town: &crate::server::Town,
) -> Result<crate::model::TownPushView, AppError> {
    use crate::domain::push::{clock_text, QuietHours};

    let defaults = state.store.town_push_defaults(town.id).await.map_err(
        crate::server::access::store_error("loading the town's push defaults"),
    )?;
    let quiet = defaults.quiet.unwrap_or(QuietHours::DEFAULT);
    let shown = if quiet.start == quiet.end {
        QuietHours::DEFAULT
    } else {
        quiet
    };
    Ok(crate::model::TownPushView {
        quiet_enabled: quiet.start != quiet.end,
        quiet_start: clock_text(shown.start),
        quiet_end: clock_text(shown.end),
        shop_pushes_per_day: defaults.shop_pushes_per_day.unwrap_or(1),
        district_pushes_per_week: defaults.district_pushes_per_week.unwrap_or(3),
    })
}

/// Keeps a steward's note about a shop (empty: deletes it); stewards of its district and
/// administrators. A plain form comes back to the shop on `/manage`.
#[server(prefix = "/api", endpoint = "manage/note")]
pub async fn save_shop_note(slug: String, #[server(default)] note: String) -> Result<(), AppError> {
    let result = super::with_status(shop_note_inner(&slug, &note).await);
    // Slugs are lower-case letters, digits and dashes; anything else is left out of the URL.
    let shop: String = slug
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let back = match &result {
        Ok(()) => format!("/manage?saved=note&note_shop={shop}#shop-{shop}"),
        Err(error) => format!(
            "/manage?note_error={}&note_shop={shop}#shop-{shop}",
            super::error_code(error)
        ),
    };
    super::redirect_plain_form(Some(&back));
    result
}

#[cfg(feature = "ssr")]
async fn shop_note_inner(slug: &str, note: &str) -> Result<(), AppError> {
    use crate::domain::authz::Action;
    use crate::domain::onboarding::{note_text, NOTE_MAX_CHARS};
    use crate::server::access::{authorized_shop, store_error};
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let (_, shop, actor) = authorized_shop(&state, slug, Action::EditShopNote).await?;
    let note = note_text(note).map_err(|_| AppError::Validation {
        field: "note".into(),
        message: super::request_locale().tf(
            "manage.note.too_long",
            &[("max", &NOTE_MAX_CHARS.to_string())],
        ),
    })?;
    state
        .store
        .set_shop_note(shop.id, note.as_deref(), actor.user_id(), state.clock.now())
        .await
        .map_err(store_error("saving a shop's note"))?;
    Ok(())
}

/// The longest wait a town may set before a new account reviews: a week, in minutes.
pub const MAX_REVIEW_WAIT_MINUTES: i64 = 7 * 24 * 60;

/// The town's rules for new reviews, set by its administrators on `/manage`: `hold_first`
/// (a checkbox: a new account's first review waits for a moderator) and `min_account_minutes`
/// (0 to a week: how old an account must be to review).
#[server(prefix = "/api", endpoint = "manage/reviews")]
pub async fn save_review_rules(
    hold_first: Option<String>,
    #[server(default)] min_account_minutes: String,
) -> Result<(), AppError> {
    let result =
        super::with_status(review_rules_inner(hold_first.is_some(), &min_account_minutes).await);
    let back = match &result {
        Ok(()) => "/manage?saved=reviews#review-rules".to_owned(),
        Err(error) => format!(
            "/manage?review_error={}#review-rules",
            super::error_code(error)
        ),
    };
    super::redirect_plain_form(Some(&back));
    result
}

#[cfg(feature = "ssr")]
async fn review_rules_inner(hold_first: bool, min_account_minutes: &str) -> Result<(), AppError> {
    use crate::domain::authz::Action;
    use crate::server::AppState;
    let state = AppState::from_context()?;
    let town = state.town().await?;
    state.authorize(&town, Action::ManageTown).await?;
    let minutes = match min_account_minutes.trim() {
        "" => 0,
        text => text
            .parse::<i64>()
            .ok()
            .filter(|m| (0..=MAX_REVIEW_WAIT_MINUTES).contains(m))
            .ok_or_else(|| AppError::Validation {
                field: "min_account_minutes".into(),
                message: super::request_locale().t("manage.review_rules.error_minutes"),
            })?,
    };
    state
        .store
        .set_review_settings(
            town.id,
            crate::server::ReviewSettings {
                hold_first,
                min_account_minutes: minutes,
            },
        )
        .await
        .map_err(crate::server::access::store_error(
            "saving the review settings",
        ))?;
    tracing::info!(town = town.id, hold_first, minutes, "review rules saved");
    Ok(())
}
