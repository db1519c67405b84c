//! `/counter/:slug/profile`: the shop's profile as its merchant edits it — presentation,
//! contact, opening hours (a weekly editor with morning and afternoon, closed days, public
//! holidays and exceptional closures, or OSM syntax for anything richer) and photos.
//!
//! A plain multipart form: it works without JavaScript, and a refused form comes back with
//! everything that was typed and the reason.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::profile::get_profile;
use crate::i18n::{use_locale, Locale};
use crate::islands::account::error_code_text;
use crate::model::{ClosureForm, DayForm, ProfileForm, ProfileView, BLANK_CLOSURE_ROWS};
use crate::pages::Loaded;

/// Message keys a refused form may name (anything else shows the generic message).
const REASON_PREFIXES: [&str; 3] = ["profile.error.", "hours.error.", "photo.error."];

#[component]
pub fn ProfilePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        (
            params.with(|p| p.get("slug").unwrap_or_default()),
            query.with(|q| q.get("saved")),
        )
    };
    let profile = Resource::new(key, |(slug, _)| get_profile(slug));
    // Signed out: the sign-in form, then back here.
    let sign_in_to = Signal::derive(move || {
        let slug = params.with_untracked(|p| p.get("slug").unwrap_or_default());
        format!("/counter/{slug}/profile")
    });
    view! {
        <Meta name="robots" content="noindex"/>
        <Loaded resource=profile sign_in_to let:view>
            <ProfileContent view strings=crate::i18n::Strings::all()/>
        </Loaded>
    }
}

/// The profile form (photos, hours, contact), one island.
#[island(lazy)]
fn ProfileContent(view: ProfileView, strings: crate::i18n::Strings) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let query = crate::components::query::use_page_query();
    let ProfileView {
        shop,
        form,
        photos,
        categories,
        current_hours,
        hours_beyond_week,
        from_osm,
    } = view;
    // A refused form comes back in the query, with its reason.
    let (form, error, error_field, saved) = query.with_untracked(|q| match q.get("error") {
        Some(code) => {
            let message = match q.get("reason") {
                Some(key) if REASON_PREFIXES.iter().any(|p| key.starts_with(p)) => locale.t(&key),
                _ => error_code_text(locale, &code),
            };
            let field = code.strip_prefix("invalid-").map(str::to_owned);
            (
                ProfileForm::from_fields(|name| q.get(name)),
                Some(message),
                field,
                false,
            )
        }
        None => (form, None, None, q.get("saved").is_some()),
    });
    let errors = FieldErrors {
        field: error_field,
        message: error.clone(),
    };
    let slug = shop.slug.clone();
    let title = locale.tf("profile.title", &[("shop", &shop.name)]);

    view! {
        <Title text=title.clone()/>
        <section class="page profile narrow" aria-labelledby="profile-title">
            <p class="back-link"><a href=format!("/counter/{slug}")>{locale.t("profile.back")}</a></p>
            <h1 id="profile-title">{title}</h1>
            {saved.then(|| view! {
                <p class="notice success" role="status">
                    {locale.t("profile.saved")} " "
                    <a href=format!("/shops/{slug}")>{locale.t("counter.see_page")}</a>
                </p>
            })}
            {error.clone().map(|message| view! {
                <p id="profile-error" class="notice error" role="alert" tabindex="-1">{message}</p>
            })}
            <form
                method="post"
                action="/api/profile/save"
                enctype="multipart/form-data"
                class="stacked-form profile-form"
            >
                <input type="hidden" name="slug" value=slug.clone()/>

                <AboutFields categories form=form.clone() errors=errors.clone()/>

                <ContactFields form=form.clone() errors=errors.clone()/>

                <ListingsFields form=form.clone() errors=errors.clone()/>

                <HoursEditor form=form.clone() current_hours hours_beyond_week errors=errors.clone()/>

                <PhotosField photos errors=errors.clone()/>

                {from_osm.then(|| view! { <p class="hint">{locale.t("profile.osm_note")}</p> })}
                <button type="submit" class="button primary big">{locale.t("profile.save")}</button>
            </form>
        </section>
    }
}

