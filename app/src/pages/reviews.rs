//! Reviews on a shop's page (figures, the form, the latest reviews with their replies), the
//! report form (`/reviews/:id/report`) and the account's own reviews. Plain HTML forms: they
//! work without JavaScript and add no code to a resident's page.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::reviews::{
    review_error_key, DeleteReview, MarkReviewUseful, ReportReview, ReviewDraft, SaveReview,
    SetDisplayName,
};
use crate::components::reviews::{ReviewItem, ReviewSummaryBlock};
use crate::i18n::use_locale;
use crate::model::{MyReviews, ReviewAccess, ShopReviews};

/// What the address says after a review form was sent (plain form, no JavaScript).
#[derive(Clone, Default)]
struct FormEcho {
    rating: Option<String>,
    body: String,
    visited_on: Option<String>,
    error: Option<String>,
    saved: Option<String>,
    stars: Option<String>,
    reported: Option<i64>,
}

fn form_echo() -> FormEcho {
    let query = use_query_map();
    let draft = query.with_untracked(|q| q.get("draft").and_then(|d| ReviewDraft::decode(&d)));
    query.with_untracked(|q| FormEcho {
        rating: draft.as_ref().map(|d| d.rating.clone()),
        body: draft.as_ref().map(|d| d.body.clone()).unwrap_or_default(),
        visited_on: draft.and_then(|d| d.visited_on),
        error: q.get("review_error"),
        saved: q.get("review"),
        stars: q.get("stars"),
        reported: q.get("reported").and_then(|id| id.parse().ok()),
    })
}

