use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::use_locale;

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Nearby {
    Idle,
    Locating,
    /// The visitor refused, or the browser has no location.
    Denied,
    Unavailable,
    /// How many shops were found (the list itself comes rendered by the server).
    Found(usize),
    Failed,
}

/// "Autour de moi": asks for the position only when the visitor taps the button.
#[component]
pub fn NearbyPage() -> impl IntoView {
    let locale = use_locale();
    view! {
        <Title text=locale.t("nearby.title")/>
        <section class="page nearby">
            <h1>{locale.t("nearby.title")}</h1>
            <p class="lead">{locale.t("nearby.lead")}</p>
            <NearbyFinder strings=crate::i18n::Strings::of(NEARBY_STRINGS)/>
            <p class="muted small">{locale.t("nearby.privacy")}</p>
        </section>
    }
}

/// The texts the "near me" finder needs in the browser.
const NEARBY_STRINGS: &[&str] = &["nearby.", "shops.count", "error.transport", "nav.map"];

/// The button that asks for the position, the shops around it and the other ways to find one.
#[island(lazy)]
fn NearbyFinder(strings: crate::i18n::Strings) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let state = RwSignal::new(Nearby::Idle);
    let list = NodeRef::<leptos::html::Div>::new();
    let locate = move |_| {
        state.set(Nearby::Locating);
        request_position(state, list);
    };
    let status = move || match state.get() {
        Nearby::Locating => Some(locale.t("nearby.locating")),
        Nearby::Denied => Some(locale.t("nearby.denied")),
        Nearby::Unavailable => Some(locale.t("nearby.unavailable")),
        Nearby::Failed => Some(locale.t("error.transport")),
        Nearby::Found(0) => Some(locale.t("nearby.none")),
        Nearby::Found(count) => Some(locale.plural("shops.count", count as i64)),
        Nearby::Idle => None,
    };
    let fallback = move || matches!(state.get(), Nearby::Denied | Nearby::Unavailable);
    view! {
            <button type="button" class="button locate" on:click=locate disabled=move || state.get() == Nearby::Locating>
                {locale.t("nearby.locate")}
            </button>
            <noscript><p class="muted">{locale.t("nearby.needs_js")}</p></noscript>
            <p class="result-count" role="status">{status}</p>
            <div class="nearby-list" node_ref=list></div>
            <div class="alternatives" class:highlight=fallback>
                <h2>{locale.t("nearby.alternatives")}</h2>
                <ul class="actions" role="list">
                    <li><a class="button secondary" href="/#districts">{locale.t("nearby.by_district")}</a></li>
                    <li><a class="button secondary" href="/map" rel="external">{locale.t("nav.map")}</a></li>
                </ul>
            </div>
    }
}

/// Asks the browser for the position, then the server for the shops around it.
fn request_position(state: RwSignal<Nearby>, list: NodeRef<leptos::html::Div>) {
    #[cfg(feature = "hydrate")]
    {
        use crate::api::nearby::get_nearby_results;
        use wasm_bindgen::prelude::*;
        use wasm_bindgen::JsCast;

        // A new question: the last answer's shops go.
        if let Some(list) = list.get_untracked() {
            list.set_inner_html("");
        }

        let geolocation = match window().navigator().geolocation() {
            Ok(g) => g,
            Err(_) => {
                state.set(Nearby::Unavailable);
                return;
            }
        };
        let number = |value: &JsValue, key: &str| {
            js_sys::Reflect::get(value, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_f64())
        };
        let success = Closure::once_into_js(move |position: JsValue| {
            let coords = js_sys::Reflect::get(&position, &JsValue::from_str("coords"))
                .unwrap_or(JsValue::UNDEFINED);
            let (Some(lat), Some(lon)) =
                (number(&coords, "latitude"), number(&coords, "longitude"))
            else {
                state.set(Nearby::Unavailable);
                return;
            };
            // Only a coarse position leaves the phone (about 100 m), in thousandths of a degree.
            let milli = |x: f64| (x * 1_000.0).round() as i32;
            leptos::task::spawn_local(async move {
                match get_nearby_results(milli(lat), milli(lon)).await {
                    Ok(found) => {
                        if let Some(list) = list.get_untracked() {
                            list.set_inner_html(&found.html);
                        }
                        state.set(Nearby::Found(found.count));
                    }
                    Err(_) => state.set(Nearby::Failed),
                }
            });
        });
        let failure = Closure::once_into_js(move |error: JsValue| {
            // 1 = PERMISSION_DENIED; 2 = unavailable; 3 = timeout.
            let code = number(&error, "code").unwrap_or(2.0) as i32;
            state.set(if code == 1 {
                Nearby::Denied
            } else {
                Nearby::Unavailable
            });
        });
        let options = web_sys::PositionOptions::new();
        options.set_enable_high_accuracy(false);
        options.set_maximum_age(60_000);
        options.set_timeout(15_000);
        let asked = geolocation.get_current_position_with_error_callback_and_options(
            success.unchecked_ref(),
            Some(failure.unchecked_ref()),
            &options,
        );
        if asked.is_err() {
            state.set(Nearby::Unavailable);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (state, list);
}
