//! `/notifications`: what each followed shop and district sends (everything, events only,
//! nothing), quiet hours and limits, and this phone's permission. A plain form: it works
//! without JavaScript and comes back with "saved" or the reason of a refusal.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::push::{get_notifications, MAX_DISTRICT_PUSHES_PER_WEEK, MAX_SHOP_PUSHES_PER_DAY};
use crate::components::push_settings::QuietAndLimitsFields;
use crate::i18n::{use_locale, Locale};
use crate::islands::follow::PushOffer;
use crate::model::{NotificationsView, Notify, TownPushView};
use crate::pages::Loaded;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let query = use_query_map();
    let settings = Resource::new(
        move || query.with(|q| q.get("saved")),
        |_| get_notifications(),
    );
    view! {
        <Loaded resource=settings let:view>
            <NotificationsForm view strings=crate::i18n::Strings::all()/>
        </Loaded>
    }
}

/// The message of a refusal carried in the URL (`?error=invalid-<field>`).
pub fn refusal(locale: Locale, code: &str) -> String {
    match code {
        "invalid-quiet_start" | "invalid-quiet_end" => locale.t("notifications.error.time"),
        "invalid-shop_pushes_per_day" => locale.tf(
            "notifications.error.count",
            &[("max", &MAX_SHOP_PUSHES_PER_DAY.to_string())],
        ),
        "invalid-district_pushes_per_week" => locale.tf(
            "notifications.error.count",
            &[("max", &MAX_DISTRICT_PUSHES_PER_WEEK.to_string())],
        ),
        "invalid-notify" => locale.t("notifications.error.choice"),
        other => crate::islands::account::error_code_text(locale, other),
    }
}

/// The settings form (per follow, quiet hours, limits), one island.
#[island(lazy)]
fn NotificationsForm(view: NotificationsView, strings: crate::i18n::Strings) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let query = crate::components::query::use_page_query();
    let (saved, error) = query.with_untracked(|q| {
        (
            q.get("saved").is_some(),
            q.get("error")
                .map(|code| (code.clone(), refusal(locale, &code))),
        )
    });
    let quiet_hint = match &view.town_quiet {
        Some((start, end)) => locale.tf(
            "notifications.quiet_hint",
            &[("start", start), ("end", end)],
        ),
        None => locale.t("notifications.quiet_hint_none"),
    };
    let limits_hint = locale.tf(
        "notifications.limits_hint",
        &[
            ("shop", &view.town_shop_pushes_per_day.to_string()),
            ("district", &view.town_district_pushes_per_week.to_string()),
        ],
    );
    let title = locale.t("notifications.title");
    view! {
        <Title text=title.clone()/>
        <section class="page notifications narrow" aria-labelledby="notifications-title">
            <h1 id="notifications-title">{title}</h1>
            <p class="lead">{locale.t("notifications.lead")}</p>
            {saved.then(|| view! {
                <p class="notice success" role="status">{locale.t("notifications.saved")}</p>
            })}
            {error.clone().map(|(_, message)| view! {
                <p class="notice error" role="alert">{message}</p>
            })}

            <h2>{locale.t("notifications.device")}</h2>
            <PushOffer name=String::new() panel=true/>

            <form method="post" action="/api/notifications/save" class="stacked-form notifications-form">
                <h2>{locale.t("notifications.follows")}</h2>
                {if view.follows.is_empty() {
                    view! { <p>{locale.t("notifications.follows_empty")}</p> }.into_any()
                } else {
                    view.follows.iter().enumerate().map(|(i, follow)| {
                        let name = format!("notify[{i}]");
                        let choices = [
                            (Notify::All, "notifications.all"),
                            (Notify::Events, "notifications.events"),
                            (Notify::None, "notifications.none"),
                        ];
                        view! {
                            <fieldset class="choice-group">
                                <legend>{follow.name.clone()}</legend>
                                {choices.into_iter().map(|(choice, key)| {
                                    let id = format!("notify-{}-{}-{}", follow.target, follow.slug, choice.as_str());
                                    let label_for = id.clone();
                                    view! {
                                        <label class="choice" for=label_for>
                                            <input
                                                type="radio"
                                                id=id
                                                name=name.clone()
                                                value=format!("{}:{}:{}", follow.target, follow.slug, choice.as_str())
                                                checked=follow.notify == choice
                                            />
                                            " " {locale.t(key)}
                                        </label>
                                    }
                                }).collect_view()}
                            </fieldset>
                        }
                    }).collect_view().into_any()
                }}

                <QuietAndLimitsFields
                    values=TownPushView {
                        quiet_enabled: view.quiet_enabled,
                        quiet_start: view.quiet_start.clone(),
                        quiet_end: view.quiet_end.clone(),
                        shop_pushes_per_day: view.shop_pushes_per_day,
                        district_pushes_per_week: view.district_pushes_per_week,
                    }
                    quiet_hint
                    limits_hint
                    error_code=error.as_ref().map(|(code, _)| code.clone())
                    id_prefix="own"
                />

                <div class="form-actions">
                    <button type="submit" class="button">{locale.t("notifications.save")}</button>
                    {view.own.then(|| view! {
                        <button type="submit" class="button secondary" name="reset" value="1">
                            {locale.t("notifications.reset")}
                        </button>
                    })}
                </div>
            </form>
        </section>
    }
}
