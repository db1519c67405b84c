use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::{use_locale, Locale};

#[component]
pub fn SiteHeader() -> impl IntoView {
    let locale = use_locale();
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                <img src="/icons/icon.svg" alt="" width="32" height="32"/>
                <span>"Quartier"</span>
            </a>
            <LanguageSwitch/>
            <span class="visually-hidden">{locale.t("meta.tagline")}</span>
        </header>
    }
}

/// One small form per language: works without JavaScript (POST, then back to the same page).
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let next = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    view! {
        <nav class="lang-switch" aria-label=locale.t("nav.language")>
            {Locale::all()
                .map(|other| {
                    let current = other == locale;
                    view! {
                        <form method="post" action="/lang">
                            <input type="hidden" name="next" value=next/>
                            <button
                                type="submit"
                                name="lang"
                                value=other.code()
                                lang=other.code()
                                aria-current=current.then_some("true")
                                title=other.native_name()
                            >
                                {other.code().to_uppercase()}
                            </button>
                        </form>
                    }
                })
                .collect_view()}
        </nav>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    let locale = use_locale();
    view! {
        <footer class="site-footer">
            <p>
                {locale.t("footer.data")} " "
                <a href="https://www.openstreetmap.org/copyright" rel="license">
                    "© OpenStreetMap contributors"
                </a>
                " (ODbL)"
            </p>
            <p>
                <a href="/open-data/shops.geojson" type="application/geo+json">{locale.t("footer.open_data")}</a>
            </p>
        </footer>
    }
}
