//! A shop's profile, edited by its merchants (and its district's stewards): description,
//! contact, category, photos and opening hours (a weekly editor that writes OSM syntax).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::ProfileView;

/// Most photos a shop shows.
pub const MAX_SHOP_PHOTOS: usize = 6;
/// Longest description, in characters.
pub const DESCRIPTION_MAX: usize = 600;
/// Profile saves per user per hour.
pub const PROFILE_SAVES_PER_HOUR: i64 = 60;

/// The profile editor of shop `slug`.
#[server(prefix = "/api", endpoint = "profile")]
pub async fn get_profile(slug: String) -> Result<ProfileView, AppError> {
    super::with_status(profile_inner(slug).await)
}

#[cfg(feature = "ssr")]
async fn profile_inner(slug: String) -> Result<ProfileView, AppError> {
    use crate::domain::{categories, hours, weekly_hours};
    use crate::model::records::*;
    use crate::model::{ClosureForm, DayForm, ProfileForm, ShopPhoto};
    use crate::server::access::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let (town, shop, _) = crate::server::access::authorized_shop(
        &state,
        &slug,
        crate::domain::authz::Action::EditShop,
    )
    .await?;
    let tz = town_tz(&town);
    let now = state.clock.now();
    let today = now.with_timezone(&tz).date_naive();
    let districts = state
        .store
        .districts(town.id)
        .await
        .map_err(store_error("loading districts"))?;
    let current = shop.fields.opening_hours.clone();
    let week = current
        .as_deref()
        .map(hours::normalise)
        .and_then(|raw| weekly_hours::from_osm(&raw, today));
    let beyond = current.is_some() && week.is_none();
    let week = week.unwrap_or_default();
    let time = |t: Option<&(u16, u16)>, end: bool| {
        t.map(|&(from, to)| weekly_hours::form_time(if end { to } else { from }))
            .unwrap_or_default()
    };
    let days = week
        .days
        .iter()
        .map(|periods| DayForm {
            // A shop without known hours starts with every day open, to be filled in.
            closed: current.is_some() && periods.is_empty(),
            from1: time(periods.first(), false),
            to1: time(periods.first(), true),
            from2: time(periods.get(1), false),
            to2: time(periods.get(1), true),
        })
        .collect();
    let closures = week
        .closures
        .iter()
        .map(|&c| ClosureForm {
            date: weekly_hours::closure_date(c, today)
                .format("%Y-%m-%d")
                .to_string(),
            yearly: matches!(c, weekly_hours::Closure::Yearly { .. }),
        })
        .collect();
    let f = &shop.fields;
    let form = ProfileForm {
        category: f.category.clone(),
        description: f.description.clone().unwrap_or_default(),
        phone: f.phone.clone().unwrap_or_default(),
        website: f.website.clone().unwrap_or_default(),
        email: f.email.clone().unwrap_or_default(),
        advanced_hours: beyond,
        days,
        holidays_closed: week.holidays_closed,
        closures,
        hours: current.clone().unwrap_or_default(),
        google_place: shop.listings.google_place_id.clone().unwrap_or_default(),
        listings: shop.listings.others.join("\n"),
    };
    let summary = shop_summaries(std::slice::from_ref(&shop), &districts, tz, now)
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(ProfileView {
        shop: summary,
        form,
        photos: shop
            .photos
            .iter()
            .map(|name| {
                let (thumb_url, large_url) = media_urls(name);
                ShopPhoto {
                    name: name.clone(),
                    thumb_url,
                    large_url,
                }
            })
            .collect(),
        categories: categories::CATEGORIES
            .iter()
            .map(|c| c.key.to_owned())
            .chain(std::iter::once(categories::OTHER.to_owned()))
            .collect(),
        current_hours: current,
        hours_beyond_week: beyond,
        from_osm: shop.osm_id.is_some(),
    })
}

/// A refused field: its name in the form and the key of the message.
#[cfg(feature = "ssr")]
#[derive(Debug, PartialEq, Eq)]
pub struct ProfileError {
    pub field: &'static str,
    pub key: &'static str,
}

