//! One file per screen; each page owns its data loading.

pub mod account;
pub mod counter;
pub mod dashboard;
pub mod district;
pub mod districts_admin;
pub mod feed;
pub mod following;
pub mod home;
pub mod invite;
pub mod manage;
pub mod map;
pub mod messages;
pub mod moderation;
pub mod nearby;
pub mod not_found;
pub mod notifications;
pub mod poster;
pub mod privacy;
pub mod profile;
pub mod reviews;
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

/// A page's data and what it shows: "loading" while it comes (after hydration only: the
/// server waits for the data), `children` with the data once it is there, the error page (with
/// its HTTP status) when it could not be loaded, or, with `sign_in_to`, the sign-in form (then
/// back to that path) when the data needs an account the visitor has not signed in with.
#[component]
pub fn Loaded<T, V, F>(
    resource: Resource<Result<T, AppError>>,
    children: F,
    #[prop(optional, into)] sign_in_to: Option<Signal<String>>,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    view! {
        <Transition fallback=Loading>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => children(data).into_any(),
                        Err(AppError::Unauthorized) if sign_in_to.is_some() => {
                            let return_to = sign_in_to.map(|s| s.get_untracked()).unwrap_or_default();
                            view! { <account::SignInNeeded return_to/> }.into_any()
                        }
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// What a page shows while it loads (after hydration only: the server waits for the data).
#[component]
pub fn Loading() -> impl IntoView {
    let locale = use_locale();
    view! { <p class="loading" role="status">{locale.t("loading")}</p> }
}
