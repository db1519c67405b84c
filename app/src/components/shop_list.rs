use leptos::prelude::*;

use crate::components::status::StatusBadge;
use crate::i18n::{use_locale, Locale};
use crate::model::{NearbyShop, ShopSummary};

/// Shops found, their number announced first (search results, also as one types).
#[component]
pub fn FoundShops(shops: Vec<ShopSummary>) -> impl IntoView {
    let locale = use_locale();
    let count = locale.plural("shops.count", shops.len() as i64);
    view! {
        <p class="result-count" role="status">{count}</p>
        <ShopList shops/>
    }
}

/// Shops around the visitor, nearest first, each with its distance.
#[component]
pub fn NearbyList(shops: Vec<NearbyShop>) -> impl IntoView {
    let locale = use_locale();
    (!shops.is_empty()).then(|| {
        view! {
            <ul class="shop-list" role="list">
                {shops.into_iter().map(|n| view! {
                    <ShopCard distance=distance_text(locale, n.distance_m) shop=n.shop/>
                }).collect_view()}
            </ul>
        }
    })
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

#[component]
pub fn ShopList(shops: Vec<ShopSummary>) -> impl IntoView {
    let locale = use_locale();
    if shops.is_empty() {
        return view! { <p class="empty">{locale.t("shops.none")}</p> }.into_any();
    }
    view! {
        <ul class="shop-list" role="list">
            {shops.into_iter().map(|shop| view! { <ShopCard shop/> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn ShopCard(
    shop: ShopSummary,
    /// "à 350 m", on the "near me" list.
    #[prop(optional)]
    distance: Option<String>,
) -> impl IntoView {
    let locale = use_locale();
    let href = format!("/shops/{}", shop.slug);
    let place = [shop.address_line.clone(), shop.district_name.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <li class="shop-card" data-category=shop.category.clone()>
            <a href=href class="shop-link">
                <span class="shop-name">{shop.name.clone()}</span>
                <span class="shop-category">{locale.t(&format!("category.{}", shop.category))}</span>
            </a>
            {distance.map(|d| view! { <span class="distance">{d}</span> })}
            {(!place.is_empty()).then(|| view! { <span class="shop-place">{place}</span> })}
            <StatusBadge status=shop.status.clone()/>
        </li>
    }
}
