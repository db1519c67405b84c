//! The counter: the merchant's home screen on the phone. Three big buttons (offer, event,
//! news), a short form with a preview of the notification, the shop's posts, its numbers and
//! its team.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::query::{go_to, typed_value, use_page_query};

use crate::api::accounts::get_me;
use crate::api::invitations::RemoveTeamMember;
use crate::api::posts::{get_counter, DeletePost};
use crate::components::account::{error_code_text, error_text, InviteButton};
use crate::components::posts::PostCard;
use crate::i18n::use_locale;
use crate::model::{CounterPost, CounterView, PostForm, PostStatus, TeamMember};
use crate::pages::account::SignInNeeded;
use crate::pages::{LoadError, Loading};

/// Field names of the post form, in the order of the server function's arguments.
const FORM_FIELDS: [&str; 9] = [
    "kind",
    "title",
    "body",
    "valid_from",
    "valid_until",
    "starts_at",
    "ends_at",
    "place",
    "publish_at",
];

/// `/counter`: the shops I can post for (straight to the only one).
#[component]
pub fn CounterIndexPage() -> impl IntoView {
    let locale = use_locale();
    let me = Resource::new(|| (), |_| get_me());
    view! {
        <Title text=locale.t("counter.title")/>
        <Meta name="robots" content="noindex"/>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(None) => view! { <SignInNeeded return_to="/counter".into()/> }.into_any(),
                    Ok(Some(me)) => {
                        if me.shops.len() == 1 {
                            #[cfg(feature = "ssr")]
                            leptos_axum::redirect(&format!("/counter/{}", me.shops[0].slug));
                        }
                        view! {
                            <section class="page counter-index narrow">
                                <h1>{locale.t("counter.title")}</h1>
                                {if me.shops.is_empty() {
                                    view! {
                                        <p>{locale.t("counter.no_shop")}</p>
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
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
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
    view! {
        <Meta name="robots" content="noindex"/>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match counter.await {
                    Ok(view) => view! { <CounterContent view strings=crate::i18n::Strings::all()/> }.into_any(),
                    Err(crate::error::AppError::Unauthorized) => {
                        let slug = params.with_untracked(|p| p.get("slug").unwrap_or_default());
                        view! { <SignInNeeded return_to=format!("/counter/{slug}")/> }.into_any()
                    }
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
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
    } = view;
    let slug = shop.slug.clone();
    let shop_name = shop.name.clone();

    // Which form is open: `?new=offer|event|news` or `?edit=ID`; a plain form's error comes
    // back with what was typed.
    // Which form is open: `?new=offer|event|news` or `?edit=ID`; a plain form's error comes
    // back with what was typed. Read reactively: opening the form needs no server round trip
    // (it works offline).
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
    let composer_state = Memo::new(move |_| {
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
    });
    let (flash, error) = query.with_untracked(|q| {
        let flash = if q.get("saved").is_some() {
            Some(locale.t("counter.saved"))
        } else if q.get("deleted").is_some() {
            Some(locale.t("counter.deleted"))
        } else if q.get("passkey").is_some() {
            Some(locale.t("passkey.created"))
        } else if q.get("welcome").is_some() {
            Some(locale.tf("counter.welcome", &[("shop", &shop.name)]))
        } else {
            None
        };
        (
            flash,
            q.get("error").map(|code| error_code_text(locale, &code)),
        )
    });

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
                </p>
            </header>
            {on_behalf.then(|| view! { <p class="notice">{locale.t("counter.on_behalf")}</p> })}
            {flash.map(|f| view! { <p class="notice success" role="status">{f}</p> })}
            {query.with_untracked(|q| q.get("welcome").is_some()).then(|| view! {
                <crate::components::passkeys::PasskeyCreate
                    intro=locale.t("passkey.offer")
                    done=format!("/counter/{slug}?passkey=added")
                />
            })}
            {move || error.clone().filter(|_| composer_state.with(|c| c.1.is_none())).map(|e| view! { <p class="notice warning" role="alert">{e}</p> })}

            <nav class="counter-kinds" aria-label=locale.t("counter.new_post")>
                {kinds.into_iter().map(|(kind, key, icon)| {
                    let current = move || composer_state.with(|(editing, form, _, _)| {
                        editing.is_none() && form.as_ref().is_some_and(|f| f.kind == kind)
                    });
                    view! {
                        <a
                            class="counter-kind"
                            href=format!("/counter/{slug}?new={kind}#composer")
                            aria-current=move || current().then_some("true")
                            data-kind=kind
                        >
                            <svg viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false"><path d=icon fill="currentColor"/></svg>
                            <span>{locale.t(key)}</span>
                        </a>
                    }
                }).collect_view()}
            </nav>

            {
                let slug = slug.clone();
                let shop_name = shop_name.clone();
                move || {
                    let (editing, form, error, current_photo) = composer_state.get();
                    form.map(|form| view! {
                        <Composer slug=slug.clone() shop_name=shop_name.clone() form editing error current_photo/>
                    })
                }
            }

            <crate::components::outbox::OutboxList slug=slug.clone()/>

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

            <section aria-labelledby="posts-title">
                <h2 id="posts-title">{locale.t("counter.posts")}</h2>
                {live.is_empty().then(|| view! { <p class="hint">{locale.t("counter.no_posts")}</p> })}
                <ul class="post-list counter-posts" role="list">
                    {live.into_iter().map(|p| view! { <CounterPostItem slug=slug.clone() post=p/> }).collect_view()}
                </ul>
                {(!others.is_empty()).then(|| view! {
                    <details class="ended-posts">
                        <summary>{locale.plural("counter.ended", others.len() as i64)}</summary>
                        <ul class="post-list counter-posts" role="list">
                            {others.into_iter().map(|p| view! { <CounterPostItem slug=slug.clone() post=p/> }).collect_view()}
                        </ul>
                    </details>
                })}
            </section>

            {team.map(|members| view! { <Team slug=slug.clone() members can_invite=can_invite_staff/> })}
        </section>
    }
}

/// The post form, with a preview of the notification. A plain `multipart/form-data` form
/// (it works without JavaScript); once the app runs, it is sent in the background.
#[component]
fn Composer(
    slug: String,
    shop_name: String,
    form: PostForm,
    editing: Option<i64>,
    error: Option<String>,
    /// The edited post's photo (thumbnail URL).
    current_photo: Option<String>,
) -> impl IntoView {
    let locale = use_locale();
    let outcome = RwSignal::new(None::<Result<i64, crate::error::AppError>>);
    let pending = RwSignal::new(false);
    // What was typed before the page's script arrived is kept (the form is usable at once).
    let title = RwSignal::new(typed_value("post-title").unwrap_or_else(|| form.title.clone()));
    let body = RwSignal::new(typed_value("post-body").unwrap_or_else(|| form.body.clone()));
    let chosen_photo = RwSignal::new(None::<String>);
    let queued = RwSignal::new(false);
    let back_to = slug.clone();
    Effect::new(move |_| {
        if let Some(Ok(id)) = outcome.get() {
            go_to(&format!("/counter/{back_to}?saved={id}"));
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let (Ok(data), Ok(backup)) = (
                web_sys::FormData::new_with_form(&form),
                web_sys::FormData::new_with_form(&form),
            ) else {
                return;
            };
            ev.prevent_default();
            if pending.get_untracked() {
                return;
            }
            pending.set(true);
            let online = window().navigator().on_line();
            leptos::task::spawn_local(async move {
                // Offline, or the request could not get through: into the queue, sent later.
                let result = if online {
                    crate::api::posts::publish_post(data.into()).await
                } else {
                    Err(crate::error::AppError::Transport)
                };
                if result == Err(crate::error::AppError::Transport)
                    && crate::components::outbox::enqueue("/api/counter/publish", &backup).await
                {
                    form.reset();
                    title.set(String::new());
                    body.set(String::new());
                    chosen_photo.set(None);
                    queued.set(true);
                    pending.set(false);
                    return;
                }
                pending.set(false);
                outcome.set(Some(result));
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let on_photo = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let file = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.files())
                .and_then(|files| files.get(0));
            chosen_photo.set(file.and_then(|f| web_sys::Url::create_object_url_with_blob(&f).ok()));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let failure = Memo::new(move |_| match outcome.get() {
        Some(Err(e)) => Some((
            match &e {
                crate::error::AppError::Validation { field, .. } => field.clone(),
                _ => String::new(),
            },
            error_text(locale, &e),
        )),
        Some(Ok(_)) => None,
        None => error.clone().map(|e| (String::new(), e)),
    });
    let field_error =
        move |name: &'static str| move || failure.get().filter(|(f, _)| f == name).map(|(_, m)| m);
    let kind = form.kind.clone();
    let heading = match (editing.is_some(), kind.as_str()) {
        (true, _) => locale.t("counter.edit_post"),
        (false, "event") => locale.t("counter.new_event"),
        (false, "news") => locale.t("counter.new_news"),
        _ => locale.t("counter.new_offer"),
    };
    let preview_title = shop_name.clone();
    view! {
        <section id="composer" class="composer" aria-labelledby="composer-title">
            <h2 id="composer-title">{heading}</h2>
            <form
                method="post"
                action="/api/counter/publish"
                enctype="multipart/form-data"
                class="stacked-form post-form"
                on:submit=on_submit
            >
                <input type="hidden" name="slug" value=slug.clone()/>
                <input type="hidden" name="kind" value=kind.clone()/>
                {editing.map(|id| view! { <input type="hidden" name="post_id" value=id.to_string()/> })}
                {form.idempotency_key.clone().filter(|_| editing.is_none()).map(|k| view! {
                    <input type="hidden" name="idempotency_key" value=k/>
                })}

                <label for="post-title">{locale.t("post.field.title")}</label>
                <input
                    id="post-title"
                    name="title"
                    required
                    maxlength="80"
                    autocomplete="off"
                    enterkeyhint="next"
                    prop:value=move || title.get()
                    on:input=move |ev| title.set(event_target_value(&ev))
                    aria-describedby="post-title-count post-title-error"
                />
                <p id="post-title-count" class="hint counter-chars">
                    {move || locale.tf("post.chars_left", &[("n", &(80_i64 - title.with(|t| t.chars().count() as i64)).to_string())])}
                </p>
                <p id="post-title-error" class="error" role="alert">{field_error("title")}</p>

                <label for="post-body">{locale.t("post.field.body")}</label>
                <textarea
                    id="post-body"
                    name="body"
                    rows="4"
                    maxlength="1000"
                    prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))
                    aria-describedby="post-body-error"
                >{form.body.clone()}</textarea>
                <p id="post-body-error" class="error" role="alert">{field_error("body")}</p>

                {(kind == "offer").then(|| view! {
                    <div class="field-row">
                        <div>
                            <label for="post-valid-from">{locale.t("post.field.valid_from")}</label>
                            <input id="post-valid-from" type="date" name="valid_from" value=form.valid_from.clone().unwrap_or_default()/>
                        </div>
                        <div>
                            <label for="post-valid-until">{locale.t("post.field.valid_until")}</label>
                            <input id="post-valid-until" type="date" name="valid_until" value=form.valid_until.clone().unwrap_or_default() aria-describedby="post-valid-error"/>
                        </div>
                    </div>
                    <p id="post-valid-error" class="error" role="alert">{field_error("valid_until")}{field_error("valid_from")}</p>
                })}
                {(kind == "event").then(|| view! {
                    <label for="post-starts">{locale.t("post.field.starts_at")}</label>
                    <input id="post-starts" type="datetime-local" name="starts_at" required value=form.starts_at.clone().unwrap_or_default() aria-describedby="post-starts-error"/>
                    <p id="post-starts-error" class="error" role="alert">{field_error("starts_at")}</p>
                    <label for="post-ends">{locale.t("post.field.ends_at")}</label>
                    <input id="post-ends" type="datetime-local" name="ends_at" value=form.ends_at.clone().unwrap_or_default() aria-describedby="post-ends-error"/>
                    <p id="post-ends-error" class="error" role="alert">{field_error("ends_at")}</p>
                    <label for="post-place">{locale.t("post.field.place")}</label>
                    <input id="post-place" name="place" maxlength="120" value=form.place.clone().unwrap_or_default()/>
                    <p class="error" role="alert">{field_error("place")}</p>
                })}

                <fieldset class="photo-field">
                    <legend>{locale.t("photo.legend")}</legend>
                    {current_photo.clone().map(|thumb| view! {
                        <img class="current-photo" src=thumb alt=locale.t("photo.current") width="120"/>
                        <label class="checkbox">
                            <input type="checkbox" name="remove_photo" value="on"/>
                            {locale.t("photo.remove")}
                        </label>
                    })}
                    <div class="photo-buttons">
                        <label class="button secondary photo-button">
                            {locale.t("photo.take")}
                            <input class="visually-hidden" type="file" name="photo" accept="image/*" capture="environment" on:change=on_photo/>
                        </label>
                        <label class="button secondary photo-button">
                            {locale.t("photo.choose")}
                            <input class="visually-hidden" type="file" name="photo" accept="image/jpeg,image/png,image/webp,image/*" on:change=on_photo/>
                        </label>
                    </div>
                    <p class="hint">{locale.t("photo.help")}</p>
                    <p class="error" role="alert">{field_error("photo")}</p>
                </fieldset>

                <details class="schedule" open=form.publish_at.is_some()>
                    <summary>{locale.t("post.schedule")}</summary>
                    <label for="post-publish-at">{locale.t("post.field.publish_at")}</label>
                    <input id="post-publish-at" type="datetime-local" name="publish_at" value=form.publish_at.clone().unwrap_or_default() aria-describedby="post-publish-help"/>
                    <p id="post-publish-help" class="hint">{locale.t("post.schedule_help")}</p>
                    <p class="error" role="alert">{field_error("publish_at")}</p>
                </details>

                <figure class="notification-preview">
                    <figcaption>{locale.t("post.preview")}</figcaption>
                    <div class="notification">
                        <img src="/icons/icon-192.png" alt="" width="40" height="40"/>
                        <div>
                            <p class="notification-title">{preview_title}</p>
                            <p class="notification-text">
                                <strong>{move || { let t = title.get(); if t.trim().is_empty() { locale.t("post.preview_empty") } else { t } }}</strong>
                                " "
                                {move || body.with(|b| b.chars().take(120).collect::<String>())}
                            </p>
                        </div>
                    </div>
                    {move || chosen_photo.get().map(|url| view! {
                        <img class="preview-photo" src=url alt=locale.t("photo.chosen") width="240"/>
                    })}
                </figure>

                {move || queued.get().then(|| view! {
                    <p class="notice warning" role="status">{locale.t("outbox.queued")}</p>
                })}
                {move || failure.get().filter(|(f, _)| f.is_empty() || !FORM_FIELDS.contains(&f.as_str())).map(|(_, m)| view! {
                    <p class="error" role="alert">{m}</p>
                })}
                {editing.is_some().then(|| view! { <p class="hint">{locale.t("post.edit_push_hint")}</p> })}
                <button type="submit" class="button primary big" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    {if editing.is_some() { locale.t("post.save") } else { locale.t("post.publish") }}
                </button>
                <a class="button secondary" href=format!("/counter/{slug}")>{locale.t("post.cancel")}</a>
            </form>
        </section>
    }
}

#[component]
fn CounterPostItem(slug: String, post: CounterPost) -> impl IntoView {
    let locale = use_locale();
    let delete = ServerAction::<DeletePost>::new();
    let back_to = slug.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            go_to(&format!("/counter/{back_to}?deleted=1"));
        }
    });
    let id = post.post.id;
    let status_key = match post.status {
        PostStatus::Scheduled => "counter.status.scheduled",
        PostStatus::Live => "counter.status.live",
        PostStatus::Ended => "counter.status.ended",
    };
    let status_class = match post.status {
        PostStatus::Scheduled => "badge scheduled",
        PostStatus::Live => "badge live",
        PostStatus::Ended => "badge ended",
    };
    view! {
        <li class="counter-post" data-post-id=id.to_string()>
            <p>
                <span class=status_class>{locale.t(status_key)}</span>
                " " <span class="post-views">{locale.plural("counter.views", post.views)}</span>
            </p>
            {post.push.filter(|p| p.targeted > 0).map(|push| view! {
                <p class="post-push">
                    {locale.plural("counter.push.targeted", push.targeted)}
                    " · " {locale.plural("counter.push.delivered", push.delivered)}
                    {(push.pending > 0).then(|| view! { " · " {locale.plural("counter.push.pending", push.pending)} })}
                    {(push.capped > 0).then(|| view! { " · " {locale.plural("counter.push.capped", push.capped)} })}
                    {(push.failed > 0).then(|| view! { " · " {locale.plural("counter.push.failed", push.failed)} })}
                    {(push.pruned > 0).then(|| view! { " · " {locale.plural("counter.push.pruned", push.pruned)} })}
                    " · " {locale.plural("counter.push.clicks", push.clicks)}
                </p>
            })}
            <PostCard post=post.post show_author=false/>
            <div class="post-actions">
                <a class="button secondary small" href=format!("/counter/{slug}?edit={id}#composer")>{locale.t("post.edit")}</a>
                <details class="confirm">
                    <summary class="button secondary small">{locale.t("post.delete")}</summary>
                    <ActionForm action=delete attr:class="inline-form">
                        <input type="hidden" name="slug" value=slug.clone()/>
                        <input type="hidden" name="post_id" value=id.to_string()/>
                        <button type="submit" class="button danger small">{locale.t("post.delete_confirm")}</button>
                    </ActionForm>
                </details>
            </div>
        </li>
    }
}

#[component]
fn Team(slug: String, members: Vec<TeamMember>, can_invite: bool) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="team" aria-labelledby="team-title">
            <h2 id="team-title">{locale.t("team.title")}</h2>
            <ul class="team-list" role="list">
                {members.into_iter().map(|m| {
                    let remove = ServerAction::<RemoveTeamMember>::new();
                    let removed = move || matches!(remove.value().get(), Some(Ok(())));
                    let failed = move || match remove.value().get() {
                        Some(Err(e)) => Some(error_text(locale, &e)),
                        _ => None,
                    };
                    let slug = slug.clone();
                    view! {
                        <li hidden=removed>
                            <span class="member-email">{m.email.clone()}</span>
                            " "
                            <span class="hint">{locale.t(&format!("role.{}", m.role))}</span>
                            {(can_invite && !m.is_me).then(|| view! {
                                <ActionForm action=remove attr:class="inline-form">
                                    <input type="hidden" name="shop" value=slug.clone()/>
                                    <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                                    <input type="hidden" name="return_to" value=format!("/counter/{slug}")/>
                                    <button type="submit" class="button secondary small">{locale.t("team.remove")}</button>
                                </ActionForm>
                            })}
                            <p class="error" role="alert">{failed}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {can_invite.then(|| view! {
                <InviteButton role="staff" target=slug.clone() label=locale.t("team.invite_staff") return_to=format!("/counter/{slug}")/>
                <crate::components::account::ReturnedInvitation/>
            })}
        </section>
    }
}
