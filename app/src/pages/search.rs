use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::search::{get_search, get_search_filters};
use crate::components::shop_list::FoundShops;
use crate::i18n::use_locale;
use crate::model::SearchFilters;
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
                        Ok(view) => view! { <div id="search-initial"><FoundShops shops=view.shops/></div> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The search form: a plain GET form, rendered by the server; [`SearchLive`] makes its results
/// follow the typing.
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
    view! {
        <form id="search-form" method="GET" action="/search" class="search-form" role="search">
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
            />
            <div class="filters">
                <label>
                    <span>{locale.t("search.category")}</span>
                    <select name="category">
                        <option value="">{locale.t("search.any_category")}</option>
                        {filters.categories.into_iter().map(|c| {
                            let selected = c.key == category;
                            view! { <option value=c.key.clone() selected=selected>{locale.t(&format!("category.{}", c.key))}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>{locale.t("search.district")}</span>
                    <select name="district">
                        <option value="">{locale.t("search.any_district")}</option>
                        {filters.districts.into_iter().map(|d| {
                            let selected = d.slug == district;
                            view! { <option value=d.slug.clone() selected=selected>{d.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="checkbox">
                    <input type="checkbox" name="open" value="1" checked=open/>
                    <span>{locale.t("search.open_now")}</span>
                </label>
            </div>
            <button type="submit" class="button">{locale.t("search.submit")}</button>
        </form>
        <div id="search-live" class="search-live"></div>
        <SearchLive/>
    }
}

/// Search as you type: each change of the form above asks the server for its results, rendered,
/// and shows them in place (the address kept in step, the focus left in the field). Words typed
/// before this came alive are searched at once. No view of its own: nothing to hydrate but this.
#[island]
fn SearchLive() -> impl IntoView {
    crate::hydration::island_hydrated();
    #[cfg(feature = "hydrate")]
    live::start();
}

#[cfg(feature = "hydrate")]
mod live {
    use std::cell::Cell;

    use leptos::prelude::{document, window};
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use web_sys::{Event, HtmlFormElement, HtmlInputElement};

    thread_local! {
        /// Questions asked so far: only the answer to the latest is shown.
        static ASKED: Cell<u32> = const { Cell::new(0) };
    }

    pub fn start() {
        let Some(form) = document()
            .get_element_by_id("search-form")
            .and_then(|e| e.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        // `input` fires for the text, the selects and the checkbox alike.
        let on_input = Closure::<dyn FnMut(Event)>::new({
            let form = form.clone();
            move |_: Event| refresh(&form)
        });
        let on_submit = Closure::<dyn FnMut(Event)>::new({
            let form = form.clone();
            move |event: Event| {
                event.prevent_default();
                refresh(&form);
            }
        });
        let _ = form.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref());
        let _ = form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        // The form lives as long as the page.
        on_input.forget();
        on_submit.forget();
        let typed_early = document()
            .get_element_by_id("search-q")
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            .is_some_and(|input| input.value() != input.default_value());
        if typed_early {
            refresh(&form);
        }
    }

    fn refresh(form: &HtmlFormElement) {
        let Ok(data) = web_sys::FormData::new_with_form(form) else {
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
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&address));
        }
        let this = ASKED.with(|asked| {
            asked.set(asked.get() + 1);
            asked.get()
        });
        leptos::task::spawn_local(async move {
            let answer = crate::api::search::get_search_results(q, category, district, open).await;
            if ASKED.with(Cell::get) != this {
                return;
            }
            if let Ok(found) = answer {
                // The server's first results give way to these.
                if let Some(first) = document().get_element_by_id("search-initial") {
                    first.remove();
                }
                if let Some(live) = document().get_element_by_id("search-live") {
                    live.set_inner_html(&found.html);
                }
            }
        });
    }
}