/// The profile a form describes, checked field by field, for a shop currently holding
/// `current` (whose hours are kept as written when the form says the same).
#[cfg(feature = "ssr")]
pub fn profile_from_form(
    form: &crate::model::ProfileForm,
    current: &crate::server::Shop,
    today: chrono::NaiveDate,
) -> Result<crate::server::ShopProfile, ProfileError> {
    use crate::domain::{categories, contact, hours, weekly_hours};
    let refuse = |field, key| Err(ProfileError { field, key });
    let optional = |text: &str| {
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    };

    let category = form.category.trim();
    if category != categories::OTHER && categories::by_key(category).is_none() {
        return refuse("category", "profile.error.category");
    }
    let description = optional(&form.description.replace("\r\n", "\n"));
    if description.as_ref().is_some_and(|d| {
        d.chars().count() > DESCRIPTION_MAX || d.chars().any(|c| c.is_control() && c != '\n')
    }) {
        return refuse("description", "profile.error.description");
    }
    let phone = optional(&form.phone);
    if phone
        .as_deref()
        .is_some_and(|p| p.chars().count() > 40 || contact::phone_uri(p).is_none())
    {
        return refuse("phone", "profile.error.phone");
    }
    let website = match optional(&form.website) {
        None => None,
        Some(url) => match contact::website_url(&url).filter(|u| u.len() <= 300) {
            Some(url) => Some(url),
            None => return refuse("website", "profile.error.website"),
        },
    };
    let email = match optional(&form.email) {
        None => None,
        Some(address) => match contact::email(&address).filter(|e| e.len() <= 254) {
            Some(address) => Some(address),
            None => return refuse("email", "profile.error.email"),
        },
    };

    let google_place_id = match optional(&form.google_place) {
        None => None,
        Some(text) => match crate::domain::shops::parse_place_id(&text) {
            Some(id) => Some(id),
            None => return refuse("google_place", "profile.error.google_place"),
        },
    };
    let mut others = Vec::new();
    for line in form.listings.lines().filter_map(optional) {
        match contact::website_url(&line).filter(|u| u.len() <= 300) {
            Some(url) if !others.contains(&url) => others.push(url),
            Some(_) => {}
            None => return refuse("listings", "profile.error.listings"),
        }
    }
    if others.len() > crate::domain::shops::MAX_LISTINGS {
        return refuse("listings", "profile.error.listings_count");
    }

    let current_hours = current.fields.opening_hours.clone();
    let opening_hours = if form.advanced_hours {
        match optional(&form.hours) {
            None => None,
            Some(raw) if raw.chars().count() > 500 || !hours::is_valid(&raw) => {
                return refuse("hours", "profile.error.hours");
            }
            Some(raw) if current_hours.as_deref() == Some(raw.as_str()) => Some(raw),
            Some(raw) => Some(hours::normalise(&raw)),
        }
    } else {
        let mut week = weekly_hours::Weekly::default();
        for (d, day) in form.days.iter().enumerate().take(7) {
            if day.closed {
                continue;
            }
            week.days[d] = weekly_hours::day_periods(&[
                (day.from1.as_str(), day.to1.as_str()),
                (day.from2.as_str(), day.to2.as_str()),
            ])
            .map_err(|e| ProfileError {
                field: "hours",
                key: e.message_key(),
            })?;
        }
        week.holidays_closed = form.holidays_closed;
        if form.closures.len() > weekly_hours::MAX_CLOSURES {
            return refuse(
                "hours",
                weekly_hours::WeekError::TooManyClosures.message_key(),
            );
        }
        for closure in &form.closures {
            match weekly_hours::closure_from_form(&closure.date, closure.yearly) {
                Ok(Some(weekly_hours::Closure::Once(date))) if date < today => {}
                Ok(Some(c)) => week.closures.push(c),
                Ok(None) => {}
                Err(e) => return refuse("hours", e.message_key()),
            }
        }
        week.closures.sort();
        week.closures.dedup();
        let Some(written) = weekly_hours::to_osm(&week) else {
            return refuse("hours", weekly_hours::WeekError::Empty.message_key());
        };
        // The same week as stored (perhaps written differently): keep the stored text, so that
        // saving without touching the hours does not make them the merchant's.
        let unchanged = current_hours
            .as_deref()
            .map(hours::normalise)
            .and_then(|raw| weekly_hours::from_osm(&raw, today))
            .is_some_and(|stored| stored == week);
        if unchanged {
            current_hours
        } else {
            Some(written)
        }
    };
    Ok(crate::server::ShopProfile {
        category: category.to_owned(),
        description,
        phone,
        website,
        email,
        opening_hours,
        photos: current.photos.clone(),
        listings: crate::domain::shops::Listings {
            google_place_id,
            others,
        },
    })
}

/// The fields the profile form may send.
#[cfg(feature = "ssr")]
fn is_profile_field(name: &str) -> bool {
    let day_field = |rest: &str| {
        rest.split_once('_').is_some_and(|(day, field)| {
            matches!(day, "0" | "1" | "2" | "3" | "4" | "5" | "6")
                && matches!(field, "closed" | "from1" | "to1" | "from2" | "to2")
        })
    };
    let closure_field = |rest: &str| {
        rest.split_once('_').is_some_and(|(row, field)| {
            row.len() <= 2
                && row.bytes().all(|b| b.is_ascii_digit())
                && row
                    .parse::<usize>()
                    .is_ok_and(|row| row < crate::model::MAX_CLOSURE_ROWS)
                && matches!(field, "date" | "yearly")
        })
    };
    match name {
        "slug" | "category" | "description" | "phone" | "website" | "email" | "hours"
        | "hours_mode" | "holidays_closed" | "photo" | "remove_photo" | "cover"
        | "google_place" | "listings" => true,
        _ => {
            name.strip_prefix('d').is_some_and(day_field)
                || name.strip_prefix("closure").is_some_and(closure_field)
        }
    }
}

