//! The resident's notification settings: what each follow sends (everything, events only,
//! nothing), quiet hours and limits. Unset, they are the town's. Works without JavaScript: a
//! plain form post comes back to `/notifications` with `?saved=1` or `?error=<code>`.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::domain::push::{clock_text, parse_clock};
use crate::error::AppError;
use crate::model::NotificationsView;

/// Most pushes of one shop a resident may ask for in a day.
pub const MAX_SHOP_PUSHES_PER_DAY: i64 = 10;
/// Most district posts a resident may ask to be notified of in a week.
pub const MAX_DISTRICT_PUSHES_PER_WEEK: i64 = 21;

#[server(prefix = "/api", endpoint = "notifications")]
pub async fn get_notifications() -> Result<NotificationsView, AppError> {
    crate::api::with_status(view_inner().await)
}

#[cfg(feature = "ssr")]
async fn view_inner() -> Result<NotificationsView, AppError> {
    use crate::model::FollowNotifyView;
    use crate::server::access::store_error;
    use crate::server::{device, AppState, FollowTarget};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let defaults = state
        .store
        .town_push_defaults(town.id)
        .await
        .map_err(store_error("loading the town's push defaults"))?;
    let profile = device::current_profile(&state).await?;
    let (own, follows) = match profile {
        Some(profile) => (
            state
                .store
                .push_settings(profile)
                .await
                .map_err(store_error("loading push settings"))?,
            state
                .store
                .follow_notifications(profile)
                .await
                .map_err(store_error("loading follows"))?,
        ),
        None => (Default::default(), Vec::new()),
    };
    let shop_ids: Vec<i64> = follows
        .iter()
        .filter_map(|(t, _)| match t {
            FollowTarget::Shop(id) => Some(*id),
            FollowTarget::District(_) => None,
        })
        .collect();
    let (shops, districts) =
        crate::server::access::shops_and_districts(&state, &town, &shop_ids).await?;
    let mut views: Vec<FollowNotifyView> = follows
        .iter()
        .filter_map(|(target, notify)| match target {
            FollowTarget::Shop(id) => {
                shops
                    .iter()
                    .find(|s| s.id == *id)
                    .map(|s| FollowNotifyView {
                        target: "shop".into(),
                        slug: s.slug.clone(),
                        name: s.fields.name.clone(),
                        notify: (*notify).into(),
                    })
            }
            FollowTarget::District(id) => {
                districts
                    .iter()
                    .find(|d| d.id == *id)
                    .map(|d| FollowNotifyView {
                        target: "district".into(),
                        slug: d.slug.clone(),
                        name: d.name.clone(),
                        notify: (*notify).into(),
                    })
            }
        })
        .collect();
    // Districts first, then shops, each by name.
    views.sort_by(|a, b| (a.target != "district", &a.name).cmp(&(b.target != "district", &b.name)));
    let town_quiet = defaults
        .quiet
        .unwrap_or(crate::domain::push::QuietHours::DEFAULT);
    let quiet = own.quiet.unwrap_or(town_quiet);
    let town_shop = defaults.shop_pushes_per_day.unwrap_or(1);
    let town_district = defaults.district_pushes_per_week.unwrap_or(3);
    Ok(NotificationsView {
        follows: views,
        quiet_enabled: quiet.start != quiet.end,
        quiet_start: clock_text(if quiet.start == quiet.end {
            town_quiet.start
        } else {
            quiet.start
        }),
        quiet_end: clock_text(if quiet.start == quiet.end {
            town_quiet.end
        } else {
            quiet.end
        }),
        shop_pushes_per_day: own.shop_pushes_per_day.unwrap_or(town_shop),
        district_pushes_per_week: own.district_pushes_per_week.unwrap_or(town_district),
        town_quiet: (town_quiet.start != town_quiet.end)
            .then(|| (clock_text(town_quiet.start), clock_text(town_quiet.end))),
        town_shop_pushes_per_day: town_shop,
        town_district_pushes_per_week: town_district,
        own: own != Default::default(),
    })
}

/// Saves of the notification settings per client address per hour.
pub const SETTINGS_SAVES_PER_HOUR: i64 = 60;

/// Saves the form. `notify` holds `shop:<slug>:<all|events|none>` (or `district:…`) per follow;
/// `reset` returns to the town's settings.
#[server(prefix = "/api", endpoint = "notifications/save")]
#[allow(clippy::too_many_arguments)]
pub async fn save_notifications(
    #[server(default)] notify: Vec<String>,
    quiet: Option<String>,
    #[server(default)] quiet_start: String,
    #[server(default)] quiet_end: String,
    #[server(default)] shop_pushes_per_day: String,
    #[server(default)] district_pushes_per_week: String,
    reset: Option<String>,
) -> Result<(), AppError> {
    let result = save_inner(
        notify,
        quiet.is_some(),
        quiet_start,
        quiet_end,
        shop_pushes_per_day,
        district_pushes_per_week,
        reset.is_some(),
    )
    .await;
    // The status first: a plain form's redirect then replaces it.
    let result = crate::api::with_status(result);
    let back = match &result {
        Ok(()) => "/notifications?saved=1".to_owned(),
        Err(error) => format!("/notifications?error={}", crate::api::error_code(error)),
    };
    crate::api::redirect_plain_form(Some(&back));
    result
}

