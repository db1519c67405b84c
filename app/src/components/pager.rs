//! "Précédents · page 2 sur 3 · Suivants": plain links, so that long lists are paged without
//! JavaScript too.

use leptos::prelude::*;

use crate::i18n::use_locale;

/// Links to the previous and next pages of a list; nothing when it fits on one page.
#[component]
pub fn Pager(page: u32, pages: u32, href: impl Fn(u32) -> String + 'static) -> impl IntoView {
    let locale = use_locale();
    (pages > 1).then(|| {
        let position = locale.tf(
            "pager.position",
            &[("page", &page.to_string()), ("pages", &pages.to_string())],
        );
        view! {
            <nav class="pager" aria-label=locale.t("pager.label")>
                {(page > 1).then(|| view! {
                    <a class="button secondary" rel="prev" href=href(page - 1)>{locale.t("pager.previous")}</a>
                })}
                <span class="pager-position" aria-current="page">{position}</span>
                {(page < pages).then(|| view! {
                    <a class="button secondary" rel="next" href=href(page + 1)>{locale.t("pager.next")}</a>
                })}
            </nav>
        }
    })
}
