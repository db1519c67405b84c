//! `/moderation`: the reviews that wait for a decision (held, or reported) among the shops
//! the signed-in steward or admin looks after; hide with a reason, restore, publish, dismiss;
//! for admins, the log of every decision.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crate::api::reviews::{get_moderation, review_error_key, ModerateReview};
use crate::components::reviews::{day_text, ReviewItem};
use crate::i18n::use_locale;
use crate::model::{DecisionView, ModerationItemView, ModerationView};
use crate::pages::Loaded;

#[component]
pub fn ModerationPage() -> impl IntoView {
    let query = use_query_map();
    let key = move || query.with(|q| q.get("done"));
    let page = Resource::new(key, |_| get_moderation());
    let sign_in_to = Signal::derive(|| "/moderation".to_owned());
    view! {
        <Meta name="robots" content="noindex"/>
        <Loaded resource=page sign_in_to let:view>
            <ModerationContent view/>
        </Loaded>
    }
}

#[component]
fn ModerationContent(view: ModerationView) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let (done, error) = query.with_untracked(|q| (q.get("done").is_some(), q.get("error")));
    view! {
        <Title text=locale.t("moderation.title")/>
        <section class="page moderation">
            <h1>{locale.t("moderation.title")}</h1>
            {done.then(|| view! { <p class="notice success" role="status">{locale.t("moderation.done")}</p> })}
            {error.map(|code| view! {
                <p class="notice error" role="alert">{locale.t(match code.as_str() {
                    "invalid-reason" => "moderation.error.reason_empty",
                    "forbidden" => "moderation.error.own_review",
                    other => review_error_key(other),
                })}</p>
            })}
            {
                // To decide: held, or reported; the others are hidden ones, to restore.
                let (to_decide, hidden): (Vec<_>, Vec<_>) = view
                    .items
                    .into_iter()
                    .partition(|item| item.review.status == "held" || !item.reports.is_empty());
                view! {
                    <h2>{locale.t("moderation.to_decide")}</h2>
                    {if to_decide.is_empty() {
                        view! { <p class="muted">{locale.t("moderation.empty")}</p> }.into_any()
                    } else {
                        view! {
                            <ol class="review-list" role="list">
                                {to_decide.into_iter().map(|item| view! { <li><QueueItem item/></li> }).collect_view()}
                            </ol>
                        }.into_any()
                    }}
                    {(!hidden.is_empty()).then(|| view! {
                        <h2>{locale.t("moderation.hidden")}</h2>
                        <ol class="review-list" role="list">
                            {hidden.into_iter().map(|item| view! { <li><QueueItem item/></li> }).collect_view()}
                        </ol>
                    })}
                }
            }
            {view.log.map(|log| view! { <DecisionLog log/> })}
        </section>
    }
}

/// One review to decide on: its reports, earlier versions, and the decisions as forms.
#[component]
fn QueueItem(item: ModerationItemView) -> impl IntoView {
    let locale = use_locale();
    let id = item.review.id;
    let held = item.review.status == "held";
    let hidden = item.review.status == "hidden";
    let reply_reported = item.reports.iter().any(|r| r.part == "reply");
    let reviewed_reported = item.reports.iter().any(|r| r.part == "review");
    let reply_hidden = item
        .review
        .reply
        .as_ref()
        .is_some_and(|r| r.hidden_reason.is_some());
    let decide = move |part: &'static str,
                       action: &'static str,
                       label: String,
                       with_reason: bool| {
        let reason_id = format!("reason-{id}-{part}-{action}");
        view! {
            <form method="post" action=ModerateReview::url() class="moderation-form">
                <input type="hidden" name="review_id" value=id/>
                <input type="hidden" name="part" value=part/>
                <input type="hidden" name="action" value=action/>
                {with_reason.then(|| view! {
                    <label for=reason_id.clone()>{locale.t("moderation.reason")}</label>
                    <input type="text" id=reason_id.clone() name="reason" required/>
                })}
                <button type="submit" class=if action == "hide" { "button small danger" } else { "button small secondary" }>{label}</button>
            </form>
        }
    };
    view! {
        <ReviewItem review=item.review.clone() show_shop=true team_view=true>
            <p class="moderation-state">
                <strong>{locale.t(&format!("moderation.status_{}", item.review.status))}</strong>
            </p>
            {(!item.reports.is_empty()).then(|| view! {
                <ul class="reports" aria-label=locale.t("moderation.reports")>
                    {item.reports.iter().map(|r| view! {
                        <li>
                            {locale.t(&format!("report.reason_{}", r.reason))}
                            " (" {locale.t(&format!("moderation.part_{}", r.part))} ", " {day_text(locale, &r.date)} ")"
                            {(!r.details.is_empty()).then(|| view! { " — " <q>{r.details.clone()}</q> })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!item.versions.is_empty()).then(|| view! {
                <details>
                    <summary>{locale.plural("moderation.versions", item.versions.len() as i64)}</summary>
                    <ol>{item.versions.iter().map(|v| view! { <li>{v.clone()}</li> }).collect_view()}</ol>
                </details>
            })}
            <div class="moderation-actions">
                {if held {
                    decide("review", "publish", locale.t("moderation.publish"), false).into_any()
                } else if hidden {
                    decide("review", "restore", locale.t("moderation.restore"), false).into_any()
                } else if reviewed_reported {
                    decide("review", "dismiss", locale.t("moderation.dismiss"), false).into_any()
                } else {
                    ().into_any()
                }}
                {(!hidden).then(|| decide("review", "hide", locale.t("moderation.hide"), true))}
                {reply_reported.then(|| decide("reply", "dismiss", locale.t("moderation.dismiss_reply"), false))}
                {(reply_reported && !reply_hidden).then(|| decide("reply", "hide", locale.t("moderation.hide_reply"), true))}
                {reply_hidden.then(|| decide("reply", "restore", locale.t("moderation.restore_reply"), false))}
            </div>
        </ReviewItem>
    }
}

/// The decisions, newest first (admins).
#[component]
fn DecisionLog(log: Vec<DecisionView>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section aria-labelledby="log-title">
            <h2 id="log-title">{locale.t("moderation.log")}</h2>
            {if log.is_empty() {
                view! { <p class="muted">{locale.t("moderation.log_empty")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="moderation-log">
                            <thead><tr>
                                <th scope="col">{locale.t("moderation.when")}</th>
                                <th scope="col">{locale.t("moderation.who")}</th>
                                <th scope="col">{locale.t("moderation.what")}</th>
                                <th scope="col">{locale.t("moderation.why")}</th>
                            </tr></thead>
                            <tbody>
                                {log.into_iter().map(|d| view! {
                                    <tr>
                                        <td>{day_text(locale, &d.date)} " " {d.time.clone()}</td>
                                        <td>{d.moderator.clone()}</td>
                                        <td>{locale.t(&format!("moderation.action_{}", d.action))} " — " {locale.t(&format!("moderation.part_{}", d.part))} ", " {d.shop_name.clone()}</td>
                                        <td>{d.reason.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