#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
async fn save_inner(
    notify: Vec<String>,
    quiet_enabled: bool,
    quiet_start: String,
    quiet_end: String,
    shop_pushes_per_day: String,
    district_pushes_per_week: String,
    reset: bool,
) -> Result<(), AppError> {
    use crate::domain::follows::Notify;
    use crate::server::access::store_error;
    use crate::server::{device, AppState, FollowTarget, PushSettings};

    let state = AppState::from_context()?;
    let locale = crate::api::request_locale();
    let town = state.town().await?;
    state
        .rate_limit(
            &format!("notifications:client:{}", state.client_key()),
            SETTINGS_SAVES_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    if notify.len() > 500 {
        return Err(AppError::Validation {
            field: "notify".into(),
            message: locale.t("notifications.error.choice"),
        });
    }
    let invalid = |field: &str, key: &str| AppError::Validation {
        field: field.into(),
        message: locale.t(key),
    };
    // Everything is checked before anything is saved.
    let settings = if reset {
        PushSettings::default()
    } else {
        settings_from_form(
            quiet_enabled,
            &quiet_start,
            &quiet_end,
            &shop_pushes_per_day,
            &district_pushes_per_week,
        )?
    };
    let mut choices = Vec::new();
    for entry in &notify {
        let mut parts = entry.splitn(3, ':');
        let (Some(kind), Some(slug), Some(choice)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid("notify", "notifications.error.choice"));
        };
        let choice =
            Notify::parse(choice).ok_or_else(|| invalid("notify", "notifications.error.choice"))?;
        if !crate::domain::slugs::is_valid(slug) {
            return Err(invalid("notify", "notifications.error.choice"));
        }
        let target = match kind {
            "shop" => state
                .store
                .shop_by_slug(town.id, slug)
                .await
                .map_err(store_error("loading a shop"))?
                .map(|s| FollowTarget::Shop(s.id)),
            "district" => state
                .store
                .district_by_slug(town.id, slug)
                .await
                .map_err(store_error("loading a district"))?
                .map(|d| FollowTarget::District(d.id)),
            _ => None,
        };
        // A shop or district that went away meanwhile is skipped.
        if let Some(target) = target {
            choices.push((target, choice));
        }
    }
    let profile = device::ensure_profile(&state).await?;
    for (target, choice) in choices {
        state
            .store
            .set_follow_notify(profile, target, choice)
            .await
            .map_err(store_error("saving a follow's notifications"))?;
    }
    state
        .store
        .save_push_settings(profile, &settings, state.clock.now())
        .await
        .map_err(store_error("saving push settings"))?;
    Ok(())
}

/// Quiet hours and limits from a form's fields, each refused with its translated reason.
#[cfg(feature = "ssr")]
fn settings_from_form(
    quiet_enabled: bool,
    quiet_start: &str,
    quiet_end: &str,
    shop_pushes_per_day: &str,
    district_pushes_per_week: &str,
) -> Result<crate::server::PushSettings, AppError> {
    use crate::domain::push::QuietHours;
    let locale = crate::api::request_locale();
    let invalid = |field: &str| AppError::Validation {
        field: field.into(),
        message: locale.t("notifications.error.time"),
    };
    let quiet = if quiet_enabled {
        let start = parse_clock(quiet_start).ok_or_else(|| invalid("quiet_start"))?;
        let end = parse_clock(quiet_end).ok_or_else(|| invalid("quiet_end"))?;
        QuietHours { start, end }
    } else {
        QuietHours { start: 0, end: 0 }
    };
    let count = |text: &str, max: i64, field: &str| {
        text.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=max).contains(n))
            .ok_or_else(|| AppError::Validation {
                field: field.into(),
                message: locale.tf("notifications.error.count", &[("max", &max.to_string())]),
            })
    };
    Ok(crate::server::PushSettings {
        quiet: Some(quiet),
        shop_pushes_per_day: Some(count(
            shop_pushes_per_day,
            MAX_SHOP_PUSHES_PER_DAY,
            "shop_pushes_per_day",
        )?),
        district_pushes_per_week: Some(count(
            district_pushes_per_week,
            MAX_DISTRICT_PUSHES_PER_WEEK,
            "district_pushes_per_week",
        )?),
    })
}

/// The town's defaults, set by its administrators on `/manage`.
#[server(prefix = "/api", endpoint = "notifications/town")]
pub async fn save_town_notifications(
    quiet: Option<String>,
    #[server(default)] quiet_start: String,
    #[server(default)] quiet_end: String,
    #[server(default)] shop_pushes_per_day: String,
    #[server(default)] district_pushes_per_week: String,
) -> Result<(), AppError> {
    let result = crate::api::with_status(
        town_inner(
            quiet.is_some(),
            &quiet_start,
            &quiet_end,
            &shop_pushes_per_day,
            &district_pushes_per_week,
        )
        .await,
    );
    let back = match &result {
        Ok(()) => "/manage?saved=notifications#town-notifications".to_owned(),
        Err(error) => format!(
            "/manage?error={}#town-notifications",
            crate::api::error_code(error)
        ),
    };
    crate::api::redirect_plain_form(Some(&back));
    result
}

#[cfg(feature = "ssr")]
async fn town_inner(
    quiet_enabled: bool,
    quiet_start: &str,
    quiet_end: &str,
    shop_pushes_per_day: &str,
    district_pushes_per_week: &str,
) -> Result<(), AppError> {
    use crate::domain::authz::Action;
    use crate::server::AppState;
    let state = AppState::from_context()?;
    let town = state.town().await?;
    state.authorize(&town, Action::ManageTown).await?;
    let settings = settings_from_form(
        quiet_enabled,
        quiet_start,
        quiet_end,
        shop_pushes_per_day,
        district_pushes_per_week,
    )?;
    state
        .store
        .set_town_push_defaults(
            town.id,
            settings
                .quiet
                .unwrap_or(crate::domain::push::QuietHours::DEFAULT),
            settings.shop_pushes_per_day.unwrap_or(1),
            settings.district_pushes_per_week.unwrap_or(3),
        )
        .await
        .map_err(crate::server::access::store_error(
            "saving the town's push defaults",
        ))
}
