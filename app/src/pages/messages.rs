//! Private messages: the "Une suggestion ?" form of shop and district pages, the resident's
//! `/messages` ("Mes messages"), and the team's inbox (`/counter/:slug/messages`,
//! `/districts/:slug/messages`). Plain forms, rendered on the server.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::messages::{
    get_message_inbox, get_my_messages, message_error_key, AnswerMessage, CloseMessage,
    DeleteMyMessage, EditMyMessage, MessageDraft, SendMessage,
};
use crate::components::reviews::day_text;
use crate::i18n::use_locale;
use crate::model::{MessageInbox, MessageView, MyMessages};
use crate::pages::Loaded;

/// "Une suggestion ?": a private message to a shop (`to = "shop"`) or a district's association
/// (`"district"`), with the confirmation or the error (and what was typed) after a post.
#[component]
pub fn SuggestionSection(to: &'static str, slug: String, name: String) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let (sent, error, draft) = query.with_untracked(|q| {
        (
            q.get("message").as_deref() == Some("sent"),
            q.get("message_error"),
            q.get("message_draft")
                .and_then(|d| MessageDraft::decode(&d))
                .unwrap_or_default(),
        )
    });
    let error_text = error
        .as_deref()
        .map(|code| locale.t(message_error_key(code)));
    let lead = if to == "shop" {
        locale.tf("message.lead_shop", &[("name", &name)])
    } else {
        locale.tf("message.lead_district", &[("name", &name)])
    };
    view! {
        <section class="suggestion" id="suggestion" aria-labelledby="suggestion-title">
            <h2 id="suggestion-title">{locale.t("message.title")}</h2>
            <p>{lead}</p>
            {sent.then(|| view! {
                <p class="notice success" role="status">
                    {locale.t("message.sent")} " "
                    <a href="/messages">{locale.t("message.see_mine")}</a>
                </p>
            })}
            <form method="post" action=SendMessage::url() class="message-form">
                {error_text.map(|text| view! { <p class="notice error" id="message-error" role="alert">{text}</p> })}
                <input type="hidden" name="to" value=to/>
                <input type="hidden" name="slug" value=slug/>
                <label for="message-body">{locale.t("message.body")}</label>
                <textarea id="message-body" name="body" rows="4" required aria-describedby="message-body-hint">{crate::components::textarea_text(&draft.body)}</textarea>
                <p class="hint" id="message-body-hint">{locale.t("message.body_hint")}</p>
                <label for="message-email">{locale.t("message.email")}</label>
                <input type="email" id="message-email" name="email" value=draft.email autocomplete="email" aria-describedby="message-email-hint"/>
                <p class="hint" id="message-email-hint">{locale.t("message.email_hint")}</p>
                <button type="submit" class="button">{locale.t("message.send")}</button>
            </form>
        </section>
    }
}

/// The state of a message in words.
fn state_text(locale: crate::i18n::Locale, state: &str) -> String {
    locale.t(match state {
        "answered" => "message.state_answered",
        "closed" => "message.state_closed",
        _ => "message.state_open",
    })
}

/// A message, its date and its answer.
#[component]
fn MessageItem(message: MessageView, show_recipient: bool, children: Children) -> impl IntoView {
    let locale = use_locale();
    let MessageView {
        id,
        recipient_name,
        recipient_path,
        body,
        date,
        answer,
        answered,
        state,
        by_email,
        edited,
    } = message;
    view! {
        <article class="message-item" id=format!("message-{id}") aria-labelledby=format!("message-title-{id}")>
            <p class="message-meta" id=format!("message-title-{id}")>
                {show_recipient.then(|| view! { <a href=recipient_path.clone()>{recipient_name.clone()}</a> " · " })}
                <time datetime=date.iso.clone()>{day_text(locale, &date)}</time>
                {edited.map(|day| view! { " · " {locale.tf("message.edited_on", &[("date", &day_text(locale, &day))])} })}
                " · " <span class=format!("message-state {state}")>{state_text(locale, &state)}</span>
                {(!show_recipient && by_email).then(|| view! { " · " {locale.t("message.by_email")} })}
            </p>
            <p class="message-body">{body}</p>
            {answer.map(|text| view! {
                <div class="message-answer">
                    <p class="message-meta">
                        {locale.tf("message.answer_from", &[("name", &recipient_name)])}
                        {answered.map(|day| view! { " · " <time datetime=day.iso.clone()>{day_text(locale, &day)}</time> })}
                    </p>
                    <p class="message-body">{text}</p>
                </div>
            })}
            {children()}
        </article>
    }
}

