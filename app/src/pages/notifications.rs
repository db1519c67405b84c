//! `/notifications`: what each followed shop and district sends (everything, events only,
//! nothing), quiet hours and limits, and this phone's permission. A plain form: it works
//! without JavaScript and comes back with "saved" or the reason of a refusal.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::notifications::{
    get_notifications, MAX_DISTRICT_PUSHES_PER_WEEK, MAX_SHOP_PUSHES_PER_DAY,
};
use crate::components::follow::PushOffer;
use crate::i18n::{use_locale, Locale};
use crate::model::{NotificationsView, Notify};
use crate::pages::{LoadError, Loading};

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let query = use_query_map();
    let settings = Resource::new(
        move || query.with(|q| q.get("saved")),
        |_| get_notifications(),
    );
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(view) => view! { <NotificationsForm view/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The message of a refusal carried in the URL (`?error=invalid-<field>`).
fn refusal(locale: Locale, code: &str) -> String {
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
        other => crate::components::account::error_code_text(locale, other),
    }
}

#[component]
fn NotificationsForm(view: NotificationsView) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let (saved, error) = query.with_untracked(|q| {
        (
            q.get("saved").is_some(),
            q.get("error")
                .map(|code| (code.clone(), refusal(locale, &code))),
        )
    });
    let invalid = {
        let code = error.as_ref().map(|(code, _)| code.clone());
        move |field: &str| (code.as_deref() == Some(&format!("invalid-{field}"))).then_some("true")
    };
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

                <fieldset>
                    <legend>{locale.t("notifications.quiet")}</legend>
                    <label class="choice" for="quiet-enabled">
                        <input type="checkbox" id="quiet-enabled" name="quiet" value="on" checked=view.quiet_enabled/>
                        " " {locale.t("notifications.quiet_enable")}
                    </label>
                    <div class="time-range">
                        <label for="quiet-start">{locale.t("notifications.quiet_from")}</label>
                        <input type="time" id="quiet-start" name="quiet_start" value=view.quiet_start.clone()
                            aria-invalid=invalid("quiet_start") aria-describedby="quiet-hint"/>
                        <label for="quiet-end">{locale.t("notifications.quiet_to")}</label>
                        <input type="time" id="quiet-end" name="quiet_end" value=view.quiet_end.clone()
                            aria-invalid=invalid("quiet_end") aria-describedby="quiet-hint"/>
                    </div>
                    <p id="quiet-hint" class="hint">{quiet_hint}</p>
                </fieldset>

                <fieldset>
                    <legend>{locale.t("notifications.limits")}</legend>
                    <label for="shop-per-day">{locale.t("notifications.shop_per_day")}</label>
                    <input type="number" id="shop-per-day" name="shop_pushes_per_day" min="0"
                        max=MAX_SHOP_PUSHES_PER_DAY.to_string() inputmode="numeric"
                        value=view.shop_pushes_per_day.to_string() aria-invalid=invalid("shop_pushes_per_day")
                        aria-describedby="limits-hint"/>
                    <label for="district-per-week">{locale.t("notifications.district_per_week")}</label>
                    <input type="number" id="district-per-week" name="district_pushes_per_week" min="0"
                        max=MAX_DISTRICT_PUSHES_PER_WEEK.to_string() inputmode="numeric"
                        value=view.district_pushes_per_week.to_string()
                        aria-invalid=invalid("district_pushes_per_week") aria-describedby="limits-hint"/>
                    <p id="limits-hint" class="hint">{limits_hint}</p>
                </fieldset>

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