/// Which field a refused form named, and why.
#[derive(Clone, Debug, Default)]
struct FieldErrors {
    field: Option<String>,
    message: Option<String>,
}

impl FieldErrors {
    /// The message, when the refused field is `field`.
    fn message(&self, field: &str) -> Option<String> {
        (self.field.as_deref() == Some(field))
            .then(|| self.message.clone())
            .flatten()
    }

    /// `aria-invalid` of `field`.
    fn invalid(&self, field: &str) -> Option<&'static str> {
        self.message(field).is_some().then_some("true")
    }
}

/// The shop's category and description.
#[component]
fn AboutFields(categories: Vec<String>, form: ProfileForm, errors: FieldErrors) -> impl IntoView {
    let locale = use_locale();
    let field_error = |field: &str| errors.message(field);
    let invalid = |field: &str| errors.invalid(field);
    view! {
        <fieldset>
            <legend>{locale.t("profile.about")}</legend>
            <label for="profile-category">{locale.t("profile.category")}</label>
            <select id="profile-category" name="category" aria-invalid=invalid("category")>
                {categories.into_iter().map(|key| {
                    let selected = key == form.category;
                    view! {
                        <option value=key.clone() selected=selected>{locale.t(&format!("category.{key}"))}</option>
                    }
                }).collect_view()}
            </select>
            <p class="error" role="alert">{field_error("category")}</p>
            <label for="profile-description">{locale.t("profile.description")}</label>
            <textarea
                id="profile-description"
                name="description"
                rows="5"
                maxlength=crate::api::profile::DESCRIPTION_MAX.to_string()
                aria-describedby="profile-description-hint"
                aria-invalid=invalid("description")
            >{crate::components::textarea_text(&form.description)}</textarea>
            <p id="profile-description-hint" class="hint">{locale.t("profile.description_hint")}</p>
            <p class="error" role="alert">{field_error("description")}</p>
        </fieldset>
    }
}

/// Phone, website, e-mail.
#[component]
fn ContactFields(form: ProfileForm, errors: FieldErrors) -> impl IntoView {
    let locale = use_locale();
    let field_error = |field: &str| errors.message(field);
    let invalid = |field: &str| errors.invalid(field);
    view! {
        <fieldset>
            <legend>{locale.t("profile.contact")}</legend>
            <label for="profile-phone">{locale.t("profile.phone")}</label>
            <input id="profile-phone" name="phone" type="tel" autocomplete="tel" maxlength="40"
                value=form.phone.clone() aria-invalid=invalid("phone")/>
            <p class="error" role="alert">{field_error("phone")}</p>
            <label for="profile-website">{locale.t("profile.website")}</label>
            <input id="profile-website" name="website" inputmode="url" autocomplete="url" maxlength="300"
                placeholder="www.exemple.be" value=form.website.clone() aria-invalid=invalid("website")/>
            <p class="error" role="alert">{field_error("website")}</p>
            <label for="profile-email">{locale.t("profile.email")}</label>
            <input id="profile-email" name="email" type="email" autocomplete="email" maxlength="254"
                value=form.email.clone() aria-invalid=invalid("email")/>
            <p class="error" role="alert">{field_error("email")}</p>
        </fieldset>
    }
}

