//! What search engines read: `/robots.txt` and `/sitemap.xml` (sitemaps.org protocol 0.9).

use axum::extract::State;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::web::routes::{town_listing, RouterState};

/// `/robots.txt`: everything public may be indexed, server functions may not.
pub async fn robots(State(state): State<RouterState>, parts: Parts) -> Response {
    let base = match app::server::request_town(&parts) {
        Some(town) => state.app.settings.base_url_of(&town),
        None => state.app.settings.base_url.clone(),
    };
    let body = format!("User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: {base}/sitemap.xml\n");
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// `/sitemap.xml`: the home page, every district and every shop of the town.
pub async fn sitemap(State(state): State<RouterState>, parts: Parts) -> Response {
    let (town, districts, shops) = match town_listing(&state, &parts).await {
        Ok(listing) => listing,
        Err(response) => return response,
    };
    let base = state.app.settings.base_url_of(&town);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut url = |path: &str, lastmod: Option<String>| {
        xml.push_str(&format!(
            "  <url><loc>{}</loc>",
            escape_xml(&format!("{base}{path}"))
        ));
        if let Some(lastmod) = lastmod {
            xml.push_str(&format!("<lastmod>{lastmod}</lastmod>"));
        }
        xml.push_str("</url>\n");
    };
    url(
        "/",
        shops
            .iter()
            .map(|s| s.updated_at)
            .max()
            .map(|t| t.format("%Y-%m-%d").to_string()),
    );
    for district in &districts {
        url(&format!("/districts/{}", district.slug), None);
    }
    for shop in &shops {
        url(
            &format!("/shops/{}", shop.slug),
            Some(shop.updated_at.format("%Y-%m-%d").to_string()),
        );
    }
    xml.push_str("</urlset>\n");
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

/// Text for XML content and attributes: markup escaped, characters XML 1.0 forbids dropped.
pub fn escape_xml(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\t' || c == '\n' || c == '\r' || c >= ' ')
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}
