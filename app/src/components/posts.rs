//! Posts (offers, events, news) in feeds and on shop and district pages.

use leptos::prelude::*;

use crate::i18n::format::{date_label, event_when, published_label};
use crate::i18n::use_locale;
use crate::model::{PostKindView, PostView};

fn kind_key(kind: PostKindView) -> &'static str {
    match kind {
        PostKindView::Offer => "offer",
        PostKindView::Event => "event",
        PostKindView::News => "news",
    }
}

/// One post. `show_author` is false on the author's own page.
#[component]
pub fn PostCard(post: PostView, #[prop(default = true)] show_author: bool) -> impl IntoView {
    let locale = use_locale();
    let kind = kind_key(post.kind);
    let published = published_label(locale, &post);
    let validity = post
        .valid_until
        .as_ref()
        .map(|until| locale.tf("post.valid_until", &[("date", &date_label(locale, until))]));
    let when = post
        .starts
        .as_ref()
        .map(|starts| event_when(locale, starts, post.ends.as_ref()));
    let title_id = format!("post-{}-title", post.id);
    let labelled_by = title_id.clone();
    view! {
        <article class=format!("post post-{kind}") id=format!("post-{}", post.id) aria-labelledby=labelled_by>
            <p class="post-kind">
                <span class=format!("tag tag-{kind}")>{locale.t(&format!("post.kind.{kind}"))}</span>
                // A district's event on a shop's page: whose it is.
                {(show_author || (post.by_district && !post.co_organisers.is_empty())).then(|| view! {
                    " " <a class="post-author" href=post.author_url.clone()>{post.author_name.clone()}</a>
                })}
            </p>
            <h3 id=title_id>{post.title.clone()}</h3>
            {when.map(|when| view! {
                <p class="post-when">
                    <time datetime=post.starts.as_ref().map(|s| s.iso.clone()).unwrap_or_default()>{when}</time>
                    {post.place.clone().map(|place| view! { " · " <span class="post-place">{place}</span> })}
                </p>
            })}
            {post.photo.clone().map(|(thumb, large)| view! {
                <a class="post-photo" href=large.clone() rel="external">
                    <img
                        src=thumb.clone()
                        srcset=format!("{thumb} 480w, {large} 1600w")
                        sizes="(min-width: 48rem) 46rem, 100vw"
                        alt=locale.tf("post.photo_alt", &[("title", &post.title)])
                        loading="lazy"
                        decoding="async"
                    />
                </a>
            })}
            <p class="post-body">{post.body.clone()}</p>
            {post.on_behalf.then(|| view! { <p class="post-on-behalf">{locale.t("post.on_behalf")}</p> })}
            {(!post.co_organisers.is_empty()).then(|| view! {
                <p class="post-co-organisers">
                    {locale.t("post.co_organised")} " "
                    {post.co_organisers.iter().enumerate().map(|(i, shop)| view! {
                        {(i > 0).then_some(", ")}
                        <a href=shop.url.clone()>{shop.name.clone()}</a>
                    }).collect_view()}
                </p>
            })}
            {validity.map(|v| view! { <p class="post-validity">{v}</p> })}
            <p class="post-meta">
                <time datetime=post.published.iso.clone()>{published}</time>
                {post.ics_url.clone().map(|url| view! {
                    " · " <a href=url rel="external" download="">{locale.t("post.add_to_calendar")}</a>
                })}
            </p>
        </article>
    }
}

/// Posts, newest first.
#[component]
pub fn PostList(posts: Vec<PostView>, #[prop(default = true)] show_author: bool) -> impl IntoView {
    view! {
        <ul class="post-list" role="list">
            {posts.into_iter().map(|post| view! { <li><PostCard post show_author/></li> }).collect_view()}
        </ul>
    }
}

/// Upcoming events in their own strip, soonest first.
#[component]
pub fn EventStrip(
    events: Vec<PostView>,
    #[prop(default = true)] show_author: bool,
) -> impl IntoView {
    let locale = use_locale();
    (!events.is_empty()).then(|| view! {
        <section class="event-strip" aria-labelledby="events-title">
            <h2 id="events-title">{locale.t("feed.events")}</h2>
            <ul class="event-list" role="list">
                {events.into_iter().map(|post| view! { <li><PostCard post show_author/></li> }).collect_view()}
            </ul>
        </section>
    })
}
