//! The page's query string and navigation, for code that runs in islands: the router lives on
//! the server only, so in the browser the query comes from `location.search` and going
//! somewhere loads the page afresh.

use leptos::prelude::{StoredValue, WithValue};

/// The query string of the page being shown (cheap to copy into closures).
#[derive(Clone, Copy, Debug)]
pub struct PageQuery(StoredValue<Vec<(String, String)>>);

impl PageQuery {
    fn new(pairs: Vec<(String, String)>) -> PageQuery {
        PageQuery(StoredValue::new(pairs))
    }

    /// The value of `name`, if the query has it.
    pub fn get(&self, name: &str) -> Option<String> {
        self.0.with_value(|pairs| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        })
    }

    /// Every value of `name` (a field sent several times), in order.
    pub fn get_all(&self, name: &str) -> Vec<String> {
        self.0.with_value(|pairs| {
            pairs
                .iter()
                .filter(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
                .collect()
        })
    }

    /// `f` applied to the query (the page's query does not change while it is shown).
    pub fn with<T>(&self, f: impl FnOnce(&Self) -> T) -> T {
        f(self)
    }

    /// Same as [`PageQuery::with`].
    pub fn with_untracked<T>(&self, f: impl FnOnce(&Self) -> T) -> T {
        f(self)
    }
}

/// The query of the current page: the router's on the server, the address bar's in the browser.
pub fn use_page_query() -> PageQuery {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::With;
        leptos_router::hooks::use_query_map().with(|map| {
            PageQuery::new(
                map.clone()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            )
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        let search = leptos::prelude::window()
            .location()
            .search()
            .unwrap_or_default();
        #[cfg(not(feature = "hydrate"))]
        let search = String::new();
        PageQuery::new(
            search
                .trim_start_matches('?')
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (decode(k), decode(v))
                })
                .collect(),
        )
    }
}

#[cfg(not(feature = "ssr"))]
fn decode(text: &str) -> String {
    let text = text.replace('+', " ");
    #[cfg(feature = "hydrate")]
    {
        js_sys::decode_uri_component(&text)
            .map(String::from)
            .unwrap_or(text)
    }
    #[cfg(not(feature = "hydrate"))]
    text
}

/// Goes to `url` by loading it afresh (there is no router in the browser).
pub fn go_to(url: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().set_href(url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// The value of the form field with this `id` as the page shows it now, in the browser (what
/// was typed before the island came alive); `None` on the server.
pub fn typed_value(id: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let element = leptos::prelude::document().get_element_by_id(id)?;
        if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
            return Some(input.value());
        }
        element
            .dyn_ref::<web_sys::HtmlTextAreaElement>()
            .map(|area| area.value())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}
