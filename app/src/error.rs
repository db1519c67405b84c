//! The one error type of the application, shared by server functions and pages.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What can go wrong, as the browser may see it. Internal details are logged on the server,
/// never sent: `Internal` carries no message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// A field failed validation; `message` is already translated.
    #[error("invalid {field}: {message}")]
    Validation { field: String, message: String },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many requests")]
    RateLimited,
    #[error("internal error")]
    Internal,
    /// The request never reached the server or its answer could not be read.
    #[error("network or protocol error")]
    Transport,
}

impl AppError {
    /// HTTP status code for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Validation { .. } => 422,
            AppError::Conflict(_) => 409,
            AppError::RateLimited => 429,
            AppError::Internal => 500,
            AppError::Transport => 502,
        }
    }

    /// The translation key of a short, user-facing explanation.
    pub fn message_key(&self) -> &'static str {
        match self {
            AppError::NotFound => "error.not_found",
            AppError::Unauthorized => "error.unauthorized",
            AppError::Forbidden => "error.forbidden",
            AppError::Validation { .. } => "error.validation",
            AppError::Conflict(_) => "error.conflict",
            AppError::RateLimited => "error.rate_limited",
            AppError::Internal => "error.internal",
            AppError::Transport => "error.transport",
        }
    }

    /// Logs an internal failure on the server and returns the opaque error for the client.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, error: impl std::fmt::Display) -> AppError {
        tracing::error!(%error, "{context}");
        AppError::Internal
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Transport,
            // Arguments the server could not read (a number that is not one, a missing field):
            // the client's mistake, said as such (400), not a failure of the server.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => unreadable_request(),
            // On the server, a body that is not the JSON expected; in the browser, an answer
            // that cannot be read (a transport problem).
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => unreadable_request(),
            _ => AppError::Internal,
        }
    }
}

/// The answer to a request whose arguments cannot be read.
fn unreadable_request() -> AppError {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::BAD_REQUEST);
        }
        AppError::Validation {
            field: "request".into(),
            message: crate::api::request_locale().t("error.form"),
        }
    }
    #[cfg(not(feature = "ssr"))]
    AppError::Validation {
        field: "request".into(),
        message: String::new(),
    }
}
