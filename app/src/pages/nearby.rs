use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::shop_list::ShopCard;
use crate::i18n::{use_locale, Locale};
use crate::model::NearbyShop;

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Nearby {
    Idle,
    Locating,
    /// The visitor refused, or the browser has no location.
    Denied,
    Unavailable,
    Found(Vec<NearbyShop>),
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
            <NearbyFinder strings=crate::i18n::Strings::of(crate::components::shop_list::SHOP_LIST_STRINGS)/>
            <p class="muted small">{locale.t("nearby.privacy")}</p>
        </section>
    }
}

/// The button that asks for the position, the shops around it and the other ways to find one.
#[island]
fn NearbyFinder(strings: crate::i18n::Strings) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let state = RwSignal::new(Nearby::Idle);
    let locate = move |_| {
        state.set(Nearby::Locating);
        request_position(state);
    };
    let status = move || match state.get() {
        Nearby::Locating => Some(locale.t("nearby.locating")),
        Nearby::Denied => Some(locale.t("nearby.denied")),
        Nearby::Unavailable => Some(locale.t("nearby.unavailable")),
        Nearby::Failed => Some(locale.t("error.transport")),
        Nearby::Found(shops) if shops.is_empty() => Some(locale.t("nearby.none")),
        Nearby::Found(shops) => Some(locale.plural("shops.count", shops.len() as i64)),
        Nearby::Idle => None,
    };
    let fallback = move || matches!(state.get(), Nearby::Denied | Nearby::Unavailable);
    view! {
            <button type="button" class="button locate" on:click=locate disabled=move || state.get() == Nearby::Locating>
                {locale.t("nearby.locate")}
            </button>
            <noscript><p class="muted">{locale.t("nearby.needs_js")}</p></noscript>
            <p class="result-count" role="status">{status}</p>
            {move || match state.get() {
                Nearby::Found(shops) => view! {
                    <ul class="shop-list" role="list">
                        {shops.into_iter().map(|n| view! {
                            <ShopCard distance=distance_text(locale, n.distance_m) shop=n.shop/>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                _ => ().into_any(),
            }}
            <div class="alternatives" class:highlight=fallback>
                <h2>{locale.t("nearby.alternatives")}</h2>
                <ul class="actions" role="list">
                    <li><a class="button secondary" href="/#districts">{locale.t("nearby.by_district")}</a></li>
                    <li><a class="button secondary" href="/map" rel="external">{locale.t("nav.map")}</a></li>
                </ul>
            </div>
    }
}

/// "à 350 m", "à 1,2 km".
pub fn distance_text(locale: Locale, metres: i64) -> String {
    if metres < 1_000 {
        locale.tf("nearby.metres", &[("n", &metres.to_string())])
    } else {
        let km = format!("{:.1}", metres as f64 / 1_000.0);
        let km = if locale.code() == "en" {
            km
        } else {
            km.replace('.', ",")
        };
        locale.tf("nearby.kilometres", &[("n", &km)])
    }
}

/// Asks the browser for the position, then the server for the shops around it.
fn request_position(state: RwSignal<Nearby>) {
    #[cfg(feature = "hydrate")]
    {
        use crate::api::search::get_nearby;
        use wasm_bindgen::prelude::*;
        use wasm_bindgen::JsCast;

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
            // Only a coarse position leaves the phone (about 100 m).
            let round = |x: f64| (x * 1_000.0).round() / 1_000.0;
            leptos::task::spawn_local(async move {
                match get_nearby(round(lat), round(lon)).await {
                    Ok(shops) => state.set(Nearby::Found(shops)),
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
    let _ = state;
}
