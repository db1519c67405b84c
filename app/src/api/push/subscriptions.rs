//! Web Push subscriptions from the PWA: `POST /api/push/subscriptions` takes the browser's
//! `PushSubscription.toJSON()` as it is (`endpoint`, `keys.p256dh`, `keys.auth`; other fields
//! such as `expirationTime` are ignored) and attaches it to this device's profile (the account's
//! when signed in); `DELETE /api/push/subscriptions?endpoint=…` removes it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Subscription changes per client address per hour.
pub const SUBSCRIPTIONS_PER_HOUR: i64 = 30;

/// `keys` of `PushSubscription.toJSON()`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushKeys {
    pub p256dh: String,
    pub auth: String,
}

/// Keeps this browser's push subscription.
#[server(
    prefix = "/api",
    endpoint = "push/subscriptions",
    input = leptos::server_fn::codec::Json
)]
pub async fn subscribe_push(endpoint: String, keys: PushKeys) -> Result<(), AppError> {
    crate::api::with_status(subscribe_inner(endpoint, keys).await)
}

/// The checked subscription, its endpoint resolved to acceptable addresses.
#[cfg(feature = "ssr")]
pub async fn checked_subscription(
    endpoint: &str,
    keys: &PushKeys,
    allow_loopback: bool,
) -> Result<crate::domain::push::Subscription, crate::domain::push::SubscriptionError> {
    use crate::domain::push::{check_addresses, parse_subscription_url, SubscriptionError};
    let (subscription, url) =
        parse_subscription_url(endpoint, &keys.p256dh, &keys.auth, allow_loopback)?;
    let host = url.host_str().ok_or(SubscriptionError::BadEndpoint)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_or_known_default().unwrap_or(443);
    let lookup = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio::net::lookup_host((host, port)),
    )
    .await;
    let addresses: Vec<std::net::IpAddr> = match lookup {
        Ok(Ok(found)) => found.map(|a| a.ip()).collect(),
        _ => Vec::new(),
    };
    check_addresses(&addresses, allow_loopback)?;
    Ok(subscription)
}

#[cfg(feature = "ssr")]
async fn subscribe_inner(endpoint: String, keys: PushKeys) -> Result<(), AppError> {
    use crate::server::{device, AppState};

    let state = AppState::from_context()?;
    let client = state.client_key();
    state
        .rate_limit(
            &format!("push:client:{client}"),
            SUBSCRIPTIONS_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    let subscription = checked_subscription(&endpoint, &keys, state.settings.push_allow_loopback)
        .await
        .map_err(|e| {
            tracing::info!(error = ?e, "push subscription refused");
            AppError::Validation {
                field: if e == crate::domain::push::SubscriptionError::BadKeys {
                    "keys".into()
                } else {
                    "endpoint".into()
                },
                message: crate::api::request_locale().t(e.message_key()),
            }
        })?;
    let town = state.town().await?;
    let profile = device::ensure_profile(&state).await?;
    let id = state
        .store
        .save_push_subscription(profile, Some(town.id), &subscription, state.clock.now())
        .await
        .map_err(|e| AppError::internal("saving a push subscription", e))?;
    tracing::info!(subscription = id, profile, "push subscription saved");
    Ok(())
}

/// Forgets this browser's push subscription (after `PushSubscription.unsubscribe()`).
#[server(
    prefix = "/api",
    endpoint = "push/subscriptions",
    input = leptos::server_fn::codec::DeleteUrl
)]
pub async fn unsubscribe_push(endpoint: String) -> Result<(), AppError> {
    crate::api::with_status(unsubscribe_inner(endpoint).await)
}

#[cfg(feature = "ssr")]
async fn unsubscribe_inner(endpoint: String) -> Result<(), AppError> {
    use crate::server::{device, AppState};
    let state = AppState::from_context()?;
    let Some(profile) = device::current_profile(&state).await? else {
        return Err(AppError::NotFound);
    };
    let removed = state
        .store
        .delete_push_subscription(profile, &endpoint)
        .await
        .map_err(|e| AppError::internal("removing a push subscription", e))?;
    if removed {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Taps on notifications counted per client address per hour (a service worker reports one
/// per tap; more is not a person).
pub const CLICKS_PER_HOUR: i64 = 120;

/// Counts a tap on a post's notification (reported by the service worker), for the
/// merchant's figures: once per phone (or, without its cookie, per client address) per post
/// and day, like views; robots are left out. Anonymous: nothing about the resident is kept.
#[server(
    prefix = "/api",
    endpoint = "push/clicks",
    input = leptos::server_fn::codec::Json
)]
pub async fn push_click(post: i64) -> Result<(), AppError> {
    crate::api::with_status(click_inner(post).await)
}

#[cfg(feature = "ssr")]
async fn click_inner(post: i64) -> Result<(), AppError> {
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let client = state.client_key();
    state
        .rate_limit(
            &format!("push-click:client:{client}"),
            CLICKS_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    let town = state.town().await?;
    let post = state
        .store
        .post_by_id(town.id, post)
        .await
        .map_err(|e| AppError::internal("loading a post", e))?
        .ok_or(AppError::NotFound)?;
    // The day's mark, the daily counter and the post's `push_clicks` in one transaction.
    crate::server::activity::count_push_open(&state, &town, &post).await;
    Ok(())
}
