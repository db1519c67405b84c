use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::districts::get_district;
use crate::components::{category_filter::CategoryFilter, shop_list::ShopList};
use crate::i18n::use_locale;
use crate::model::DistrictView;
use crate::pages::{LoadError, Loading};

#[component]
pub fn DistrictPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        (
            params.with(|p| p.get("slug").unwrap_or_default()),
            query.with(|q| q.get("category")),
        )
    };
    let district = Resource::new(key, |(slug, category)| get_district(slug, category));
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match district.await {
                    Ok(view) => view! { <DistrictContent view/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DistrictContent(view: DistrictView) -> impl IntoView {
    let locale = use_locale();
    let DistrictView {
        slug,
        name,
        town,
        categories,
        selected_category,
        shops,
    } = view;
    let count = locale.plural("shops.count", shops.len() as i64);
    view! {
        <Title text=format!("{name} · {}", town.name)/>
        <section class="page district">
            <nav class="breadcrumb" aria-label=locale.t("nav.breadcrumb")>
                <a href="/">{town.name.clone()}</a>
            </nav>
            <h1>{name.clone()}</h1>
            <p class="lead">{locale.tf("district.lead", &[("district", &name), ("town", &town.name)])}</p>
            <CategoryFilter categories selected=selected_category base_path=format!("/districts/{slug}")/>
            <p class="result-count" role="status">{count}</p>
            <ShopList shops/>
        </section>
    }
}
