//! Passkey buttons. The ceremonies run in `public/passkeys.js` (no WebAssembly needed); these
//! boxes are shown only where the browser supports passkeys (`html.passkeys`, see main.css).

use leptos::prelude::*;

use crate::i18n::{use_locale, Locale};

/// The messages the script shows, translated.
fn messages(locale: Locale) -> [(&'static str, String); 5] {
    [
        ("data-msg-working", locale.t("passkey.working")),
        ("data-msg-cancelled", locale.t("passkey.cancelled")),
        ("data-msg-error", locale.t("passkey.error.failed")),
        ("data-msg-exists", locale.t("passkey.error.exists")),
        ("data-msg-rate", locale.t("error.rate_limited")),
    ]
}

/// "Se connecter avec une clé d'accès", then "or by e-mail".
#[component]
pub fn PasskeySignIn(
    /// Where to go once signed in.
    #[prop(optional)]
    return_to: Option<String>,
) -> impl IntoView {
    let locale = use_locale();
    let [working, cancelled, error, exists, rate] = messages(locale);
    view! {
        // Only the pages with a passkey button load the ceremonies.
        <script src="/passkeys.js" defer></script>
        <div class="passkey-box passkey-only" data-passkey-box="">
            <button
                type="button"
                class="button primary big"
                data-passkey-action="sign-in"
                data-return-to=return_to.unwrap_or_default()
                data-msg-working=working.1
                data-msg-cancelled=cancelled.1
                data-msg-error=error.1
                data-msg-exists=exists.1
                data-msg-rate=rate.1
            >
                {locale.t("passkey.sign_in")}
            </button>
            <p class="passkey-status" role="status"></p>
            <p class="passkey-or">{locale.t("passkey.or")}</p>
        </div>
    }
}

/// "Créer une clé d'accès sur cet appareil", with a word on what it is.
#[component]
pub fn PasskeyCreate(
    /// Where to go once it is made.
    #[prop(optional)]
    done: Option<String>,
    /// Shown above the button.
    #[prop(optional)]
    intro: Option<String>,
) -> impl IntoView {
    let locale = use_locale();
    let [working, cancelled, error, exists, rate] = messages(locale);
    view! {
        <script src="/passkeys.js" defer></script>
        <div class="passkey-box passkey-only" data-passkey-box="">
            <p>{intro.unwrap_or_else(|| locale.t("passkey.intro"))}</p>
            <button
                type="button"
                class="button secondary"
                data-passkey-action="register"
                data-done=done.unwrap_or_else(|| "/account?passkey=added".into())
                data-msg-working=working.1
                data-msg-cancelled=cancelled.1
                data-msg-error=error.1
                data-msg-exists=exists.1
                data-msg-rate=rate.1
            >
                {locale.t("passkey.create")}
            </button>
            <p class="passkey-status" role="status"></p>
        </div>
    }
}
