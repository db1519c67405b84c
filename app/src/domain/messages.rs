//! Private messages ("Une suggestion ?"): a resident writes to a shop's team or to a district's
//! stewards, from their device (no account needed), optionally leaving an e-mail address for the
//! answer; the team answers once, or closes the message.

use chrono::{DateTime, Utc};

use super::posting::FieldError;
use super::reviews::{clean_text, TEXT_MAX};

/// The longest message or answer, in characters.
pub const MESSAGE_MAX: usize = TEXT_MAX;

/// Who a message is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Recipient {
    /// A shop's team (and its district's stewards, who stand in for shops without a team).
    Shop(i64),
    /// A district's stewards (its association).
    District(i64),
}

/// A message as its sender writes it (checked: see [`check_message`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    /// NFC, trimmed, not empty.
    pub body: String,
    /// Normalised; `None`: no answer by e-mail.
    pub email: Option<String>,
}

/// The team's answer to a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub body: String,
    pub answered_by: Option<i64>,
    pub answered_at: DateTime<Utc>,
}

/// Where a message stands for the team.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageState {
    /// Waiting for the team.
    Open,
    Answered,
    /// Closed by the team without an answer.
    Closed,
}

impl MessageState {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageState::Open => "open",
            MessageState::Answered => "answered",
            MessageState::Closed => "closed",
        }
    }
}

/// A stored message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub id: i64,
    pub town_id: i64,
    pub recipient: Recipient,
    /// The shop's or district's name and its page (`/shops/…`, `/districts/…`).
    pub recipient_name: String,
    pub recipient_path: String,
    /// The sender's device profile (gone once the device's profile is).
    pub profile_id: Option<i64>,
    pub content: NewMessage,
    /// The sender's language (`fr`, `nl`, `de`, `en`).
    pub locale: String,
    pub answer: Option<Answer>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// When its sender last changed it.
    pub edited_at: Option<DateTime<Utc>>,
}

impl Message {
    pub fn state(&self) -> MessageState {
        if self.answer.is_some() {
            MessageState::Answered
        } else if self.closed_at.is_some() {
            MessageState::Closed
        } else {
            MessageState::Open
        }
    }
}

/// A shop's or district's messages in figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MessageStats {
    /// Every message received.
    pub received: i64,
    /// Received since the start of the month.
    pub this_month: i64,
    pub answered: i64,
    /// Neither answered nor closed.
    pub open: i64,
}

fn fail<T>(field: &'static str, key: &'static str) -> Result<T, FieldError> {
    Err(FieldError { field, key })
}

/// Checks a message form: a text (not empty, at most [`MESSAGE_MAX`] characters) and an
/// optional e-mail address for the answer.
pub fn check_message(body: &str, email: &str) -> Result<NewMessage, FieldError> {
    let body = match clean_text(body, MESSAGE_MAX) {
        Err(_) => return fail("body_long", "message.error.too_long"),
        Ok(text) if text.is_empty() => return fail("body", "message.error.empty"),
        Ok(text) => text,
    };
    let email = match email.trim() {
        "" => None,
        typed => Some(super::email::normalize_email(typed).ok_or(FieldError {
            field: "email",
            key: "message.error.email",
        })?),
    };
    Ok(NewMessage { body, email })
}

/// Checks the team's answer: not empty, at most [`MESSAGE_MAX`] characters.
pub fn check_answer(body: &str) -> Result<String, FieldError> {
    match clean_text(body, MESSAGE_MAX) {
        Err(_) => fail("answer_long", "message.error.too_long"),
        Ok(text) if text.is_empty() => fail("answer", "message.error.answer_empty"),
        Ok(text) => Ok(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_checked() {
        let ok = check_message("  Ouvrez le lundi ?\u{200B} ", " Anne@Example.BE ").unwrap();
        assert_eq!(ok.body, "Ouvrez le lundi ?\u{200B}");
        assert_eq!(ok.email.as_deref(), Some("anne@example.be"));
        assert_eq!(check_message("Merci", "").unwrap().email, None);
        assert_eq!(
            check_message(" \u{200B}\u{FEFF} ", "").unwrap_err().field,
            "body"
        );
        assert_eq!(
            check_message("", "").unwrap_err().key,
            "message.error.empty"
        );
        let long = "é".repeat(MESSAGE_MAX + 1);
        assert_eq!(check_message(&long, "").unwrap_err().field, "body_long");
        assert!(check_message(&"é".repeat(MESSAGE_MAX), "").is_ok());
        assert_eq!(
            check_message("Merci", "pas une adresse").unwrap_err().field,
            "email"
        );
        assert_eq!(check_message("Merci", "a@b").unwrap_err().field, "email");
        // Direction overrides go; right-to-left text and emoji stay.
        let rtl = check_message("\u{202E}شكرا 🙂", "").unwrap();
        assert_eq!(rtl.body, "شكرا 🙂");
    }

    #[test]
    fn answers_are_checked() {
        assert_eq!(check_answer(" Oui ! ").unwrap(), "Oui !");
        assert_eq!(check_answer("\n\n").unwrap_err().field, "answer");
        assert_eq!(
            check_answer(&"x".repeat(MESSAGE_MAX + 1))
                .unwrap_err()
                .field,
            "answer_long"
        );
    }
}
