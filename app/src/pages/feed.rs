use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::feeds::get_feed;
use crate::components::posts::EventStrip;
use crate::i18n::format::format_time;
use crate::i18n::use_locale;
use crate::islands::more_posts::{PagedPosts, PostSource};
use crate::islands::share::KeepOffline;
use crate::model::FeedView;
use crate::pages::Loaded;

/// "Mon quartier": the posts of what this device follows.
#[component]
pub fn FeedPage() -> impl IntoView {
    let query = use_query_map();
    let before = move || query.with(|q| q.get("before"));
    let feed = Resource::new(before, get_feed);
    view! {
        <Loaded resource=feed let:view>
            <FeedContent view/>
        </Loaded>
    }
}

#[component]
fn FeedContent(view: FeedView) -> impl IntoView {
    let locale = use_locale();
    let FeedView {
        follows_anything,
        events,
        posts,
        next_cursor,
        generated,
    } = view;
    // The pages the feed links to stay readable offline.
    let mut keep: Vec<String> = posts
        .iter()
        .chain(events.iter())
        .map(|p| p.author_url.clone())
        .collect();
    keep.sort();
    keep.dedup();
    keep.push("/following".into());
    let updated = locale.tf(
        "feed.updated",
        &[("time", &format_time(locale, &generated.time))],
    );
    let body = if !follows_anything {
        view! {
            <div class="empty-state">
                <p>{locale.t("feed.empty_title")}</p>
                <p>{locale.t("feed.empty_text")}</p>
                <ul class="actions" role="list">
                    <li><a class="button" href="/nearby">{locale.t("nav.nearby")}</a></li>
                    <li><a class="button secondary" href="/search">{locale.t("nav.search")}</a></li>
                </ul>
            </div>
        }
        .into_any()
    } else if posts.is_empty() && events.is_empty() {
        view! { <p class="empty">{locale.t("feed.nothing_yet")}</p> }.into_any()
    } else {
        view! {
            <EventStrip events/>
            <section aria-labelledby="feed-posts-title">
                <h2 id="feed-posts-title">{locale.t("feed.posts")}</h2>
                {if posts.is_empty() {
                    view! { <p class="empty">{locale.t("feed.no_posts")}</p> }.into_any()
                } else {
                    view! {
                        <PagedPosts
                            posts
                            next_cursor
                            source=PostSource::Feed
                        />
                    }
                    .into_any()
                }}
            </section>
        }
        .into_any()
    };
    view! {
        <Title text=locale.t("feed.title")/>
        <section class="page feed">
            <h1>{locale.t("feed.title")}</h1>
            <KeepOffline urls=keep/>
            <p class="updated"><time datetime=generated.iso.clone()>{updated}</time></p>
            {body}
        </section>
    }
}
