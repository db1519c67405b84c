//! The storage port of private messages: [`MessageStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::messages::{Message, MessageStats, NewMessage, Recipient};

/// Residents' private messages to shops and districts, and the teams' answers.
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Saves a message from a device's profile to a shop or district of the town (`locale`: the
    /// sender's language). `None` if the recipient is not of the town.
    async fn save_message(
        &self,
        town_id: i64,
        recipient: Recipient,
        profile_id: i64,
        message: &NewMessage,
        locale: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Message>>;

    async fn message_by_id(&self, town_id: i64, id: i64) -> StoreResult<Option<Message>>;

    /// A device profile's messages in the town, newest first.
    async fn profile_messages(&self, town_id: i64, profile_id: i64) -> StoreResult<Vec<Message>>;

    /// A shop's or district's messages, newest first; with `open_only`, those neither answered
    /// nor closed.
    async fn message_inbox(
        &self,
        recipient: Recipient,
        open_only: bool,
        limit: i64,
    ) -> StoreResult<Vec<Message>>;

    /// A shop's or district's messages in figures (`this_month`: since `month_start`).
    async fn message_stats(
        &self,
        recipient: Recipient,
        month_start: DateTime<Utc>,
    ) -> StoreResult<MessageStats>;

    /// Writes the team's answer to an open or closed message (once: an answered message is
    /// left as it is and `None` returned, as for an unknown one).
    async fn answer_message(
        &self,
        id: i64,
        answer: &str,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Message>>;

    /// Closes an open message without an answer (`close`), or opens it again. Returns whether
    /// it changed.
    async fn close_message(&self, id: i64, close: bool, now: DateTime<Utc>) -> StoreResult<bool>;

    /// Changes the text of a message its sender's device wrote, while the team has neither
    /// answered nor closed it; `None` otherwise (or for someone else's).
    async fn edit_message(
        &self,
        profile_id: i64,
        id: i64,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Message>>;

    /// Deletes a message its sender's device wrote. Returns whether it existed.
    async fn delete_message(&self, profile_id: i64, id: i64) -> StoreResult<bool>;

    /// The device profiles of the people who answer for a recipient, to notify them: a shop's
    /// team (or, for a shop without one, its district's stewards); a district's stewards.
    async fn recipient_team_profiles(&self, recipient: Recipient) -> StoreResult<Vec<i64>>;
}
