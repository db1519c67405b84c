//! Server functions, one file per feature. Each gets `AppState` from context, checks who is
//! asking, calls the domain and the store.

pub mod accounts;
pub mod dashboard;
pub mod districts;
pub mod feeds;
pub mod follows;
pub mod invitations;
pub mod manage;
pub mod map;
pub mod messages;
#[cfg(feature = "ssr")]
pub mod multipart;
pub mod nearby;
pub mod passkeys;
pub mod posts;
pub mod privacy;
pub mod profile;
pub mod push;
pub mod reviews;
pub mod search;
pub mod shops;

/// What a plain form held, for the address it is sent back to: base64url of its JSON, so that
/// no decoding of the address on the way (a sign-in's return path is an address inside an
/// address) can alter the text.
#[cfg(feature = "ssr")]
fn encode_draft<T: serde::Serialize>(draft: &T) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(draft).unwrap_or_default())
}

/// A form's draft from an address (pages render on the server only: `None` in the browser).
fn decode_draft<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    #[cfg(feature = "ssr")]
    {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim())
            .ok()?;
        serde_json::from_slice(&bytes).ok()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = text;
        None
    }
}

/// A field's error, translated in the request's language.
#[cfg(feature = "ssr")]
fn invalid(field: &str, key: &str) -> crate::error::AppError {
    crate::error::AppError::Validation {
        field: field.into(),
        message: request_locale().t(key),
    }
}

/// A form check's failure (field and message key) as the error a server function returns.
#[cfg(feature = "ssr")]
fn from_field(error: crate::domain::posting::FieldError) -> crate::error::AppError {
    invalid(error.field, error.key)
}

/// Sends an error's HTTP status with the response (server functions answer 500 otherwise).
#[cfg(feature = "ssr")]
fn with_status<T>(result: Result<T, crate::error::AppError>) -> Result<T, crate::error::AppError> {
    if let Err(error) = &result {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(
                http::StatusCode::from_u16(error.status())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    result
}

/// After a plain HTML form post (no JavaScript), sends the browser back to `return_to` (a path
/// on this site); calls from the app itself get their data instead.
#[cfg(feature = "ssr")]
fn redirect_plain_form(return_to: Option<&str>) {
    {
        let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
            return;
        };
        let wants_html = parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        if let Some(path) = return_to.filter(|p| is_local_path(p)) {
            if wants_html {
                leptos_axum::redirect(path);
            }
        }
    }
}

#[cfg(feature = "ssr")]
pub use crate::domain::links::is_local_path;

/// A short, stable code for an error, carried in the URL of a plain form's redirect so the
/// page can show the message without JavaScript.
#[cfg(feature = "ssr")]
fn error_code(error: &crate::error::AppError) -> String {
    use crate::error::AppError;
    match error {
        AppError::Validation { field, .. } => format!("invalid-{field}"),
        AppError::RateLimited => "rate-limited".into(),
        AppError::Unauthorized => "unauthorized".into(),
        AppError::Forbidden => "forbidden".into(),
        AppError::NotFound => "not-found".into(),
        _ => "internal".into(),
    }
}

/// Renders a view to HTML as pages are rendered (same components, same escaping), in the
/// request's language, for an island to insert.
#[cfg(feature = "ssr")]
pub(crate) fn render_chunk<V: leptos::prelude::IntoView + 'static>(
    view: impl FnOnce() -> V,
) -> String {
    let locale = request_locale();
    let owner = leptos::prelude::Owner::new();
    owner.with(|| {
        leptos::prelude::provide_context(locale);
        view().to_html()
    })
}

/// The language of the current request (for messages written by the server).
#[cfg(feature = "ssr")]
pub(crate) fn request_locale() -> crate::i18n::Locale {
    let default = leptos::prelude::use_context::<crate::server::AppState>()
        .map(|s| s.settings.default_locale)
        .unwrap_or_default();
    crate::server::request_locale(
        leptos::prelude::use_context::<http::request::Parts>().as_ref(),
        default,
    )
}
