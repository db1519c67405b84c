//! Posts (offers, events, news) in feeds and on shop and district pages.

use leptos::prelude::*;

use crate::components::status::{format_time, weekday_name};
use crate::i18n::{use_locale, Locale};
use crate::model::{LocalMoment, PostKindView, PostView};

/// "aujourd'hui", "demain", "hier" or "samedi 28 novembre".
pub fn date_label(locale: Locale, m: &LocalMoment) -> String {
    match m.day_offset {
        0 => locale.t("date.today"),
        1 => locale.t("date.tomorrow"),
        -1 => locale.t("date.yesterday"),
        _ => locale.tf(
            "date.day_month",
            &[
                ("weekday", &weekday_name(locale, m.weekday)),
                ("day", &m.day.to_string()),
                ("month", &locale.t(&format!("month.{}", m.month))),
            ],
        ),
    }
}

/// "à l'instant", "il y a 5 min", "il y a 3 h", then the date.
pub fn published_label(locale: Locale, post: &PostView) -> String {
    let minutes = post.minutes_ago;
    if minutes < 1 {
        locale.t("date.just_now")
    } else if minutes < 60 {
        locale.tf("date.minutes_ago", &[("n", &minutes.to_string())])
    } else if post.published.day_offset == 0 {
        locale.tf("date.hours_ago", &[("n", &(minutes / 60).to_string())])
    } else {
        date_label(locale, &post.published)
    }
}

/// "samedi 28 novembre, 14 h – 21 h" (the end's date is written when it differs).
pub fn event_when(locale: Locale, starts: &LocalMoment, ends: Option<&LocalMoment>) -> String {
    let start = locale.tf(
        "date.at",
        &[
            ("date", &date_label(locale, starts)),
            ("time", &format_time(locale, &starts.time)),
        ],
    );
    match ends {
        Some(end) if end.day_offset == starts.day_offset => locale.tf(
            "date.range",
            &[("from", &start), ("to", &format_time(locale, &end.time))],
        ),
        Some(end) => locale.tf(
            "date.range",
            &[
                ("from", &start),
                (
                    "to",
                    &locale.tf(
                        "date.at",
                        &[
                            ("date", &date_label(locale, end)),
                            ("time", &format_time(locale, &end.time)),
                        ],
                    ),
                ),
            ],
        ),
        None => start,
    }
}

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
                {show_author.then(|| view! {
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
