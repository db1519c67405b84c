//! Private messages ("Une suggestion ?"): a resident writes to a shop's team or to a district's
//! association from their device (no account needed), optionally leaving an e-mail address;
//! the team reads them on its counter (or the district's inbox) and answers once; the answer
//! reaches the resident by push on that device, by e-mail if they left an address, and on their
//! "Mes messages" page.
//!
//! Like reviews, every form is a plain HTML form: after a post the browser is sent back with
//! what happened (or the error and what was typed) in the address.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{MessageInbox, MyMessages};

/// Messages per device per hour.
pub const MESSAGES_PER_HOUR: i64 = 5;
/// Messages per client address per hour (several devices behind one address: a family, a
/// school, a phone network's gateway).
pub const MESSAGES_PER_CLIENT_HOUR: i64 = 20;
/// Answers and closings per account per hour.
pub const ANSWERS_PER_HOUR: i64 = 60;
/// Deletions of one's messages per device per hour.
pub const DELETIONS_PER_HOUR: i64 = 60;
/// Changes to one's messages per device per hour.
pub const EDITS_PER_HOUR: i64 = 60;
/// A team's phones ring for new messages at most once per this many minutes per inbox (the
/// messages wait on the inbox all the same).
pub const TEAM_NOTICE_EVERY_MINUTES: i64 = 10;

/// What a message form held, carried back in the address after it was refused (base64url of
/// JSON, as reviews' drafts).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MessageDraft {
    pub body: String,
    pub email: String,
}

impl MessageDraft {
    #[cfg(feature = "ssr")]
    fn encode(&self) -> String {
        super::encode_draft(self)
    }

    /// The draft in an address's `message_draft` parameter (pages render on the server only).
    pub fn decode(text: &str) -> Option<MessageDraft> {
        super::decode_draft(text)
    }
}

/// The translation key of a message form's error code (`?message_error=…`).
pub fn message_error_key(code: &str) -> &'static str {
    match code {
        "invalid-body" => "message.error.empty",
        "invalid-body_long" | "invalid-answer_long" => "message.error.too_long",
        "invalid-email" => "message.error.email",
        "invalid-answer" => "message.error.answer_empty",
        "invalid-answered" => "message.error.answered",
        "invalid-not_editable" => "message.error.not_editable",
        "rate-limited" => "error.rate_limited",
        "not-found" => "message.error.gone",
        "forbidden" => "error.forbidden",
        "unauthorized" => "error.unauthorized",
        _ => "error.internal",
    }
}

/// The longest address a refused form sends the browser back to with what was typed.
#[cfg(feature = "ssr")]
const ADDRESS_MAX: usize = 4000;

/// The page of a recipient (`to`: `shop` or `district`).
#[cfg(feature = "ssr")]
fn recipient_page(to: &str, slug: &str) -> Option<String> {
    if !crate::domain::slugs::is_valid(slug) {
        return None;
    }
    match to {
        "shop" => Some(format!("/shops/{slug}")),
        "district" => Some(format!("/districts/{slug}")),
        _ => None,
    }
}

/// The team's inbox of a recipient's page (`/shops/x` → `/counter/x/messages`).
#[cfg(feature = "ssr")]
fn inbox_path(recipient_path: &str) -> String {
    match recipient_path.strip_prefix("/shops/") {
        Some(slug) => format!("/counter/{slug}/messages"),
        None => format!("{recipient_path}/messages"),
    }
}

#[cfg(feature = "ssr")]
use super::{from_field, invalid};

