//! Passkeys (WebAuthn, verified by `webauthn-rs`): the fast way back in on a phone, offered
//! once someone has signed in by e-mail. The ceremonies' server half is kept in the database
//! (single use, five minutes), so any server instance can finish what another started.
//!
//! The browser side is `public/passkeys.js`: it turns the options into `navigator.credentials`
//! calls and posts the results back as JSON text.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{PasskeyChallenge, PasskeyView};

/// How long a ceremony may take.
#[cfg(feature = "ssr")]
const CEREMONY_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::minutes(5);
/// Passkey sign-in attempts per client address per hour.
pub const PASSKEY_ATTEMPTS_PER_HOUR: i64 = 60;
/// Most passkeys an account keeps.
pub const MAX_PASSKEYS: usize = 20;

/// The relying party: this site, as its public URL names it. Passkeys need a domain name
/// (not an IP address) and a secure context (https, or http on localhost); a server on a
/// loopback address (development) takes them at `http://localhost:PORT`.
#[cfg(feature = "ssr")]
async fn relying_party(
    state: &crate::server::AppState,
) -> Result<webauthn_rs::prelude::Webauthn, AppError> {
    use webauthn_rs::prelude::{Url, WebauthnBuilder};
    let unavailable = |detail: &dyn std::fmt::Display| {
        tracing::warn!(%detail, "passkeys are not available with this QUARTIER_BASE_URL");
        AppError::Validation {
            field: "passkey".into(),
            message: super::request_locale().t("passkey.error.unavailable"),
        }
    };
    // The town's own site: a passkey is made for (and works on) that host name.
    let base_url = state.settings.base_url_of(&state.town().await?);
    let mut origin = Url::parse(&base_url).map_err(|e| unavailable(&e))?;
    let host = match origin.host_str() {
        // Development on a loopback address: passkeys work at http://localhost:PORT.
        Some(host)
            if host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback()) =>
        {
            origin
                .set_host(Some("localhost"))
                .map_err(|e| unavailable(&e))?;
            "localhost".to_owned()
        }
        Some(host) if host.parse::<std::net::Ipv4Addr>().is_err() && !host.starts_with('[') => {
            host.to_owned()
        }
        _ => return Err(unavailable(&"the host is not a domain name")),
    };
    WebauthnBuilder::new(&host, &origin)
        .and_then(|b| b.rp_name("Quartier").build())
        .map_err(|e| unavailable(&e))
}

/// A ceremony's id: random, and only its hash is stored.
#[cfg(feature = "ssr")]
fn new_ceremony() -> Result<(String, String), AppError> {
    let id = crate::server::auth::new_secret()?;
    let hash = crate::server::auth::secret_hash(&id);
    Ok((id, hash))
}

#[cfg(feature = "ssr")]
fn failed(key: &str) -> AppError {
    AppError::Validation {
        field: "passkey".into(),
        message: super::request_locale().t(key),
    }
}

/// Starts making a passkey for the signed-in account, on this device.
#[server(prefix = "/api", endpoint = "passkeys/register/start")]
pub async fn start_passkey_registration() -> Result<PasskeyChallenge, AppError> {
    super::with_status(register_start_inner().await)
}