/// `/messages`: the messages this device sent, with their answers.
#[component]
pub fn MyMessagesPage() -> impl IntoView {
    let mine = Resource::new(|| (), |_| get_my_messages());
    view! {
        <Meta name="robots" content="noindex"/>
        <Loaded resource=mine let:mine>
            <MyMessagesContent mine/>
        </Loaded>
    }
}

#[component]
fn MyMessagesContent(mine: MyMessages) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let (deleted, error, edited, edit_error, edit_message, draft) = query.with_untracked(|q| {
        (
            q.get("deleted").is_some(),
            q.get("error"),
            q.get("edited").is_some(),
            q.get("edit_error"),
            q.get("message").and_then(|id| id.parse::<i64>().ok()),
            q.get("draft")
                .and_then(|d| MessageDraft::decode(&d))
                .map(|d| d.body),
        )
    });
    view! {
        <Title text=locale.t("message.mine_title")/>
        <section class="page my-messages">
            <h1>{locale.t("message.mine_title")}</h1>
            <p class="lead">{locale.t("message.mine_lead")}</p>
            {deleted.then(|| view! { <p class="notice success" role="status">{locale.t("message.deleted")}</p> })}
            {edited.then(|| view! { <p class="notice success" role="status">{locale.t("message.edited")}</p> })}
            // A change refused for a message no longer open (or gone) has no form to show it in.
            {edit_error.clone().filter(|_| {
                !mine.messages.iter().any(|m| Some(m.id) == edit_message && m.state == "open")
            }).map(|code| view! { <p class="notice error" role="alert">{locale.t(message_error_key(&code))}</p> })}
            {error.map(|code| view! { <p class="notice error" role="alert">{locale.t(message_error_key(&code))}</p> })}
            {if mine.messages.is_empty() {
                view! { <p class="muted">{locale.t("message.none_mine")}</p> }.into_any()
            } else {
                view! {
                    <ol class="message-list" role="list">
                        {mine.messages.into_iter().map(|message| {
                            let id = message.id;
                            let failed = (edit_message == Some(id)).then(|| edit_error.clone()).flatten();
                            let text = failed.as_ref().and(draft.clone()).unwrap_or_else(|| message.body.clone());
                            let editable = message.state == "open";
                            let field = format!("edit-{id}");
                            let error_id = format!("edit-error-{id}");
                            let described = failed.as_ref().map(|_| error_id.clone());
                            view! {
                                <li>
                                    <MessageItem message show_recipient=true>
                                        {editable.then(|| view! {
                                            <details class="message-edit" open=failed.is_some()>
                                                <summary>{locale.t("message.edit")}</summary>
                                                <form method="post" action=EditMyMessage::url() class="message-form">
                                                    <input type="hidden" name="id" value=id/>
                                                    <label for=field.clone()>{locale.t("message.body")}</label>
                                                    {failed.clone().map(|code| view! {
                                                        <p class="notice error" id=error_id.clone() role="alert">{locale.t(message_error_key(&code))}</p>
                                                    })}
                                                    <textarea id=field.clone() name="body" rows="4" required aria-describedby=described.clone()>{crate::components::textarea_text(&text)}</textarea>
                                                    <button type="submit" class="button small">{locale.t("message.save_edit")}</button>
                                                </form>
                                            </details>
                                        })}
                                        <form method="post" action=DeleteMyMessage::url() class="inline-form">
                                            <input type="hidden" name="id" value=id/>
                                            <button type="submit" class="button small secondary">{locale.t("message.delete")}</button>
                                        </form>
                                    </MessageItem>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// `/counter/:slug/messages`: the messages sent to a shop, for its team.
#[component]
pub fn ShopMessagesPage() -> impl IntoView {
    view! { <InboxPage kind="shop"/> }
}

/// `/districts/:slug/messages`: the messages sent to a district's association, for its
/// stewards.
#[component]
pub fn DistrictMessagesPage() -> impl IntoView {
    view! { <InboxPage kind="district"/> }
}

#[component]
fn InboxPage(kind: &'static str) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let key = move || {
        (
            slug(),
            query.with(|q| q.get("filter").as_deref() == Some("open")),
        )
    };
    let inbox = Resource::new(key, move |(slug, open_only)| {
        get_message_inbox(kind.to_owned(), slug, open_only)
    });
    let sign_in_to = Signal::derive(move || {
        if kind == "shop" {
            format!("/counter/{}/messages", slug())
        } else {
            format!("/districts/{}/messages", slug())
        }
    });
    view! {
        <Meta name="robots" content="noindex"/>
        <Loaded resource=inbox sign_in_to let:inbox>
            <InboxContent inbox/>
        </Loaded>
    }
}

#[component]
fn InboxContent(inbox: MessageInbox) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let (done, error, error_message, typed) = query.with_untracked(|q| {
        let done = ["answered", "closed", "reopened"]
            .into_iter()
            .find(|key| q.get(key).is_some());
        (
            done,
            q.get("answer_error"),
            q.get("message").and_then(|id| id.parse::<i64>().ok()),
            q.get("answer")
                .and_then(|d| MessageDraft::decode(&d))
                .map(|d| d.body)
                .unwrap_or_default(),
        )
    });
    let MessageInbox {
        kind,
        slug,
        name,
        stats,
        messages,
        open_only,
    } = inbox;
    let (back, back_label, base) = if kind == "shop" {
        (
            format!("/counter/{slug}"),
            locale.t("counter.title"),
            format!("/counter/{slug}/messages"),
        )
    } else {
        (
            format!("/districts/{slug}"),
            name.clone(),
            format!("/districts/{slug}/messages"),
        )
    };
    let title = locale.tf("message.inbox_title", &[("name", &name)]);
    view! {
        <Title text=title.clone()/>
        <section class="page message-inbox">
            <p class="eyebrow"><a href=back>{back_label}</a></p>
            <h1>{title}</h1>
            <p class="lead">{locale.t("message.inbox_lead")}</p>
            {done.map(|key| view! { <p class="notice success" role="status">{locale.t(&format!("message.done_{key}"))}</p> })}
            // An error about a message not listed here (deleted by its sender, or filtered out).
            {error.clone().filter(|_| {
                !messages.iter().any(|m| Some(m.id) == error_message && m.state != "answered")
            }).map(|code| view! { <p class="notice error" role="alert">{locale.t(message_error_key(&code))}</p> })}
            <dl class="stats">
                <div><dt>{locale.t("message.stat_open")}</dt><dd>{stats.open}</dd></div>
                <div><dt>{locale.t("message.stat_this_month")}</dt><dd>{stats.this_month}</dd></div>
                <div><dt>{locale.t("message.stat_received")}</dt><dd>{stats.received}</dd></div>
                <div><dt>{locale.t("message.stat_answered")}</dt><dd>{stats.answered}</dd></div>
            </dl>
            <nav class="filter-links" aria-label=locale.t("message.filter")>
                <a href=base.clone() aria-current=(!open_only).then_some("page")>{locale.t("message.filter_all")}</a>
                " · "
                <a href=format!("{base}?filter=open") aria-current=open_only.then_some("page")>{locale.t("message.filter_open")}</a>
            </nav>
            {if messages.is_empty() {
                view! { <p class="muted">{locale.t(if open_only { "message.none_open" } else { "message.none" })}</p> }.into_any()
            } else {
                view! {
                    <ol class="message-list" role="list">
                        {messages.into_iter().map(|message| {
                            let failed = (error_message == Some(message.id)).then(|| error.clone()).flatten();
                            let typed = failed.as_ref().map(|_| typed.clone()).unwrap_or_default();
                            view! { <li><InboxItem message error=failed typed/></li> }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// A message with the answer form (and closing it, or opening it again).
#[component]
fn InboxItem(message: MessageView, error: Option<String>, typed: String) -> impl IntoView {
    let locale = use_locale();
    let id = message.id;
    let state = message.state.clone();
    let field = format!("answer-{id}");
    let error_id = format!("answer-error-{id}");
    let described = error.as_ref().map(|_| error_id.clone());
    view! {
        <MessageItem message show_recipient=false>
            {(state != "answered").then(|| view! {
                <form method="post" action=AnswerMessage::url() class="reply-form">
                    <input type="hidden" name="id" value=id/>
                    <label for=field.clone()>{locale.t("message.answer")}</label>
                    {error.map(|code| view! {
                        <p class="notice error" id=error_id.clone() role="alert">{locale.t(message_error_key(&code))}</p>
                    })}
                    <textarea id=field.clone() name="body" rows="3" required aria-describedby=described.clone()>{crate::components::textarea_text(&typed)}</textarea>
                    <button type="submit" class="button small">{locale.t("message.send_answer")}</button>
                </form>
                <form method="post" action=CloseMessage::url() class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="close" value=if state == "closed" { "false" } else { "true" }/>
                    <button type="submit" class="button small secondary">
                        {locale.t(if state == "closed" { "message.reopen" } else { "message.close" })}
                    </button>
                </form>
            })}
        </MessageItem>
    }
}
