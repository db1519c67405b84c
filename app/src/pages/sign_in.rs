//! Signing in: ask for a link by e-mail, then confirm from the link.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::accounts::{get_sign_in_link, CompleteSignIn};
use crate::components::passkeys::PasskeySignIn;
use crate::i18n::use_locale;
use crate::islands::account::{error_text, SignInForm};

/// `/sign-in`: the e-mail form (no password: a single-use link is sent).
#[component]
pub fn SignInPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let (return_to, sent, error) = query.with_untracked(|q| {
        (
            q.get("return_to")
                .filter(|r| r.starts_with('/') && !r.starts_with("//")),
            q.get("sent").is_some(),
            q.get("error"),
        )
    });
    view! {
        <Title text=locale.t("sign_in.title")/>
        <Meta name="robots" content="noindex"/>
        <section class="page sign-in narrow">
            <h1>{locale.t("sign_in.title")}</h1>
            <p>{locale.t("sign_in.intro")}</p>
            {(!sent).then(|| view! { <PasskeySignIn return_to=return_to.clone().unwrap_or_default()/> })}
            <SignInForm return_to=return_to.unwrap_or_default() sent error_code=error.unwrap_or_default() strings=crate::i18n::Strings::all()/>
            <p class="hint">{locale.t("sign_in.residents")}</p>
        </section>
    }
}

/// `/auth/:token`: the link from the e-mail. Signing in takes a tap, so that mail scanners
/// that open links do not use it up.
#[component]
pub fn AuthLinkPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let token = params.with_untracked(|p| p.get("token").unwrap_or_default());
    let link = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        get_sign_in_link,
    );
    view! {
        <Title text=locale.t("sign_in.confirm_title")/>
        <Meta name="robots" content="noindex"/>
        // Links and requests from here tell only the origin, never this page's secret path
        // (and a form posted from here still carries an Origin the server can check).
        <Meta name="referrer" content="strict-origin"/>
        <section class="page sign-in narrow">
            <h1>{locale.t("sign_in.confirm_title")}</h1>
            <p>{locale.t("sign_in.confirm_intro")}</p>
            <Suspense fallback=|| ()>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        let link = link.await.unwrap_or_default();
                        view! { <AuthLinkForm token ask_to_merge=link.ask_to_merge follows=link.follows strings=crate::i18n::Strings::all()/> }
                    })
                }}
            </Suspense>
            <p class="hint"><a href="/sign-in">{locale.t("sign_in.new_link")}</a></p>
        </section>
    }
}

/// "Me connecter", with the question whether this browser's follows join the account.
#[island(lazy)]
fn AuthLinkForm(
    token: String,
    ask_to_merge: bool,
    follows: usize,
    strings: crate::i18n::Strings,
) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let action = ServerAction::<CompleteSignIn>::new();
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(error_text(locale, &e)),
        _ => None,
    };
    view! {
        <ActionForm action attr:class="stacked-form">
            <input type="hidden" name="token" value=token/>
            {ask_to_merge.then(|| {
                let count = follows.to_string();
                view! {
                    <div class="merge-question">
                        <p>{locale.tf("sign_in.merge_question", &[("count", &count)])}</p>
                        <label class="checkbox">
                            <input type="checkbox" name="merge" value="true"/>
                            " "
                            {locale.t("sign_in.merge_label")}
                        </label>
                        <p class="hint">{locale.t("sign_in.merge_hint")}</p>
                    </div>
                }
            })}
            <p class="error" role="alert">{error}</p>
            <button type="submit" class="button primary big" disabled=move || action.pending().get()>
                {locale.t("sign_in.confirm_button")}
            </button>
        </ActionForm>
    }
}