#[cfg(feature = "ssr")]
async fn register_start_inner() -> Result<PasskeyChallenge, AppError> {
    use crate::domain::authz::Action;
    use crate::server::AppState;
    use webauthn_rs::prelude::{Passkey, Uuid};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let (_, user) = state.authorize_user(&town, Action::ManageAccount).await?;
    let user_id = user.id;
    let webauthn = relying_party(&state).await?;
    let store_failed = |e| AppError::internal("passkeys", e);
    let existing = state
        .store
        .user_passkeys(user_id)
        .await
        .map_err(store_failed)?;
    if existing.len() >= MAX_PASSKEYS {
        return Err(failed("passkey.error.too_many"));
    }
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).map_err(|e| AppError::internal("a passkey handle", e))?;
    let candidate = Uuid::from_bytes(random).to_string();
    let handle = state
        .store
        .passkey_handle(user_id, &candidate)
        .await
        .map_err(store_failed)?;
    let handle = Uuid::parse_str(&handle).map_err(|e| AppError::internal("a passkey handle", e))?;
    // Not the same authenticator twice.
    let exclude = existing
        .iter()
        .filter_map(|p| serde_json::from_str::<Passkey>(&p.credential).ok())
        .map(|p| p.cred_id().clone())
        .collect::<Vec<_>>();
    let (options, registration) = webauthn
        .start_passkey_registration(handle, &user.email, &user.email, Some(exclude))
        .map_err(|e| AppError::internal("starting a passkey registration", e))?;
    // A discoverable credential: signing in then needs no e-mail address at all.
    let mut options =
        serde_json::to_value(&options).map_err(|e| AppError::internal("passkey options", e))?;
    if let Some(selection) = options
        .pointer_mut("/publicKey/authenticatorSelection")
        .and_then(|v| v.as_object_mut())
    {
        selection.insert("residentKey".into(), "required".into());
        selection.insert("requireResidentKey".into(), true.into());
    }
    let (ceremony, hash) = new_ceremony()?;
    let saved = serde_json::to_string(&registration)
        .map_err(|e| AppError::internal("saving a passkey registration", e))?;
    state
        .store
        .save_passkey_ceremony(
            &hash,
            Some(user_id),
            &saved,
            state.clock.now() + CEREMONY_LIFETIME,
        )
        .await
        .map_err(store_failed)?;
    Ok(PasskeyChallenge {
        ceremony,
        options: serde_json::to_string(&options)
            .map_err(|e| AppError::internal("passkey options", e))?,
    })
}

/// Finishes making a passkey: `credential` is the browser's answer (JSON), `name` where it
/// was made ("Android", "iPhone"…).
#[server(prefix = "/api", endpoint = "passkeys/register/finish")]
pub async fn finish_passkey_registration(
    ceremony: String,
    credential: String,
    name: Option<String>,
) -> Result<PasskeyView, AppError> {
    super::with_status(register_finish_inner(ceremony, credential, name).await)
}

#[cfg(feature = "ssr")]
async fn register_finish_inner(
    ceremony: String,
    credential: String,
    name: Option<String>,
) -> Result<PasskeyView, AppError> {
    use crate::domain::authz::Action;
    use crate::server::{AppState, StoreError};
    use webauthn_rs::prelude::{PasskeyRegistration, RegisterPublicKeyCredential};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let (_, user) = state.authorize_user(&town, Action::ManageAccount).await?;
    let user_id = user.id;
    let webauthn = relying_party(&state).await?;
    let now = state.clock.now();
    if !crate::server::auth::is_secret(&ceremony) || credential.len() > 64 * 1024 {
        return Err(failed("passkey.error.failed"));
    }
    let (owner, saved) = state
        .store
        .take_passkey_ceremony(&crate::server::auth::secret_hash(&ceremony), now)
        .await
        .map_err(|e| AppError::internal("passkeys", e))?
        .ok_or_else(|| failed("passkey.error.expired"))?;
    if owner != Some(user_id) {
        return Err(failed("passkey.error.failed"));
    }
    let registration: PasskeyRegistration = serde_json::from_str(&saved)
        .map_err(|e| AppError::internal("reading a passkey registration", e))?;
    let answer: RegisterPublicKeyCredential = serde_json::from_str(&credential).map_err(|e| {
        tracing::info!(error = %e, "unreadable passkey registration");
        failed("passkey.error.failed")
    })?;
    let passkey = webauthn
        .finish_passkey_registration(&answer, &registration)
        .map_err(|e| {
            tracing::info!(error = %e, user = user_id, "passkey registration refused");
            failed("passkey.error.failed")
        })?;
    let credential_id = credential_id_text(passkey.cred_id());
    let stored =
        serde_json::to_string(&passkey).map_err(|e| AppError::internal("saving a passkey", e))?;
    let name = device_name(name.as_deref());
    let record = match state
        .store
        .add_passkey(user_id, &credential_id, &stored, &name, now)
        .await
    {
        Ok(record) => record,
        Err(StoreError::Conflict(_)) => return Err(failed("passkey.error.exists")),
        Err(e) => return Err(AppError::internal("saving a passkey", e)),
    };
    tracing::info!(user = user_id, passkey = record.id, "passkey added");
    Ok(passkey_view(&record, &town))
}

