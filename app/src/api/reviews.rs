//! Reviews: a resident rates a shop and writes about it, the shop replies in public, anyone
//! marks a review useful or reports it, the district's stewards and the town's admins moderate.
//!
//! Every form here is a plain HTML form (it works without JavaScript and ships no code to the
//! browser): after a post the browser is sent back to the page, with what happened (or the
//! error and everything that was typed) in the address.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{ModerationView, MyReviews, ReviewInbox};

/// Reviews (new or edited) per account per hour.
pub const REVIEWS_PER_HOUR: i64 = 10;
/// Replies (new, edited or deleted) per account per hour.
pub const REPLIES_PER_HOUR: i64 = 60;
/// Reports per client address per hour.
pub const REPORTS_PER_HOUR: i64 = 20;
/// "Useful" marks per client address per hour.
pub const USEFUL_PER_HOUR: i64 = 120;
/// Changes of the name shown on reviews per account per hour.
pub const NAMES_PER_HOUR: i64 = 20;
/// Moderation decisions per account per hour.
pub const DECISIONS_PER_HOUR: i64 = 300;

/// The longest address a plain form sends the browser back to with what was typed (the
/// sign-in keeps its return path up to this length too).
#[cfg(feature = "ssr")]
const ADDRESS_MAX: usize = 4000;

/// What a review form held, carried in the page's address after a plain form was refused (or
/// through the sign-in): base64url of a small JSON array, so that no decoding of the address on
/// the way (the sign-in's return path is an address inside an address) can alter the text.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReviewDraft {
    pub rating: String,
    pub body: String,
    pub visited_on: Option<String>,
}

impl ReviewDraft {
    #[cfg(feature = "ssr")]
    fn encode(&self) -> String {
        super::encode_draft(self)
    }

    /// The draft in an address's `draft` parameter (pages render on the server only).
    pub fn decode(text: &str) -> Option<ReviewDraft> {
        super::decode_draft(text)
    }
}

/// A reply's text in the address after its form was refused (as [`ReviewDraft`]).
#[cfg(feature = "ssr")]
fn encode_text(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text.as_bytes())
}

/// The text of an address's `reply` parameter.
pub fn decode_text(text: &str) -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim())
            .ok()?;
        String::from_utf8(bytes).ok()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = text;
        None
    }
}

/// The `error` code in a page's address after a plain form failed, from the error.
#[cfg(feature = "ssr")]
fn code(error: &AppError) -> String {
    super::error_code(error)
}

/// The translation key of a review form's error code (`?review_error=…`).
pub fn review_error_key(code: &str) -> &'static str {
    match code {
        "invalid-rating" => "review.error.rating",
        "invalid-body" => "review.error.too_long",
        "invalid-reply" => "review.error.reply_empty",
        "invalid-visited_on" => "review.error.visit_date",
        "invalid-account" => "review.error.account_too_new",
        "invalid-reason" => "report.error.reason",
        "invalid-reason_long" => "moderation.error.reason_long",
        "invalid-details_long" => "report.error.too_long",
        "invalid-hidden_reply" => "inbox.error.hidden_reply",
        "invalid-details" => "report.error.details",
        "invalid-report" => "report.error.twice",
        "forbidden" => "review.error.own_shop",
        "rate-limited" => "error.rate_limited",
        "not-found" => "review.error.gone",
        "unauthorized" => "error.unauthorized",
        _ => "error.internal",
    }
}

#[cfg(feature = "ssr")]
use super::{from_field, invalid};

