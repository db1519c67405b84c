//! The post form of the counter, with a preview of the notification: a plain
//! `multipart/form-data` form that works without JavaScript; once the app runs, it is sent in
//! the background, or queued when offline.

use leptos::prelude::*;

use crate::api::posts::CounterOf;
use crate::components::query::{go_to, typed_value};
use crate::i18n::use_locale;
use crate::islands::account::error_text;
use crate::model::{PostForm, ShopChoice};

/// Field names of the post form whose errors show beside them.
const FORM_FIELDS: [&str; 10] = [
    "kind",
    "title",
    "body",
    "valid_from",
    "valid_until",
    "starts_at",
    "ends_at",
    "place",
    "publish_at",
    "co_organisers",
];

/// The post form, with a preview of the notification. A plain `multipart/form-data` form
/// (it works without JavaScript); once the app runs, it is sent in the background.
#[component]
pub(super) fn Composer(
    /// Whose counter: the form's hidden field, where it goes back to.
    counter: CounterOf,
    /// The shop's or district's name (the notification's title).
    poster_name: String,
    /// A district's form: the shops that may co-organise (`None` for a shop's form).
    #[prop(optional)]
    audience: Option<Vec<ShopChoice>>,
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
    let page = counter.path();
    let back_to = page.clone();
    Effect::new(move |_| {
        if let Some(Ok(id)) = outcome.get() {
            go_to(&format!("{back_to}?saved={id}"));
        }
    });
    let (counter_field, counter_value) = counter.field();
    let sending = Sending {
        pending,
        outcome,
        title,
        body,
        chosen_photo,
        queued,
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| sending.submit(ev);
    let failure: Memo<Failure> = Memo::new(move |_| match outcome.get() {
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
    let field_error = move |name: &'static str| field_error(failure, name);
    let kind = form.kind.clone();
    let heading = match (editing.is_some(), kind.as_str()) {
        (true, _) => locale.t("counter.edit_post"),
        (false, "event") => locale.t("counter.new_event"),
        (false, "news") => locale.t("counter.new_news"),
        _ => locale.t("counter.new_offer"),
    };
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
                <input type="hidden" name=counter_field value=counter_value/>
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
                >{crate::components::textarea_text(&form.body)}</textarea>
                <p id="post-body-error" class="error" role="alert">{field_error("body")}</p>

                <KindFields kind=kind.clone() form=form.clone() failure/>

                <PhotoField current_photo=current_photo.clone() chosen_photo failure/>

                {audience.map(|shops| view! { <AudienceFields shops form=form.clone() failure editing=editing.is_some()/> })}

                <details class="schedule" open=form.publish_at.is_some()>
                    <summary>{locale.t("post.schedule")}</summary>
                    <label for="post-publish-at">{locale.t("post.field.publish_at")}</label>
                    <input id="post-publish-at" type="datetime-local" name="publish_at" value=form.publish_at.clone().unwrap_or_default() aria-describedby="post-publish-help"/>
                    <p id="post-publish-help" class="hint">{locale.t("post.schedule_help")}</p>
                    <p class="error" role="alert">{field_error("publish_at")}</p>
                </details>

                <NotificationPreview shop_name=poster_name.clone() title body chosen_photo/>

                {move || queued.get().then(|| view! {
                    <p class="notice warning" role="status">{locale.t("pending_posts.queued")}</p>
                })}
                {move || failure.get().filter(|(f, _)| f.is_empty() || !FORM_FIELDS.contains(&f.as_str())).map(|(_, m)| view! {
                    <p class="error" role="alert">{m}</p>
                })}
                {editing.is_some().then(|| view! { <p class="hint">{locale.t("post.edit_push_hint")}</p> })}
                <button type="submit" class="button primary big" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    {if editing.is_some() { locale.t("post.save") } else { locale.t("post.publish") }}
                </button>
                <a class="button secondary" href=page.clone()>{locale.t("post.cancel")}</a>
            </form>
        </section>
    }
}

/// A post's form once the app runs: sent in the background, or queued when offline.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Sending {
    pending: RwSignal<bool>,
    outcome: RwSignal<Option<Result<i64, crate::error::AppError>>>,
    title: RwSignal<String>,
    body: RwSignal<String>,
    chosen_photo: RwSignal<Option<String>>,
    queued: RwSignal<bool>,
}

impl Sending {
    fn submit(self, ev: leptos::ev::SubmitEvent) {
        #[cfg(feature = "hydrate")]
        let Sending {
            pending,
            outcome,
            title,
            body,
            chosen_photo,
            queued,
        } = self;
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
                    && crate::islands::pending_posts::enqueue("/api/counter/publish", &backup).await
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
        #[cfg(not(feature = "hydrate"))]
        let _ = self;
    }
}

/// The failed field (empty when the error is not about one) and the message.
type Failure = Option<(String, String)>;

/// The message of the failed field `name`, if it is the one.
fn field_error(failure: Memo<Failure>, name: &'static str) -> impl Fn() -> Option<String> + Copy {
    move || failure.get().filter(|(f, _)| f == name).map(|(_, m)| m)
}

/// The fields of one kind of post: an offer's dates, an event's times and place.
#[component]
fn KindFields(kind: String, form: PostForm, failure: Memo<Failure>) -> impl IntoView {
    let locale = use_locale();
    let field_error = move |name: &'static str| field_error(failure, name);
    view! {
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
    }
}

/// A district's post: whom it reaches beyond the district's followers (the followers of its
/// shops), and the shops co-organising it.
#[component]
fn AudienceFields(
    shops: Vec<ShopChoice>,
    form: PostForm,
    failure: Memo<Failure>,
    /// An edit: its audience was notified already.
    editing: bool,
) -> impl IntoView {
    let locale = use_locale();
    let chosen = form.co_organisers.len();
    view! {
        <fieldset class="audience">
            <legend>{locale.t("post.audience.legend")}</legend>
            <p class="hint">{locale.t("post.audience.district")}</p>
            <label class="checkbox">
                <input type="checkbox" name="notify_shop_followers" value="on" checked=form.notify_shop_followers aria-describedby="post-audience-shops-help"/>
                {locale.t("post.audience.shops")}
            </label>
            <p id="post-audience-shops-help" class="hint">{locale.t("post.audience.shops_help")}</p>
            {(!shops.is_empty()).then(|| view! {
                <details class="co-organisers" open={chosen > 0}>
                    <summary>{locale.t("post.audience.co_organisers")}</summary>
                    <fieldset aria-describedby="post-co-organisers-help post-co-organisers-error">
                        <legend class="visually-hidden">{locale.t("post.audience.co_organisers")}</legend>
                        <p id="post-co-organisers-help" class="hint">{locale.t("post.audience.co_organisers_help")}</p>
                        <ul class="checkbox-list" role="list">
                            {shops.into_iter().map(|shop| {
                                let checked = form.co_organisers.contains(&shop.id);
                                view! {
                                    <li>
                                        <label class="checkbox">
                                            <input type="checkbox" name="co_organisers" value=shop.id.to_string() checked=checked/>
                                            {shop.name}
                                        </label>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </fieldset>
                </details>
            })}
            <p id="post-co-organisers-error" class="error" role="alert">{field_error(failure, "co_organisers")}</p>
            {editing.then(|| view! { <p class="hint">{locale.t("post.audience.edit_hint")}</p> })}
        </fieldset>
    }
}

/// A photo taken or chosen (and, when editing, the current one to keep or remove).
#[component]
fn PhotoField(
    current_photo: Option<String>,
    chosen_photo: RwSignal<Option<String>>,
    failure: Memo<Failure>,
) -> impl IntoView {
    let locale = use_locale();
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
        let _ = (ev, chosen_photo);
    };
    view! {
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
            <p class="error" role="alert">{field_error(failure, "photo")}</p>
        </fieldset>
    }
}

/// What the notification will look like on a phone, as the merchant types.
#[component]
fn NotificationPreview(
    shop_name: String,
    title: RwSignal<String>,
    body: RwSignal<String>,
    chosen_photo: RwSignal<Option<String>>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <figure class="notification-preview">
            <figcaption>{locale.t("post.preview")}</figcaption>
            <div class="notification">
                <img src="/icons/icon-192.png" alt="" width="40" height="40"/>
                <div>
                    <p class="notification-title">{shop_name}</p>
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
    }
}
