use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::shops::get_shop;
use crate::components::posts::{EventStrip, PostList};
use crate::components::status::StatusBadge;
use crate::i18n::format::{format_time, weekday_name};
use crate::i18n::use_locale;
use crate::islands::follow::FollowButton;
use crate::islands::share::{DirectionsLink, ShareButton};
use crate::model::{DayHours, ShopView};
use crate::pages::Loaded;

#[component]
pub fn ShopPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    // `?reviews=N`: the first N pages of reviews ("voir plus" without JavaScript).
    let key = move || {
        (
            params.with(|p| p.get("slug").unwrap_or_default()),
            query.with(|q| q.get("reviews").and_then(|n| n.parse::<u32>().ok())),
        )
    };
    let shop = Resource::new(key, |(slug, reviews)| get_shop(slug, reviews));
    view! {
        <Loaded resource=shop let:view>
            <ShopContent view/>
        </Loaded>
    }
}

#[component]
fn ShopContent(view: ShopView) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    // The window poster's QR code opens the page with `?follow=1`: offer to follow at once.
    let prompt =
        query.with_untracked(|q| q.get("follow").as_deref() == Some("1")) && !view.follow.following;
    let page_path = format!("/shops/{}", view.slug);
    let category = locale.t(&format!("category.{}", view.category));
    view! {
        <ShopMeta view=view.clone() category=category.clone()/>
        <article class="page shop">
            <nav class="breadcrumb" aria-label=locale.t("nav.breadcrumb")>
                <a href="/">{view.town_name.clone()}</a>
                {view.district.clone().map(|d| view! {
                    " › " <a href=format!("/districts/{}", d.slug)>{d.name}</a>
                })}
            </nav>
            <h1>{view.name.clone()}</h1>
            <p class="shop-category">{category}</p>
            <p class="shop-status"><StatusBadge status=view.status.clone()/></p>
            <ShopPhotos view=view.clone()/>

            {prompt.then(|| view! {
                <section class="follow-prompt" aria-labelledby="follow-prompt-title">
                    <h2 id="follow-prompt-title">{locale.tf("follow.prompt_title", &[("name", &view.name)])}</h2>
                    <p>{locale.t("follow.prompt_text")}</p>
                </section>
            })}
            <FollowButton
                target="shop".to_string()
                slug=view.slug.clone()
                name=view.name.clone()
                state=view.follow.clone()
                return_to=page_path.clone()
                hide_count=false
                strings=crate::i18n::Strings::of(crate::islands::follow::FOLLOW_STRINGS)
            />

            <ul class="actions" role="list">
                {view.phone_uri.clone().map(|uri| view! {
                    <li><a class="button" href=uri>{locale.t("shop.call")}</a></li>
                })}
                <li><DirectionsLink osm=view.directions_url.clone() geo=view.geo_uri.clone() strings=crate::i18n::Strings::of(&["shop.directions"])/></li>
                {view.website.clone().map(|url| view! {
                    <li><a class="button secondary" href=url rel="noopener nofollow ugc">{locale.t("shop.website")}</a></li>
                })}
                <li><ShareButton url=format!("{}?via=share", view.canonical_url) title=view.name.clone() strings=crate::i18n::Strings::of(crate::islands::share::SHARE_STRINGS)/></li>
            </ul>

            {view.description.clone().filter(|d| !d.trim().is_empty()).map(|text| view! {
                <section class="shop-about" aria-labelledby="about-title">
                    <h2 id="about-title">{locale.t("shop.about")}</h2>
                    {text.split("\n\n").map(|para| view! { <p>{para.to_owned()}</p> }).collect_view()}
                </section>
            })}

            <EventStrip events=view.events.clone() show_author=false/>
            {(!view.posts.is_empty()).then(|| view! {
                <section aria-labelledby="posts-title">
                    <h2 id="posts-title">{locale.t("shop.posts")}</h2>
                    <PostList posts=view.posts.clone() show_author=false/>
                </section>
            })}

            <section aria-labelledby="hours-title">
                <h2 id="hours-title">{locale.t("shop.hours")}</h2>
                <HoursTable view=view.clone()/>
            </section>

            <ShopContact view=view.clone()/>

            <crate::pages::reviews::ShopReviewsSection
                reviews=view.reviews.clone()
                slug=view.slug.clone()
                shop_name=view.name.clone()
            />

            <crate::pages::messages::SuggestionSection to="shop" slug=view.slug.clone() name=view.name.clone()/>

            <section class="shop-more" aria-labelledby="more-title">
                <h2 id="more-title" class="visually-hidden">{locale.t("shop.more")}</h2>
                <ul class="links" role="list">
                    <li><a href=view.feed_url.clone() rel="external" type="application/atom+xml">{locale.t("shop.atom")}</a></li>
                    <li><a href=format!("{page_path}/poster") rel="external">{locale.t("shop.poster")}</a></li>
                </ul>
            </section>
        </article>
    }
}

/// What search engines and link previews read of a shop: title, description, Open Graph,
/// its Atom feed and its structured data.
#[component]
fn ShopMeta(view: ShopView, category: String) -> impl IntoView {
    let locale = use_locale();
    let description = match view.description.as_deref() {
        Some(text) if !text.trim().is_empty() => meta_excerpt(text),
        _ => locale.tf(
            "shop.meta_description",
            &[
                ("name", &view.name),
                ("category", &category),
                ("town", &view.town_name),
            ],
        ),
    };
    let card = if view.photos.is_empty() {
        "summary"
    } else {
        "summary_large_image"
    };
    view! {
    <Title text=view.name.clone()/>
    <Meta name="description" content=description.clone()/>
    <Link rel="canonical" href=view.canonical_url.clone()/>
    <Meta property="og:type" content="business.business"/>
    <Meta property="og:site_name" content="Quartier"/>
    <Meta property="og:title" content=view.name.clone()/>
    <Meta property="og:description" content=description/>
    <Meta property="og:url" content=view.canonical_url.clone()/>
    <Meta property="og:image" content=view.image_url.clone()/>
    <Meta property="og:locale" content=format!("{}_BE", locale.code())/>
    <Meta name="twitter:card" content=card/>
    <Link rel="alternate" type_="application/atom+xml" href=view.feed_url.clone() title=locale.tf("feed.atom_title", &[("name", &view.name)])/>
    <script type="application/ld+json" inner_html=view.json_ld.clone()></script>
    }
}