/// Writes (or rewrites) the signed-in account's review of shop `slug`: `rating` 1–5, `body` up
/// to 1 000 characters, `visited_on` (`YYYY-MM-DD`) optional. Returns the review's status
/// (`published`, or `held` for a moderator).
#[server(prefix = "/api", endpoint = "reviews/save")]
pub async fn save_review(
    slug: String,
    rating: String,
    body: String,
    visited_on: Option<String>,
) -> Result<String, AppError> {
    let result = super::with_status(save_inner(&slug, &rating, &body, visited_on.as_deref()).await);
    // Back to the shop page: the review shown (or its state), or the form as it was typed
    // (the text too, when the address can hold it: one too long for that is past the limit
    // anyway, and only its error comes back).
    let address = |with_body: bool| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        let form = |query: &mut form_urlencoded::Serializer<String>| {
            let draft = ReviewDraft {
                rating: rating.clone(),
                body: if with_body {
                    body.clone()
                } else {
                    String::new()
                },
                visited_on: visited_on.clone().filter(|d| !d.is_empty()),
            };
            query.append_pair("draft", &draft.encode());
        };
        match &result {
            Ok(status) => {
                query.append_pair("review", status);
                if rating.trim() == "4" || rating.trim() == "5" {
                    query.append_pair("stars", rating.trim());
                }
                format!("/shops/{slug}?{}#my-review", query.finish())
            }
            Err(AppError::Unauthorized) => {
                form(&mut query);
                let back = format!("/shops/{slug}?{}#review-form", query.finish());
                let mut sign_in = form_urlencoded::Serializer::new(String::new());
                sign_in.append_pair("return_to", &back);
                format!("/sign-in?{}", sign_in.finish())
            }
            Err(error) => {
                query.append_pair("review_error", &code(error));
                form(&mut query);
                format!("/shops/{slug}?{}#review-form", query.finish())
            }
        }
    };
    let target = Some(address(true))
        .filter(|a| a.len() <= ADDRESS_MAX)
        .unwrap_or_else(|| address(false));
    if crate::domain::slugs::is_valid(&slug) {
        super::redirect_plain_form(Some(&target));
    }
    result
}