/// A credential id as stored: its bytes in hexadecimal.
#[cfg(feature = "ssr")]
fn credential_id_text(id: &[u8]) -> String {
    hex::encode(id)
}

/// A short, printable name for the device, as the page guessed it.
#[cfg(feature = "ssr")]
fn device_name(name: Option<&str>) -> String {
    let name: String = name
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(60)
        .collect();
    let name = name.trim();
    if name.is_empty() {
        super::request_locale().t("passkey.this_device")
    } else {
        name.to_owned()
    }
}

#[cfg(feature = "ssr")]
fn passkey_view(record: &crate::server::PasskeyRecord, town: &crate::server::Town) -> PasskeyView {
    let tz = crate::model::records::town_tz(town);
    PasskeyView {
        id: record.id,
        name: record.name.clone(),
        created_on: crate::domain::posting::form_date(record.created_at, tz),
        last_used_on: record
            .last_used_at
            .map(|t| crate::domain::posting::form_date(t, tz)),
    }
}

/// Starts a sign-in with a passkey: the browser lets the person pick one of theirs.
#[server(prefix = "/api", endpoint = "passkeys/sign-in/start")]
pub async fn start_passkey_sign_in() -> Result<PasskeyChallenge, AppError> {
    super::with_status(sign_in_start_inner().await)
}

