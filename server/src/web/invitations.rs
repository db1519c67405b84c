//! `POST /manage/invitations/sheet`: a printable A4 sheet of invitations, one card per shop
//! without a merchant (its name, a QR code, the link, until when it is valid), with cut lines,
//! to hand out door to door. A POST: each card is a new invitation.

use app::model::InvitationSheet;
use app::server::sign_in::escape_html;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use super::context::{in_request_context, with_headers};
use super::routes::RouterState;

#[derive(Deserialize)]
pub struct SheetForm {
    district: Option<String>,
}

/// The sheet's policy: its own style sheet, QR codes inline, no script at all.
const SHEET_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                         base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub async fn invitation_sheet(
    State(state): State<RouterState>,
    parts: axum::http::request::Parts,
    Form(form): Form<SheetForm>,
) -> Response {
    let locale = app::server::request_locale(Some(&parts), state.app.settings.default_locale);
    let (sheet, headers) = in_request_context(&state, parts, || {
        app::api::invitations::invitation_sheet(form.district)
    })
    .await;
    let answer = match sheet {
        Ok(sheet) => (
            [
                (header::CONTENT_SECURITY_POLICY, SHEET_CSP),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            Html(render(&sheet, locale, &state.build.stylesheet)),
        )
            .into_response(),
        Err(error) => {
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                locale.t(error.message_key()),
            )
                .into_response()
        }
    };
    with_headers(answer, &headers)
}

fn render(sheet: &InvitationSheet, locale: app::i18n::Locale, css: &str) -> String {
    let t = |key: &str| escape_html(&locale.t(key));
    let cards: String = sheet
        .cards
        .iter()
        .map(|card| {
            format!(
                r#"<li class="sheet-card">
<h2>{name}</h2>
<p class="sheet-address">{address}</p>
<div class="sheet-qr">{qr}</div>
<ol class="sheet-steps"><li>{step1}</li><li>{step2}</li><li>{step3}</li></ol>
<p class="sheet-url">{url}</p>
<p class="sheet-expires">{expires}</p>
</li>"#,
                name = escape_html(&card.shop_name),
                address = escape_html(&card.address_line),
                // Markup the server drew from the link (no text of anyone's); the link is
                // printed below it as text.
                qr = card.qr_svg.replacen(
                    "<svg",
                    "<svg aria-hidden=\"true\" focusable=\"false\"",
                    1
                ),
                step1 = t("sheet.step_scan"),
                step2 = t("sheet.step_sign_in"),
                step3 = t("sheet.step_shop"),
                url = escape_html(&card.url),
                expires = escape_html(&locale.tf(
                    "sheet.expires",
                    &[(
                        "date",
                        &app::i18n::format::long_date(locale, &card.expires_on),
                    )]
                )),
            )
        })
        .collect();
    let days = app::model::INVITATION_DAYS.to_string();
    let mut notes = String::new();
    if sheet.cards.is_empty() {
        notes.push_str(&format!("<p>{}</p>\n", t("sheet.empty")));
    }
    if sheet.waiting > sheet.cards.len() {
        notes.push_str(&format!(
            "<p class=\"notice\">{}</p>\n",
            escape_html(&locale.tf(
                "sheet.capped",
                &[
                    ("count", &sheet.cards.len().to_string()),
                    ("waiting", &sheet.waiting.to_string()),
                ]
            ))
        ));
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<link rel="stylesheet" href="{css}">
</head>
<body class="sheet">
<main id="main">
<h1 class="sheet-title">{title}</h1>
<p class="sheet-help">{help}</p>
<p class="sheet-help"><a href="/manage">{back}</a></p>
{notes}<ul class="sheet-cards" role="list">
{cards}
</ul>
</main>
</body>
</html>"#,
        lang = locale.code(),
        title = escape_html(
            &locale
                .plural("sheet.title", sheet.cards.len() as i64)
                .replace("{scope}", &sheet.title)
        ),
        css = escape_html(css),
        help = escape_html(&locale.tf("sheet.help", &[("days", &days)])),
        back = t("sheet.back"),
    )
}