#[cfg(feature = "ssr")]
async fn save_inner(
    slug: &str,
    rating: &str,
    body: &str,
    visited_on: Option<&str>,
) -> Result<String, AppError> {
    use crate::domain::authz::Action;
    use crate::domain::reviews::{self as rules, ReviewStatus};
    use crate::server::access::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let shop = shop_or_404(&state, &town, slug).await?;
    let (_, user) = state
        .authorize_user(&town, Action::ReviewShop(shop_ref(&shop)))
        .await?;
    let now = state.clock.now();
    let today = now
        .with_timezone(&crate::model::records::town_tz(&town))
        .date_naive();
    // Checked before it counts against the limit: a typo costs nothing.
    let review = rules::check_review(rating, body, visited_on, today).map_err(from_field)?;
    state
        .rate_limit(
            &format!("review:user:{}", user.id),
            REVIEWS_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    let settings = state
        .store
        .review_settings(town.id)
        .await
        .map_err(store_error("loading the review settings"))?;
    if settings.min_account_minutes > 0
        && now - user.created_at < chrono::TimeDelta::minutes(settings.min_account_minutes)
    {
        return Err(invalid("account", "review.error.account_too_new"));
    }
    let existing = state
        .store
        .user_review(shop.id, user.id)
        .await
        .map_err(store_error("loading a review"))?;
    let others = state
        .store
        .user_review_fingerprints(user.id, shop.id)
        .await
        .map_err(store_error("loading reviews"))?;
    let fingerprint = rules::fingerprint(&review.body);
    let first = others.is_empty() && existing.is_none();
    // Held for a moderator: what was hidden and is rewritten, a new account's first review
    // when the town asks for it (or when it carries a link), the same text as elsewhere.
    let hidden_before = state
        .store
        .hidden_before(shop.id, user.id)
        .await
        .map_err(store_error("loading moderation decisions"))?;
    let held = existing
        .as_ref()
        .is_some_and(|r| matches!(r.status, ReviewStatus::Hidden | ReviewStatus::Held))
        || hidden_before
        || (first && settings.hold_first)
        || rules::has_link(&review.body)
        || others
            .iter()
            .any(|other| rules::near_duplicate(other, &fingerprint));
    let status = if held {
        ReviewStatus::Held
    } else {
        ReviewStatus::Published
    };
    let (saved, new) = state
        .store
        .save_review(town.id, shop.id, user.id, &review, status, now)
        .await
        .map_err(|e| match e {
            crate::server::StoreError::Conflict(_) => AppError::Conflict(String::new()),
            other => AppError::internal("saving a review", other),
        })?
        .ok_or(AppError::NotFound)?;
    // A new review on the page: the team's phones hear of it (a held one is not announced,
    // nor, later, its publication by a moderator: the counter lists it then).
    if new && saved.status == ReviewStatus::Published {
        use crate::server::notices;
        let locale = state.settings.locale_of(&town);
        let notice = notices::town_notice(
            locale,
            locale.tf(
                "review.notice.new_title",
                &[
                    ("name", &shop.fields.name),
                    ("stars", &"★".repeat(usize::from(saved.content.rating))),
                ],
            ),
            &saved.content.body,
            format!("/counter/{}/reviews#review-{}", shop.slug, saved.id),
            format!("review-{}", saved.id),
        );
        notices::notify_team(
            &state,
            &town,
            crate::domain::messages::Recipient::Shop(shop.id),
            &notice,
        )
        .await;
    }
    Ok(saved.status.as_str().to_owned())
}

/// Deletes the signed-in account's review `review_id`; a plain form returns to `return_to`.
#[server(prefix = "/api", endpoint = "reviews/delete")]
pub async fn delete_review(review_id: i64, return_to: Option<String>) -> Result<(), AppError> {
    let result = super::with_status(delete_inner(review_id).await);
    if result.is_ok() {
        super::redirect_plain_form(return_to.as_deref());
    }
    result
}

#[cfg(feature = "ssr")]
async fn delete_inner(review_id: i64) -> Result<(), AppError> {
    use crate::domain::authz::Action;
    use crate::server::access::store_error;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let (_, user) = state.authorize_user(&town, Action::ManageAccount).await?;
    state
        .rate_limit(
            &format!("review:user:{}", user.id),
            REVIEWS_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    // Only a review of this town, by this account.
    let review = state
        .store
        .review_by_id(town.id, review_id)
        .await
        .map_err(store_error("loading a review"))?
        .filter(|r| r.user_id == user.id)
        .ok_or(AppError::NotFound)?;
    state
        .store
        .delete_review(user.id, review.id)
        .await
        .map_err(store_error("deleting a review"))?;
    Ok(())
}

/// The shop `slug`'s review `review_id`, if the signed-in actor may reply for the shop.
#[cfg(feature = "ssr")]
async fn reply_target(
    slug: &str,
    review_id: i64,
) -> Result<(crate::server::AppState, crate::server::Review, i64), AppError> {
    use crate::domain::authz::Action;
    use crate::server::access::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let shop = shop_or_404(&state, &town, slug).await?;
    let (_, user) = state
        .authorize_user(&town, Action::ReplyToReviews(shop_ref(&shop)))
        .await?;
    // A review of another shop is "not found", whoever asks.
    let review = state
        .store
        .review_by_id(town.id, review_id)
        .await
        .map_err(store_error("loading a review"))?
        .filter(|r| r.shop_id == shop.id)
        .ok_or(AppError::NotFound)?;
    state
        .rate_limit(
            &format!("reply:user:{}", user.id),
            REPLIES_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    Ok((state, review, user.id))
}

/// Where the counter's reviews are, with what happened.
#[cfg(feature = "ssr")]
fn back_to_inbox(slug: &str, review_id: i64, result: &Result<(), AppError>, body: Option<&str>) {
    let mut query = form_urlencoded::Serializer::new(String::new());
    match result {
        Ok(()) => {
            query.append_pair("replied", &review_id.to_string());
        }
        Err(error) => {
            query.append_pair("reply_error", &code(error));
            query.append_pair("review", &review_id.to_string());
            if let Some(body) = body.filter(|b| !b.is_empty() && b.len() * 2 <= ADDRESS_MAX) {
                query.append_pair("reply", &encode_text(body));
            }
        }
    }
    if crate::domain::slugs::is_valid(slug) {
        super::redirect_plain_form(Some(&format!(
            "/counter/{slug}/reviews?{}#review-{review_id}",
            query.finish()
        )));
    }
}

/// Writes or replaces the public reply of shop `slug` to one of its reviews.
#[server(prefix = "/api", endpoint = "reviews/reply")]
pub async fn save_reply(slug: String, review_id: i64, body: String) -> Result<(), AppError> {
    let result = super::with_status(reply_inner(&slug, review_id, &body).await);
    back_to_inbox(&slug, review_id, &result, Some(&body));
    result
}

#[cfg(feature = "ssr")]
async fn reply_inner(slug: &str, review_id: i64, body: &str) -> Result<(), AppError> {
    use crate::server::access::store_error;

    let text = crate::domain::reviews::check_reply(body).map_err(from_field)?;
    let (state, review, user_id) = reply_target(slug, review_id).await?;
    let reply = state
        .store
        .save_reply(review.id, &text, user_id, state.clock.now())
        .await
        .map_err(store_error("saving a reply"))?
        .ok_or(AppError::NotFound)?;
    // A first reply reaches the reviewer's phones (an edit does not ring again). The reply is
    // saved: a failure here is logged, not the reply's.
    if reply.edited_at.is_none() {
        notify_reviewer(&state, &review, &reply.body, slug).await;
    }
    Ok(())
}

/// Tells a reviewer's phones that the shop replied.
#[cfg(feature = "ssr")]
async fn notify_reviewer(
    state: &crate::server::AppState,
    review: &crate::server::Review,
    reply: &str,
    slug: &str,
) {
    use crate::server::notices;
    let Ok(town) = state.town().await else {
        return;
    };
    let shop_name = match state.store.shops_by_ids(town.id, &[review.shop_id]).await {
        Ok(shops) => shops
            .into_iter()
            .next()
            .map(|shop| shop.fields.name)
            .unwrap_or_default(),
        Err(error) => {
            tracing::warn!(%error, "loading a shop to notify a reviewer");
            return;
        }
    };
    let locale = state.settings.locale_of(&town);
    let notice = notices::town_notice(
        locale,
        locale.tf("review.notice.reply_title", &[("name", &shop_name)]),
        reply,
        format!("/shops/{slug}#review-{}", review.id),
        format!("reply-{}", review.id),
    );
    notices::notify_user(state, &town, review.user_id, &notice).await;
}

/// Deletes the reply of shop `slug` to one of its reviews.
#[server(prefix = "/api", endpoint = "reviews/reply/delete")]
pub async fn delete_reply(slug: String, review_id: i64) -> Result<(), AppError> {
    let result = super::with_status(delete_reply_inner(&slug, review_id).await);
    back_to_inbox(&slug, review_id, &result, None);
    result
}

#[cfg(feature = "ssr")]
async fn delete_reply_inner(slug: &str, review_id: i64) -> Result<(), AppError> {
    let (state, review, _) = reply_target(slug, review_id).await?;
    let deleted = state
        .store
        .delete_reply(review.id)
        .await
        .map_err(crate::server::access::store_error("deleting a reply"))?;
    // A reply a moderator hid stays until they restore it.
    if !deleted && review.reply.is_some_and(|r| r.hidden_reason.is_some()) {
        return Err(invalid("hidden_reply", "inbox.error.hidden_reply"));
    }
    Ok(())
}

/// The town's review `review_id` and the shop it is about, or "not found".
#[cfg(feature = "ssr")]
async fn review_and_shop(
    state: &crate::server::AppState,
    town: &crate::server::Town,
    review_id: i64,
) -> Result<(crate::server::Review, crate::server::Shop), AppError> {
    use crate::server::access::store_error;
    let review = state
        .store
        .review_by_id(town.id, review_id)
        .await
        .map_err(store_error("loading a review"))?
        .ok_or(AppError::NotFound)?;
    let shop = state
        .store
        .shops_by_ids(town.id, &[review.shop_id])
        .await
        .map_err(store_error("loading a shop"))?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok((review, shop))
}

/// A published review and its shop, from its id (reports and "useful" name reviews only).
#[cfg(feature = "ssr")]
async fn published_review(
    state: &crate::server::AppState,
    review_id: i64,
) -> Result<(crate::server::Review, crate::server::Shop), AppError> {
    let town = state.town().await?;
    let (review, shop) = review_and_shop(state, &town, review_id).await?;
    if review.status != crate::server::ReviewStatus::Published {
        return Err(AppError::NotFound);
    }
    Ok((review, shop))
}

/// The town's shops by id: (name, slug), for lists of reviews across shops.
#[cfg(feature = "ssr")]
fn shop_names(shops: &[crate::server::Shop]) -> std::collections::HashMap<i64, (&str, &str)> {
    shops
        .iter()
        .map(|s| (s.id, (s.fields.name.as_str(), s.slug.as_str())))
        .collect()
}

/// Marks a review useful from this device (once; no account needed).
#[server(prefix = "/api", endpoint = "reviews/useful")]
pub async fn mark_review_useful(review_id: i64) -> Result<(), AppError> {
    let result = super::with_status(useful_inner(review_id).await);
    if let Ok(slug) = &result {
        super::redirect_plain_form(Some(&format!("/shops/{slug}#review-{review_id}")));
    }
    result.map(|_| ())
}

#[cfg(feature = "ssr")]
async fn useful_inner(review_id: i64) -> Result<String, AppError> {
    use crate::server::{device, AppState};
    let state = AppState::from_context()?;
    state
        .rate_limit(
            &format!("useful:client:{}", state.client_key()),
            USEFUL_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    let (review, shop) = published_review(&state, review_id).await?;
    let profile = device::ensure_profile(&state).await?;
    state
        .store
        .mark_useful(review.id, profile, state.clock.now())
        .await
        .map_err(crate::server::access::store_error(
            "marking a review useful",
        ))?;
    Ok(shop.slug)
}

/// Reports a review (`part = "review"`) or the shop's reply to it (`"reply"`) to the
/// moderators, from this device: `reason` is one of `insult`, `personal_data`, `spam`,
/// `conflict_of_interest`, `off_topic`, `other` (which needs `details`).
#[server(prefix = "/api", endpoint = "reviews/report")]
pub async fn report_review(
    review_id: i64,
    part: String,
    reason: String,
    details: Option<String>,
) -> Result<(), AppError> {
    let result =
        super::with_status(report_inner(review_id, &part, &reason, details.as_deref()).await);
    match &result {
        Ok(slug) => super::redirect_plain_form(Some(&format!(
            "/shops/{slug}?reported={review_id}#review-{review_id}"
        ))),
        Err(error) => super::redirect_plain_form(Some(&format!(
            "/reviews/{review_id}/report?part={}&error={}",
            if part == "reply" { "reply" } else { "review" },
            code(error)
        ))),
    }
    result.map(|_| ())
}

#[cfg(feature = "ssr")]
async fn report_inner(
    review_id: i64,
    part: &str,
    reason: &str,
    details: Option<&str>,
) -> Result<String, AppError> {
    use crate::domain::reviews::{check_report, ReviewPart};
    use crate::server::{device, AppState};

    let state = AppState::from_context()?;
    let part = ReviewPart::parse(part).ok_or_else(|| invalid("part", "report.error.reason"))?;
    let (reason, details) =
        check_report(reason, details.unwrap_or_default()).map_err(from_field)?;
    state
        .rate_limit(
            &format!("report:client:{}", state.client_key()),
            REPORTS_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    let (review, shop) = published_review(&state, review_id).await?;
    if part == ReviewPart::Reply && review.reply.is_none() {
        return Err(AppError::NotFound);
    }
    let profile = device::ensure_profile(&state).await?;
    let new = state
        .store
        .report_review(
            review.id,
            part,
            reason,
            &details,
            profile,
            state.clock.now(),
        )
        .await
        .map_err(crate::server::access::store_error("saving a report"))?;
    if !new {
        return Err(invalid("report", "report.error.twice"));
    }
    Ok(shop.slug)
}

/// A shop's reviews on its counter (`unanswered`: only those without a reply).
#[server(prefix = "/api", endpoint = "counter/reviews")]
pub async fn get_review_inbox(slug: String, unanswered: bool) -> Result<ReviewInbox, AppError> {
    super::with_status(inbox_inner(&slug, unanswered).await)
}

#[cfg(feature = "ssr")]
async fn inbox_inner(slug: &str, unanswered: bool) -> Result<ReviewInbox, AppError> {
    use crate::domain::authz::Action;
    use crate::model::records::*;
    use crate::server::access::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let (town, shop, _) = authorized_shop(&state, slug, Action::ReplyToReviews).await?;
    let tz = town_tz(&town);
    let month_start = month_start(state.clock.now(), tz);
    let stats = state
        .store
        .review_stats(shop.id, month_start)
        .await
        .map_err(store_error("counting reviews"))?;
    let reviews = state
        .store
        .review_inbox(shop.id, unanswered, 100)
        .await
        .map_err(store_error("loading reviews"))?;
    let unanswered_count = stats.summary.count - stats.replied;
    Ok(ReviewInbox {
        summary: review_summary_view(&stats.summary),
        reviews: reviews
            .iter()
            .map(|r| review_view(r, (&shop.fields.name, &shop.slug), false, true, tz))
            .collect(),
        unanswered: unanswered_count.max(0),
        this_month: stats.this_month,
        reply_rate: stats.reply_rate(),
        median_reply_hours: stats.median_reply.map(|d| d.num_hours()),
        only_unanswered: unanswered,
    })
}

/// The reviews that wait for a moderator among those the actor may moderate (a steward: the
/// shops of their districts; an admin: the town), and, for admins, the decisions' log.
#[server(prefix = "/api", endpoint = "moderation")]
pub async fn get_moderation() -> Result<ModerationView, AppError> {
    super::with_status(moderation_inner().await)
}

#[cfg(feature = "ssr")]
async fn moderation_inner() -> Result<ModerationView, AppError> {
    use crate::domain::authz::{allows, Action, Actor};
    use crate::model::records::*;
    use crate::model::{DecisionView, ModerationItemView, ReportView};
    use crate::server::access::store_error;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let actor = state.actor(&town).await?;
    if actor == Actor::Anonymous {
        return Err(AppError::Unauthorized);
    }
    let shops = state
        .store
        .shops(town.id, &crate::server::ShopFilter::default())
        .await
        .map_err(store_error("loading shops"))?;
    // The whole town, or the shops of the districts whose queue the actor may see.
    let scope: Option<Vec<i64>> = if allows(&actor, Action::ViewModerationQueue(None)) {
        None
    } else if actor.roles().is_some_and(|r| !r.districts.is_empty()) {
        Some(
            shops
                .iter()
                .filter(|s| {
                    s.district_id
                        .is_some_and(|d| allows(&actor, Action::ViewModerationQueue(Some(d))))
                })
                .map(|s| s.id)
                .collect(),
        )
    } else {
        return Err(AppError::Forbidden);
    };
    let tz = town_tz(&town);
    let names = shop_names(&shops);
    let queue = state
        .store
        .moderation_queue(town.id, scope.as_deref())
        .await
        .map_err(store_error("loading the moderation queue"))?;
    let mut items = Vec::with_capacity(queue.len());
    for item in queue {
        let versions = state
            .store
            .review_versions(item.review.id)
            .await
            .map_err(store_error("loading a review's versions"))?
            .into_iter()
            .map(|v| v.content.body)
            .collect();
        let shop = names.get(&item.review.shop_id).copied().unwrap_or(("", ""));
        items.push(ModerationItemView {
            review: review_view(&item.review, shop, false, true, tz),
            reports: item
                .reports
                .iter()
                .map(|r| ReportView {
                    part: r.part.as_str().into(),
                    reason: r.reason.as_str().into(),
                    details: r.details.clone(),
                    date: calendar_day(r.created_at, tz),
                })
                .collect(),
            versions,
        });
    }
    let log = if allows(&actor, Action::ViewModerationLog) {
        let decisions = state
            .store
            .moderation_log(town.id, 200)
            .await
            .map_err(store_error("loading the moderation log"))?;
        Some(
            decisions
                .iter()
                .map(|d| DecisionView {
                    date: calendar_day(d.created_at, tz),
                    time: d.created_at.with_timezone(&tz).format("%H:%M").to_string(),
                    moderator: d.actor_email.clone().unwrap_or_default(),
                    shop_name: d
                        .shop_id
                        .and_then(|id| names.get(&id))
                        .map(|(name, _)| (*name).to_owned())
                        .unwrap_or_default(),
                    part: d.part.as_str().into(),
                    action: d.action.as_str().into(),
                    reason: d.reason.clone(),
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(ModerationView { items, log })
}

/// A moderator's decision on review `review_id` or its reply (`part`): `action` is `hide`
/// (with `reason`, shown to the author), `restore`, `publish` or `dismiss`.
#[server(prefix = "/api", endpoint = "moderation/decide")]
pub async fn moderate_review(
    review_id: i64,
    part: String,
    action: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    let result =
        super::with_status(moderate_inner(review_id, &part, &action, reason.as_deref()).await);
    let target = match &result {
        Ok(()) => format!("/moderation?done={review_id}"),
        Err(error) => format!("/moderation?error={}#review-{review_id}", code(error)),
    };
    super::redirect_plain_form(Some(&target));
    result
}

#[cfg(feature = "ssr")]
async fn moderate_inner(
    review_id: i64,
    part: &str,
    action: &str,
    reason: Option<&str>,
) -> Result<(), AppError> {
    use crate::domain::authz::Action;
    use crate::domain::reviews::{check_reason, ModerationAction, ReviewPart};
    use crate::server::access::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let part = ReviewPart::parse(part).ok_or_else(|| invalid("part", "error.form"))?;
    let action = ModerationAction::parse(action).ok_or_else(|| invalid("action", "error.form"))?;
    let (review, shop) = review_and_shop(&state, &town, review_id).await?;
    let (_, user) = state
        .authorize_user(&town, Action::ModerateReviews(shop_ref(&shop)))
        .await?;
    // Nobody decides on their own review (a steward may review a shop of their district).
    if review.user_id == user.id {
        return Err(AppError::Forbidden);
    }
    // Hiding says why (the author is told); the other decisions may say it.
    let reason = match (action, reason.map(str::trim).filter(|r| !r.is_empty())) {
        (ModerationAction::Hide, text) => {
            check_reason(text.unwrap_or_default()).map_err(from_field)?
        }
        (_, Some(text)) => check_reason(text).map_err(from_field)?,
        (_, None) => String::new(),
    };
    state
        .rate_limit(
            &format!("moderate:user:{}", user.id),
            DECISIONS_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    let done = state
        .store
        .moderate(
            town.id,
            review.id,
            &crate::server::NewDecision {
                part,
                action,
                reason,
                actor_user_id: user.id,
            },
            state.clock.now(),
        )
        .await
        .map_err(store_error("saving a moderation decision"))?;
    if !done {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The signed-in account's reviews in the town and the name they are signed with.
#[server(prefix = "/api", endpoint = "account/reviews")]
pub async fn get_my_reviews() -> Result<MyReviews, AppError> {
    super::with_status(my_reviews_inner().await)
}

#[cfg(feature = "ssr")]
async fn my_reviews_inner() -> Result<MyReviews, AppError> {
    use crate::domain::authz::Action;
    use crate::model::records::*;
    use crate::server::access::store_error;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let (_, user) = state.authorize_user(&town, Action::ManageAccount).await?;
    let tz = town_tz(&town);
    let reviews = state
        .store
        .user_reviews(town.id, user.id)
        .await
        .map_err(store_error("loading reviews"))?;
    let shops = state
        .store
        .shops(town.id, &crate::server::ShopFilter::default())
        .await
        .map_err(store_error("loading shops"))?;
    let names = shop_names(&shops);
    let chosen = state
        .store
        .display_name(user.id)
        .await
        .map_err(store_error("loading the display name"))?;
    Ok(MyReviews {
        chosen: chosen.is_some(),
        display_name: chosen
            .unwrap_or_else(|| crate::domain::reviews::default_display_name(&user.email)),
        reviews: reviews
            .iter()
            .map(|r| {
                let shop = names.get(&r.shop_id).copied().unwrap_or(("", ""));
                review_view(r, shop, false, false, tz)
            })
            .collect(),
    })
}

/// Changes the name the signed-in account's reviews are signed with (empty: back to the
/// default, the part of the e-mail before `@`).
#[server(prefix = "/api", endpoint = "account/name")]
pub async fn set_display_name(display_name: String) -> Result<(), AppError> {
    let result = super::with_status(name_inner(&display_name).await);
    let target = match &result {
        Ok(()) => "/account?name=saved#my-reviews".to_owned(),
        Err(error) => format!("/account?name_error={}#my-reviews", code(error)),
    };
    super::redirect_plain_form(Some(&target));
    result
}

#[cfg(feature = "ssr")]
async fn name_inner(display_name: &str) -> Result<(), AppError> {
    use crate::domain::authz::Action;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let name = crate::domain::reviews::check_display_name(display_name).map_err(from_field)?;
    let (_, user) = state.authorize_user(&town, Action::ManageAccount).await?;
    state
        .rate_limit(
            &format!("name:user:{}", user.id),
            NAMES_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    state
        .store
        .set_display_name(user.id, name.as_deref())
        .await
        .map_err(crate::server::access::store_error(
            "saving the display name",
        ))
}

/// The reviews part of a shop's page: figures, the first `pages` pages of published reviews,
/// and what the visitor may do. Also returns the domain records for the structured data.
#[cfg(feature = "ssr")]
pub(super) async fn shop_reviews(
    state: &crate::server::AppState,
    town: &crate::server::Town,
    shop: &crate::server::Shop,
    pages: u32,
) -> Result<
    (
        crate::model::ShopReviews,
        crate::domain::reviews::ReviewSummary,
        Vec<crate::server::Review>,
    ),
    AppError,
> {
    use crate::domain::authz::{allows, Action, Actor};
    use crate::domain::reviews::PAGE_SIZE;
    use crate::model::records::*;
    use crate::model::{ReviewAccess, ShopReviews};
    use crate::server::access::*;
    use crate::server::device;

    let tz = town_tz(town);
    let pages = pages.clamp(1, 20);
    let shown = PAGE_SIZE * i64::from(pages);
    let summary = state
        .store
        .review_summary(shop.id)
        .await
        .map_err(store_error("counting reviews"))?;
    // One more than shown tells whether there are more.
    let mut reviews = state
        .store
        .shop_reviews(shop.id, 0, shown + 1)
        .await
        .map_err(store_error("loading reviews"))?;
    let more = reviews.len() as i64 > shown;
    reviews.truncate(usize::try_from(shown).unwrap_or(0));
    let session = state.session().await?;
    let actor = state.actor(town).await?;
    let access = match &actor {
        Actor::Anonymous => ReviewAccess::SignIn,
        actor if allows(actor, Action::ReviewShop(shop_ref(shop))) => ReviewAccess::Allowed,
        _ => ReviewAccess::OwnShop,
    };
    let (mine, display_name) = match &session {
        Some(session) => {
            let mine = state
                .store
                .user_review(shop.id, session.user.id)
                .await
                .map_err(store_error("loading a review"))?;
            let name = state
                .store
                .display_name(session.user.id)
                .await
                .map_err(store_error("loading the display name"))?
                .unwrap_or_else(|| {
                    crate::domain::reviews::default_display_name(&session.user.email)
                });
            (mine, Some(name))
        }
        None => (None, None),
    };
    // What this device marked useful (no profile is created for reading).
    let marked = match device::current_profile(state).await? {
        Some(profile) => {
            let ids: Vec<i64> = reviews.iter().map(|r| r.id).collect();
            state
                .store
                .useful_marks(profile, &ids)
                .await
                .map_err(store_error("loading useful marks"))?
        }
        None => Vec::new(),
    };
    let names = (shop.fields.name.as_str(), shop.slug.as_str());
    let view = ShopReviews {
        summary: review_summary_view(&summary),
        reviews: reviews
            .iter()
            .map(|r| review_view(r, names, marked.contains(&r.id), false, tz))
            .collect(),
        more_pages: more.then_some(pages + 1),
        access,
        mine: mine
            .as_ref()
            .map(|r| review_view(r, names, false, false, tz)),
        display_name,
        google_review_url: shop.listings.google_review_url(),
        today: state
            .clock
            .now()
            .with_timezone(&tz)
            .format("%Y-%m-%d")
            .to_string(),
    };
    Ok((view, summary, reviews))
}
