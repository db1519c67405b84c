//! Application code run by a plain route as a server function would run: with the request,
//! the application and somewhere for the cookies it sets, in Leptos' context.

use std::future::Future;

use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::Response;
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