/// Sends a private message from this device to shop or district `slug` (`to`: `shop` or
/// `district`): `body` up to 1 000 characters, `email` optional (for the answer). Returns the
/// message's id.
#[server(prefix = "/api", endpoint = "messages/send")]
pub async fn send_message(
    to: String,
    slug: String,
    body: String,
    email: Option<String>,
) -> Result<i64, AppError> {
    let email = email.unwrap_or_default();
    let result = super::with_status(send_inner(&to, &slug, &body, &email).await);
    if let Some(page) = recipient_page(&to, &slug) {
        let address = |with_text: bool| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            match &result {
                Ok(_) => {
                    query.append_pair("message", "sent");
                }
                Err(error) => {
                    query.append_pair("message_error", &super::error_code(error));
                    let draft = MessageDraft {
                        body: if with_text {
                            body.clone()
                        } else {
                            String::new()
                        },
                        email: email.clone(),
                    };
                    query.append_pair("message_draft", &draft.encode());
                }
            }
            format!("{page}?{}#suggestion", query.finish())
        };
        let target = Some(address(true))
            .filter(|a| a.len() <= ADDRESS_MAX)
            .unwrap_or_else(|| address(false));
        super::redirect_plain_form(Some(&target));
    }
    result
}

#[cfg(feature = "ssr")]
async fn send_inner(to: &str, slug: &str, body: &str, email: &str) -> Result<i64, AppError> {
    use crate::domain::authz::Action;
    use crate::domain::messages::{check_message, Recipient};
    use crate::server::access::*;
    use crate::server::{device, notices, AppState};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    state.authorize(&town, Action::SendMessage).await?;
    // The recipient first: a message to nobody costs nothing.
    let (recipient, name, inbox) = match to {
        "shop" => {
            let shop = shop_or_404(&state, &town, slug).await?;
            (
                Recipient::Shop(shop.id),
                shop.fields.name.clone(),
                format!("/counter/{}/messages", shop.slug),
            )
        }
        "district" => {
            let district = district_or_404(&state, &town, slug).await?;
            (
                Recipient::District(district.id),
                district.name.clone(),
                format!("/districts/{}/messages", district.slug),
            )
        }
        _ => return Err(AppError::NotFound),
    };
    // Checked before it counts against the limits: a typo costs nothing.
    let message = check_message(body, email).map_err(from_field)?;
    let window = chrono::TimeDelta::hours(1);
    let device_limit = |profile: i64| format!("message:profile:{profile}");
    // A device over its own limit does not use up its address's (a school, a family).
    let known = device::current_profile(&state).await?;
    if let Some(profile) = known {
        state
            .rate_limit(&device_limit(profile), MESSAGES_PER_HOUR, window)
            .await?;
    }
    state
        .rate_limit(
            &format!("message:client:{}", state.client_key()),
            MESSAGES_PER_CLIENT_HOUR,
            window,
        )
        .await?;
    let profile = match known {
        Some(profile) => profile,
        None => {
            let profile = device::ensure_profile(&state).await?;
            state
                .rate_limit(&device_limit(profile), MESSAGES_PER_HOUR, window)
                .await?;
            profile
        }
    };
    let locale = super::request_locale();
    let now = state.clock.now();
    let saved = state
        .store
        .save_message(town.id, recipient, profile, &message, locale.code(), now)
        .await
        .map_err(store_error("saving a message"))?
        .ok_or(AppError::NotFound)?;
    // The team's phones (after their quiet hours, in the town's language), once per few
    // minutes at most per inbox. The notification carries no text of the message (it shows on
    // a locked screen, and the message may still be changed or deleted): it opens the inbox.
    let (kind, id) = match recipient {
        Recipient::Shop(id) => ("shop", id),
        Recipient::District(id) => ("district", id),
    };
    // The message is saved: a failure to count only means one more ring.
    let rings = state
        .count_hit(
            &format!("message-notice:{kind}:{id}"),
            chrono::TimeDelta::minutes(TEAM_NOTICE_EVERY_MINUTES),
        )
        .await
        .map_or(true, |hits| hits == 1);
    if rings {
        let locale = state.settings.locale_of(&town);
        let notice = notices::town_notice(
            locale,
            locale.tf("message.notice.new_title", &[("name", &name)]),
            &locale.t("message.notice.new_body"),
            format!("{inbox}?filter=open"),
            format!("messages-{kind}-{id}"),
        );
        notices::notify_team(&state, &town, recipient, &notice).await;
    }
    Ok(saved.id)
}

