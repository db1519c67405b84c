//! `/invite/:token`: the link (or QR code) of an invitation. Signed in: one tap to accept;
//! otherwise the e-mail sign-in, which accepts it on the way.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::api::invitations::{get_invitation, AcceptInvitation};
use crate::i18n::use_locale;
use crate::islands::account::{error_text, SignInBox};
use crate::model::InvitationView;
use crate::pages::Loaded;

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let invitation = Resource::new(token, get_invitation);
    view! {
        <Meta name="robots" content="noindex"/>
        // Links and requests from here tell only the origin, never this page's secret path
        // (and a form posted from here still carries an Origin the server can check).
        <Meta name="referrer" content="strict-origin"/>
        <Loaded resource=invitation let:view>
            <InviteContent view token=token() strings=crate::i18n::Strings::all()/>
        </Loaded>
    }
}

/// The invitation: sign in, then accept it; one island.
#[island(lazy)]
fn InviteContent(
    view: InvitationView,
    token: String,
    strings: crate::i18n::Strings,
) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let accept = ServerAction::<AcceptInvitation>::new();
    let failed = move || match accept.value().get() {
        Some(Err(e)) => Some(error_text(locale, &e)),
        _ => None,
    };
    let InvitationView {
        role,
        target_name,
        open,
        signed_in_as,
    } = view;
    let headline = locale.tf(
        &format!("invite.headline.{role}"),
        &[("name", &target_name)],
    );
    view! {
        <Title text=headline.clone()/>
        <section class="page invite narrow">
            <h1>{headline}</h1>
            {if !open {
                view! { <p class="notice warning" role="alert">{locale.t("invite.error.closed")}</p> }.into_any()
            } else if let Some(email) = signed_in_as {
                view! {
                    <p>{locale.tf("invite.accept_as", &[("email", &email)])}</p>
                    <ActionForm action=accept attr:class="stacked-form">
                        <input type="hidden" name="token" value=token/>
                        <p class="error" role="alert">{failed}</p>
                        <button type="submit" class="button primary big">{locale.t("invite.accept")}</button>
                    </ActionForm>
                }.into_any()
            } else {
                view! {
                    <p>{locale.t("invite.sign_in")}</p>
                    <SignInBox return_to=None invitation=Some(token) sent=false error_code=None/>
                }.into_any()
            }}
        </section>
    }
}
