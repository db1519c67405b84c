//! One file per screen; each page owns its data loading.

pub mod account;
pub mod counter;
pub mod district;
pub mod feed;
pub mod following;
pub mod home;
pub mod invite;
pub mod manage;
pub mod map;
pub mod nearby;
pub mod not_found;
pub mod notifications;
pub mod poster;
pub mod profile;
pub mod search;
pub mod shop;
pub mod sign_in;

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::use_locale;

/// What a page shows when its data could not be loaded.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    if error == AppError::NotFound {
        return view! { <not_found::NotFoundPage/> }.into_any();
    }
    let locale = use_locale();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(error.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    view! {
        <section class="page error-page">
            <h1>{locale.t("error.title")}</h1>
            <p role="alert">{locale.t(error.message_key())}</p>
            <p><a href="/">{locale.t("nav.back_home")}</a></p>
        </section>
    }
    .into_any()
}

/// What a page shows while it loads (after hydration only: the server waits for the data).
#[component]
pub fn Loading() -> impl IntoView {
    let locale = use_locale();
    view! { <p class="loading" role="status">{locale.t("loading")}</p> }
}
