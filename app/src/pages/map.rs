use leptos::prelude::*;
use leptos_meta::{Link, Title};

use crate::api::map::get_map;
use crate::components::shop_list::ShopList;
use crate::i18n::format::status_texts;
use crate::i18n::{use_locale, Locale};
use crate::model::MapView;
use crate::pages::Loaded;

/// The map of shops and districts (Leaflet, vendored), with the list as its accessible
/// alternative. Links to this page load it in full (`rel="external"`) so that its scripts run.
#[component]
pub fn MapPage() -> impl IntoView {
    let map = Resource::new(|| (), |_| get_map());
    view! {
        <Loaded resource=map let:view>
            <MapContent view/>
        </Loaded>
    }
}

/// The data `map.js` reads, as JSON safe inside a `<script>` element.
fn map_data(locale: Locale, view: &MapView) -> String {
    let shops: Vec<serde_json::Value> = view
        .shops
        .iter()
        .map(|s| {
            let (label, detail) = status_texts(locale, &s.summary.status);
            let detail = match detail {
                Some(d) => format!(
                    "{} · {label} · {d}",
                    locale.t(&format!("category.{}", s.summary.category))
                ),
                None => format!(
                    "{} · {label}",
                    locale.t(&format!("category.{}", s.summary.category))
                ),
            };
            serde_json::json!({
                "slug": s.summary.slug,
                "name": s.summary.name,
                "lat": s.lat,
                "lon": s.lon,
                "open": format!("{:?}", s.summary.status.state),
                "detail": detail,
            })
        })
        .collect();
    let districts: Vec<serde_json::Value> = view
        .districts
        .iter()
        .map(|d| serde_json::json!({ "slug": d.slug, "name": d.name, "boundary": d.boundary }))
        .collect();
    serde_json::json!({
        "tile_url": view.tile_url,
        "attribution": view.tile_attribution,
        "shops": shops,
        "districts": districts,
    })
    .to_string()
    .replace('<', "\\u003c")
}

#[component]
fn MapContent(view: MapView) -> impl IntoView {
    let locale = use_locale();
    let data = map_data(locale, &view);
    let shops = view
        .shops
        .into_iter()
        .map(|s| s.summary)
        .collect::<Vec<_>>();
    view! {
        <Title text=locale.t("map.title")/>
        <Link rel="stylesheet" href="/leaflet/leaflet.css"/>
        <section class="page map-page">
            <h1>{locale.t("map.title")}</h1>
            <div
                id="map"
                class="map"
                role="region"
                aria-label=locale.t("map.label")
                aria-describedby="map-help"
            >
                <p class="map-placeholder">{locale.t("map.needs_js")}</p>
            </div>
            <p id="map-help" class="muted small">
                {locale.t("map.help")} " "
                <a href="#map-list">{locale.t("map.to_list")}</a>
            </p>
            <script type="application/json" id="map-data" inner_html=data></script>
            <script src="/leaflet/leaflet.js" defer></script>
            <script src="/map.js" defer></script>
            <h2 id="map-list">{locale.t("map.list")}</h2>
            <ShopList shops/>
        </section>
    }
}
