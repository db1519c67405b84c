//! Server functions, one file per feature. Each gets `AppState` from context, checks who is
//! asking, calls the domain and the store.

pub mod districts;
pub mod shops;

#[cfg(feature = "ssr")]
mod views;

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
