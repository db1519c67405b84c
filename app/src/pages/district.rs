use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::districts::get_district;
use crate::components::posts::EventStrip;
use crate::components::{category_filter::CategoryFilter, shop_list::ShopList};
use crate::i18n::use_locale;
use crate::islands::follow::FollowButton;
use crate::islands::more_posts::{PagedPosts, PostSource};
use crate::model::DistrictView;
use crate::pages::Loaded;

#[component]
pub fn DistrictPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        (
            params.with(|p| p.get("slug").unwrap_or_default()),
            query.with(|q| q.get("category")),
            query.with(|q| q.get("before")),
        )
    };
    let district = Resource::new(key, |(slug, category, before)| {
        get_district(slug, category, before)
    });
    view! {
        <Loaded resource=district let:view>
            <DistrictContent view/>
        </Loaded>
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
        follow,
        events,
        posts,
        next_cursor,
        json_ld,
    } = view;
    let count = locale.plural("shops.count", shops.len() as i64);
    let has_posts = !posts.is_empty() || !events.is_empty();
    view! {
        <Title text=format!("{name} · {}", town.name)/>
        {json_ld.map(|data| view! { <script type="application/ld+json" inner_html=data></script> })}
        <section class="page district">
            <nav class="breadcrumb" aria-label=locale.t("nav.breadcrumb")>
                <a href="/">{town.name.clone()}</a>
            </nav>
            <h1>{name.clone()}</h1>
            <p class="lead">{locale.tf("district.lead", &[("district", &name), ("town", &town.name)])}</p>
            <FollowButton
                target="district".to_string()
                slug=slug.clone()
                name=name.clone()
                state=follow
                return_to=format!("/districts/{slug}")
                hide_count=true
                strings=crate::i18n::Strings::of(crate::islands::follow::FOLLOW_STRINGS)
            />
            <p class="feed-links">
                <a href=format!("/districts/{slug}/feed.atom") rel="external" type="application/atom+xml">{locale.t("district.atom")}</a>
                " · "
                <a href=format!("/districts/{slug}/events.ics") rel="external">{locale.t("district.calendar")}</a>
            </p>
            <EventStrip events/>
            {has_posts.then(|| view! {
                <section aria-labelledby="district-posts-title">
                    <h2 id="district-posts-title">{locale.t("district.posts")}</h2>
                    <PagedPosts
                        posts
                        next_cursor
                        source=PostSource::District(slug.clone())
                    />
                </section>
            })}
            <h2>{locale.t("district.shops")}</h2>
            <CategoryFilter categories selected=selected_category base_path=format!("/districts/{slug}")/>
            <p class="result-count" role="status">{count}</p>
            <ShopList shops/>
            <crate::pages::messages::SuggestionSection to="district" slug=slug.clone() name=name.clone()/>
        </section>
    }
}