/// A message of this town that the signed-in actor may answer for its recipient.
#[cfg(feature = "ssr")]
async fn answerable(
    id: i64,
) -> Result<
    (
        crate::server::AppState,
        crate::server::Town,
        crate::domain::messages::Message,
        i64,
    ),
    AppError,
> {
    use crate::domain::authz::{Action, ShopRef};
    use crate::domain::messages::Recipient;
    use crate::server::access::store_error;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let message = state
        .store
        .message_by_id(town.id, id)
        .await
        .map_err(store_error("loading a message"))?;
    // Unknown, or of another town: asked by a visitor, the sign-in comes first all the same.
    let Some(message) = message else {
        state.authorize_user(&town, Action::ManageAccount).await?;
        return Err(AppError::NotFound);
    };
    let action = match message.recipient {
        Recipient::Shop(shop_id) => {
            let shop = state
                .store
                .shops_by_ids(town.id, &[shop_id])
                .await
                .map_err(store_error("loading a shop"))?
                .into_iter()
                .next()
                .ok_or(AppError::NotFound)?;
            Action::AnswerShopMessages(ShopRef {
                id: shop.id,
                district_id: shop.district_id,
            })
        }
        Recipient::District(district_id) => Action::AnswerDistrictMessages(district_id),
    };
    let (_, user) = state.authorize_user(&town, action).await?;
    state
        .rate_limit(
            &format!("answer:user:{}", user.id),
            ANSWERS_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    Ok((state, town, message, user.id))
}

/// After a plain form about a message: back to its inbox (`inbox`, known once the actor may
/// see it) with what happened; to the sign-in when signed out; else nowhere (the error).
#[cfg(feature = "ssr")]
fn back_to_inbox(
    inbox: Option<&str>,
    id: i64,
    done: &str,
    result: &Result<(), AppError>,
    typed: Option<&str>,
) {
    let Some(inbox) = inbox else {
        if matches!(result, Err(AppError::Unauthorized)) {
            super::redirect_plain_form(Some("/sign-in"));
        }
        return;
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    match result {
        Ok(()) => {
            query.append_pair(done, &id.to_string());
        }
        Err(error) => {
            query.append_pair("answer_error", &super::error_code(error));
            query.append_pair("message", &id.to_string());
            if let Some(text) = typed.filter(|t| !t.is_empty() && t.len() * 2 <= ADDRESS_MAX) {
                let draft = MessageDraft {
                    body: text.to_owned(),
                    email: String::new(),
                };
                query.append_pair("answer", &draft.encode());
            }
        }
    }
    super::redirect_plain_form(Some(&format!("{inbox}?{}#message-{id}", query.finish())));
}

/// Answers message `id` for its shop or district (once). The answer goes to the sender's
/// device (push), their e-mail if they left one, and their "Mes messages".
#[server(prefix = "/api", endpoint = "messages/answer")]
pub async fn answer_message(id: i64, body: String) -> Result<(), AppError> {
    let (inbox, result) = answer_inner(id, &body).await;
    let result = super::with_status(result);
    back_to_inbox(inbox.as_deref(), id, "answered", &result, Some(&body));
    result
}

/// The inbox of the message (once the actor may answer it) and how answering went.
#[cfg(feature = "ssr")]
async fn answer_inner(id: i64, body: &str) -> (Option<String>, Result<(), AppError>) {
    use crate::domain::messages::check_answer;
    use crate::server::access::store_error;

    let (state, town, message, user_id) = match answerable(id).await {
        Ok(found) => found,
        Err(error) => return (None, Err(error)),
    };
    let inbox = Some(inbox_path(&message.recipient_path));
    let result = async {
        let answer = check_answer(body).map_err(from_field)?;
        let now = state.clock.now();
        let saved = state
            .store
            .answer_message(message.id, &answer, user_id, now)
            .await
            .map_err(store_error("saving an answer"))?;
        match saved {
            Some(saved) => {
                notify_sender(&state, &town, &saved).await;
                Ok(())
            }
            // Answered meanwhile, or deleted by its sender.
            None => match state.store.message_by_id(town.id, message.id).await {
                Ok(Some(_)) => Err(invalid("answered", "message.error.answered")),
                _ => Err(AppError::NotFound),
            },
        }
    }
    .await;
    (inbox, result)
}

/// Tells a message's sender that it was answered: on their device, by e-mail if they left an
/// address. Failures are logged: the answer is saved and shown on "Mes messages" anyway.
#[cfg(feature = "ssr")]
async fn notify_sender(
    state: &crate::server::AppState,
    town: &crate::server::Town,
    message: &crate::domain::messages::Message,
) {
    let locale =
        crate::i18n::Locale::parse(&message.locale).unwrap_or(state.settings.locale_of(town));
    let Some(answer) = &message.answer else {
        return;
    };
    let title = locale.tf(
        "message.notice.answer_title",
        &[("name", &message.recipient_name)],
    );
    if let Some(profile) = message.profile_id {
        let notice = crate::domain::outbox::Notice {
            title: title.clone(),
            body: answer.body.clone(),
            path: format!("/messages#message-{}", message.id),
            tag: format!("answer-{}", message.id),
            lang: locale.code().to_owned(),
            respects_quiet_hours: true,
            message_id: Some(message.id),
        };
        crate::server::notices::notify_profile(state, town, profile, &notice).await;
    }
    if let Some(to) = &message.content.email {
        let mut email = answer_email(
            locale,
            &town.name,
            to,
            message,
            &answer.body,
            &state.settings.base_url_of(town),
        );
        email.from = town.mail_from.clone();
        if let Err(error) = state.mailer.send(&email).await {
            tracing::warn!(%error, "sending an answer by e-mail");
        }
    }
}

/// The e-mail carrying a team's answer, in the sender's language, as plain text and HTML. The
/// sender's own text is not repeated: the address was not verified, and the site must not
/// carry someone's words to an address they typed (the message is on "Mes messages").
#[cfg(feature = "ssr")]
pub fn answer_email(
    locale: crate::i18n::Locale,
    town: &str,
    to: &str,
    message: &crate::domain::messages::Message,
    answer: &str,
    base_url: &str,
) -> crate::server::Email {
    let name = message.recipient_name.as_str();
    let args = [("name", name), ("town", town)];
    let url = format!("{base_url}/messages");
    let text = format!(
        "{}\n\n{answer}\n\n{}\n{url}\n",
        locale.tf("message.mail.intro", &args),
        locale.t("message.mail.footer"),
    );
    let escape = crate::server::sign_in::escape_html;
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><body style=\"font-family:sans-serif;line-height:1.5\">\
         <p>{intro}</p><blockquote style=\"margin:0 0 1em;padding:0.5em 1em;border-left:4px solid #0b5d4b;white-space:pre-line\">{answer}</blockquote>\
         <p style=\"color:#555\">{footer}</p><p><a href=\"{url}\">{url}</a></p></body></html>",
        lang = locale.code(),
        intro = escape(&locale.tf("message.mail.intro", &args)),
        answer = escape(answer),
        footer = escape(&locale.t("message.mail.footer")),
        url = escape(&url),
    );
    crate::server::Email {
        to: to.to_owned(),
        subject: locale.tf("message.mail.subject", &args),
        text,
        html: Some(html),
        from: None,
    }
}

/// Closes message `id` without an answer (`close`), or opens it again.
#[server(prefix = "/api", endpoint = "messages/close")]
pub async fn close_message(id: i64, close: bool) -> Result<(), AppError> {
    let (inbox, result) = close_inner(id, close).await;
    let result = super::with_status(result);
    let done = if close { "closed" } else { "reopened" };
    back_to_inbox(inbox.as_deref(), id, done, &result, None);
    result
}

/// The inbox of the message (once the actor may answer it) and how closing went.
#[cfg(feature = "ssr")]
async fn close_inner(id: i64, close: bool) -> (Option<String>, Result<(), AppError>) {
    let (state, _, message, _) = match answerable(id).await {
        Ok(found) => found,
        Err(error) => return (None, Err(error)),
    };
    let inbox = Some(inbox_path(&message.recipient_path));
    if message.answer.is_some() {
        return (inbox, Err(invalid("answered", "message.error.answered")));
    }
    let result = state
        .store
        .close_message(message.id, close, state.clock.now())
        .await
        .map(|_| ())
        .map_err(crate::server::access::store_error("closing a message"));
    (inbox, result)
}

/// Changes the text of one of the messages this device sent, while it waits for the team.
#[server(prefix = "/api", endpoint = "messages/edit")]
pub async fn edit_my_message(id: i64, body: String) -> Result<(), AppError> {
    let result = super::with_status(edit_inner(id, &body).await);
    let mut query = form_urlencoded::Serializer::new(String::new());
    match &result {
        Ok(()) => {
            query.append_pair("edited", &id.to_string());
        }
        Err(error) => {
            query.append_pair("edit_error", &super::error_code(error));
            query.append_pair("message", &id.to_string());
            if body.len() * 2 <= ADDRESS_MAX {
                let draft = MessageDraft {
                    body: body.clone(),
                    email: String::new(),
                };
                query.append_pair("draft", &draft.encode());
            }
        }
    }
    super::redirect_plain_form(Some(&format!("/messages?{}#message-{id}", query.finish())));
    result
}

#[cfg(feature = "ssr")]
async fn edit_inner(id: i64, body: &str) -> Result<(), AppError> {
    use crate::server::{device, AppState};
    let state = AppState::from_context()?;
    let message = crate::domain::messages::check_message(body, "").map_err(from_field)?;
    let Some(profile) = device::current_profile(&state).await? else {
        return Err(AppError::NotFound);
    };
    state
        .rate_limit(
            &format!("message-edit:profile:{profile}"),
            EDITS_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    let edited = state
        .store
        .edit_message(profile, id, &message.body, state.clock.now())
        .await
        .map_err(crate::server::access::store_error("changing a message"))?;
    match edited {
        Some(_) => Ok(()),
        // Answered or closed meanwhile: the team has read it; someone else's: not found.
        None => match state
            .store
            .profile_messages(state.town().await?.id, profile)
            .await
        {
            Ok(mine) if mine.iter().any(|m| m.id == id) => {
                Err(invalid("not_editable", "message.error.not_editable"))
            }
            _ => Err(AppError::NotFound),
        },
    }
}

/// Deletes one of the messages this device sent (and its answer).
#[server(prefix = "/api", endpoint = "messages/delete")]
pub async fn delete_my_message(id: i64) -> Result<(), AppError> {
    let result = super::with_status(delete_inner(id).await);
    let mut query = form_urlencoded::Serializer::new(String::new());
    match &result {
        Ok(()) => query.append_pair("deleted", "1"),
        Err(error) => query.append_pair("error", &super::error_code(error)),
    };
    super::redirect_plain_form(Some(&format!("/messages?{}", query.finish())));
    result
}

#[cfg(feature = "ssr")]
async fn delete_inner(id: i64) -> Result<(), AppError> {
    use crate::server::{device, AppState};
    let state = AppState::from_context()?;
    let Some(profile) = device::current_profile(&state).await? else {
        return Err(AppError::NotFound);
    };
    state
        .rate_limit(
            &format!("message-delete:profile:{profile}"),
            DELETIONS_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    let deleted = state
        .store
        .delete_message(profile, id)
        .await
        .map_err(crate::server::access::store_error("deleting a message"))?;
    if deleted {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The messages this device (or the signed-in account) sent, with their answers.
#[server(prefix = "/api", endpoint = "messages/mine")]
pub async fn get_my_messages() -> Result<MyMessages, AppError> {
    super::with_status(mine_inner().await)
}

#[cfg(feature = "ssr")]
async fn mine_inner() -> Result<MyMessages, AppError> {
    use crate::model::records::{message_view, town_tz};
    use crate::server::{device, AppState};
    let state = AppState::from_context()?;
    let town = state.town().await?;
    let Some(profile) = device::current_profile(&state).await? else {
        return Ok(MyMessages::default());
    };
    let tz = town_tz(&town);
    let messages = state
        .store
        .profile_messages(town.id, profile)
        .await
        .map_err(crate::server::access::store_error("loading messages"))?;
    Ok(MyMessages {
        messages: messages.iter().map(|m| message_view(m, tz)).collect(),
    })
}

/// The messages sent to shop or district `slug` (`kind`: `shop` or `district`), for its team;
/// with `open_only`, those still waiting.
#[server(prefix = "/api", endpoint = "messages/inbox")]
pub async fn get_message_inbox(
    kind: String,
    slug: String,
    open_only: bool,
) -> Result<MessageInbox, AppError> {
    super::with_status(inbox_inner(&kind, &slug, open_only).await)
}

#[cfg(feature = "ssr")]
async fn inbox_inner(kind: &str, slug: &str, open_only: bool) -> Result<MessageInbox, AppError> {
    use crate::domain::authz::Action;
    use crate::domain::messages::Recipient;
    use crate::model::records::{message_view, month_start, town_tz};
    use crate::model::MessageStatsView;
    use crate::server::access::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let (town, recipient, name, slug) = match kind {
        "shop" => {
            let (town, shop, _) = authorized_shop(&state, slug, Action::AnswerShopMessages).await?;
            (town, Recipient::Shop(shop.id), shop.fields.name, shop.slug)
        }
        "district" => {
            let town = state.town().await?;
            let district = district_or_404(&state, &town, slug).await?;
            state
                .authorize(&town, Action::AnswerDistrictMessages(district.id))
                .await?;
            (
                town,
                Recipient::District(district.id),
                district.name,
                district.slug,
            )
        }
        _ => return Err(AppError::NotFound),
    };
    let tz = town_tz(&town);
    let now = state.clock.now();
    let stats = state
        .store
        .message_stats(recipient, month_start(now, tz))
        .await
        .map_err(store_error("counting messages"))?;
    let messages = state
        .store
        .message_inbox(recipient, open_only, 200)
        .await
        .map_err(store_error("loading messages"))?;
    Ok(MessageInbox {
        kind: kind.to_owned(),
        slug,
        name,
        stats: MessageStatsView {
            received: stats.received,
            this_month: stats.this_month,
            answered: stats.answered,
            open: stats.open,
        },
        messages: messages.iter().map(|m| message_view(m, tz)).collect(),
        open_only,
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::domain::messages::{Message, NewMessage, Recipient};

    #[test]
    fn the_answer_mail_is_escaped_and_does_not_repeat_the_senders_text() {
        let message = Message {
            id: 7,
            town_id: 1,
            recipient: Recipient::Shop(3),
            recipient_name: "Café <Jacob> & Cie".into(),
            recipient_path: "/shops/cafe-jacob".into(),
            profile_id: Some(4),
            content: NewMessage {
                body: "Cliquez ici : http://phishing.example <img src=x>".into(),
                email: Some("anne@habay.be".into()),
            },
            locale: "nl".into(),
            answer: None,
            closed_at: None,
            created_at: chrono::Utc::now(),
            edited_at: None,
        };
        let locale = crate::i18n::Locale::parse("nl").unwrap();
        let mail = answer_email(
            locale,
            "Habay",
            "anne@habay.be",
            &message,
            "Ja, <b>maandag</b>!\nTot dan.",
            "https://habay.example.be",
        );
        assert_eq!(mail.to, "anne@habay.be");
        assert_eq!(
            mail.subject,
            "Café <Jacob> & Cie heeft op uw bericht geantwoord"
        );
        assert!(mail.text.contains("Ja, <b>maandag</b>!\nTot dan."));
        assert!(mail.text.contains("https://habay.example.be/messages"));
        let html = mail.html.unwrap();
        assert!(html.contains("Ja, &lt;b&gt;maandag&lt;/b&gt;!"));
        assert!(html.contains("Café &lt;Jacob&gt; &amp; Cie"));
        assert!(!html.contains("<b>") && !html.contains("<img"));
        for text in [&mail.text, &html] {
            assert!(
                !text.contains("phishing"),
                "the sender's text is not repeated"
            );
        }
    }
}
