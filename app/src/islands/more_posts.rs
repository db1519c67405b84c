//! A paged list of posts and its "voir plus", which appends the next page in place.

use leptos::prelude::*;

use crate::components::posts::PostList;
use crate::i18n::use_locale;
use crate::model::PostView;

/// The texts "voir plus" needs in the browser (the posts it appends come rendered).
const MORE_POSTS_STRINGS: &[&str] = &["feed.more", "error.transport"];

/// Where the next pages of a paged list of posts come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostSource {
    /// This device's feed.
    Feed,
    /// A district's posts (its slug).
    District(String),
}

/// The posts of a feed page and a "voir plus" link to the next one: a plain link without
/// JavaScript; with it, the next page is appended in place.
#[component]
pub fn PagedPosts(
    posts: Vec<PostView>,
    next_cursor: Option<String>,
    source: PostSource,
    #[prop(default = true)] show_author: bool,
) -> impl IntoView {
    let district = match source {
        PostSource::Feed => None,
        PostSource::District(slug) => Some(slug),
    };
    view! {
        <PostList posts show_author/>
        <MorePosts district next_cursor show_author strings=crate::i18n::Strings::of(MORE_POSTS_STRINGS)/>
    }
}

/// The "voir plus" link of [`PagedPosts`] and the posts it appended (rendered by the server:
/// the browser needs no code of its own to show a post).
#[island]
fn MorePosts(
    /// A district's slug, or none for this device's feed.
    district: Option<String>,
    next_cursor: Option<String>,
    show_author: bool,
    strings: crate::i18n::Strings,
) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let had_more = next_cursor.is_some();
    let cursor = RwSignal::new(next_cursor);
    let loading = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let appended = NodeRef::<leptos::html::Div>::new();
    let more_href = {
        let district = district.clone();
        move |c: &str| match &district {
            None => format!("/feed?before={c}"),
            Some(slug) => format!("/districts/{slug}?before={c}"),
        }
    };
    let more = move |ev: leptos::ev::MouseEvent| {
        let Some(current) = cursor.get_untracked() else {
            return;
        };
        ev.prevent_default();
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        failed.set(false);
        let district = district.clone();
        leptos::task::spawn_local(async move {
            match crate::api::feeds::get_more_posts(district, current, show_author).await {
                Ok(chunk) => {
                    if let Some(list) = appended.get_untracked() {
                        let _ = list.insert_adjacent_html("beforeend", &chunk.html);
                    }
                    cursor.set(chunk.next_cursor);
                }
                Err(_) => failed.set(true),
            }
            loading.set(false);
        });
    };
    view! {
        <div class="more-posts" node_ref=appended></div>
        {move || failed.get().then(|| view! { <p class="error" role="alert">{locale.t("error.transport")}</p> })}
        // One link for every page (its address changes): the focus stays on it.
        {had_more.then(|| view! {
            <p class="more" hidden=move || cursor.with(Option::is_none)>
                <a
                    class="button secondary"
                    href=move || cursor.with(|c| c.as_deref().map(&more_href).unwrap_or_default())
                    on:click=more
                    aria-busy=move || loading.get().to_string()
                >
                    {locale.t("feed.more")}
                </a>
            </p>
        })}
    }
}
