use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::shops::get_home;
use crate::components::{category_filter::CategoryFilter, pager::Pager, shop_list::ShopList};
use crate::i18n::use_locale;
use crate::model::HomeView;
use crate::pages::Loaded;

#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let key = move || query.with(|q| (q.get("category"), q.get("page")));
    let home = Resource::new(key, |(category, page)| get_home(category, page));
    view! {
        <Loaded resource=home let:view>
            <HomeContent view/>
        </Loaded>
    }
}

#[component]
fn HomeContent(view: HomeView) -> impl IntoView {
    let locale = use_locale();
    let HomeView {
        town,
        districts,
        categories,
        selected_category,
        shops,
        total_shops,
        page,
        pages,
    } = view;
    let count = locale.plural("shops.count", total_shops);
    let page_href = {
        let category = selected_category.clone();
        move |p: u32| match (&category, p) {
            (None, 1) => "/".to_string(),
            (None, p) => format!("/?page={p}"),
            (Some(c), 1) => format!("/?category={c}"),
            (Some(c), p) => format!("/?category={c}&page={p}"),
        }
    };
    view! {
        <Title text=town.name.clone()/>
        <section class="page home">
            <h1>{locale.tf("home.title", &[("town", &town.name)])}</h1>
            <p class="lead">{locale.t("home.lead")}</p>
            {(!districts.is_empty()).then(|| view! {
                <section class="districts" aria-labelledby="districts-title">
                    <h2 id="districts-title">{locale.t("home.districts")}</h2>
                    <ul class="district-list" role="list">
                        {districts.into_iter().map(|d| view! {
                            <li>
                                <a class="district-card" href=format!("/districts/{}", d.slug)>
                                    <span class="district-name">{d.name}</span>
                                    <span class="district-count">{locale.plural("shops.count", d.shop_count)}</span>
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            <section class="shops" aria-labelledby="shops-title">
                <h2 id="shops-title">{locale.t("home.shops")}</h2>
                <CategoryFilter categories selected=selected_category base_path="/".to_string()/>
                <p class="result-count" role="status">{count}</p>
                <ShopList shops/>
                <Pager page pages href=page_href/>
            </section>
        </section>
    }
}
