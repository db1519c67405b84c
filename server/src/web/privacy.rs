//! `GET /my-data/export.json`: everything Quartier keeps about this phone and, signed in, the
//! account, as a JSON file to keep (the right of access and to data portability).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::context::{error_answer, in_request_context, plain, with_headers};
use super::routes::RouterState;

pub async fn export_json(
    State(state): State<RouterState>,
    parts: axum::http::request::Parts,
) -> Response {
    let locale = app::server::request_locale(Some(&parts), state.app.settings.default_locale);
    let (data, headers) = in_request_context(&state, parts, app::api::privacy::personal_data).await;
    let answer = match data.map(|data| serde_json::to_vec_pretty(&data)) {
        Ok(Ok(json)) => (
            [
                (header::CONTENT_TYPE, "application/json".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"quartier-mes-donnees.json\"".to_owned(),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
                (header::VARY, "Cookie".to_owned()),
            ],
            json,
        )
            .into_response(),
        Ok(Err(error)) => {
            tracing::error!(%error, "writing a person's data as JSON");
            plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                locale.t("error.internal"),
            )
        }
        Err(error) => error_answer(locale, &error),
    };
    with_headers(answer, &headers)
}