#[cfg(feature = "ssr")]
async fn sign_in_start_inner() -> Result<PasskeyChallenge, AppError> {
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let webauthn = relying_party(&state).await?;
    let client = state.client_key();
    state
        .rate_limit(
            &format!("passkey:client:{client}"),
            PASSKEY_ATTEMPTS_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    let (mut options, authentication) = webauthn
        .start_discoverable_authentication()
        .map_err(|e| AppError::internal("starting a passkey sign-in", e))?;
    // Asked for by a tap on "sign in with a passkey", not by an input's autofill.
    options.mediation = None;
    let (ceremony, hash) = new_ceremony()?;
    let saved = serde_json::to_string(&authentication)
        .map_err(|e| AppError::internal("saving a passkey sign-in", e))?;
    state
        .store
        .save_passkey_ceremony(&hash, None, &saved, state.clock.now() + CEREMONY_LIFETIME)
        .await
        .map_err(|e| AppError::internal("passkeys", e))?;
    Ok(PasskeyChallenge {
        ceremony,
        options: serde_json::to_string(&options)
            .map_err(|e| AppError::internal("passkey options", e))?,
    })
}

/// Finishes a passkey sign-in: opens the session (the device's follows join the account, as
/// with an e-mail link) and returns where to go.
#[server(prefix = "/api", endpoint = "passkeys/sign-in/finish")]
pub async fn finish_passkey_sign_in(
    ceremony: String,
    credential: String,
    return_to: Option<String>,
) -> Result<String, AppError> {
    super::with_status(sign_in_finish_inner(ceremony, credential, return_to).await)
}

#[cfg(feature = "ssr")]
async fn sign_in_finish_inner(
    ceremony: String,
    credential: String,
    return_to: Option<String>,
) -> Result<String, AppError> {
    use crate::server::auth::*;
    use crate::server::{device, AppState, NewSession};
    use webauthn_rs::prelude::{DiscoverableAuthentication, Passkey, PublicKeyCredential};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let webauthn = relying_party(&state).await?;
    let now = state.clock.now();
    if !is_secret(&ceremony) || credential.len() > 64 * 1024 {
        return Err(failed("passkey.error.failed"));
    }
    let (_, saved) = state
        .store
        .take_passkey_ceremony(&secret_hash(&ceremony), now)
        .await
        .map_err(|e| AppError::internal("passkeys", e))?
        .ok_or_else(|| failed("passkey.error.expired"))?;
    let authentication: DiscoverableAuthentication = serde_json::from_str(&saved)
        .map_err(|e| AppError::internal("reading a passkey sign-in", e))?;
    let answer: PublicKeyCredential = serde_json::from_str(&credential).map_err(|e| {
        tracing::info!(error = %e, "unreadable passkey sign-in");
        failed("passkey.error.failed")
    })?;
    let (handle, _) = webauthn
        .identify_discoverable_authentication(&answer)
        .map_err(|_| failed("passkey.error.unknown"))?;
    let credential_id = credential_id_text(&answer.raw_id);
    let (record, user_handle) = state
        .store
        .passkey_by_credential_id(&credential_id)
        .await
        .map_err(|e| AppError::internal("passkeys", e))?
        .ok_or_else(|| failed("passkey.error.unknown"))?;
    // The credential must belong to the account the authenticator names.
    if user_handle.as_deref() != Some(handle.to_string().as_str()) {
        tracing::warn!(passkey = record.id, "passkey user handle mismatch");
        return Err(failed("passkey.error.unknown"));
    }
    let mut passkey: Passkey = serde_json::from_str(&record.credential)
        .map_err(|e| AppError::internal("reading a passkey", e))?;
    let result = webauthn
        .finish_discoverable_authentication_v2(&answer, authentication, &passkey)
        .map_err(|e| {
            tracing::info!(error = %e, passkey = record.id, "passkey sign-in refused");
            failed("passkey.error.failed")
        })?;
    let updated = match passkey.update_credential(&result) {
        Some(true) => Some(
            serde_json::to_string(&passkey)
                .map_err(|e| AppError::internal("saving a passkey", e))?,
        ),
        _ => None,
    };
    let device_profile = device::cookie_profile(&state).await?;
    let session_token = new_secret()?;
    let mut signed_in = state
        .store
        .complete_passkey_sign_in(
            record.id,
            updated.as_deref(),
            &NewSession {
                token_hash: secret_hash(&session_token),
                expires_at: now + SESSION_LIFETIME,
                town_id: Some(state.town().await?.id),
            },
            device_profile,
            now,
        )
        .await
        .map_err(|e| AppError::internal("signing in", e))?
        .ok_or_else(|| failed("passkey.error.unknown"))?;
    signed_in.return_to = return_to.filter(|p| super::is_local_path(p));
    super::accounts::landing(
        &state,
        &town,
        signed_in,
        &session_token,
        device_profile.is_some(),
    )
    .await
}

/// The signed-in account's passkeys.
#[server(prefix = "/api", endpoint = "passkeys")]
pub async fn get_passkeys() -> Result<Vec<PasskeyView>, AppError> {
    super::with_status(list_inner().await)
}

#[cfg(feature = "ssr")]
async fn list_inner() -> Result<Vec<PasskeyView>, AppError> {
    use crate::domain::authz::Action;
    let state = crate::server::AppState::from_context()?;
    let town = state.town().await?;
    let actor = state.authorize(&town, Action::ManageAccount).await?;
    let user_id = actor.user_id().ok_or(AppError::Unauthorized)?;
    Ok(state
        .store
        .user_passkeys(user_id)
        .await
        .map_err(|e| AppError::internal("passkeys", e))?
        .iter()
        .map(|p| passkey_view(p, &town))
        .collect())
}

/// Removes one of the signed-in account's passkeys (the authenticator keeps it, unused).
#[server(prefix = "/api", endpoint = "passkeys/delete")]
pub async fn delete_passkey(id: i64) -> Result<(), AppError> {
    let result = super::with_status(delete_inner(id).await);
    if result.is_ok() {
        super::redirect_plain_form(Some("/account?passkey=removed"));
    }
    result
}

#[cfg(feature = "ssr")]
async fn delete_inner(id: i64) -> Result<(), AppError> {
    use crate::domain::authz::Action;
    let state = crate::server::AppState::from_context()?;
    let town = state.town().await?;
    let actor = state.authorize(&town, Action::ManageAccount).await?;
    let user_id = actor.user_id().ok_or(AppError::Unauthorized)?;
    let removed = state
        .store
        .delete_passkey(user_id, id)
        .await
        .map_err(|e| AppError::internal("passkeys", e))?;
    if !removed {
        return Err(AppError::NotFound);
    }
    tracing::info!(user = user_id, passkey = id, "passkey removed");
    Ok(())
}
