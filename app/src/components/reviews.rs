//! Reviews as pages show them: stars, the distribution of ratings, one review with the shop's
//! reply. Plain HTML, readable without JavaScript and by screen readers.

use leptos::prelude::*;

use crate::i18n::{use_locale, Locale};
use crate::model::{CalendarDay, ReviewSummaryView, ReviewView};

/// "28 novembre 2026".
pub fn day_text(locale: Locale, day: &CalendarDay) -> String {
    locale.tf(
        "date.day_month_year",
        &[
            ("day", &day.day.to_string()),
            ("month", &locale.t(&format!("month.{}", day.month))),
            ("year", &day.year.to_string()),
        ],
    )
}

/// An average as the language writes it: "4,3" in French, German and Dutch, "4.3" in English.
pub fn average_text(locale: Locale, average: f64) -> String {
    let text = format!("{average:.1}");
    if locale.code() == "en" {
        text
    } else {
        text.replace('.', ",")
    }
}

/// Five stars, `rating` of them full; one image for screen readers ("4 étoiles sur 5").
#[component]
pub fn Stars(rating: u8) -> impl IntoView {
    let locale = use_locale();
    let full = usize::from(rating.min(5));
    let label = locale.tf("review.stars_label", &[("n", &rating.to_string())]);
    view! {
        <span class="stars" role="img" aria-label=label>
            <span aria-hidden="true">{"★".repeat(full)}<span class="stars-empty">{"★".repeat(5 - full)}</span></span>
        </span>
    }
}

/// The average, the count and the five bars (a `<meter>` each, with its figure in words).
#[component]
pub fn ReviewSummaryBlock(summary: ReviewSummaryView) -> impl IntoView {
    let locale = use_locale();
    let Some(average) = summary.average else {
        return view! { <p class="muted">{locale.t("review.none_yet")}</p> }.into_any();
    };
    let average_words = average_text(locale, average);
    view! {
        <div class="review-summary">
            <p class="review-average">
                <span class="review-average-figure">{average_words.clone()}</span>
                <Stars rating=average.round() as u8/>
                <span class="review-count">{locale.plural("review.count", summary.count)}</span>
                <span class="visually-hidden">{locale.tf("review.average_label", &[("average", &average_words)])}</span>
            </p>
            <ul class="rating-bars" role="list" aria-label=locale.t("review.distribution")>
                {summary.bars.into_iter().map(|bar| {
                    let label = locale.plural(&format!("review.bar_{}", bar.stars), bar.count);
                    view! {
                        <li class="rating-bar">
                            <span class="rating-bar-stars" aria-hidden="true">{bar.stars}" ★"</span>
                            <meter min="0" max="100" value=bar.percent aria-label=label.clone()>{format!("{} %", bar.percent)}</meter>
                            <span class="rating-bar-count" aria-hidden="true">{bar.count}</span>
                            <span class="visually-hidden">{label}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

/// One review: stars, author, dates, text (as plain text: links are not made clickable) and
/// the shop's reply; `children` holds its actions (useful, report, reply…).
#[component]
pub fn ReviewItem(
    review: ReviewView,
    /// Show the shop's name (lists across shops).
    #[prop(optional)]
    show_shop: bool,
    /// The shop's team sees a reply hidden by a moderator, with the reason.
    #[prop(optional)]
    team_view: bool,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let locale = use_locale();
    let date = day_text(locale, &review.date);
    let reply = review
        .reply
        .clone()
        .filter(|r| team_view || r.hidden_reason.is_none());
    view! {
        <article class="review" id=format!("review-{}", review.id)>
            <header class="review-head">
                <Stars rating=review.rating/>
                <p class="review-author">
                    <strong>{review.author.clone()}</strong>
                    {show_shop.then(|| view! {
                        " · " <a href=format!("/shops/{}", review.shop_slug)>{review.shop_name.clone()}</a>
                    })}
                </p>
                <p class="review-date muted">
                    <time datetime=review.date.iso.clone()>{date}</time>
                    {review.edited.clone().map(|day| view! {
                        " · " {locale.tf("review.edited_on", &[("date", &day_text(locale, &day))])}
                    })}
                    {review.visited_on.clone().map(|day| view! {
                        " · " {locale.tf("review.visited_on", &[("date", &day_text(locale, &day))])}
                    })}
                </p>
            </header>
            {(!review.body.is_empty()).then(|| view! {
                <div class="review-body">
                    {review.body.split("\n\n").map(|para| view! { <p>{para.to_owned()}</p> }).collect_view()}
                </div>
            })}
            {(review.useful > 0).then(|| view! {
                <p class="review-useful muted">{locale.plural("review.useful_count", review.useful)}</p>
            })}
            {reply.map(|reply| view! {
                <section class="review-reply" aria-label=locale.t("review.reply_label")>
                    <p class="review-reply-head">
                        <strong>{locale.t("review.reply_from_shop")}</strong>
                        " · " <time datetime=reply.date.iso.clone()>{day_text(locale, &reply.date)}</time>
                        {reply.edited.clone().map(|day| view! {
                            " · " {locale.tf("review.edited_on", &[("date", &day_text(locale, &day))])}
                        })}
                    </p>
                    {reply.hidden_reason.clone().map(|reason| view! {
                        <p class="notice warning">{locale.tf("review.reply_hidden", &[("reason", &reason)])}</p>
                    })}
                    {reply.body.split("\n\n").map(|para| view! { <p>{para.to_owned()}</p> }).collect_view()}
                </section>
            })}
            {children.map(|children| view! { <div class="review-actions">{children()}</div> })}
        </article>
    }
}
