//! `GET /dashboard/export.csv?table=…`: each table of the dashboard as CSV (RFC 4180), for
//! the same viewers and with the same "< 5" rule as the page.

use app::domain::dashboard::{csv, Shown};
use app::i18n::Locale;
use app::model::DashboardView;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::context::{error_answer, in_request_context, plain, with_headers};
use super::routes::RouterState;

#[derive(Deserialize)]
pub struct ExportQuery {
    table: Option<String>,
    district: Option<String>,
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
}

/// The tables that can be exported.
const TABLES: [&str; 4] = ["figures", "days", "districts", "shops"];

pub async fn export_csv(
    State(state): State<RouterState>,
    Query(query): Query<ExportQuery>,
    parts: axum::http::request::Parts,
) -> Response {
    let locale = app::server::request_locale(Some(&parts), state.app.settings.default_locale);
    let table = query.table.as_deref().unwrap_or("shops");
    if !TABLES.contains(&table) {
        return plain(StatusCode::NOT_FOUND, locale.t("dashboard.error.no_table"));
    }
    let (view, headers) = in_request_context(&state, parts, || {
        app::api::dashboard::dashboard_view(query.district, query.from, query.to, query.sort)
    })
    .await;
    let answer = match view {
        Ok(view) => match &view.period_error {
            Some(message) => plain(StatusCode::BAD_REQUEST, message.clone()),
            None => {
                let filename = format!("quartier-{}-{}-{}.csv", table, view.from, view.to);
                (
                    [
                        (
                            header::CONTENT_TYPE,
                            "text/csv; charset=utf-8; header=present".to_owned(),
                        ),
                        (
                            header::CONTENT_DISPOSITION,
                            format!("attachment; filename=\"{filename}\""),
                        ),
                        (header::CACHE_CONTROL, "private, no-store".to_owned()),
                    ],
                    csv(&rows(&view, table, locale)),
                )
                    .into_response()
            }
        },
        Err(error) => error_answer(locale, &error),
    };
    with_headers(answer, &headers)
}

/// The lines of `table`, its header first.
fn rows(view: &DashboardView, table: &str, locale: Locale) -> Vec<Vec<String>> {
    let t = |key: &str| locale.t(key);
    let optional = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
    let rating = |tenths: Option<i64>| {
        tenths
            .map(|t| format!("{}.{}", t / 10, t % 10))
            .unwrap_or_default()
    };
    match table {
        "figures" => {
            let mut rows = vec![vec![
                t("dashboard.csv.figure"),
                format!("{} – {}", view.from, view.to),
                format!("{} – {}", view.previous_from, view.previous_to),
            ]];
            for figure in &view.figures {
                rows.push(vec![
                    t(&format!("dashboard.figure.{}", figure.key)),
                    figure.value.text(),
                    figure.previous.map(Shown::text).unwrap_or_default(),
                ]);
            }
            for kind in &view.posts {
                rows.push(vec![
                    t(&format!("dashboard.kind.{}", kind.kind)),
                    kind.count.to_string(),
                    kind.previous.to_string(),
                ]);
            }
            rows.push(vec![
                t("dashboard.figure.average_rating"),
                rating(view.rating_tenths),
                String::new(),
            ]);
            rows.push(vec![
                t("dashboard.figure.answered_percent"),
                optional(view.answered_percent.map(i64::from)),
                String::new(),
            ]);
            rows.push(vec![
                t("dashboard.figure.open_rate"),
                optional(view.open_rate_percent.map(i64::from)),
                String::new(),
            ]);
            rows.push(vec![
                t("dashboard.figure.average_visibility"),
                optional(view.average_visibility.map(i64::from)),
                String::new(),
            ]);
            rows
        }
        "days" => {
            let mut rows = vec![vec![
                t("dashboard.csv.day"),
                t("dashboard.csv.views"),
                t("dashboard.csv.follows"),
                t("dashboard.csv.opened"),
                t("dashboard.csv.shares"),
            ]];
            rows.extend(view.trend.iter().map(|d| {
                vec![
                    d.day.clone(),
                    d.views.text(),
                    d.follows.text(),
                    d.opened.text(),
                    d.shares.text(),
                ]
            }));
            rows
        }
        "districts" => {
            let mut rows = vec![vec![
                t("dashboard.csv.district"),
                t("dashboard.csv.shops"),
                t("dashboard.csv.followers"),
                t("dashboard.csv.views"),
                t("dashboard.csv.posts"),
                t("dashboard.csv.visibility"),
            ]];
            rows.extend(view.districts.iter().map(|d| {
                vec![
                    d.name.clone(),
                    d.shops.to_string(),
                    d.followers.text(),
                    d.views.text(),
                    d.posts.to_string(),
                    optional(d.average_visibility.map(i64::from)),
                ]
            }));
            rows
        }
        _ => {
            let mut rows = vec![vec![
                t("dashboard.csv.shop"),
                t("dashboard.csv.district"),
                t("dashboard.csv.followers"),
                t("dashboard.csv.follows"),
                t("dashboard.csv.views"),
                t("dashboard.csv.poster_scans"),
                t("dashboard.csv.poster_follows"),
                t("dashboard.csv.shares"),
                t("dashboard.csv.posts"),
                t("dashboard.csv.reviews"),
                t("dashboard.csv.rating"),
                t("dashboard.csv.visibility"),
                t("dashboard.csv.step"),
            ]];
            rows.extend(view.shops.iter().map(|s| {
                vec![
                    s.name.clone(),
                    s.district.clone().unwrap_or_default(),
                    s.followers.text(),
                    s.new_follows.text(),
                    s.views.text(),
                    s.poster_scans.text(),
                    s.poster_follows.text(),
                    s.shares.text(),
                    s.posts.to_string(),
                    s.reviews.to_string(),
                    rating(s.rating_tenths),
                    s.visibility.to_string(),
                    t(&format!("manage.step_label.{}", s.step)),
                ]
            }));
            rows
        }
    }
}
