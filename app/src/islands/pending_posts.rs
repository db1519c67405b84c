//! The merchant's offline queue as the counter shows it: posts "en attente d'envoi" until the
//! connection returns (the queue itself is `public/pending-posts.js`, shared with the service worker).

use leptos::prelude::*;

use crate::i18n::use_locale;

/// A queued post, as `quartierPendingPosts.pending()` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedPost {
    pub key: String,
    pub shop: String,
    pub title: String,
    /// The server refused it (its answer), after the connection returned.
    pub error: Option<String>,
}

#[cfg(feature = "hydrate")]
mod js {
    use wasm_bindgen::{JsCast, JsValue};

    fn queue() -> Result<JsValue, JsValue> {
        let value =
            js_sys::Reflect::get(&leptos::prelude::window(), &"quartierPendingPosts".into())?;
        if value.is_undefined() {
            return Err("pending-posts.js is not loaded".into());
        }
        Ok(value)
    }

    async fn call(method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
        let queue = queue()?;
        let function: js_sys::Function =
            js_sys::Reflect::get(&queue, &method.into())?.dyn_into()?;
        let array: js_sys::Array = args.iter().collect();
        let promise: js_sys::Promise = function.apply(&queue, &array)?.dyn_into()?;
        wasm_bindgen_futures::JsFuture::from(promise).await
    }

    pub async fn enqueue(url: &str, data: &web_sys::FormData) -> Result<(), JsValue> {
        call("enqueue", &[url.into(), data.clone().into()])
            .await
            .map(|_| ())
    }

    pub async fn remove(key: &str) -> Result<(), JsValue> {
        call("remove", &[key.into()]).await.map(|_| ())
    }

    pub async fn pending() -> Result<Vec<super::QueuedPost>, JsValue> {
        let list: js_sys::Array = call("pending", &[]).await?.dyn_into()?;
        let text = |item: &JsValue, name: &str| {
            js_sys::Reflect::get(item, &name.into())
                .ok()
                .and_then(|v| v.as_string())
        };
        Ok(list
            .iter()
            .map(|item| super::QueuedPost {
                key: text(&item, "key").unwrap_or_default(),
                shop: text(&item, "shop").unwrap_or_default(),
                title: text(&item, "title").unwrap_or_default(),
                error: text(&item, "error"),
            })
            .collect())
    }
}

/// Keeps the form's data to send when the connection returns.
#[cfg(feature = "hydrate")]
pub async fn enqueue(url: &str, data: &web_sys::FormData) -> bool {
    js::enqueue(url, data).await.is_ok()
}

/// A counter's queued posts (`queue`: its key in the queue, `page`: the counter's address); when
/// one has been sent, the counter reloads to show it published.
#[component]
pub fn PendingPostsList(queue: String, page: String) -> impl IntoView {
    let locale = use_locale();
    let queued = RwSignal::new(Vec::<QueuedPost>::new());
    #[cfg(feature = "hydrate")]
    {
        let refresh = {
            let queue = queue.clone();
            move || {
                let queue = queue.clone();
                leptos::task::spawn_local(async move {
                    if let Ok(all) = js::pending().await {
                        queued.set(all.into_iter().filter(|q| q.shop == queue).collect());
                    }
                });
            }
        };
        Effect::new({
            let refresh = refresh.clone();
            move |_| refresh()
        });
        let changed = window_event_listener_untyped("quartier-pending-posts-changed", {
            let refresh = refresh.clone();
            move |_| refresh()
        });
        // The queue's script may run after this island came alive: the list is read again once
        // the page has loaded (by then it has run).
        let loaded = window_event_listener_untyped("load", {
            let refresh = refresh.clone();
            move |_| refresh()
        });
        let sent = window_event_listener_untyped("quartier-pending-posts-sent", {
            let queue = queue.clone();
            let page = page.clone();
            move |event| {
                use wasm_bindgen::JsCast;
                let detail = event
                    .dyn_ref::<web_sys::CustomEvent>()
                    .map(|e| e.detail())
                    .unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
                let get = |name: &str| {
                    js_sys::Reflect::get(&detail, &name.into())
                        .ok()
                        .and_then(|v| v.as_string())
                };
                refresh();
                if get("shop").as_deref() == Some(queue.as_str()) {
                    let id = get("id").unwrap_or_default();
                    crate::components::query::go_to(&format!("{page}?saved={id}"));
                }
            }
        });
        on_cleanup(move || {
            changed.remove();
            sent.remove();
            loaded.remove();
        });
    }
    let _ = (&queue, &page);
    let discard = move |key: String| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let _ = js::remove(&key).await;
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = key;
    };
    view! {
        // The queue itself; only the counter loads it (and any page while posts are waiting).
        <script src="/pending-posts.js" defer></script>
        <Show when=move || queued.with(|q| !q.is_empty())>
            <section class="pending-posts" aria-labelledby="pending-posts-title">
                <h2 id="pending-posts-title">{locale.t("pending_posts.title")}</h2>
                <ul class="post-list" role="list">
                    <For each=move || queued.get() key=|q| (q.key.clone(), q.error.clone()) let:item>
                        <li class="queued-post" data-key=item.key.clone()>
                            {match item.error.clone() {
                                None => view! { <span class="badge scheduled">{locale.t("pending_posts.waiting")}</span> }.into_any(),
                                Some(_) => view! { <span class="badge ended">{locale.t("pending_posts.refused")}</span> }.into_any(),
                            }}
                            " " <strong>{item.title.clone()}</strong>
                            {item.error.clone().map(|e| view! { <p class="error">{refusal_text(locale, &e)}</p> })}
                            {item.error.is_some().then(|| {
                                let key = item.key.clone();
                                view! {
                                    <button type="button" class="button secondary small" on:click=move |_| discard(key.clone())>
                                        {locale.t("pending_posts.discard")}
                                    </button>
                                }
                            })}
                        </li>
                    </For>
                </ul>
                <p class="hint">{locale.t("pending_posts.help")}</p>
            </section>
        </Show>
    }
}

/// The server's refusal (a serialised `AppError`) as a message.
fn refusal_text(locale: crate::i18n::Locale, answer: &str) -> String {
    serde_json::from_str::<crate::error::AppError>(answer)
        .map(|e| crate::islands::account::error_text(locale, &e))
        .unwrap_or_else(|_| locale.t("error.validation"))
}
