use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::follows::get_following;
use crate::components::shop_list::ShopList;
use crate::i18n::use_locale;
use crate::model::FollowingView;
use crate::pages::Loaded;

/// "Mes commerces": the shops and districts this device follows.
#[component]
pub fn FollowingPage() -> impl IntoView {
    let following = Resource::new(|| (), |_| get_following());
    view! {
        <Loaded resource=following let:view>
            <FollowingContent view/>
        </Loaded>
    }
}

#[component]
fn FollowingContent(view: FollowingView) -> impl IntoView {
    let locale = use_locale();
    let FollowingView { shops, districts } = view;
    let nothing = shops.is_empty() && districts.is_empty();
    let mut keep: Vec<String> = shops.iter().map(|s| format!("/shops/{}", s.slug)).collect();
    keep.extend(districts.iter().map(|d| format!("/districts/{}", d.slug)));
    keep.push("/feed".into());
    view! {
        <Title text=locale.t("following.title")/>
        <section class="page following">
            <h1>{locale.t("following.title")}</h1>
            <crate::islands::share::KeepOffline urls=keep/>
            {if nothing {
                view! {
                    <div class="empty-state">
                        <p>{locale.t("following.empty")}</p>
                        <ul class="actions" role="list">
                            <li><a class="button" href="/nearby">{locale.t("nav.nearby")}</a></li>
                            <li><a class="button secondary" href="/search">{locale.t("nav.search")}</a></li>
                        </ul>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <p class="lead">{locale.t("following.lead")}</p>
                    <p><a href="/notifications">{locale.t("notifications.link")}</a></p>
                    {(!districts.is_empty()).then(|| view! {
                        <h2>{locale.t("following.districts")}</h2>
                        <ul class="district-list" role="list">
                            {districts.into_iter().map(|d| view! {
                                <li><a href=format!("/districts/{}", d.slug)>{d.name}</a></li>
                            }).collect_view()}
                        </ul>
                    })}
                    <h2>{locale.t("following.shops")}</h2>
                    <ShopList shops/>
                }
                .into_any()
            }}
        </section>
    }
}
