//! The HTML shell, the root component and the one route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Html, Link, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::components::layout::{SiteFooter, SiteHeader, TabBar};
#[cfg(feature = "ssr")]
use crate::i18n::Locale;
use crate::pages::{
    account::AccountPage,
    counter::{CounterIndexPage, CounterPage},
    district::DistrictPage,
    feed::FeedPage,
    following::FollowingPage,
    home::HomePage,
    invite::InvitePage,
    manage::ManagePage,
    map::MapPage,
    nearby::NearbyPage,
    not_found::NotFoundPage,
    notifications::NotificationsPage,
    poster::PosterPage,
    profile::ProfilePage,
    search::SearchPage,
    shop::ShopPage,
    sign_in::{AuthLinkPage, SignInPage},
};

/// The document around the app, rendered on the server only. Pages are not hydrated: only
/// their islands are, and a page without any loads no script of the app at all.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Islands mode: resources of the server's components are not sent to the browser.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <MetaTags/>
            </head>
            <body>
                <App/>
                <IslandScripts options/>
            </body>
        </html>
    }
}

/// Leptos's island loader (the app's JavaScript and WebAssembly), kept inert in a template and
/// started by a one-line script only when the page, now parsed, has an island.
#[component]
fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    let nonce = use_nonce();
    view! {
        <template id="island-scripts">
            <HydrationScripts options islands=true/>
        </template>
        <script nonce=nonce>
            "if(document.querySelector('leptos-island')){document.head.appendChild(document.getElementById('island-scripts').content.cloneNode(true))}"
        </script>
    }
}

/// The locale of this page, decided by the server from the request (the cookie, then
/// `Accept-Language`, then the town's default).
#[cfg(feature = "ssr")]
fn page_locale() -> Locale {
    let default = use_context::<crate::server::AppState>()
        .map(|s| s.settings.default_locale)
        .unwrap_or_default();
    crate::server::request_locale(use_context::<http::request::Parts>().as_ref(), default)
}

/// Sends the security headers of every rendered page (the CSP carries this response's nonce).
#[cfg(feature = "ssr")]
fn send_page_headers() {
    use http::{header, HeaderValue};
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = use_nonce().map(|n| n.to_string()).unwrap_or_default();
    // Map tiles come from the configured tile server.
    let town = use_context::<http::request::Parts>()
        .as_ref()
        .and_then(crate::server::request_town);
    let tiles = use_context::<crate::server::AppState>()
        .and_then(|s| s.settings.tile_origin_of(town.as_deref()))
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    let csp = page_csp(&nonce, &tiles);
    if let Ok(value) = HeaderValue::from_str(&csp) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
    // Pages depend on the language cookie and Accept-Language.
    response.insert_header(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
}

/// The Content-Security-Policy of a page whose scripts carry `nonce` (`tiles`: the map tile
/// server's origin after a space, or empty).
#[cfg(feature = "ssr")]
pub fn page_csp(nonce: &str, tiles: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:{tiles}; font-src 'self'; connect-src 'self'; \
         manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    let locale = page_locale();
    #[cfg(not(feature = "ssr"))]
    let locale = crate::i18n::use_locale();
    provide_context(locale);
    #[cfg(feature = "ssr")]
    send_page_headers();

    view! {
        <Html {..} lang=locale.code()/>
        <Link rel="manifest" href="/manifest.webmanifest"/>
        <Link rel="icon" href="/icons/icon.svg" type_="image/svg+xml"/>
        <Link rel="apple-touch-icon" href="/icons/icon-192.png"/>
        <Meta name="theme-color" content="#0b5d4b"/>
        <Meta name="description" content=locale.t("meta.description")/>
        <Title formatter=|title: String| if title.is_empty() { "Quartier".to_string() } else { format!("{title} · Quartier") }/>
        <script src="/register-sw.js" defer></script>
        <script src="/push.js" defer></script>
        <Router>
            <a class="skip-link" href="#main">{locale.t("nav.skip")}</a>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/shops/:slug") view=ShopPage ssr=SsrMode::Async/>
                    <Route path=path!("/shops/:slug/poster") view=PosterPage ssr=SsrMode::Async/>
                    <Route path=path!("/feed") view=FeedPage ssr=SsrMode::Async/>
                    <Route path=path!("/following") view=FollowingPage ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/nearby") view=NearbyPage ssr=SsrMode::Async/>
                    <Route path=path!("/map") view=MapPage ssr=SsrMode::Async/>
                    <Route path=path!("/districts/:slug") view=DistrictPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/auth/:token") view=AuthLinkPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/counter") view=CounterIndexPage ssr=SsrMode::Async/>
                    <Route path=path!("/counter/:slug") view=CounterPage ssr=SsrMode::Async/>
                    <Route path=path!("/counter/:slug/profile") view=ProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("/counter/:slug/reviews") view=crate::pages::counter::reviews::CounterReviewsPage ssr=SsrMode::Async/>
                    <Route path=path!("/moderation") view=crate::pages::moderation::ModerationPage ssr=SsrMode::Async/>
                    <Route path=path!("/messages") view=crate::pages::messages::MyMessagesPage ssr=SsrMode::Async/>
                    <Route path=path!("/counter/:slug/messages") view=crate::pages::messages::ShopMessagesPage ssr=SsrMode::Async/>
                    <Route path=path!("/districts/:slug/counter") view=crate::pages::counter::district::DistrictCounterPage ssr=SsrMode::Async/>
                    <Route path=path!("/districts/:slug/messages") view=crate::pages::messages::DistrictMessagesPage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews/:id/report") view=crate::pages::reviews::ReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/manage") view=ManagePage ssr=SsrMode::Async/>
                    <Route path=path!("/manage/districts") view=crate::pages::districts_admin::DistrictsAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/manage/districts/:slug") view=crate::pages::districts_admin::DistrictEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard") view=crate::pages::dashboard::DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/report") view=crate::pages::dashboard::ReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/invite/:token") view=InvitePage ssr=SsrMode::Async/>
                    <Route path=path!("/privacy") view=crate::pages::privacy::PrivacyPage ssr=SsrMode::Async/>
                    <Route path=path!("/my-data") view=crate::pages::privacy::MyDataPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <SiteFooter/>
            <TabBar/>
        </Router>
    }
}
