//! The follow button: a form that works without JavaScript (POST, then back to the page) and,
//! once hydrated, is busy while the request is on its way and changes once the server has
//! saved it.

use leptos::prelude::*;

use leptos::server_fn::ServerFn;

use crate::api::follows::{set_follow, SetFollow};
use crate::i18n::use_locale;
use crate::model::FollowState;

/// The texts the follow button needs in the browser.
pub const FOLLOW_STRINGS: &[&str] = &[
    "follow.",
    "push.",
    "notifications.panel_question",
    "error.transport",
];

#[island]
pub fn FollowButton(
    /// `shop` or `district`.
    target: String,
    slug: String,
    /// What is followed, for the accessible label.
    name: String,
    state: FollowState,
    /// Where a plain form post returns to.
    return_to: String,
    /// Leave the follower count out (districts).
    hide_count: bool,
    strings: crate::i18n::Strings,
) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let confirmed = RwSignal::new(state.following);
    let count = RwSignal::new(state.follower_count);
    let pending = RwSignal::new(false);
    let failed = RwSignal::new(false);
    // Only what the server has saved (its answer also carries this device's cookie): a
    // resident who taps and leaves at once never saw a follow that was not kept. The button
    // says it is busy meanwhile. (A direct call rather than an `ActionForm`: the same request,
    // without decoding the form in the browser.)
    let on_submit = {
        let (target, slug, page) = (target.clone(), slug.clone(), return_to.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if pending.get_untracked() {
                return;
            }
            pending.set(true);
            failed.set(false);
            let follow = !confirmed.get_untracked();
            let (target, slug, page) = (target.clone(), slug.clone(), page.clone());
            leptos::task::spawn_local(async move {
                match set_follow(target, slug, follow, None).await {
                    Ok(answer) => {
                        confirmed.set(answer.following);
                        count.set(answer.follower_count);
                        // What I follow stays readable offline, and my feed changed.
                        crate::islands::share::keep_offline(vec![page, "/feed".into()]);
                    }
                    Err(_) => failed.set(true),
                }
                pending.set(false);
            });
        }
    };
    let following = move || confirmed.get();
    let failed = move || failed.get();
    let label = {
        let name = name.clone();
        move || {
            if following() {
                // The visible text first (WCAG 2.5.3, label in name), then what a tap does.
                format!(
                    "{} — {}",
                    locale.t("follow.following"),
                    locale.tf("follow.unfollow_named", &[("name", &name)])
                )
            } else {
                locale.tf("follow.follow_named", &[("name", &name)])
            }
        }
    };
    let count_text = move || locale.plural("follow.followers", count.get());
    let status_key = if target == "shop" {
        "follow.following_shop"
    } else {
        "follow.following_district"
    };
    view! {
        <div class="follow">
            <form method="post" action=SetFollow::url() class="follow-form" on:submit=on_submit>
                <input type="hidden" name="target" value=target/>
                <input type="hidden" name="slug" value=slug/>
                <input type="hidden" name="follow" value=move || (!following()).to_string()/>
                <input type="hidden" name="return_to" value=return_to/>
                <button
                    type="submit"
                    class=move || if following() { "button follow following" } else { "button follow" }
                    aria-label=label
                    aria-busy=move || pending.get().to_string()
                    data-following=move || following().to_string()
                >
                    {move || if following() { locale.t("follow.following") } else { locale.t("follow.follow") }}
                </button>
            </form>
            <p class="follow-status" role="status">
                {move || following().then(|| locale.t(status_key))}
                {move || (!hide_count && count.get() > 0).then(|| view! { <span class="follower-count">{count_text}</span> })}
            </p>
            {move || failed().then(|| view! { <p class="error" role="alert">{locale.t("error.transport")}</p> })}
            <PushOffer name=name/>
        </div>
    }
}

/// The offer of notifications, shown by `public/push.js` after a tap on "Suivre" (never on
/// page load): a question with two answers, then the outcome (or, on an iPhone outside the
/// installed app, how to add it to the Home Screen).
/// With `panel`, the settings page's box: shown at load by `push.js` with this phone's state.
#[component]
pub fn PushOffer(name: String, #[prop(optional)] panel: bool) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="push-offer" data-push-offer data-push-panel=panel.then_some("") hidden>
            <div class="push-offer-ask" data-push-ask>
                {if panel {
                    view! { <p class="push-offer-question">{locale.t("notifications.panel_question")}</p> }.into_any()
                } else {
                    view! {
                        <p class="push-offer-question">{locale.t("push.offer_question")}</p>
                        <p class="push-offer-hint">{locale.tf("push.offer_hint", &[("name", &name)])}</p>
                    }.into_any()
                }}
                <div class="push-offer-actions">
                    <button type="button" class="button" data-push-accept>{locale.t("push.offer_accept")}</button>
                    <button type="button" class="button secondary" data-push-later>{locale.t("push.offer_later")}</button>
                </div>
            </div>
            <p
                class="push-offer-status"
                role="status"
                data-push-status
                data-enabled=locale.t("push.enabled")
                data-denied=locale.t("push.denied")
                data-failed=locale.t("push.failed")
                data-ios=locale.t("push.ios_home_screen")
                data-unsupported=locale.t("push.unsupported")
            ></p>
        </div>
    }
}
