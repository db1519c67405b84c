//! A district's counter (`/districts/:slug/counter`): its stewards (the association) and the
//! town's admins publish as the district, with the shop counter's composer, choose whom it
//! reaches (the followers of its shops, its co-organising shops) and see its posts and reach.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{composer::Composer, composer_state, flash_and_error, CounterPosts, KindsNav};
use crate::api::posts::{get_district_counter, CounterOf};
use crate::components::query::use_page_query;
use crate::i18n::use_locale;
use crate::model::{CounterPost, DistrictCounterView, PostStatus};
use crate::pages::Loaded;

/// `/districts/:slug/counter`.
#[component]
pub fn DistrictCounterPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        (
            params.with(|p| p.get("slug").unwrap_or_default()),
            // A save or a deletion reloads the counter.
            query.with(|q| (q.get("saved"), q.get("deleted"))),
        )
    };
    let counter = Resource::new(key, |(slug, _)| get_district_counter(slug));
    let sign_in_to = Signal::derive(move || {
        let slug = params.with_untracked(|p| p.get("slug").unwrap_or_default());
        format!("/districts/{slug}/counter")
    });
    view! {
        <Meta name="robots" content="noindex"/>
        <Loaded resource=counter sign_in_to let:view>
            <DistrictCounterContent view strings=crate::i18n::Strings::all()/>
        </Loaded>
    }
}

/// The district's counter: the composer and the offline queue make it interactive, so one
/// island (like the shop's counter).
#[island(lazy)]
fn DistrictCounterContent(
    view: DistrictCounterView,
    strings: crate::i18n::Strings,
) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let query = use_page_query();
    let DistrictCounterView {
        district,
        posts,
        followers,
        with_shop_followers,
        push_reach,
        push_reach_with_shops,
        blank,
        shops,
        messages_to_answer,
    } = view;
    let counter = CounterOf::District(district.slug.clone());
    let slug = district.slug.clone();
    let name = district.name.clone();
    let composer_state = composer_state(&posts, blank, query, locale);
    let (flash, error) = flash_and_error(query, locale, &name);
    let (live, others): (Vec<CounterPost>, Vec<CounterPost>) = posts
        .into_iter()
        .partition(|p| p.status != PostStatus::Ended);
    view! {
        <Title text=locale.tf("counter.title_shop", &[("shop", &name)])/>
        <section class="page counter">
            <header class="counter-header">
                <p class="eyebrow">{locale.t("district_counter.eyebrow")}</p>
                <h1>{name.clone()}</h1>
                <p class="counter-links">
                    <a href=format!("/districts/{slug}")>{locale.t("district_counter.see_page")}</a>
                    " · "
                    <a href=format!("/districts/{slug}/messages")>{locale.t("counter.messages")}</a>
                    " · "
                    <a href=format!("/dashboard?district={slug}")>{locale.t("dashboard.title")}</a>
                    " · "
                    <a href="/manage">{locale.t("manage.title")}</a>
                </p>
                {(messages_to_answer > 0).then(|| view! {
                    <p class="notice to-answer">
                        <a href=format!("/districts/{slug}/messages?filter=open")>{locale.plural("counter.messages_to_answer", messages_to_answer)}</a>
                    </p>
                })}
            </header>
            <p class="hint">{locale.t("district_counter.intro")}</p>
            {flash.map(|f| view! { <p class="notice success" role="status">{f}</p> })}
            {move || error.clone().filter(|_| composer_state.with(|c| c.1.is_none())).map(|e| view! { <p class="notice warning" role="alert">{e}</p> })}

            <KindsNav page=counter.path() composer_state/>

            {
                let counter = counter.clone();
                let name = name.clone();
                move || {
                    let (editing, form, error, current_photo) = composer_state.get();
                    form.map(|form| view! {
                        <Composer
                            counter=counter.clone()
                            poster_name=name.clone()
                            audience=shops.clone()
                            form
                            editing
                            error
                            current_photo
                        />
                    })
                }
            }

            <crate::islands::pending_posts::PendingPostsList queue=counter.queue_key() page=counter.path()/>

            <section class="counter-stats" aria-labelledby="stats-title">
                <h2 id="stats-title">{locale.t("counter.stats")}</h2>
                <dl class="stats">
                    <div><dt>{locale.t("district_counter.followers")}</dt><dd>{followers}</dd></div>
                    <div><dt>{locale.t("district_counter.with_shops")}</dt><dd>{with_shop_followers}</dd></div>
                    <div><dt>{locale.t("district_counter.push_reach")}</dt><dd>{push_reach}</dd></div>
                    <div><dt>{locale.t("district_counter.push_reach_shops")}</dt><dd>{push_reach_with_shops}</dd></div>
                </dl>
                <p class="hint">{locale.t("district_counter.caps")}</p>
            </section>

            <CounterPosts counter=counter.clone() live others/>
        </section>
    }
}
