//! Counting what residents do ([`crate::domain::activity`]) from a request: whether a person is
//! looking now (not a robot, a prefetch or the service worker keeping a page for offline
//! reading), who the visitor is (the device's cookie, else the signed-in session, else the client
//! address), and the town's day. A failure to count is logged, never shown: the page matters
//! more than the figure.

use chrono::NaiveDate;

use super::{AppState, Town};
use crate::domain::activity::{self, Hit, Tally};

fn request_parts() -> Option<http::request::Parts> {
    leptos::prelude::use_context::<http::request::Parts>()
}

fn header<'a>(parts: &'a http::request::Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Whether this request is a person's browser (robots and tools are left out).
fn by_person(parts: &http::request::Parts) -> bool {
    !activity::is_robot(header(parts, "user-agent"))
}

/// Whether this request is a person looking now: a person's browser, neither a prefetch nor a
/// background fetch (for a page's address; a server function called by the page's script is
/// what a person's tap did). With `page`, only a navigation to exactly that address counts
/// (not the server function's address, nor the poster page that loads the same shop).
pub fn looking_now(parts: &http::request::Parts, page: Option<&str>) -> bool {
    let path = parts.uri.path();
    if !by_person(parts) || page.is_some_and(|page| page != path) {
        return false;
    }
    let purpose = header(parts, "purpose")
        .or_else(|| header(parts, "x-purpose"))
        .or_else(|| header(parts, "x-moz"));
    if path.starts_with("/api/") {
        !activity::is_background(header(parts, "sec-purpose"), purpose, None)
    } else {
        parts.method == http::Method::GET
            && !activity::is_background(
                header(parts, "sec-purpose"),
                purpose,
                header(parts, "sec-fetch-mode"),
            )
    }
}

/// Whether this request's address carries `name=value` in its query (`?follow=1`: the poster's
/// QR code).
pub fn query_has(name: &str, value: &str) -> bool {
    request_parts()
        .and_then(|parts| parts.uri.query().map(str::to_owned))
        .is_some_and(|query| {
            form_urlencoded::parse(query.as_bytes()).any(|(k, v)| k == name && v == value)
        })
}

/// Who is counted once: this device's profile (its cookie, if the server knows it: a made-up
/// cookie is no one), else the signed-in account, else the client's address (its /64 for
/// IPv6). Only ever hashed with the day's salt.
async fn visitor(state: &AppState, parts: &http::request::Parts) -> String {
    if let Some(token) = super::device::cookie_token(Some(parts)) {
        let hash = super::device::token_hash(&token);
        if let Ok(Some(profile)) = state.store.known_device_profile(&hash).await {
            return format!("d:{profile}");
        }
    }
    if let Ok(Some(session)) = state.session().await {
        return format!("u:{}", session.user.id);
    }
    format!("a:{}", state.client_key())
}

/// The town's day now.
pub fn today(state: &AppState, town: &Town) -> NaiveDate {
    state
        .clock
        .now()
        .with_timezone(&crate::model::records::town_tz(town))
        .date_naive()
}

/// The day's secret salt (drawn by the first request of the day on any instance).
async fn salt(state: &AppState, day: NaiveDate) -> Option<String> {
    let fresh = match super::auth::new_secret() {
        Ok(secret) => secret,
        Err(error) => {
            tracing::warn!(?error, "drawing the day's salt failed");
            return None;
        }
    };
    match state.store.day_salt(day, &fresh).await {
        Ok(salt) => Some(salt),
        Err(error) => {
            tracing::warn!(%error, "loading the day's salt failed");
            None
        }
    }
}

/// The marks of `who` (by default this request's visitor) for `tallies` on `day`.
async fn marks(
    state: &AppState,
    day: NaiveDate,
    tallies: &[Tally],
    who: Option<String>,
) -> Option<Vec<String>> {
    let parts = request_parts()?;
    let salt = salt(state, day).await?;
    let who = match who {
        Some(who) => who,
        None => visitor(state, &parts).await,
    };
    Some(
        tallies
            .iter()
            .map(|tally| activity::mark(&salt, &who, tally))
            .collect(),
    )
}

/// Counts each tally once per visitor today, if a person is looking now (see [`looking_now`]:
/// `page` is the page's exact address when the tallies are views of that page).
pub async fn count_once(state: &AppState, town: &Town, page: Option<&str>, tallies: Vec<Tally>) {
    count(state, town, page, tallies, None).await;
}

/// Counts each tally once per day for the device profile `profile` (a follow: the phone that
/// follows, even on its first follow, when its cookie is only being set), if a person asks.
pub async fn count_once_for_profile(
    state: &AppState,
    town: &Town,
    profile: i64,
    tallies: Vec<Tally>,
) {
    count(state, town, None, tallies, Some(format!("d:{profile}"))).await;
}

/// Counts a tap on post `post`'s notification once per visitor a day (the store adds it to
/// the post's own tally of taps in the same transaction); returns whether this one counted.
pub async fn count_push_open(state: &AppState, town: &Town, post: &super::Post) -> bool {
    use crate::domain::posts::PostAuthor;
    let (shop_id, district_id) = match post.content.author {
        PostAuthor::Shop(id) => {
            let district = match state.store.shops_by_ids(town.id, &[id]).await {
                Ok(shops) => shops.first().and_then(|s| s.district_id),
                Err(error) => {
                    tracing::warn!(%error, "loading a post's shop failed");
                    None
                }
            };
            (Some(id), district)
        }
        PostAuthor::District(id) => (None, Some(id)),
    };
    let tally = Tally::post_metric(activity::Metric::PushOpen, post.id, shop_id, district_id);
    count(state, town, None, vec![tally], None).await == 1
}

async fn count(
    state: &AppState,
    town: &Town,
    page: Option<&str>,
    tallies: Vec<Tally>,
    who: Option<String>,
) -> u64 {
    let Some(parts) = request_parts() else {
        return 0;
    };
    if tallies.is_empty() || !looking_now(&parts, page) {
        return 0;
    }
    let day = today(state, town);
    let Some(marks) = marks(state, day, &tallies, who).await else {
        return 0;
    };
    let hits: Vec<Hit> = tallies
        .into_iter()
        .zip(marks)
        .map(|(tally, mark)| Hit {
            tally,
            mark: Some(mark),
        })
        .collect();
    state
        .store
        .count_hits(town.id, day, &hits)
        .await
        .unwrap_or_else(|error| {
            tracing::warn!(%error, "counting activity failed");
            0
        })
}

/// Whether this request's visitor counted `tally` today already (e.g. scanned this shop's
/// poster before following it).
pub async fn counted_today(state: &AppState, town: &Town, tally: Tally) -> bool {
    let day = today(state, town);
    let Some(marks) = marks(state, day, &[tally], None).await else {
        return false;
    };
    let Some(mark) = marks.first() else {
        return false;
    };
    state
        .store
        .has_mark(day, mark)
        .await
        .unwrap_or_else(|error| {
            tracing::warn!(%error, "reading a mark failed");
            false
        })
}
