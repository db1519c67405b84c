use leptos::prelude::*;

use crate::i18n::use_locale;
use crate::model::CategoryCount;

/// Category chips as plain links (`?category=bakery`): they work without JavaScript, and the
/// router handles them in place once the app is hydrated.
#[component]
pub fn CategoryFilter(
    categories: Vec<CategoryCount>,
    selected: Option<String>,
    /// The page the links point to, e.g. `/` or `/districts/centre`.
    base_path: String,
) -> impl IntoView {
    let locale = use_locale();
    let all_current = selected.is_none();
    let chips = categories
        .into_iter()
        .map(|c| {
            let current = selected.as_deref() == Some(c.key.as_str());
            let href = format!("{base_path}?category={}", c.key);
            view! {
                <li>
                    <a class="chip" href=href aria-current=current.then_some("page") data-category=c.key.clone()>
                        {locale.t(&format!("category.{}", c.key))}
                        <span class="chip-count">{c.count}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="category-filter" aria-label=locale.t("filter.label")>
            <ul role="list">
                <li>
                    <a class="chip" href=base_path.clone() aria-current=all_current.then_some("page") data-category="">
                        {locale.t("filter.all")}
                    </a>
                </li>
                {chips}
            </ul>
        </nav>
    }
}
