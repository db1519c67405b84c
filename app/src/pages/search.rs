use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::search::{get_search, get_search_filters};
use crate::components::shop_list::ShopList;
use crate::i18n::use_locale;
use crate::model::{SearchFilters, SearchView};
use crate::pages::{LoadError, Loading};

/// Search by name, category and words of descriptions and posts, with filters. A plain GET form
/// without JavaScript; with it, results follow the typing.
#[component]
pub fn SearchPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let key = move || {
        query.with(|q| {
            (
                q.get("q"),
                q.get("category").filter(|c| !c.is_empty()),
                q.get("district").filter(|d| !d.is_empty()),
                q.get("open"),
            )
        })
    };
    let results = Resource::new(key, |(q, category, district, open)| {
        get_search(q, category, district, open)
    });
    let filters = Resource::new(|| (), |_| get_search_filters());
    view! {
        <Title text=locale.t("search.title")/>
        <section class="page search">
            <h1>{locale.t("search.title")}</h1>
            // One boundary (several boundaries on a page can stall streamed SSR): the form's
            // closure only reads the filters, so typing never re-creates the input.
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match filters.await {
                        Ok(filters) => view! { <SearchForm filters/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(view) => view! { <SearchResults view/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SearchForm(filters: SearchFilters) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let (q, category, district, open) = query.with_untracked(|q| {
        (
            q.get("q").unwrap_or_default(),
            q.get("category").unwrap_or_default(),
            q.get("district").unwrap_or_default(),
            q.get("open").as_deref() == Some("1"),
        )
    });
    // Results follow the typing: each change submits the form (a client-side navigation).
    let submit = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("form").ok().flatten())
                .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok())
            {
                let _ = form.request_submit();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <Form method="GET" action="/search" replace=true noscroll=true attr:class="search-form" attr:role="search">
            <label for="search-q">{locale.t("search.label")}</label>
            <input
                id="search-q"
                type="search"
                name="q"
                value=q
                maxlength="100"
                autocomplete="off"
                enterkeyhint="search"
                placeholder=locale.t("search.placeholder")
                on:input=submit
            />
            <div class="filters">
                <label>
                    <span>{locale.t("search.category")}</span>
                    <select name="category" on:change=submit>
                        <option value="">{locale.t("search.any_category")}</option>
                        {filters.categories.into_iter().map(|c| {
                            let selected = c.key == category;
                            view! { <option value=c.key.clone() selected=selected>{locale.t(&format!("category.{}", c.key))}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>{locale.t("search.district")}</span>
                    <select name="district" on:change=submit>
                        <option value="">{locale.t("search.any_district")}</option>
                        {filters.districts.into_iter().map(|d| {
                            let selected = d.slug == district;
                            view! { <option value=d.slug.clone() selected=selected>{d.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="checkbox">
                    <input type="checkbox" name="open" value="1" checked=open on:change=submit/>
                    <span>{locale.t("search.open_now")}</span>
                </label>
            </div>
            <button type="submit" class="button">{locale.t("search.submit")}</button>
        </Form>
    }
}

#[component]
fn SearchResults(view: SearchView) -> impl IntoView {
    let locale = use_locale();
    let count = locale.plural("shops.count", view.shops.len() as i64);
    view! {
        <p class="result-count" role="status">{count}</p>
        <ShopList shops=view.shops/>
    }
}
