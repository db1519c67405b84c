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
            <a class="account-link" href="/account" aria-label=locale.t("nav.account")>
                <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><path d="M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zm0 2c-4 0-8 2-8 5v2h16v-2c0-3-4-5-8-5z" fill="currentColor"/></svg>
            </a>
            <span class="visually-hidden">{locale.t("meta.tagline")}</span>
        </header>
        // Shown by register-sw.js while the browser is offline.
        <p id="offline-banner" class="offline-banner" role="status" hidden>
            {locale.t("offline.banner")}
        </p>
    }
}

/// The main sections, at the bottom of the screen within thumb reach.
#[component]
pub fn TabBar() -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let tabs: [(&str, &str, &str); 5] = [
        ("/", "nav.home", "M3 11 12 3l9 8v10h-6v-6H9v6H3z"),
        ("/nearby", "nav.nearby", "M12 2a7 7 0 0 0-7 7c0 5 7 13 7 13s7-8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z"),
        ("/search", "nav.search", "M10 3a7 7 0 1 0 4.2 12.6l5.6 5.6 1.4-1.4-5.6-5.6A7 7 0 0 0 10 3zm0 2a5 5 0 1 1 0 10 5 5 0 0 1 0-10z"),
        ("/feed", "nav.feed", "M4 4h16v4H4zm0 6h16v4H4zm0 6h10v4H4z"),
        ("/following", "nav.following", "M12 21s-8-5-8-11a4.5 4.5 0 0 1 8-2.8A4.5 4.5 0 0 1 20 10c0 6-8 11-8 11z"),
    ];
    view! {
        <nav class="tab-bar" aria-label=locale.t("nav.main")>
            <ul role="list">
                {tabs.into_iter().map(|(href, key, icon)| {
                    let current = move || {
                        let path = location.pathname.get();
                        if href == "/" { path == "/" } else { path.starts_with(href) }
                    };
                    view! {
                        <li>
                            <a href=href aria-current=move || current().then_some("page")>
                                <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><path d=icon fill="currentColor"/></svg>
                                <span>{locale.t(key)}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
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
                <a href="/messages">{locale.t("footer.messages")}</a>
                " · "
                <a href="/open-data/shops.geojson" type="application/geo+json">{locale.t("footer.open_data")}</a>
                " · "
                <a href="/privacy">{locale.t("footer.privacy")}</a>
                " · "
                <a href="/my-data">{locale.t("footer.my_data")}</a>
            </p>
        </footer>
    }
}
