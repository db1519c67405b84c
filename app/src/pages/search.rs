use leptos::prelude::*;
use leptos_meta::Title;
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
                        Ok(view) => view! { <div id="search-initial"><SearchResults view/></div> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SearchForm(filters: SearchFilters) -> impl IntoView {
    let query = use_query_map();
    let (q, category, district, open) = query.with_untracked(|q| {
        (
            q.get("q").unwrap_or_default(),
            q.get("category").unwrap_or_default(),
            q.get("district").unwrap_or_default(),
            q.get("open").as_deref() == Some("1"),
        )
    });
    view! { <SearchBox filters q category district open strings=crate::i18n::Strings::of(crate::components::shop_list::SHOP_LIST_STRINGS)/> }
}

/// The search form: a plain GET form without JavaScript; with it, results follow the typing
/// (fetched in place, the address kept in step, the focus left in the field).
#[island]
fn SearchBox(
    filters: SearchFilters,
    q: String,
    category: String,
    district: String,
    open: bool,
    strings: crate::i18n::Strings,
) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let live = RwSignal::new(None::<SearchView>);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    // Each change asks again; only the answer to the latest question is shown.
    #[cfg(feature = "hydrate")]
    let asked = StoredValue::new(0u32);
    let refresh = move || {
        #[cfg(feature = "hydrate")]
        {
            let Some(form) = form_ref.get_untracked() else {
                return;
            };
            let Ok(data) = web_sys::FormData::new_with_form(&form) else {
                return;
            };
            let field = |name: &str| data.get(name).as_string().filter(|v| !v.is_empty());
            let (q, category, district, open) = (
                field("q"),
                field("category"),
                field("district"),
                field("open"),
            );
            let mut address = String::from("/search?");
            let mut first = true;
            for (name, value) in [
                ("q", &q),
                ("category", &category),
                ("district", &district),
                ("open", &open),
            ] {
                if let Some(value) = value {
                    if !first {
                        address.push('&');
                    }
                    first = false;
                    address.push_str(name);
                    address.push('=');
                    address.push_str(&String::from(js_sys::encode_uri_component(value)));
                }
            }
            if let Ok(history) = window().history() {
                let _ = history.replace_state_with_url(
                    &wasm_bindgen::JsValue::NULL,
                    "",
                    Some(&address),
                );
            }
            asked.update_value(|n| *n += 1);
            let this = asked.get_value();
            leptos::task::spawn_local(async move {
                let answer = get_search(q, category, district, open).await;
                if asked.get_value() != this {
                    return;
                }
                if let Ok(view) = answer {
                    // The server's first results give way to these.
                    if let Some(first) = document().get_element_by_id("search-initial") {
                        first.remove();
                    }
                    live.set(Some(view));
                }
            });
        }
    };
    let on_change = move |_: leptos::ev::Event| refresh();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        refresh();
    };
    view! {
        <form method="GET" action="/search" class="search-form" role="search" node_ref=form_ref on:submit=on_submit>
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
                on:input=on_change
            />
            <div class="filters">
                <label>
                    <span>{locale.t("search.category")}</span>
                    <select name="category" on:change=on_change>
                        <option value="">{locale.t("search.any_category")}</option>
                        {filters.categories.into_iter().map(|c| {
                            let selected = c.key == category;
                            view! { <option value=c.key.clone() selected=selected>{locale.t(&format!("category.{}", c.key))}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>{locale.t("search.district")}</span>
                    <select name="district" on:change=on_change>
                        <option value="">{locale.t("search.any_district")}</option>
                        {filters.districts.into_iter().map(|d| {
                            let selected = d.slug == district;
                            view! { <option value=d.slug.clone() selected=selected>{d.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="checkbox">
                    <input type="checkbox" name="open" value="1" checked=open on:change=on_change/>
                    <span>{locale.t("search.open_now")}</span>
                </label>
            </div>
            <button type="submit" class="button">{locale.t("search.submit")}</button>
        </form>
        <div class="search-live">
            {move || live.get().map(|view| view! { <SearchResults view/> })}
        </div>
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
