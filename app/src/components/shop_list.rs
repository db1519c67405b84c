use leptos::prelude::*;

use crate::components::status::StatusBadge;
use crate::i18n::use_locale;
use crate::model::ShopSummary;

/// The texts a list of shops needs in the browser (search as you type, near me).
pub const SHOP_LIST_STRINGS: &[&str] = &[
    "search.",
    "category.",
    "shops.",
    "status.",
    "time.",
    "weekday.",
    "error.",
    "nearby.",
    "nav.map",
];

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
