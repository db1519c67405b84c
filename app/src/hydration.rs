//! The browser side of islands: pages are rendered on the server only, and the interactive
//! parts (`#[island]` components) come alive in the browser, some from their own WebAssembly
//! file loaded when the page has one (`#[island(lazy)]`). Once every island of the page has
//! run, `<html data-hydrated="true">` says so (the end-to-end tests wait for it).

#[cfg(feature = "hydrate")]
use std::cell::Cell;

#[cfg(feature = "hydrate")]
thread_local! {
    static EXPECTED: Cell<u32> = const { Cell::new(0) };
    static DONE: Cell<u32> = const { Cell::new(0) };
}

/// Browser entry point, called by Leptos's island loader before it hydrates each island.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    let islands = leptos::prelude::document()
        .query_selector_all("leptos-island")
        .map(|list| list.length())
        .unwrap_or(0);
    EXPECTED.with(|e| e.set(islands));
    if islands == 0 {
        mark_hydrated();
    }
}

#[cfg(feature = "hydrate")]
fn mark_hydrated() {
    if let Some(html) = leptos::prelude::document().document_element() {
        let _ = html.set_attribute("data-hydrated", "true");
    }
}

/// Called first by each island: in the browser, counts the islands that run (nothing on the
/// server). Islands are never rendered inside another island's body (they would not be
/// counted apart): an island that another reuses is a plain component wrapped by a thin
/// island.
pub fn island_hydrated() {
    #[cfg(feature = "hydrate")]
    leptos::prelude::Effect::new(|_| {
        let done = DONE.with(|d| {
            d.set(d.get() + 1);
            d.get()
        });
        if done >= EXPECTED.with(Cell::get) {
            mark_hydrated();
        }
    });
}
