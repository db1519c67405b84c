//! "Mes données" (what Quartier keeps about this phone and the account, its download, erasing
//! the phone's data) and the facts the privacy page reads from the running instance.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::privacy::PersonalData;

/// What the privacy page says that depends on this instance.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PrivacyFacts {
    /// The town that publishes with Quartier (the controller of the data).
    pub town: String,
    /// The map tile server's origin, which sees the addresses of those who open the map.
    pub tiles: Option<String>,
}

/// Everything kept about this phone (its profile: the account's, signed in) and the account.
#[server(prefix = "/api", endpoint = "my-data")]
pub async fn get_personal_data() -> Result<PersonalData, AppError> {
    super::with_status(personal_data().await)
}

/// See [`get_personal_data`] (also the JSON download's content).
#[cfg(feature = "ssr")]
pub async fn personal_data() -> Result<PersonalData, AppError> {
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let session = state.session().await?;
    let (profile, account_profile_hidden) = visible_profile(&state, session.is_some()).await?;
    let now = state.clock.now();
    let (device, account) = state
        .store
        .personal_data(profile, session.map(|s| s.user.id), now)
        .await
        .map_err(|e| AppError::internal("reading a person's data", e))?;
    Ok(PersonalData {
        town: town.name,
        generated_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        device,
        account,
        account_profile_hidden,
    })
}

/// This phone's profile as "Mes données" may show and erase it, and whether one was held back:
/// signed out, a profile that an account adopted at its sign-in is the account's (the next
/// person on a shared phone must not read its messages nor erase them).
#[cfg(feature = "ssr")]
async fn visible_profile(
    state: &crate::server::AppState,
    signed_in: bool,
) -> Result<(Option<i64>, bool), AppError> {
    let Some(profile) = crate::server::device::current_profile(state).await? else {
        return Ok((None, false));
    };
    if signed_in {
        return Ok((Some(profile), false));
    }
    let account = state
        .store
        .is_account_profile(profile)
        .await
        .map_err(|e| AppError::internal("reading a profile's account", e))?;
    Ok(if account {
        (None, true)
    } else {
        (Some(profile), false)
    })
}

/// Erases what this phone's profile holds (`confirm` must be `yes`: a plain form's checkbox):
/// follows, notification settings and subscriptions, reviews found useful, reports, messages.
/// Without an account the phone's cookie goes too; an account stays signed in.
#[server(prefix = "/api", endpoint = "my-data/forget")]
pub async fn forget_device(confirm: Option<String>) -> Result<(), AppError> {
    let result = super::with_status(forget_inner(confirm.as_deref()).await);
    match &result {
        Ok(()) => super::redirect_plain_form(Some("/my-data?forgotten=1")),
        Err(error) => super::redirect_plain_form(Some(&format!(
            "/my-data?error={}#forget",
            super::error_code(error)
        ))),
    }
    result
}

#[cfg(feature = "ssr")]
async fn forget_inner(confirm: Option<&str>) -> Result<(), AppError> {
    use crate::server::auth::{expired_cookie, set_cookie};
    use crate::server::AppState;

    let state = AppState::from_context()?;
    if confirm != Some("yes") {
        return Err(super::invalid("confirm", "my_data.error.confirm"));
    }
    let signed_in = state.session().await?.is_some();
    let (profile, account_profile_hidden) = visible_profile(&state, signed_in).await?;
    if account_profile_hidden {
        return Err(AppError::Unauthorized);
    }
    if let Some(profile) = profile {
        state
            .store
            .forget_profile(profile)
            .await
            .map_err(|e| AppError::internal("erasing a phone's data", e))?;
        tracing::info!(profile, "a phone's data erased at its request");
    }
    if !signed_in {
        set_cookie(&expired_cookie(
            crate::server::device::DEVICE_COOKIE,
            state.secure_cookies(),
        ));
    }
    // The offline copies of the feed and of followed shops' pages go too; signed in, only the
    // HTTP cache (the storage holds a merchant's posts waiting to be sent).
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::HeaderName::from_static("clear-site-data"),
            http::HeaderValue::from_static(if signed_in {
                "\"cache\""
            } else {
                "\"cache\", \"storage\""
            }),
        );
    }
    Ok(())
}

/// See [`PrivacyFacts`].
#[server(prefix = "/api", endpoint = "privacy")]
pub async fn get_privacy_facts() -> Result<PrivacyFacts, AppError> {
    super::with_status(privacy_facts().await)
}

#[cfg(feature = "ssr")]
async fn privacy_facts() -> Result<PrivacyFacts, AppError> {
    let state = crate::server::AppState::from_context()?;
    let town = state.town().await?;
    Ok(PrivacyFacts {
        tiles: state.settings.tile_origin_of(Some(&town)),
        town: town.name,
    })
}