/// The reviews part of a shop page.
#[component]
pub fn ShopReviewsSection(reviews: ShopReviews, slug: String, shop_name: String) -> impl IntoView {
    let locale = use_locale();
    let echo = form_echo();
    let ShopReviews {
        summary,
        reviews: list,
        more_pages,
        access,
        mine,
        display_name,
        google_review_url,
        today,
    } = reviews;
    // The form starts from what was just typed, else from the account's own review.
    let (rating, body, visited_on) = match (&echo.rating, &mine) {
        (Some(rating), _) => (
            rating.clone(),
            echo.body.clone(),
            echo.visited_on.clone().unwrap_or_default(),
        ),
        (None, Some(mine)) => (
            mine.rating.to_string(),
            mine.body.clone(),
            mine.visited_on
                .as_ref()
                .map(|d| d.iso.clone())
                .unwrap_or_default(),
        ),
        (None, None) => (String::new(), String::new(), String::new()),
    };
    let saved = echo.saved.clone();
    let share_google = google_review_url.clone().filter(|_| {
        matches!(echo.stars.as_deref(), Some("4" | "5")) && saved.as_deref() == Some("published")
    });
    let first_new = more_pages.map(|_| list.len());
    let page_path = format!("/shops/{slug}");
    view! {
        <section class="shop-reviews" id="reviews" aria-labelledby="reviews-title">
            <h2 id="reviews-title">{locale.t("review.title")}</h2>
            <ReviewSummaryBlock summary=summary/>

            {saved.map(|status| view! {
                <div class="notice success" id="my-review" role="status" tabindex="-1">
                    <p>{locale.t(if status == "held" { "review.saved_held" } else { "review.saved" })}</p>
                    {share_google.clone().map(|url| view! {
                        <p><a class="button secondary" href=url rel="noopener nofollow">{locale.t("review.share_google")}</a></p>
                    })}
                </div>
            })}
            {mine.clone().filter(|m| m.status != "published").map(|m| view! {
                <p class="notice warning">
                    {if m.status == "hidden" {
                        locale.tf("review.mine_hidden", &[("reason", &m.status_reason.clone().unwrap_or_default())])
                    } else {
                        locale.t("review.mine_held")
                    }}
                </p>
            })}

            {match access {
                ReviewAccess::OwnShop => view! { <p class="muted">{locale.t("review.own_shop")}</p> }.into_any(),
                access => view! {
                    <ReviewForm
                        slug=slug.clone()
                        shop_name=shop_name.clone()
                        signed_in=access == ReviewAccess::Allowed
                        editing=mine.is_some()
                        display_name=display_name.clone()
                        rating body visited_on today
                        error=echo.error.clone()
                    />
                }.into_any(),
            }}
            {mine.clone().map(|m| view! {
                <form method="post" action=DeleteReview::url() class="inline-form">
                    <input type="hidden" name="review_id" value=m.id/>
                    <input type="hidden" name="return_to" value=format!("{page_path}#reviews")/>
                    <button type="submit" class="button small secondary">{locale.t("review.delete")}</button>
                </form>
            })}

            {(!list.is_empty()).then(|| view! {
                <h3 class="visually-hidden">{locale.t("review.latest")}</h3>
                <ol class="review-list" role="list">
                    {list.into_iter().enumerate().map(|(i, review)| {
                        let id = review.id;
                        let marked = review.marked_useful;
                        let reported = echo.reported == Some(id);
                        let has_reply = review.reply.as_ref().is_some_and(|r| r.hidden_reason.is_none());
                        let slug = slug.clone();
                        view! {
                            <li class=if Some(i) == first_new { "review-first-new" } else { "" }>
                                <ReviewItem review=review>
                                    {if marked {
                                        view! { <p class="muted">{locale.t("review.marked_useful")}</p> }.into_any()
                                    } else {
                                        view! {
                                            <form method="post" action=MarkReviewUseful::url() class="inline-form">
                                                <input type="hidden" name="review_id" value=id/>
                                                <button type="submit" class="button small secondary">{locale.t("review.useful")}</button>
                                            </form>
                                        }.into_any()
                                    }}
                                    {if reported {
                                        view! { <p class="muted" role="status">{locale.t("report.sent")}</p> }.into_any()
                                    } else {
                                        view! {
                                            <a class="review-report" href=format!("/reviews/{id}/report?part=review&shop={slug}")>{locale.t("report.link")}</a>
                                            {has_reply.then(|| view! {
                                                " · " <a class="review-report" href=format!("/reviews/{id}/report?part=reply&shop={slug}")>{locale.t("report.link_reply")}</a>
                                            })}
                                        }.into_any()
                                    }}
                                </ReviewItem>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            })}
            {more_pages.map(|page| view! {
                <p><a class="button secondary" href=format!("{page_path}?reviews={page}#review-more")>{locale.t("review.more")}</a></p>
            })}
            <span id="review-more"></span>
        </section>
    }
}

/// The review form: the rating as five radio buttons, the text, the visit date.
#[component]
fn ReviewForm(
    slug: String,
    shop_name: String,
    signed_in: bool,
    editing: bool,
    display_name: Option<String>,
    rating: String,
    body: String,
    visited_on: String,
    today: String,
    error: Option<String>,
) -> impl IntoView {
    let locale = use_locale();
    let error_text = error
        .as_deref()
        .map(|code| locale.t(review_error_key(code)));
    let described = error_text.as_ref().map(|_| "review-error");
    view! {
        <form method="post" action=SaveReview::url() class="review-form" id="review-form">
            <h3>{if editing { locale.t("review.edit_title") } else { locale.tf("review.form_title", &[("name", &shop_name)]) }}</h3>
            {error_text.map(|text| view! { <p class="notice error" id="review-error" role="alert">{text}</p> })}
            <input type="hidden" name="slug" value=slug/>
            <fieldset class="rating-input" aria-describedby=described>
                <legend>{locale.t("review.rating")}</legend>
                {(1..=5u8).rev().map(|n| {
                    let id = format!("rating-{n}");
                    view! {
                        <input type="radio" id=id.clone() name="rating" value=n checked=rating == n.to_string() required/>
                        <label for=id>
                            <span aria-hidden="true">{"★".repeat(usize::from(n))}</span>
                            " " {locale.t(&format!("review.rating_{n}"))}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label for="review-body">{locale.t("review.body")}</label>
            <textarea id="review-body" name="body" rows="5" aria-describedby="review-body-hint">{crate::components::textarea_text(&body)}</textarea>
            <p class="hint" id="review-body-hint">{locale.t("review.body_hint")}</p>
            <label for="review-visited">{locale.t("review.visited")}</label>
            <input type="date" id="review-visited" name="visited_on" value=visited_on max=today/>
            <p class="hint">
                {if signed_in {
                    locale.tf("review.signed_as", &[("name", &display_name.unwrap_or_default())])
                } else {
                    locale.t("review.sign_in_first")
                }}
                {signed_in.then(|| view! { " " <a href="/account#my-reviews">{locale.t("review.change_name")}</a> })}
            </p>
            <button type="submit" class="button">{if editing { locale.t("review.update") } else { locale.t("review.publish") }}</button>
        </form>
    }
}

/// A shop's slug as links carry it (anything else is left out of the page).
fn plain_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 100
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `/reviews/:id/report`: why a review (or its reply) should be looked at by a moderator.
#[component]
pub fn ReportPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let (part, shop, error) = query.with_untracked(|q| {
        (
            if q.get("part").as_deref() == Some("reply") {
                "reply"
            } else {
                "review"
            },
            q.get("shop").filter(|s| plain_slug(s)),
            q.get("error"),
        )
    });
    let title = locale.t(if part == "reply" {
        "report.title_reply"
    } else {
        "report.title"
    });
    let Some(id) = id else {
        return view! { <crate::pages::not_found::NotFoundPage/> }.into_any();
    };
    view! {
        <Title text=title.clone()/>
        <Meta name="robots" content="noindex"/>
        <section class="page narrow">
            <h1>{title}</h1>
            <p>{locale.t("report.intro")}</p>
            {error.map(|code| view! { <p class="notice error" role="alert">{locale.t(review_error_key(&code))}</p> })}
            <form method="post" action=ReportReview::url() class="report-form">
                <input type="hidden" name="review_id" value=id/>
                <input type="hidden" name="part" value=part/>
                <fieldset>
                    <legend>{locale.t("report.reason")}</legend>
                    {crate::model::REPORT_REASONS.iter().map(|reason| {
                        let input_id = format!("reason-{reason}");
                        view! {
                            <div class="choice">
                                <input type="radio" id=input_id.clone() name="reason" value=*reason required/>
                                <label for=input_id>{locale.t(&format!("report.reason_{reason}"))}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <label for="report-details">{locale.t("report.details")}</label>
                <textarea id="report-details" name="details" rows="4" aria-describedby="report-details-hint"></textarea>
                <p class="hint" id="report-details-hint">{locale.t("report.details_hint")}</p>
                <button type="submit" class="button">{locale.t("report.send")}</button>
            </form>
            {shop.map(|slug| view! { <p><a href=format!("/shops/{slug}#review-{id}")>{locale.t("report.back")}</a></p> })}
        </section>
    }
    .into_any()
}

/// "Mes avis" on the account page: the name reviews are signed with, and each review with
/// its state, to edit (on the shop's page) or delete.
#[component]
pub fn MyReviewsSection(reviews: MyReviews) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let (saved, error) = query.with_untracked(|q| (q.get("name").is_some(), q.get("name_error")));
    let error_text = error.map(|code| {
        locale.t(match code.as_str() {
            "invalid-display_name" => "account.error.name",
            other => review_error_key(other),
        })
    });
    view! {
        <section class="my-reviews" id="my-reviews" aria-labelledby="my-reviews-title">
            <h2 id="my-reviews-title">{locale.t("account.my_reviews")}</h2>
            <form method="post" action=SetDisplayName::url() class="name-form">
                <label for="display-name">{locale.t("account.display_name")}</label>
                {error_text.map(|text| view! { <p class="notice error" id="name-error" role="alert">{text}</p> })}
                {saved.then(|| view! { <p class="notice success" role="status">{locale.t("account.name_saved")}</p> })}
                <input
                    type="text"
                    id="display-name"
                    name="display_name"
                    value=if reviews.chosen { reviews.display_name.clone() } else { String::new() }
                    placeholder=reviews.display_name.clone()
                    autocomplete="nickname"
                    aria-describedby="display-name-hint"
                />
                <p class="hint" id="display-name-hint">{locale.t("account.display_name_hint")}</p>
                <button type="submit" class="button small">{locale.t("account.save_name")}</button>
            </form>
            {if reviews.reviews.is_empty() {
                view! { <p class="muted">{locale.t("account.no_reviews")}</p> }.into_any()
            } else {
                view! {
                    <ol class="review-list" role="list">
                        {reviews.reviews.into_iter().map(|review| {
                            let id = review.id;
                            let shop = review.shop_slug.clone();
                            let state = match review.status.as_str() {
                                "held" => Some(locale.t("review.mine_held")),
                                "hidden" => Some(locale.tf("review.mine_hidden", &[("reason", &review.status_reason.clone().unwrap_or_default())])),
                                _ => None,
                            };
                            view! {
                                <li>
                                    <ReviewItem review=review show_shop=true>
                                        {state.map(|text| view! { <p class="notice warning">{text}</p> })}
                                        <a class="button small secondary" href=format!("/shops/{shop}#review-form")>{locale.t("review.edit")}</a>
                                        <form method="post" action=DeleteReview::url() class="inline-form">
                                            <input type="hidden" name="review_id" value=id/>
                                            <input type="hidden" name="return_to" value="/account#my-reviews"/>
                                            <button type="submit" class="button small secondary">{locale.t("review.delete")}</button>
                                        </form>
                                    </ReviewItem>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}
