use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::use_locale;

/// The 404 page (also sent with status 404 by the server).
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let locale = use_locale();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=locale.t("not_found.title")/>
        <section class="page not-found">
            <h1>{locale.t("not_found.title")}</h1>
            <p>{locale.t("not_found.text")}</p>
            <p><a class="button" href="/">{locale.t("nav.back_home")}</a></p>
        </section>
    }
}