/// Saves the profile form of shop `slug` (`multipart/form-data`: the fields of
/// [`crate::model::ProfileForm`], `photo` to add one, `remove_photo` (repeated) to remove
/// some, `cover` for the photo shown first). Returns the shop's slug.
#[server(
    prefix = "/api",
    endpoint = "profile/save",
    input = leptos::server_fn::codec::MultipartFormData
)]
pub async fn save_profile(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<String, AppError> {
    let state = crate::server::AppState::from_context()?;
    if state.session().await?.is_none() {
        return super::with_status(Err(AppError::Unauthorized));
    }
    let (fields, photo) = match super::multipart::read_multipart(data, is_profile_field).await {
        Ok(read) => read,
        Err(error) => return super::with_status(Err(error)),
    };
    let get = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let slug = get("slug").unwrap_or_default();
    let form = crate::model::ProfileForm::from_fields(get);
    let removed: Vec<String> = fields
        .iter()
        .filter(|(n, _)| n == "remove_photo")
        .map(|(_, v)| v.clone())
        .collect();
    let cover = get("cover");
    let (result, reason) = match save_inner(&state, &slug, &form, photo, &removed, cover).await {
        Ok(slug) => (Ok(slug), None),
        Err((error, reason)) => (Err(error), reason),
    };
    // The status first: a plain form's redirect below replaces it.
    let result = super::with_status(result);
    match &result {
        Ok(_) => super::redirect_plain_form(Some(&format!("/counter/{slug}/profile?saved=1"))),
        Err(error) => {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("error", &super::error_code(error));
            if let Some(reason) = reason {
                query.append_pair("reason", reason);
            }
            for (name, value) in form.to_fields() {
                query.append_pair(&name, &value);
            }
            super::redirect_plain_form(Some(&format!(
                "/counter/{slug}/profile?{}#profile-error",
                query.finish()
            )));
        }
    }
    result
}

#[cfg(feature = "ssr")]
async fn save_inner(
    state: &crate::server::AppState,
    slug: &str,
    form: &crate::model::ProfileForm,
    photo: Result<Option<Vec<u8>>, AppError>,
    removed: &[String],
    cover: Option<String>,
) -> Result<String, (AppError, Option<&'static str>)> {
    use crate::model::records::*;
    use crate::server::access::*;
    use crate::server::PhotoError;
    let plain = |e: AppError| (e, None);
    let (town, shop, actor) =
        crate::server::access::authorized_shop(state, slug, crate::domain::authz::Action::EditShop)
            .await
            .map_err(plain)?;
    let user_id = actor.user_id().ok_or((AppError::Unauthorized, None))?;
    let locale = super::request_locale();
    let tz = town_tz(&town);
    let now = state.clock.now();
    let mut profile =
        profile_from_form(form, &shop, now.with_timezone(&tz).date_naive()).map_err(|e| {
            (
                AppError::Validation {
                    field: e.field.into(),
                    message: locale.t(e.key),
                },
                Some(e.key),
            )
        })?;
    state
        .rate_limit(
            &format!("profile:user:{user_id}"),
            PROFILE_SAVES_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await
        .map_err(plain)?;
    // Photos: only the shop's own names can be removed or put first.
    profile.photos.retain(|name| !removed.contains(name));
    // The form's reader refuses a photo only for its size.
    let new_photo = photo.map_err(|e| (e, Some(PhotoError::TooLarge.message_key())))?;
    let mut uploaded = None;
    if let Some(bytes) = new_photo {
        if profile.photos.len() >= MAX_SHOP_PHOTOS {
            let key = "profile.error.photos_full";
            return Err((
                AppError::Validation {
                    field: "photo".into(),
                    message: locale.t(key),
                },
                Some(key),
            ));
        }
        let name = state.photos.save(bytes).await.map_err(|e| {
            let key = (!matches!(e, PhotoError::Storage(_))).then(|| e.message_key());
            (super::multipart::photo_error(&e), key)
        })?;
        if !profile.photos.contains(&name) {
            profile.photos.push(name.clone());
        }
        uploaded = Some(name);
    }
    // The photos as they are now (another save may have removed one, and its file with it,
    // while this one decoded its photo): only those, and this save's, are kept.
    let previous_photos = state
        .store
        .shop_by_slug(town.id, &shop.slug)
        .await
        .map_err(|e| plain(store_error("loading a shop")(e)))?
        .ok_or((AppError::NotFound, None))?
        .photos;
    profile
        .photos
        .retain(|name| previous_photos.contains(name) || uploaded.as_ref() == Some(name));
    if let Some(i) = cover.and_then(|c| profile.photos.iter().position(|n| *n == c)) {
        let first = profile.photos.remove(i);
        profile.photos.insert(0, first);
    }
    state
        .store
        .update_shop_profile(town.id, shop.id, &profile, now)
        .await
        .map_err(|e| plain(store_error("saving a shop profile")(e)))?
        .ok_or((AppError::NotFound, None))?;
    tracing::info!(shop = shop.id, user = user_id, "shop profile saved");
    state
        .release_photos(
            previous_photos
                .into_iter()
                .filter(|name| !profile.photos.contains(name)),
        )
        .await;
    Ok(shop.slug)
}
