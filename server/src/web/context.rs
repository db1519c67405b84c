//! Application code run by a plain route as a server function would run: with the request,
//! the application and somewhere for the cookies it sets, in Leptos' context.

use std::future::Future;

use app::error::AppError;
use app::i18n::Locale;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;

use super::routes::RouterState;

/// Runs `work` with the request's `parts` and the application in context; returns its result
/// and the headers it asked for (a session extended on the way sets a cookie).
pub async fn in_request_context<T, Fut>(
    state: &RouterState,
    parts: Parts,
    work: impl FnOnce() -> Fut,
) -> (T, HeaderMap)
where
    Fut: Future<Output = T>,
{
    let owner = leptos::reactive::owner::Owner::new();
    let response = leptos_axum::ResponseOptions::default();
    owner.with(|| {
        provide_context(parts);
        provide_context(state.app.clone());
        provide_context(response.clone());
    });
    let result = owner
        .with(|| leptos::reactive::computed::ScopedFuture::new(work()))
        .await;
    let headers = response
        .0
        .read()
        .map(|parts| parts.headers.clone())
        .unwrap_or_default();
    (result, headers)
}

/// `answer` with `headers` added.
pub fn with_headers(mut answer: Response, headers: &HeaderMap) -> Response {
    for (name, value) in headers.iter() {
        answer.headers_mut().append(name.clone(), value.clone());
    }
    answer
}

/// A plain-text answer.
pub fn plain(status: StatusCode, message: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

/// An application error as a plain-text answer with its status, translated.
pub fn error_answer(locale: Locale, error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = match error {
        AppError::Validation { message, .. } => message.clone(),
        other => locale.t(other.message_key()),
    };
    plain(status, message)
}
