//! Browser-only helpers: sharing a page, and picking the map link that suits the device.

use leptos::prelude::*;

use crate::i18n::use_locale;

/// True once the app runs in the browser (false while rendering on the server).
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

/// The texts the share button needs in the browser.
pub const SHARE_STRINGS: &[&str] = &["shop.share", "shop.link_copied"];

/// "Partager" on its own (an island).
#[island]
pub fn ShareButton(url: String, title: String, strings: crate::i18n::Strings) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    view! { <Share url title/> }
}

/// "Partager": the system share sheet where there is one (phones), otherwise copies the link.
/// Needs JavaScript, so it only appears once the page runs (within an island).
#[component]
pub fn Share(url: String, title: String) -> impl IntoView {
    let locale = use_locale();
    let hydrated = use_hydrated();
    let copied = RwSignal::new(false);
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            share_or_copy(&url, &title, copied);
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (&url, &title);
        }
    };
    view! {
        <button type="button" class="button secondary share" hidden=move || !hydrated.get() on:click=on_click>
            {locale.t("shop.share")}
        </button>
        <span class="share-status" role="status">{move || copied.get().then(|| locale.t("shop.link_copied"))}</span>
    }
}

#[cfg(feature = "hydrate")]
fn share_or_copy(url: &str, title: &str, copied: RwSignal<bool>) {
    use wasm_bindgen::JsValue;
    let navigator = window().navigator();
    let has_share = js_sys::Reflect::has(&navigator, &JsValue::from_str("share")).unwrap_or(false);
    if has_share {
        let data = web_sys::ShareData::new();
        data.set_url(url);
        data.set_title(title);
        // Dismissing the sheet rejects the promise: nothing to do then.
        let _ = navigator.share_with_data(&data);
        return;
    }
    let promise = navigator.clipboard().write_text(url);
    leptos::task::spawn_local(async move {
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
            copied.set(true);
        }
    });
}

/// "Itinéraire": an OpenStreetMap link, which becomes a `geo:` link (the phone's map app) on
/// Android once the page runs.
#[island]
pub fn DirectionsLink(osm: String, geo: String, strings: crate::i18n::Strings) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let hydrated = use_hydrated();
    let href = move || {
        if hydrated.get() && is_android() {
            geo.clone()
        } else {
            osm.clone()
        }
    };
    view! { <a class="button" href=href rel="noopener">{locale.t("shop.directions")}</a> }
}

/// Asks the service worker to keep these pages for reading offline, once the page runs.
#[island]
pub fn KeepOffline(urls: Vec<String>) -> impl IntoView {
    crate::hydration::island_hydrated();
    Effect::new(move |_| keep_offline(urls.clone()));
}

/// Whether this browser runs on Android (where `geo:` links open the map app).
pub fn is_android() -> bool {
    #[cfg(feature = "hydrate")]
    {
        window()
            .navigator()
            .user_agent()
            .map(|ua| ua.contains("Android"))
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// Asks the service worker to keep these pages of the site for reading offline.
pub fn keep_offline(urls: Vec<String>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsValue;
        let Some(worker) = window().navigator().service_worker().controller() else {
            return;
        };
        let message = js_sys::Object::new();
        let list = js_sys::Array::new();
        for url in urls {
            list.push(&JsValue::from_str(&url));
        }
        let _ = js_sys::Reflect::set(&message, &"type".into(), &"keep".into());
        let _ = js_sys::Reflect::set(&message, &"urls".into(), &list);
        let _ = worker.post_message(&message);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = urls;
}
