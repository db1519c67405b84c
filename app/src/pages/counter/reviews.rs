//! `/counter/:slug/reviews`: the shop's reviews for its team — figures, the ones to answer,
//! one public reply per review (write, edit, delete). Plain forms, rendered on the server.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::reviews::{get_review_inbox, review_error_key, DeleteReply, SaveReply};
use crate::components::reviews::{ReviewItem, ReviewSummaryBlock};
use crate::i18n::use_locale;
use crate::model::{ReviewInbox, ReviewView};
use crate::pages::Loaded;

#[component]
pub fn CounterReviewsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let key = move || {
        (
            slug(),
            query.with(|q| q.get("filter").as_deref() == Some("unanswered")),
        )
    };
    let inbox = Resource::new(key, |(slug, unanswered)| get_review_inbox(slug, unanswered));
    let sign_in_to = Signal::derive(move || format!("/counter/{}/reviews", slug()));
    view! {
        <Meta name="robots" content="noindex"/>
        <Loaded resource=inbox sign_in_to let:inbox>
            <InboxContent inbox slug=slug()/>
        </Loaded>
    }
}

#[component]
fn InboxContent(inbox: ReviewInbox, slug: String) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let (replied, error, error_review, typed) = query.with_untracked(|q| {
        (
            q.get("replied").and_then(|id| id.parse::<i64>().ok()),
            q.get("reply_error"),
            q.get("review").and_then(|id| id.parse::<i64>().ok()),
            q.get("reply")
                .and_then(|r| crate::api::reviews::decode_text(&r))
                .unwrap_or_default(),
        )
    });
    let base = format!("/counter/{slug}/reviews");
    let ReviewInbox {
        summary,
        reviews,
        unanswered,
        this_month,
        reply_rate,
        median_reply_hours,
        only_unanswered,
    } = inbox;
    view! {
        <Title text=locale.t("inbox.title")/>
        <section class="page counter-reviews">
            <p class="eyebrow"><a href=format!("/counter/{slug}")>{locale.t("counter.title")}</a></p>
            <h1>{locale.t("inbox.title")}</h1>
            {replied.map(|_| view! { <p class="notice success" role="status">{locale.t("inbox.replied")}</p> })}
            <ReviewSummaryBlock summary/>
            <dl class="stats">
                <div><dt>{locale.t("inbox.to_answer")}</dt><dd>{unanswered}</dd></div>
                <div><dt>{locale.t("inbox.this_month")}</dt><dd>{this_month}</dd></div>
                <div><dt>{locale.t("inbox.reply_rate")}</dt><dd>{reply_rate.map_or("—".to_owned(), |r| format!("{r} %"))}</dd></div>
                <div><dt>{locale.t("inbox.median_reply")}</dt><dd>{median_reply_hours.map_or("—".to_owned(), |h| locale.plural("inbox.hours", h))}</dd></div>
            </dl>
            <nav class="filter-links" aria-label=locale.t("inbox.filter")>
                <a href=base.clone() aria-current=(!only_unanswered).then_some("page")>{locale.t("inbox.all")}</a>
                " · "
                <a href=format!("{base}?filter=unanswered") aria-current=only_unanswered.then_some("page")>{locale.t("inbox.unanswered")}</a>
            </nav>
            {if reviews.is_empty() {
                view! { <p class="muted">{locale.t(if only_unanswered { "inbox.all_answered" } else { "review.none_yet" })}</p> }.into_any()
            } else {
                view! {
                    <ol class="review-list" role="list">
                        {reviews.into_iter().map(|review| {
                            let failed = (error_review == Some(review.id)).then(|| error.clone()).flatten();
                            let typed = if failed.is_some() { Some(typed.clone()) } else { None };
                            view! { <li><InboxItem review slug=slug.clone() error=failed typed/></li> }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// A review with the shop's reply form (and the reply's deletion).
#[component]
fn InboxItem(
    review: ReviewView,
    slug: String,
    error: Option<String>,
    typed: Option<String>,
) -> impl IntoView {
    let locale = use_locale();
    let id = review.id;
    let current = review.reply.as_ref().map(|r| r.body.clone());
    let has_reply = current.is_some();
    let text = typed.or(current).unwrap_or_default();
    let field = format!("reply-{id}");
    let error_id = format!("reply-error-{id}");
    view! {
        <ReviewItem review team_view=true>
            <form method="post" action=SaveReply::url() class="reply-form">
                <input type="hidden" name="slug" value=slug.clone()/>
                <input type="hidden" name="review_id" value=id/>
                <label for=field.clone()>{locale.t(if has_reply { "inbox.edit_reply" } else { "inbox.reply" })}</label>
                {error.map(|code| view! {
                    <p class="notice error" id=error_id.clone() role="alert">
                        {locale.t(if code == "forbidden" { "error.forbidden" } else { review_error_key(&code) })}
                    </p>
                })}
                <textarea id=field name="body" rows="3" required>{crate::components::textarea_text(&text)}</textarea>
                <button type="submit" class="button small">{locale.t(if has_reply { "inbox.save_reply" } else { "inbox.send_reply" })}</button>
            </form>
            {has_reply.then(|| view! {
                <form method="post" action=DeleteReply::url() class="inline-form">
                    <input type="hidden" name="slug" value=slug.clone()/>
                    <input type="hidden" name="review_id" value=id/>
                    <button type="submit" class="button small secondary">{locale.t("inbox.delete_reply")}</button>
                </form>
            })}
        </ReviewItem>
    }
}
