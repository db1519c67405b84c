//! Feeds for other tools: Atom (RFC 4287) per shop and per district, iCalendar (RFC 5545) per
//! district and per event, and the QR code of a shop's window poster.

use app::api::feeds::authors_of;
use app::domain::slugs;
use app::i18n::format::{date_label, event_when};
use app::i18n::Locale;
use app::model::records::{post_views, town_tz};
use app::model::{PostKindView, PostView};
use app::server::{request_locale, FeedScope, Post, PostKind, Town};
use axum::extract::{Path, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::web::routes::RouterState;
use crate::web::seo::escape_xml;

/// Entries in an Atom feed.
const ATOM_ENTRIES: i64 = 50;
/// Events in a district calendar (upcoming and recent).
const CALENDAR_EVENTS: i64 = 200;

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

fn unavailable(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "cannot build a feed");
    (StatusCode::SERVICE_UNAVAILABLE, "temporarily unavailable").into_response()
}

/// The request's town (chosen by its host name).
fn town(parts: &Parts) -> Option<Town> {
    app::server::request_town(parts).map(|town| (*town).clone())
}

/// A post's text with what the feed reader cannot see elsewhere: validity, date and place.
fn entry_text(locale: Locale, post: &PostView) -> String {
    let mut text = String::new();
    if let Some(starts) = &post.starts {
        text.push_str(&event_when(locale, starts, post.ends.as_ref()));
        if let Some(place) = &post.place {
            text.push_str(" · ");
            text.push_str(place);
        }
        text.push_str("\n\n");
    }
    text.push_str(&post.body);
    if let Some(until) = &post.valid_until {
        text.push_str("\n\n");
        text.push_str(&locale.tf("post.valid_until", &[("date", &date_label(locale, until))]));
    }
    text
}

fn kind_key(kind: PostKindView) -> &'static str {
    match kind {
        PostKindView::Offer => "offer",
        PostKindView::Event => "event",
        PostKindView::News => "news",
    }
}

/// What an Atom feed is about.
#[derive(Clone, Copy)]
struct AtomFeed<'a> {
    base: &'a str,
    locale: Locale,
    title: &'a str,
    /// The page the feed mirrors, and the feed itself (paths).
    page_path: &'a str,
    feed_path: &'a str,
    /// `updated` of a feed without entries.
    fallback_updated: DateTime<Utc>,
}