/// Where else the shop is listed: its Google Maps place, other pages.
#[component]
fn ListingsFields(form: ProfileForm, errors: FieldErrors) -> impl IntoView {
    let locale = use_locale();
    let field_error = |field: &str| errors.message(field);
    let invalid = |field: &str| errors.invalid(field);
    view! {
        <fieldset>
            <legend>{locale.t("profile.listings_legend")}</legend>
            <label for="profile-google-place">{locale.t("profile.google_place")}</label>
            <input id="profile-google-place" name="google_place" maxlength="600" autocomplete="off"
                value=form.google_place.clone() aria-invalid=invalid("google_place")
                aria-describedby="profile-google-place-hint"/>
            <p id="profile-google-place-hint" class="hint">{locale.t("profile.google_place_hint")}</p>
            <p class="error" role="alert">{field_error("google_place")}</p>
            <label for="profile-listings">{locale.t("profile.listings")}</label>
            <textarea id="profile-listings" name="listings" rows="3" aria-invalid=invalid("listings")
                aria-describedby="profile-listings-hint">{crate::components::textarea_text(&form.listings)}</textarea>
            <p id="profile-listings-hint" class="hint">{locale.t("profile.listings_hint")}</p>
            <p class="error" role="alert">{field_error("listings")}</p>
        </fieldset>
    }
}

