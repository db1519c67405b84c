//! One of the shop's (or district's) posts on the counter: its state, views and push figures, edit and delete.

use leptos::prelude::*;

use crate::api::posts::{CounterOf, DeletePost};
use crate::components::posts::PostCard;
use crate::components::query::go_to;
use crate::i18n::use_locale;
use crate::model::{CounterPost, PostStatus};

/// A post in the counter's list.
#[component]
pub(super) fn CounterPostItem(counter: CounterOf, post: CounterPost) -> impl IntoView {
    let locale = use_locale();
    let delete = ServerAction::<DeletePost>::new();
    let page = counter.path();
    let back_to = page.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            go_to(&format!("{back_to}?deleted=1"));
        }
    });
    let (field, value) = counter.field();
    let id = post.post.id;
    let status_key = match post.status {
        PostStatus::Scheduled => "counter.status.scheduled",
        PostStatus::Live => "counter.status.live",
        PostStatus::Ended => "counter.status.ended",
    };
    let status_class = match post.status {
        PostStatus::Scheduled => "badge scheduled",
        PostStatus::Live => "badge live",
        PostStatus::Ended => "badge ended",
    };
    view! {
        <li class="counter-post" data-post-id=id.to_string()>
            <p>
                <span class=status_class>{locale.t(status_key)}</span>
                " " <span class="post-views">{locale.plural("counter.views", post.views)}</span>
            </p>
            {post.push.filter(|p| p.targeted > 0).map(|push| view! {
                <p class="post-push">
                    {locale.plural("counter.push.targeted", push.targeted)}
                    " · " {locale.plural("counter.push.delivered", push.delivered)}
                    {(push.pending > 0).then(|| view! { " · " {locale.plural("counter.push.pending", push.pending)} })}
                    {(push.capped > 0).then(|| view! { " · " {locale.plural("counter.push.capped", push.capped)} })}
                    {(push.failed > 0).then(|| view! { " · " {locale.plural("counter.push.failed", push.failed)} })}
                    {(push.pruned > 0).then(|| view! { " · " {locale.plural("counter.push.pruned", push.pruned)} })}
                    " · " {locale.plural("counter.push.clicks", push.clicks)}
                </p>
            })}
            <PostCard post=post.post show_author=false/>
            <div class="post-actions">
                <a class="button secondary small" href=format!("{page}?edit={id}#composer")>{locale.t("post.edit")}</a>
                <details class="confirm">
                    <summary class="button secondary small">{locale.t("post.delete")}</summary>
                    <ActionForm action=delete attr:class="inline-form">
                        <input type="hidden" name=field value=value/>
                        <input type="hidden" name="post_id" value=id.to_string()/>
                        <button type="submit" class="button danger small">{locale.t("post.delete_confirm")}</button>
                    </ActionForm>
                </details>
            </div>
        </li>
    }
}
