//! Pieces of the account screens: the e-mail sign-in form, an invitation's link and QR code,
//! error messages.

use leptos::prelude::*;

use crate::api::accounts::RequestSignIn;
use crate::api::invitations::CreateInvitation;
use crate::error::AppError;
use crate::i18n::{use_locale, Locale};
use crate::model::InvitationCreated;

/// The message for an error: the server's translated text for a field, else the generic one.
pub fn error_text(locale: Locale, error: &AppError) -> String {
    match error {
        AppError::Validation { message, .. } if !message.is_empty() => message.clone(),
        AppError::Conflict(message) if !message.is_empty() => message.clone(),
        other => locale.t(other.message_key()),
    }
}

/// The message for an error code carried in the URL after a plain form (no JavaScript).
pub fn error_code_text(locale: Locale, code: &str) -> String {
    let key = match code {
        "invalid-email" => "sign_in.error.email",
        "invalid-token" => "sign_in.error.link",
        "invalid-invitation" => "invite.error.closed",
        "rate-limited" => "error.rate_limited",
        "unauthorized" => "error.unauthorized",
        "forbidden" => "error.forbidden",
        "not-found" => "error.not_found",
        c if c.starts_with("invalid-") => "error.validation",
        _ => "error.internal",
    };
    locale.t(key)
}

/// [`SignInBox`] on its own (an island), for pages rendered on the server.
#[island(lazy)]
pub fn SignInForm(
    #[prop(optional)] return_to: Option<String>,
    #[prop(optional)] invitation: Option<String>,
    sent: bool,
    #[prop(optional)] error_code: Option<String>,
    strings: crate::i18n::Strings,
) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    view! { <SignInBox return_to=return_to invitation=invitation sent error_code=error_code/> }
}

/// "Recevoir un lien de connexion": an e-mail field, then "check your mailbox".
#[component]
pub fn SignInBox(
    /// Where to go once signed in.
    return_to: Option<String>,
    /// The token of an invitation to accept on sign-in.
    invitation: Option<String>,
    /// The link was sent (after a plain form post).
    sent: bool,
    /// An error code from a plain form post.
    error_code: Option<String>,
) -> impl IntoView {
    let locale = use_locale();
    let error_code = error_code.filter(|c| !c.is_empty());
    let return_to = return_to.filter(|r| !r.is_empty());
    let action = ServerAction::<RequestSignIn>::new();
    let result = action.value();
    let sent_to = move || match result.get() {
        Some(Ok(sent)) => Some(locale.tf(
            "sign_in.sent",
            &[
                ("email", &sent.masked_email),
                ("minutes", &sent.minutes_valid.to_string()),
            ],
        )),
        _ => None,
    };
    let error = Memo::new(move |_| match result.get() {
        Some(Err(e)) => Some(error_text(locale, &e)),
        Some(Ok(_)) => None,
        None => error_code.as_deref().map(|c| error_code_text(locale, c)),
    });
    let show_sent = move || sent_to().is_some() || (sent && result.get().is_none());
    view! {
        <Show
            when=show_sent
            fallback=move || {
                let return_to = return_to.clone();
                let invitation = invitation.clone();
                view! {
                    <ActionForm action attr:class="stacked-form sign-in-form">
                        <label for="sign-in-email">{locale.t("sign_in.email")}</label>
                        <input
                            id="sign-in-email"
                            type="email"
                            name="email"
                            autocomplete="email"
                            inputmode="email"
                            required
                            maxlength="254"
                            aria-describedby="sign-in-help sign-in-error"
                        />
                        <p id="sign-in-help" class="hint">{locale.t("sign_in.help")}</p>
                        {return_to.map(|r| view! { <input type="hidden" name="return_to" value=r/> })}
                        {invitation.map(|t| view! { <input type="hidden" name="invitation" value=t/> })}
                        <p id="sign-in-error" class="error" role="alert">{move || error.get()}</p>
                        <button type="submit" class="button primary big" disabled=move || action.pending().get()>
                            {locale.t("sign_in.submit")}
                        </button>
                    </ActionForm>
                }
            }
        >
            <div class="notice success" role="status">
                <p><strong>{locale.t("sign_in.sent_title")}</strong></p>
                <p>{move || sent_to().unwrap_or_else(|| locale.t("sign_in.sent_plain"))}</p>
                <p class="hint">{locale.t("sign_in.sent_spam")}</p>
            </div>
        </Show>
    }
}

/// A button that creates an invitation, then shows its link and QR code once.
#[component]
pub fn InviteButton(
    /// `owner`, `staff`, `steward` or `admin`.
    role: &'static str,
    /// The shop's or district's slug.
    #[prop(optional)]
    target: Option<String>,
    /// The button's text.
    label: String,
    /// The page to come back to without JavaScript.
    return_to: String,
) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<CreateInvitation>::new();
    let result = action.value();
    view! {
        <div class="invite">
            <ActionForm action attr:class="inline-form">
                <input type="hidden" name="role" value=role/>
                {target.map(|t| view! { <input type="hidden" name="target" value=t/> })}
                <input type="hidden" name="return_to" value=return_to/>
                <button type="submit" class="button secondary" disabled=move || action.pending().get()>
                    {label}
                </button>
            </ActionForm>
            {move || match result.get() {
                Some(Ok(created)) => view! { <InvitationLink created/> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{error_text(locale, &e)}</p> }.into_any(),
                None => ().into_any(),
            }}
        </div>
    }
}

/// The link and QR code of a new invitation, to show, copy or share.
#[component]
pub fn InvitationLink(created: InvitationCreated) -> impl IntoView {
    let locale = use_locale();
    let InvitationCreated {
        url,
        qr_svg,
        expires_on,
    } = created;
    let title = locale.t("invite.share_title");
    view! {
        <div class="invitation-link" role="status">
            <p>{locale.tf("invite.created", &[("date", &expires_on)])}</p>
            <div class="qr" inner_html=qr_svg aria-label=locale.t("invite.qr_label") role="img"></div>
            <p class="link-text"><a href=url.clone() class="invitation-url">{url.clone()}</a></p>
            <crate::islands::share::Share url title/>
        </div>
    }
}

/// After a plain form (no JavaScript) created an invitation, the page shows it from the
/// `?invitation=` token.
#[component]
pub fn ReturnedInvitation() -> impl IntoView {
    let token = crate::components::query::use_page_query().with_untracked(|q| q.get("invitation"));
    token.map(|token| {
        let link = Resource::new(
            move || token.clone(),
            crate::api::invitations::get_invitation_link,
        );
        view! {
            <Suspense>
                {move || Suspend::new(async move {
                    link.await.ok().map(|created| view! {
                        <section id="invitation" class="returned-invitation">
                            <InvitationLink created/>
                        </section>
                    })
                })}
            </Suspense>
        }
    })
}