/// Renders an Atom feed of `posts`.
fn atom(feed: &AtomFeed, posts: &[Post], views: &[PostView]) -> String {
    let AtomFeed {
        base,
        locale,
        title,
        page_path,
        feed_path,
        fallback_updated,
    } = *feed;
    let updated = posts
        .iter()
        .map(|p| p.updated_at.max(p.content.published_at))
        .max()
        .unwrap_or(fallback_updated);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        locale.code()
    ));
    xml.push_str(&format!(
        "  <id>{}</id>\n",
        escape_xml(&format!("{base}{feed_path}"))
    ));
    xml.push_str(&format!("  <title>{}</title>\n", escape_xml(title)));
    xml.push_str(&format!("  <updated>{}</updated>\n", updated.to_rfc3339()));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape_xml(&format!("{base}{feed_path}"))
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape_xml(&format!("{base}{page_path}"))
    ));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape_xml(title)
    ));
    xml.push_str("  <generator>Quartier</generator>\n");
    for (post, view) in posts.iter().zip(views) {
        let url = format!("{base}{}", view.url);
        let kind = kind_key(view.kind);
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <id>{}</id>\n", escape_xml(&url)));
        xml.push_str(&format!("    <title>{}</title>\n", escape_xml(&view.title)));
        xml.push_str(&format!(
            "    <published>{}</published>\n",
            post.content.published_at.to_rfc3339()
        ));
        xml.push_str(&format!(
            "    <updated>{}</updated>\n",
            post.updated_at.max(post.content.published_at).to_rfc3339()
        ));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape_xml(&url)
        ));
        xml.push_str(&format!(
            "    <author><name>{}</name><uri>{}</uri></author>\n",
            escape_xml(&view.author_name),
            escape_xml(&format!("{base}{}", view.author_url))
        ));
        xml.push_str(&format!(
            "    <category term=\"{kind}\" label=\"{}\"/>\n",
            escape_xml(&locale.t(&format!("post.kind.{kind}")))
        ));
        xml.push_str(&format!(
            "    <content type=\"text\">{}</content>\n",
            escape_xml(&entry_text(locale, view))
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

fn atom_response(xml: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        xml,
    )
        .into_response()
}

/// The posts of a scope and their views (for a feed in `locale`).
async fn scoped_posts(
    state: &RouterState,
    town: &Town,
    scope: FeedScope,
    limit: i64,
) -> Result<(Vec<Post>, Vec<PostView>), Response> {
    let now = state.app.clock.now();
    let posts = state
        .app
        .store
        .recent_posts(town.id, scope, now, limit)
        .await
        .map_err(unavailable)?;
    let app_state = state.app.clone();
    let authors = authors_of(&app_state, town, posts.iter())
        .await
        .map_err(unavailable)?;
    let views = post_views(&posts, &authors, town_tz(town), now);
    // A post whose author vanished has no view: keep the two lists aligned.
    let kept: Vec<Post> = posts
        .into_iter()
        .filter(|p| views.iter().any(|v| v.id == p.id))
        .collect();
    Ok((kept, views))
}

fn locale_of(state: &RouterState, parts: &Parts) -> Locale {
    request_locale(Some(parts), state.app.settings.default_locale)
}

/// `/shops/{slug}/feed.atom`.
pub async fn shop_atom(
    State(state): State<RouterState>,
    Path(slug): Path<String>,
    parts: Parts,
) -> Response {
    if !slugs::is_valid(&slug) {
        return not_found();
    }
    let slug = slug.as_str();
    let Some(town) = town(&parts) else {
        return not_found();
    };
    let base = state.app.settings.base_url_of(&town);
    let shop = match state.app.store.shop_by_slug(town.id, slug).await {
        Ok(Some(shop)) => shop,
        Ok(None) => return not_found(),
        Err(e) => return unavailable(e),
    };
    let (posts, views) =
        match scoped_posts(&state, &town, FeedScope::Shop(shop.id), ATOM_ENTRIES).await {
            Ok(p) => p,
            Err(r) => return r,
        };
    let locale = locale_of(&state, &parts);
    let feed = AtomFeed {
        base: &base,
        locale,
        title: &shop.fields.name,
        page_path: &format!("/shops/{}", shop.slug),
        feed_path: &format!("/shops/{}/feed.atom", shop.slug),
        fallback_updated: shop.updated_at,
    };
    atom_response(atom(&feed, &posts, &views))
}

/// `/districts/{slug}/feed.atom` and `/districts/{slug}/events.ics`.
pub async fn district_file(
    State(state): State<RouterState>,
    Path((slug, file)): Path<(String, String)>,
    parts: Parts,
) -> Response {
    if !slugs::is_valid(&slug) || !(file == "feed.atom" || file == "events.ics") {
        return not_found();
    }
    let Some(town) = town(&parts) else {
        return not_found();
    };
    let base = state.app.settings.base_url_of(&town);
    let district = match state.app.store.district_by_slug(town.id, &slug).await {
        Ok(Some(d)) => d,
        Ok(None) => return not_found(),
        Err(e) => return unavailable(e),
    };
    let locale = locale_of(&state, &parts);
    let scope = FeedScope::District(district.id);
    if file == "feed.atom" {
        let (posts, views) = match scoped_posts(&state, &town, scope, ATOM_ENTRIES).await {
            Ok(p) => p,
            Err(r) => return r,
        };
        let title = format!("{} · {}", district.name, town.name);
        let feed = AtomFeed {
            base: &base,
            locale,
            title: &title,
            page_path: &format!("/districts/{}", district.slug),
            feed_path: &format!("/districts/{}/feed.atom", district.slug),
            fallback_updated: state.app.clock.now(),
        };
        return atom_response(atom(&feed, &posts, &views));
    }
    let (posts, views) = match scoped_posts(&state, &town, scope, CALENDAR_EVENTS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let events: Vec<(&Post, &PostView)> = posts
        .iter()
        .zip(&views)
        .filter(|(p, _)| p.content.kind == PostKind::Event)
        .collect();
    let name = format!("{} · {}", district.name, town.name);
    calendar_response(
        &ics(&base, &name, &town.timezone, &events),
        &format!("{}.ics", district.slug),
    )
}

/// `/events/{id}.ics`: one event, to add to a calendar.
pub async fn event_ics(
    State(state): State<RouterState>,
    Path(file): Path<String>,
    parts: Parts,
) -> Response {
    let Some(id) = file
        .strip_suffix(".ics")
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return not_found();
    };
    let Some(town) = town(&parts) else {
        return not_found();
    };
    let base = state.app.settings.base_url_of(&town);
    let post = match state.app.store.post_by_id(town.id, id).await {
        Ok(Some(post)) if post.content.kind == PostKind::Event => post,
        Ok(_) => return not_found(),
        Err(e) => return unavailable(e),
    };
    let now = state.app.clock.now();
    if post.content.published_at > now {
        return not_found();
    }
    let authors = match authors_of(&state.app, &town, std::iter::once(&post)).await {
        Ok(a) => a,
        Err(e) => return unavailable(e),
    };
    let views = post_views(std::slice::from_ref(&post), &authors, town_tz(&town), now);
    let Some(view) = views.first() else {
        return not_found();
    };
    calendar_response(
        &ics(&base, &view.title, &town.timezone, &[(&post, view)]),
        &format!("event-{id}.ics"),
    )
}

fn calendar_response(body: &str, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (header::CACHE_CONTROL, "public, max-age=300".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
        ],
        body.to_owned(),
    )
        .into_response()
}

