use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::shops::get_shop;
use crate::i18n::use_locale;
use crate::islands::share::use_hydrated;
use crate::model::ShopView;
use crate::pages::Loaded;

/// A printable window poster (A4, or A5 with `?size=a5`): the shop's name, a QR code that
/// opens its page with a follow prompt, and how to use it.
#[component]
pub fn PosterPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let shop = Resource::new(slug, |slug| get_shop(slug, None));
    view! {
        <Loaded resource=shop let:view>
            <PosterContent view/>
        </Loaded>
    }
}

#[component]
fn PosterContent(view: ShopView) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let a5 = query.with_untracked(|q| q.get("size").as_deref() == Some("a5"));
    let follow_url = format!("{}?follow=1", view.canonical_url);
    let shown_url = view
        .canonical_url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .to_string();
    let base = format!("/shops/{}/poster", view.slug);
    view! {
        <Title text=locale.tf("poster.title", &[("name", &view.name)])/>
        <Meta name="robots" content="noindex"/>
        <div class="poster-tools">
            <p>{locale.t("poster.help")}</p>
            <p>
                <a href=base.clone() aria-current=(!a5).then_some("page")>"A4"</a>
                " · "
                <a href=format!("{base}?size=a5") aria-current=a5.then_some("page")>"A5"</a>
            </p>
            <PrintButton strings=crate::i18n::Strings::of(&["poster.print"])/>
            <p><a href=format!("/shops/{}", view.slug)>{locale.tf("poster.back", &[("name", &view.name)])}</a></p>
        </div>
        <article class=if a5 { "poster a5" } else { "poster a4" }>
            <p class="poster-brand">"Quartier"</p>
            <h1 class="poster-name">{view.name.clone()}</h1>
            <p class="poster-call">{locale.t("poster.follow_us")}</p>
            <img
                class="poster-qr"
                src=format!("/shops/{}/qr.svg", view.slug)
                alt=locale.tf("poster.qr_alt", &[("url", &follow_url)])
                width="300"
                height="300"
            />
            <ol class="poster-steps">
                <li>{locale.t("poster.step_scan")}</li>
                <li>{locale.t("poster.step_follow")}</li>
                <li>{locale.t("poster.step_receive")}</li>
            </ol>
            <p class="poster-url">{shown_url}</p>
        </article>
    }
}

/// "Imprimer": needs JavaScript, so it only appears once the page runs.
#[island(lazy)]
fn PrintButton(strings: crate::i18n::Strings) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let hydrated = use_hydrated();
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        let _ = window().print();
    };
    view! {
        <button type="button" class="button" hidden=move || !hydrated.get() on:click=print>
            {locale.t("poster.print")}
        </button>
    }
}