/// The shop's photos: the cover large, the others as thumbnails.
#[component]
fn ShopPhotos(view: ShopView) -> impl IntoView {
    let locale = use_locale();
    let photo_alt = locale.tf("shop.photo_alt", &[("shop", &view.name)]);
    view! {
    {(!view.photos.is_empty()).then(|| view! {
        <ul class="shop-photos" role="list">
            {view.photos.iter().enumerate().map(|(i, photo)| view! {
                <li>
                    <a href=photo.large_url.clone()>
                        <img
                            src=if i == 0 { photo.large_url.clone() } else { photo.thumb_url.clone() }
                            alt=photo_alt.clone()
                            width=if i == 0 { "640" } else { "160" }
                            height=if i == 0 { "480" } else { "120" }
                            loading=if i == 0 { "eager" } else { "lazy" }
                            decoding="async"
                        />
                    </a>
                </li>
            }).collect_view()}
        </ul>
    })}
    }
}

/// Address, phone, e-mail, website and a link for the phone's maps.
#[component]
fn ShopContact(view: ShopView) -> impl IntoView {
    let locale = use_locale();
    let street = view.address.street_line();
    let locality = view.address.locality_line();
    view! {
    <section aria-labelledby="contact-title">
        <h2 id="contact-title">{locale.t("shop.contact")}</h2>
        <dl class="contact">
            {(street.is_some() || locality.is_some()).then(|| view! {
                <dt>{locale.t("shop.address")}</dt>
                <dd><address>{street.clone()}{street.is_some().then(|| view! { <br/> })}{locality.clone()}</address></dd>
            })}
            {view.phone.clone().map(|phone| view! {
                <dt>{locale.t("shop.phone")}</dt>
                <dd>{match view.phone_uri.clone() {
                    Some(uri) => view! { <a href=uri>{phone}</a> }.into_any(),
                    None => phone.into_any(),
                }}</dd>
            })}
            {view.email.clone().map(|email| view! {
                <dt>{locale.t("shop.email")}</dt>
                <dd><a href=format!("mailto:{email}")>{email.clone()}</a></dd>
            })}
            {view.website.clone().map(|url| view! {
                <dt>{locale.t("shop.website")}</dt>
                <dd><a href=url.clone() rel="noopener nofollow ugc">{url.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/').to_string()}</a></dd>
            })}
            <dt>{locale.t("shop.map")}</dt>
            <dd><a href=view.geo_uri.clone()>{locale.t("shop.open_in_maps")}</a></dd>
            {(!view.listings.is_empty()).then(|| view! {
                <dt>{locale.t("shop.elsewhere")}</dt>
                <dd>
                    <ul class="listing-links" role="list">
                        {view.listings.clone().into_iter().map(|link| view! {
                            <li><a href=link.url rel="noopener nofollow ugc external">{link.label}</a></li>
                        }).collect_view()}
                    </ul>
                </dd>
            })}
        </dl>
    </section>
    }
}

#[component]
fn HoursTable(view: ShopView) -> impl IntoView {
    let locale = use_locale();
    match (view.opening_hours, view.hours_readable) {
        (None, _) => view! { <p class="muted">{locale.t("shop.hours_unknown")}</p> }.into_any(),
        (Some(raw), false) => view! {
            <p class="muted">{locale.t("shop.hours_unreadable")}</p>
            <p><code class="raw-hours">{raw}</code></p>
        }
        .into_any(),
        (Some(_), true) => view! {
            <table class="hours">
                <caption class="visually-hidden">{locale.t("shop.hours_caption")}</caption>
                <tbody>
                    {view.week.into_iter().map(|day| view! { <HoursRow day/> }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    }
}

#[component]
fn HoursRow(day: DayHours) -> impl IntoView {
    let locale = use_locale();
    let name = match day.day_offset {
        0 => locale.tf(
            "shop.today_named",
            &[("day", &weekday_name(locale, day.weekday))],
        ),
        _ => weekday_name(locale, day.weekday),
    };
    let closed_text = if day.unknown {
        locale.t("shop.day_unknown")
    } else {
        locale.t("shop.day_closed")
    };
    let ranges: Vec<String> = day
        .ranges
        .iter()
        .map(|r| {
            locale.tf(
                "shop.range",
                &[
                    ("from", &format_time(locale, &r.from)),
                    ("to", &format_time(locale, &r.to)),
                ],
            )
        })
        .collect();
    let hours = if ranges.is_empty() {
        closed_text.into_any()
    } else {
        ranges
            .into_iter()
            .map(|r| view! { <span class="range">{r}</span> })
            .collect_view()
            .into_any()
    };
    view! {
        <tr class:today=day.day_offset == 0 aria-current=(day.day_offset == 0).then_some("date")>
            <th scope="row"><time datetime=day.date.clone()>{name}</time></th>
            <td>{hours}</td>
        </tr>
    }
}

/// At most 160 characters of `text` on one line, cut at a word, for the meta description.
fn meta_excerpt(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= 160 {
        return line;
    }
    let cut: String = line.chars().take(159).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}