/// TEXT values (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped.
fn ics_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character, and
/// ends it with CRLF.
fn fold_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

fn ics_utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// An iCalendar object with one VEVENT per event. Times are UTC (`Z`), valid everywhere and
/// shown in local time by calendar apps; the town's zone is given as a hint.
fn ics(base: &str, name: &str, timezone: &str, events: &[(&Post, &PostView)]) -> String {
    let host = base
        .split("://")
        .nth(1)
        .unwrap_or(base)
        .split('/')
        .next()
        .unwrap_or("quartier");
    let mut out = String::new();
    let mut line = |l: String| fold_line(&mut out, &l);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Quartier//Quartier//FR".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", ics_text(name)));
    line(format!("X-WR-TIMEZONE:{}", ics_text(timezone)));
    for (post, view) in events {
        let Some(starts) = post.content.starts_at else {
            continue;
        };
        line("BEGIN:VEVENT".into());
        line(format!("UID:post-{}@{}", post.id, ics_text(host)));
        line(format!("DTSTAMP:{}", ics_utc(post.updated_at)));
        line(format!("DTSTART:{}", ics_utc(starts)));
        if let Some(ends) = post.content.ends_at.filter(|e| *e > starts) {
            line(format!("DTEND:{}", ics_utc(ends)));
        }
        line(format!("SUMMARY:{}", ics_text(&view.title)));
        line(format!("DESCRIPTION:{}", ics_text(&view.body)));
        let location = match &view.place {
            Some(place) => place.clone(),
            None => view.author_name.clone(),
        };
        line(format!("LOCATION:{}", ics_text(&location)));
        line(format!("URL:{base}{}", view.url));
        line(format!("LAST-MODIFIED:{}", ics_utc(post.updated_at)));
        line("STATUS:CONFIRMED".into());
        line("TRANSP:OPAQUE".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// `/shops/{slug}/qr.svg`: the poster's QR code, opening the shop page with a follow prompt.
pub async fn shop_qr(
    State(state): State<RouterState>,
    Path(slug): Path<String>,
    parts: Parts,
) -> Response {
    if !slugs::is_valid(&slug) {
        return not_found();
    }
    let slug = slug.as_str();
    let Some(town) = town(&parts) else {
        return not_found();
    };
    let base = state.app.settings.base_url_of(&town);
    match state.app.store.shop_by_slug(town.id, slug).await {
        Ok(Some(_)) => {}
        Ok(None) => return not_found(),
        Err(e) => return unavailable(e),
    }
    let url = format!("{base}/shops/{slug}?follow=1");
    let svg = match app::server::qr::qr_svg(&url) {
        Ok(svg) => svg,
        Err(e) => return unavailable(e),
    };
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        svg,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ics_lines_fold_at_75_octets_on_character_boundaries() {
        let mut out = String::new();
        let long = format!("DESCRIPTION:{}", "é".repeat(80));
        fold_line(&mut out, &long);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), long);
        assert_eq!(ics_text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }
}
