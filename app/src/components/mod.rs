//! Presentational pieces of pages: they render their props and call no server function (the
//! interactive pieces are in `islands/`).

pub mod category_filter;
pub mod layout;
pub mod pager;
pub mod passkeys;
pub mod posts;
pub mod push_settings;
pub mod query;
pub mod reviews;
pub mod shop_list;
pub mod status;

/// The text of a `<textarea>` as the server writes it. Leptos writes a textarea's children
/// without escaping them (as it does a `<script>`'s), so a text holding `</textarea>` would end
/// the element and the rest would be read as markup. `&` and `<` are escaped here: the browser
/// reads the character references in a textarea back to the text typed. In the browser (an
/// island drawing a textarea itself) the text is a text node already.
pub fn textarea_text(text: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        let escaped = text.replace('&', "&amp;").replace('<', "&lt;");
        // The browser drops a line break just after `<textarea>`: a text starting with one
        // keeps it with a second.
        if escaped.starts_with('\n') {
            format!("\n{escaped}")
        } else {
            escaped
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        text.to_owned()
    }
}
