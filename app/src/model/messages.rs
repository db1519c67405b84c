//! What pages show of private messages: the team's inbox, the resident's "Mes messages".

use serde::{Deserialize, Serialize};

use super::CalendarDay;

/// A message as a page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: i64,
    /// The shop's or district's name and page.
    pub recipient_name: String,
    pub recipient_path: String,
    pub body: String,
    pub date: CalendarDay,
    pub answer: Option<String>,
    pub answered: Option<CalendarDay>,
    /// `open`, `answered` or `closed`.
    pub state: String,
    /// The sender left an address: the answer goes there too (the address itself is never
    /// shown to the team).
    pub by_email: bool,
    /// When its sender last changed it.
    pub edited: Option<CalendarDay>,
}

/// A shop's or district's messages in figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageStatsView {
    pub received: i64,
    pub this_month: i64,
    pub answered: i64,
    pub open: i64,
}

/// The messages sent to a shop (`kind = "shop"`) or a district (`"district"`), for its team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageInbox {
    pub kind: String,
    pub slug: String,
    pub name: String,
    pub stats: MessageStatsView,
    pub messages: Vec<MessageView>,
    pub open_only: bool,
}

/// The messages this device sent, with their answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyMessages {
    pub messages: Vec<MessageView>,
}
