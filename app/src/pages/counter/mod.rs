//! The counter: the merchant's home screen on the phone. Three big buttons (offer, event,
//! news), a short form with a preview of the notification, the shop's posts, its numbers and
//! its team.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

mod composer;
pub mod district;
mod posts;
pub mod reviews;
mod team;

use crate::components::query::use_page_query;

use crate::api::accounts::get_me;
use crate::api::posts::{get_counter, CounterOf};
use crate::i18n::use_locale;
use crate::islands::account::error_code_text;
use crate::model::{CounterPost, CounterView, PostForm, PostStatus};
use crate::pages::account::SignInNeeded;
use crate::pages::Loaded;
use composer::Composer;
use posts::CounterPostItem;
use team::Team;

/// `/counter`: the shops I can post for (straight to the only one).
#[component]
pub fn CounterIndexPage() -> impl IntoView {
    let locale = use_locale();
    let me = Resource::new(|| (), |_| get_me());
    view! {
        <Title text=locale.t("counter.title")/>
        <Meta name="robots" content="noindex"/>
        <Loaded resource=me let:me>
            {match me {
                None => view! { <SignInNeeded return_to="/counter".into()/> }.into_any(),
                Some(me) => {
                    if me.shops.len() == 1 && me.districts.is_empty() {
                        #[cfg(feature = "ssr")]
                        leptos_axum::redirect(&format!("/counter/{}", me.shops[0].slug));
                    }
                    view! {
                        <section class="page counter-index narrow">
                            <h1>{locale.t("counter.title")}</h1>
                            {(!me.districts.is_empty()).then(|| view! {
                                <h2>{locale.t("district_counter.as_district")}</h2>
                                <ul class="link-list" role="list">
                                    {me.districts.iter().map(|d| view! {
                                        <li><a class="button primary big" href=format!("/districts/{}/counter", d.slug)>{d.name.clone()}</a></li>
                                    }).collect_view()}
                                </ul>
                                {(!me.shops.is_empty()).then(|| view! { <h2>{locale.t("district_counter.as_shop")}</h2> })}
                            })}
                            {if me.shops.is_empty() {
                                view! {
                                    {me.districts.is_empty().then(|| view! { <p>{locale.t("counter.no_shop")}</p> })}
                                    {(me.admin || !me.districts.is_empty()).then(|| view! {
                                        <p><a class="button secondary" href="/manage">{locale.t("manage.title")}</a></p>
                                    })}
                                }.into_any()
                            } else {
                                view! {
                                    <ul class="link-list" role="list">
                                        {me.shops.into_iter().map(|s| view! {
                                            <li><a class="button primary big" href=format!("/counter/{}", s.slug)>{s.name}</a></li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                    }.into_any()
                }
            }}
        </Loaded>
    }
}

/// `/counter/:slug`.
#[component]
pub fn CounterPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        (
            params.with(|p| p.get("slug").unwrap_or_default()),
            // A save or a deletion reloads the counter.
            query.with(|q| (q.get("saved"), q.get("deleted"))),
        )
    };
    let counter = Resource::new(key, |(slug, _)| get_counter(slug));
    // Signed out: the sign-in form, then back here.
    let sign_in_to = Signal::derive(move || {
        let slug = params.with_untracked(|p| p.get("slug").unwrap_or_default());
        format!("/counter/{slug}")
    });
    view! {
        <Meta name="robots" content="noindex"/>
        <Loaded resource=counter sign_in_to let:view>
            <CounterContent view strings=crate::i18n::Strings::all()/>
        </Loaded>
    }
}

/// The counter itself: interactive from top to bottom (the composer, the offline queue, the
/// team), so one island.
#[island(lazy)]
fn CounterContent(view: CounterView, strings: crate::i18n::Strings) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let query = use_page_query();
    let CounterView {
        shop,
        on_behalf,
        posts,
        followers,
        new_followers_week,
        push_reach,
        push_month,
        blank,
        team,
        can_invite_staff,
        reviews_to_answer,
        messages_to_answer,
        visibility,
    } = view;
    let slug = shop.slug.clone();
    let counter = CounterOf::Shop(slug.clone());
    let shop_name = shop.name.clone();

    let composer_state = composer_state(&posts, blank, query, locale);
    let (flash, error) = flash_and_error(query, locale, &shop.name);

    let (live, others): (Vec<CounterPost>, Vec<CounterPost>) = posts
        .into_iter()
        .partition(|p| p.status != PostStatus::Ended);

    view! {
        <Title text=locale.tf("counter.title_shop", &[("shop", &shop_name)])/>
        <section class="page counter">
            <header class="counter-header">
                <p class="eyebrow">{locale.t("counter.title")}</p>
                <h1>{shop_name.clone()}</h1>
                <p class="counter-links">
                    <a href=format!("/shops/{slug}")>{locale.t("counter.see_page")}</a>
                    " · "
                    <a href=format!("/counter/{slug}/profile")>{locale.t("counter.edit_profile")}</a>
                    " · "
                    <a href=format!("/counter/{slug}/reviews")>{locale.t("counter.reviews")}</a>
                    " · "
                    <a href=format!("/counter/{slug}/messages")>{locale.t("counter.messages")}</a>
                </p>
                {(reviews_to_answer > 0).then(|| view! {
                    <p class="notice to-answer">
                        <a href=format!("/counter/{slug}/reviews?filter=unanswered")>{locale.plural("counter.to_answer", reviews_to_answer)}</a>
                    </p>
                })}
                {(messages_to_answer > 0).then(|| view! {
                    <p class="notice to-answer">
                        <a href=format!("/counter/{slug}/messages?filter=open")>{locale.plural("counter.messages_to_answer", messages_to_answer)}</a>
                    </p>
                })}
            </header>
            {on_behalf.then(|| view! { <p class="notice">{locale.t("counter.on_behalf")}</p> })}
            <VisibilityCard visibility/>
            {flash.map(|f| view! { <p class="notice success" role="status">{f}</p> })}
            {query.with_untracked(|q| q.get("welcome").is_some()).then(|| view! {
                <crate::components::passkeys::PasskeyCreate
                    intro=locale.t("passkey.offer")
                    done=format!("/counter/{slug}?passkey=added")
                />
            })}
            {move || error.clone().filter(|_| composer_state.with(|c| c.1.is_none())).map(|e| view! { <p class="notice warning" role="alert">{e}</p> })}

            <KindsNav page=counter.path() composer_state/>

            {
                let counter = counter.clone();
                let shop_name = shop_name.clone();
                move || {
                    let (editing, form, error, current_photo) = composer_state.get();
                    form.map(|form| view! {
                        <Composer counter=counter.clone() poster_name=shop_name.clone() form editing error current_photo/>
                    })
                }
            }

            <crate::islands::pending_posts::PendingPostsList queue=counter.queue_key() page=counter.path()/>

            <CounterStats followers new_followers_week push_reach push_month/>

            <CounterPosts counter=counter.clone() live others/>

            {team.map(|members| view! { <Team slug=slug.clone() members can_invite=can_invite_staff/> })}
        </section>
    }
}

/// The three big buttons: a new offer, event or news (the open one marked).
#[component]
fn KindsNav(page: String, composer_state: Memo<ComposerState>) -> impl IntoView {
    let locale = use_locale();
    let kinds = [
        (
            "offer",
            "counter.new_offer",
            "M20 12l-8 8-8-8V4h8zM7.5 6A1.5 1.5 0 1 0 7.5 9 1.5 1.5 0 0 0 7.5 6z",
        ),
        (
            "event",
            "counter.new_event",
            "M7 2v2H5a2 2 0 0 0-2 2v14h18V6a2 2 0 0 0-2-2h-2V2h-2v2H9V2zm-2 8h14v8H5z",
        ),
        (
            "news",
            "counter.new_news",
            "M4 4h16v16H4zm2 2v4h12V6zm0 6v2h12v-2zm0 4v2h8v-2z",
        ),
    ];
    view! {
        <nav class="counter-kinds" aria-label=locale.t("counter.new_post")>
            {kinds.into_iter().map(|(kind, key, icon)| {
                let current = move || composer_state.with(|(editing, form, _, _)| {
                    editing.is_none() && form.as_ref().is_some_and(|f| f.kind == kind)
                });
                view! {
                    <a
                        class="counter-kind"
                        href=format!("{page}?new={kind}#composer")
                        aria-current=move || current().then_some("true")
                        data-kind=kind
                    >
                        <svg viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false"><path d=icon fill="currentColor"/></svg>
                        <span>{locale.t(key)}</span>
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

/// The open form: the edited post's id, the form's fields, the error it came back with, and
/// the edited post's photo.
type ComposerState = (
    Option<i64>,
    Option<PostForm>,
    Option<String>,
    Option<String>,
);

/// Which form is open: `?new=offer|event|news` or `?edit=ID`; a plain form's error comes back
/// with what was typed. Read reactively: opening the form needs no server round trip (it works
/// offline).
fn composer_state(
    posts: &[CounterPost],
    blank: PostForm,
    query: crate::components::query::PageQuery,
    locale: crate::i18n::Locale,
) -> Memo<ComposerState> {
    let editable: Vec<(i64, PostForm, Option<String>)> = posts
        .iter()
        .map(|p| {
            (
                p.post.id,
                p.form.clone(),
                p.post.photo.clone().map(|(thumb, _)| thumb),
            )
        })
        .collect();
    Memo::new(move |_| {
        query.with(|q| {
            let edited = q
                .get("edit")
                .and_then(|id| id.parse::<i64>().ok())
                .and_then(|id| editable.iter().find(|(pid, _, _)| *pid == id));
            let returned = q.get("error").map(|_| PostForm {
                kind: q.get("kind").unwrap_or_default(),
                title: q.get("title").unwrap_or_default(),
                body: q.get("body").unwrap_or_default(),
                valid_from: q.get("valid_from"),
                valid_until: q.get("valid_until"),
                starts_at: q.get("starts_at"),
                ends_at: q.get("ends_at"),
                place: q.get("place"),
                publish_at: q.get("publish_at"),
                idempotency_key: q.get("idempotency_key").or(blank.idempotency_key.clone()),
                notify_shop_followers: q.get("notify_shop_followers").is_some(),
                co_organisers: q
                    .get_all("co_organisers")
                    .iter()
                    .filter_map(|id| id.parse().ok())
                    .collect(),
            });
            let form = match (edited, returned, q.get("new")) {
                (Some((_, form, _)), _, _) => Some(form.clone()),
                (None, Some(form), _) => Some(form),
                (None, None, Some(kind)) if ["offer", "event", "news"].contains(&kind.as_str()) => {
                    Some(PostForm {
                        kind,
                        ..blank.clone()
                    })
                }
                _ => None,
            };
            let error = q.get("error").map(|code| error_code_text(locale, &code));
            (
                edited.map(|(id, _, _)| *id),
                form,
                error,
                edited.and_then(|(_, _, photo)| photo.clone()),
            )
        })
    })
}

/// The notice a page load brings (saved, deleted, passkey added, welcome) and the error of a
/// plain form sent without JavaScript.
fn flash_and_error(
    query: crate::components::query::PageQuery,
    locale: crate::i18n::Locale,
    shop_name: &str,
) -> (Option<String>, Option<String>) {
    query.with_untracked(|q| {
        let flash = if q.get("saved").is_some() {
            Some(locale.t("counter.saved"))
        } else if q.get("deleted").is_some() {
            Some(locale.t("counter.deleted"))
        } else if q.get("passkey").is_some() {
            Some(locale.t("passkey.created"))
        } else if q.get("welcome").is_some() {
            Some(locale.tf("counter.welcome", &[("shop", shop_name)]))
        } else {
            None
        };
        (
            flash,
            q.get("error").map(|code| error_code_text(locale, &code)),
        )
    })
}

/// The shop's figures: followers, reach of the next push, this month's notifications.
#[component]
fn CounterStats(
    followers: i64,
    new_followers_week: i64,
    push_reach: i64,
    push_month: crate::model::PushSummary,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="counter-stats" aria-labelledby="stats-title">
            <h2 id="stats-title">{locale.t("counter.stats")}</h2>
            <dl class="stats">
                <div><dt>{locale.t("counter.followers")}</dt><dd>{followers}</dd></div>
                <div><dt>{locale.t("counter.new_followers")}</dt><dd>{format!("+{new_followers_week}")}</dd></div>
                <div><dt>{locale.t("counter.push_reach")}</dt><dd>{push_reach}</dd></div>
                <div><dt>{locale.t("counter.push_month")}</dt><dd>{push_month.delivered}</dd></div>
                <div><dt>{locale.t("counter.push_month_clicks")}</dt><dd>{push_month.clicks}</dd></div>
            </dl>
            {(push_month.failed > 0 || push_month.pruned > 0).then(|| view! {
                <p class="hint">
                    {(push_month.failed > 0).then(|| locale.plural("counter.push.failed", push_month.failed))}
                    {(push_month.failed > 0 && push_month.pruned > 0).then_some(" · ")}
                    {(push_month.pruned > 0).then(|| locale.plural("counter.push.pruned", push_month.pruned))}
                </p>
            })}
        </section>
    }
}

/// The shop's live and scheduled posts, then the ended ones folded.
#[component]
fn CounterPosts(
    counter: CounterOf,
    live: Vec<CounterPost>,
    others: Vec<CounterPost>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section aria-labelledby="posts-title">
            <h2 id="posts-title">{locale.t("counter.posts")}</h2>
            {live.is_empty().then(|| view! { <p class="hint">{locale.t("counter.no_posts")}</p> })}
            <ul class="post-list counter-posts" role="list">
                {live.into_iter().map(|p| view! { <CounterPostItem counter=counter.clone() post=p/> }).collect_view()}
            </ul>
            {(!others.is_empty()).then(|| view! {
                <details class="ended-posts">
                    <summary>{locale.plural("counter.ended", others.len() as i64)}</summary>
                    <ul class="post-list counter-posts" role="list">
                        {others.into_iter().map(|p| view! { <CounterPostItem counter=counter.clone() post=p/> }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
    }
}

/// "Visibilité": the shop's score out of 100 and its checklist; each missing item links to its
/// fix (the profile's field, the composer, the reviews to answer), with the points it brings.
#[component]
fn VisibilityCard(visibility: crate::model::VisibilityView) -> impl IntoView {
    let locale = use_locale();
    let (done, missing): (Vec<_>, Vec<_>) = visibility.items.into_iter().partition(|i| i.done);
    let score = visibility.score.to_string();
    view! {
        <section class="card visibility" aria-labelledby="visibility-title">
            <h2 id="visibility-title">
                {locale.t("visibility.title")} " "
                <span class="visibility-score">{locale.tf("visibility.score", &[("score", &score)])}</span>
            </h2>
            <meter min="0" max="100" low="50" high="80" optimum="100" value=score.clone() aria-label=locale.t("visibility.meter")>
                {locale.tf("visibility.score", &[("score", &score)])}
            </meter>
            {if missing.is_empty() {
                view! { <p>{locale.t("visibility.complete")}</p> }.into_any()
            } else {
                view! {
                    <p class="hint">{locale.t("visibility.intro")}</p>
                    <ul class="visibility-missing" role="list">
                        {missing.into_iter().map(|item| view! {
                            <li>
                                <a href=item.href.clone() data-item=item.key.clone()>{locale.t(&format!("visibility.item.{}", item.key))}</a>
                                " " <span class="visibility-points">{locale.tf("visibility.points", &[("points", &item.points.to_string())])}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!done.is_empty()).then(|| view! {
                <details class="visibility-done">
                    <summary>{locale.tf("visibility.done", &[("n", &done.len().to_string())])}</summary>
                    <ul role="list">
                        {done.into_iter().map(|item| view! {
                            <li>"✓ " {locale.t(&format!("visibility.item.{}", item.key))}</li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
    }
}
