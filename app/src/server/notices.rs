//! Personal push notices: to the people who answer for a shop or district (a new message, a
//! new review), to one account (a reply to its review). Queued in the outbox; the push worker
//! sends them to every browser of the recipients, after their quiet hours. A failure to queue
//! is logged and nothing more: what the notice tells of is saved and shown on the pages anyway.

use crate::domain::messages::Recipient;
use crate::domain::outbox::Notice;

use super::{AppState, Town};

/// Queues `notice` for the team of `recipient` (a shop's team, or its district's stewards when
/// it has none; a district's stewards).
pub async fn notify_team(state: &AppState, town: &Town, recipient: Recipient, notice: &Notice) {
    let team = match state.store.recipient_team_profiles(recipient).await {
        Ok(team) => team,
        Err(error) => {
            tracing::warn!(%error, "loading the team to notify");
            return;
        }
    };
    queue(state, town, &team, notice).await;
}

/// Queues `notice` for one account's browsers.
pub async fn notify_user(state: &AppState, town: &Town, user_id: i64, notice: &Notice) {
    match state
        .store
        .ensure_user_profile(user_id, state.clock.now())
        .await
    {
        Ok(profile) => queue(state, town, &[profile], notice).await,
        Err(error) => tracing::warn!(%error, "loading the profile to notify"),
    }
}

/// Queues `notice` for one device profile's browsers.
pub async fn notify_profile(state: &AppState, town: &Town, profile_id: i64, notice: &Notice) {
    queue(state, town, &[profile_id], notice).await;
}

async fn queue(state: &AppState, town: &Town, profiles: &[i64], notice: &Notice) {
    if let Err(error) = state
        .store
        .queue_notice(town.id, profiles, notice, state.clock.now())
        .await
    {
        tracing::warn!(%error, tag = %notice.tag, "queueing a push notice");
    }
}

/// A notice in the town's language (the team's and reviewers' language is not known).
pub fn town_notice(
    locale: crate::i18n::Locale,
    title: String,
    body: &str,
    path: String,
    tag: String,
) -> Notice {
    Notice {
        title,
        body: body.to_owned(),
        path,
        tag,
        lang: locale.code().to_owned(),
        respects_quiet_hours: true,
        message_id: None,
    }
}