/// Opening hours: the week with closures, or OpenStreetMap's syntax.
#[component]
fn HoursEditor(
    form: ProfileForm,
    current_hours: Option<String>,
    hours_beyond_week: bool,
    errors: FieldErrors,
) -> impl IntoView {
    let locale = use_locale();
    let field_error = |field: &str| errors.message(field);
    let invalid = |field: &str| errors.invalid(field);
    let mut closures = form.closures.clone();
    closures.extend((0..BLANK_CLOSURE_ROWS).map(|_| ClosureForm::default()));
    let days: Vec<DayForm> = if form.days.len() == 7 {
        form.days.clone()
    } else {
        vec![DayForm::default(); 7]
    };
    view! {
        <fieldset id="hours" class="hours-editor">
            <legend>{locale.t("profile.hours")}</legend>
            {hours_beyond_week.then(|| view! {
                <p class="notice">{locale.t("profile.hours_beyond_week")}</p>
            })}
            <div class="hours-mode" role="radiogroup" aria-label=locale.t("profile.hours_mode")>
                <label class="choice">
                    <input type="radio" name="hours_mode" value="week" checked=!form.advanced_hours/>
                    {locale.t("profile.hours_mode_week")}
                </label>
                <label class="choice">
                    <input type="radio" name="hours_mode" value="advanced" checked=form.advanced_hours/>
                    {locale.t("profile.hours_mode_advanced")}
                </label>
            </div>
            <p class="error" role="alert">{field_error("hours")}</p>
            <div class="week-editor">
                <p class="hint">{locale.t("profile.hours_hint")}</p>
                {days.into_iter().enumerate().map(|(d, day)| view! { <DayRow d day/> }).collect_view()}
                <label class="choice">
                    <input type="checkbox" name="holidays_closed" checked=form.holidays_closed/>
                    {locale.t("profile.holidays_closed")}
                </label>
                <fieldset class="closures">
                    <legend>{locale.t("profile.closures")}</legend>
                    <p class="hint">{locale.t("profile.closures_hint")}</p>
                    {closures.into_iter().enumerate().map(|(i, closure)| {
                        let id = format!("closure{i}");
                        view! {
                            <div class="closure-row">
                                <label class="visually-hidden" for=id.clone()>{locale.tf("profile.closure_n", &[("n", &(i + 1).to_string())])}</label>
                                <input id=id.clone() type="date" name=format!("{id}_date") value=closure.date/>
                                <label class="choice">
                                    <input type="checkbox" name=format!("{id}_yearly") checked=closure.yearly/>
                                    {locale.t("profile.every_year")}
                                </label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            </div>
            <div class="advanced-hours">
                <label for="profile-hours">{locale.t("profile.hours_osm")}</label>
                <input id="profile-hours" name="hours" maxlength="500" autocomplete="off" spellcheck="false"
                    value=form.hours.clone() aria-describedby="profile-hours-hint" aria-invalid=invalid("hours")/>
                <p id="profile-hours-hint" class="hint">
                    {locale.t("profile.hours_osm_hint")} " "
                    <code>"Mo-Fr 09:00-12:00,13:30-18:00; Sa 09:00-17:00; PH off"</code>
                </p>
                {current_hours.map(|raw| view! {
                    <p class="hint">{locale.t("profile.hours_current")} " " <code>{raw}</code></p>
                })}
            </div>
        </fieldset>
    }
}

/// The shop's photos: the cover, removing some, adding up to the limit.
#[component]
fn PhotosField(photos: Vec<crate::model::ShopPhoto>, errors: FieldErrors) -> impl IntoView {
    let locale = use_locale();
    let max_photos = crate::api::profile::MAX_SHOP_PHOTOS;
    let photo_count = photos.len();
    view! {
        <fieldset id="photos" class="photo-field">
            <legend>{locale.t("profile.photos")}</legend>
            {(!photos.is_empty()).then(|| view! {
                <ul class="profile-photos" role="list">
                    {photos.into_iter().enumerate().map(|(i, photo)| view! {
                        <li>
                            <img src=photo.thumb_url alt=locale.tf("profile.photo_n", &[("n", &(i + 1).to_string())]) width="160" height="120"/>
                            <label class="choice">
                                <input type="radio" name="cover" value=photo.name.clone() checked=i == 0/>
                                {locale.t("profile.cover")}
                            </label>
                            <label class="choice">
                                <input type="checkbox" name="remove_photo" value=photo.name/>
                                {locale.t("photo.remove")}
                            </label>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {if photo_count < max_photos {
                view! {
                    <div class="photo-buttons">
                        <label class="button secondary photo-button">
                            {locale.t("photo.take")}
                            <input class="visually-hidden" type="file" name="photo" accept="image/*" capture="environment"/>
                        </label>
                        <label class="button secondary photo-button">
                            {locale.t("photo.choose")}
                            <input class="visually-hidden" type="file" name="photo" accept="image/jpeg,image/png,image/webp,image/*"/>
                        </label>
                    </div>
                    <p class="hint">{locale.t("photo.help")}</p>
                }.into_any()
            } else {
                view! { <p class="hint">{locale.tf("profile.photos_full", &[("n", &max_photos.to_string())])}</p> }.into_any()
            }}
            <p class="error" role="alert">{errors.message("photo")}</p>
        </fieldset>
    }
}

/// One day of the weekly editor: "closed", then morning and afternoon.
#[component]
fn DayRow(d: usize, day: DayForm) -> impl IntoView {
    let locale = use_locale();
    let name = capitalized_weekday(locale, d);
    let day_name = name.clone();
    let input = move |slot: &str, value: String, label_key: &str| {
        let id = format!("d{d}_{slot}");
        let label = format!("{day_name}, {}", locale.t(label_key));
        view! {
            <label class="visually-hidden" for=id.clone()>{label}</label>
            <input id=id.clone() type="time" name=id value=value/>
        }
    };
    view! {
        <fieldset class="day">
            <legend>{name.clone()}</legend>
            <label class="choice day-closed">
                <input type="checkbox" name=format!("d{d}_closed") checked=day.closed/>
                {locale.t("profile.closed")}
            </label>
            <div class="slots">
                <span class="slot">
                    <span aria-hidden="true" class="slot-name">{locale.t("profile.morning")}</span>
                    {input("from1", day.from1, "profile.morning_from")}
                    <span aria-hidden="true">"–"</span>
                    {input("to1", day.to1, "profile.morning_to")}
                </span>
                <span class="slot">
                    <span aria-hidden="true" class="slot-name">{locale.t("profile.afternoon")}</span>
                    {input("from2", day.from2, "profile.afternoon_from")}
                    <span aria-hidden="true">"–"</span>
                    {input("to2", day.to2, "profile.afternoon_to")}
                </span>
            </div>
        </fieldset>
    }
}

/// "Lundi": the weekday's name, capitalised (it starts a row).
fn capitalized_weekday(locale: Locale, d: usize) -> String {
    let name = crate::i18n::format::weekday_name(locale, d as u8);
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name,
    }
}
