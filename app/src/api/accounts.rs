//! Passwordless sign-in by e-mail link, sign-out, and who is signed in.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Me, SignInLinkView, SignInSent};

/// Sends a single-use sign-in link (15 minutes) to `email`. `invitation` is the token of an
/// invitation to accept on sign-in. Limited per address and per client.
#[server(prefix = "/api", endpoint = "auth/request")]
pub async fn request_sign_in(
    email: String,
    return_to: Option<String>,
    invitation: Option<String>,
) -> Result<SignInSent, AppError> {
    let result = super::with_status(request_inner(email, return_to, invitation).await);
    match &result {
        Ok(_) => super::redirect_plain_form(Some("/sign-in?sent=1")),
        Err(error) => super::redirect_plain_form(Some(&format!(
            "/sign-in?error={}",
            super::error_code(error)
        ))),
    }
    result
}

#[cfg(feature = "ssr")]
async fn request_inner(
    email: String,
    return_to: Option<String>,
    invitation: Option<String>,
) -> Result<SignInSent, AppError> {
    use crate::domain::email::{masked_email, normalize_email};
    use crate::server::auth::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let locale = super::request_locale();
    let email = normalize_email(&email).ok_or_else(|| AppError::Validation {
        field: "email".into(),
        message: locale.t("sign_in.error.email"),
    })?;
    let client = state.client_key();
    state
        .rate_limit(
            &format!("sign-in:client:{client}"),
            SIGN_IN_LIMIT_PER_CLIENT,
            SIGN_IN_LIMIT_WINDOW,
        )
        .await?;
    let from_this_client = state
        .count_hit(
            &format!("sign-in:email-client:{email}:{client}"),
            SIGN_IN_EMAIL_AND_CLIENT_WINDOW,
        )
        .await?;
    if from_this_client > SIGN_IN_LIMIT_PER_EMAIL_AND_CLIENT {
        tracing::warn!("sign-in rate limit reached (address and client)");
        return Err(AppError::RateLimited);
    }
    // Every request counts towards the address's total; a client's first one in its window
    // is held only by the hard ceiling (many clients cannot lock the owner out, nor flood them).
    let for_this_address = state
        .count_hit(&format!("sign-in:email:{email}"), SIGN_IN_LIMIT_WINDOW)
        .await?;
    let limit = if from_this_client > 1 {
        SIGN_IN_LIMIT_PER_EMAIL
    } else {
        SIGN_IN_CEILING_PER_EMAIL
    };
    if for_this_address > limit {
        tracing::warn!("sign-in rate limit reached (address)");
        return Err(AppError::RateLimited);
    }
    let now = state.clock.now();
    let town = state.town().await?;
    let invitation_id = match invitation.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(token) => {
            let found = if is_secret(token) {
                state
                    .store
                    .invitation_by_token(&secret_hash(token))
                    .await
                    .map_err(|e| AppError::internal("loading an invitation", e))?
            } else {
                None
            };
            match found {
                Some(invitation) if invitation.is_open(now) && invitation.town_id == town.id => {
                    Some(invitation.id)
                }
                _ => {
                    return Err(AppError::Validation {
                        field: "invitation".into(),
                        message: locale.t("invite.error.closed"),
                    })
                }
            }
        }
    };
    let link = crate::server::sign_in::issue_link(
        state.store.as_ref(),
        &state.settings.base_url_of(&town),
        &email,
        invitation_id,
        return_to,
        now,
    )
    .await?;
    // Opened here, the link brings this browser's follows into the account; opened elsewhere,
    // it asks first.
    let earlier = use_context::<http::request::Parts>()
        .and_then(|parts| crate::server::cookie(&parts, SIGN_IN_BROWSER_COOKIE));
    set_cookie(&sign_in_browser_cookie(
        &link.token,
        earlier.as_deref(),
        state.secure_cookies(),
    ));
    let mut mail = crate::server::sign_in::link_email(locale, &town.name, &email, &link.url);
    mail.from = town.mail_from.clone();
    state
        .mailer
        .send(&mail)
        .await
        .map_err(|e| AppError::internal("sending a sign-in e-mail", e))?;
    Ok(SignInSent {
        masked_email: masked_email(&email),
        minutes_valid: SIGN_IN_LINK_LIFETIME.num_minutes(),
    })
}

/// What opening sign-in link `token` in this browser would do with its follows: in another
/// browser than the one that asked for the link, with follows of its own, the page asks before
/// they join the account (a shared or borrowed device).
#[server(prefix = "/api", endpoint = "auth/link")]
pub async fn get_sign_in_link(token: String) -> Result<SignInLinkView, AppError> {
    super::with_status(link_inner(token).await)
}

#[cfg(feature = "ssr")]
async fn link_inner(token: String) -> Result<SignInLinkView, AppError> {
    use crate::server::auth::opened_where_asked;
    use crate::server::{device, AppState};

    let state = AppState::from_context()?;
    let parts = use_context::<http::request::Parts>();
    if opened_where_asked(parts.as_ref(), &token) {
        return Ok(SignInLinkView::default());
    }
    let follows = match device::cookie_profile(&state).await? {
        Some(profile) => {
            let follows = state
                .store
                .follows(profile)
                .await
                .map_err(|e| AppError::internal("loading follows", e))?;
            follows.shop_ids.len() + follows.district_ids.len()
        }
        None => 0,
    };
    Ok(SignInLinkView {
        ask_to_merge: follows > 0,
        follows,
    })
}

/// Uses a sign-in link: opens the session, brings this device's follows into the account
/// (opened in another browser than the one that asked for it: only with `merge=true`),
/// accepts the link's invitation, then goes where the user was headed.
#[server(prefix = "/api", endpoint = "auth/complete")]
pub async fn complete_sign_in(token: String, merge: Option<String>) -> Result<String, AppError> {
    let result = super::with_status(complete_inner(token, merge.as_deref() == Some("true")).await);
    match &result {
        Ok(path) => leptos_axum::redirect(path),
        Err(error) => super::redirect_plain_form(Some(&format!(
            "/sign-in?error={}",
            super::error_code(error)
        ))),
    }
    result
}

#[cfg(feature = "ssr")]
async fn complete_inner(token: String, merge: bool) -> Result<String, AppError> {
    use crate::server::auth::*;
    use crate::server::{device, AppState, NewSession};

    let state = AppState::from_context()?;
    let locale = super::request_locale();
    let expired = || AppError::Validation {
        field: "token".into(),
        message: locale.t("sign_in.error.link"),
    };
    if !is_secret(&token) {
        return Err(expired());
    }
    let town = state.town().await?;
    let now = state.clock.now();
    let parts = use_context::<http::request::Parts>();
    let device_profile = if merge || opened_where_asked(parts.as_ref(), &token) {
        device::cookie_profile(&state).await?
    } else {
        None
    };
    let session_token = new_secret()?;
    let signed_in = state
        .store
        .complete_sign_in(
            town.id,
            &secret_hash(&token),
            &NewSession {
                token_hash: secret_hash(&session_token),
                expires_at: now + SESSION_LIFETIME,
                town_id: Some(town.id),
            },
            device_profile,
            now,
        )
        .await
        .map_err(|e| AppError::internal("signing in", e))?
        .ok_or_else(expired)?;
    set_cookie(&expired_cookie(
        SIGN_IN_BROWSER_COOKIE,
        state.secure_cookies(),
    ));
    landing(
        &state,
        &town,
        signed_in,
        &session_token,
        device_profile.is_some(),
    )
    .await
}

/// After a sign-in (link or passkey): sets the session cookie, clears the device cookie whose
/// follows the account took over, and says where to go.
#[cfg(feature = "ssr")]
pub(super) async fn landing(
    state: &crate::server::AppState,
    town: &crate::server::Town,
    signed_in: crate::server::SignedIn,
    cookie_token: &str,
    had_device_profile: bool,
) -> Result<String, AppError> {
    use crate::server::auth::*;
    use crate::server::device;
    let secure = state.secure_cookies();
    set_cookie(&session_cookie(cookie_token, secure));
    metrics::counter!("quartier_sign_ins_total").increment(1);
    // The device's follows now live in the account: the device cookie has done its job.
    if had_device_profile {
        set_cookie(&expired_cookie(device::DEVICE_COOKIE, secure));
    }
    tracing::info!(
        user = signed_in.user.id,
        new_account = signed_in.new_account,
        "signed in"
    );
    if let Some(return_to) = signed_in.return_to {
        return Ok(return_to);
    }
    let path = match signed_in.invitation {
        Some(Ok(invitation)) => {
            super::invitations::after_accepting(state, town, &invitation).await?
        }
        Some(Err(_)) => "/account?invitation=closed".into(),
        None => {
            let roles = state
                .store
                .roles(town.id, signed_in.user.id)
                .await
                .map_err(|e| AppError::internal("loading roles", e))?;
            if !roles.shops.is_empty() {
                "/counter".into()
            } else if roles.admin || !roles.districts.is_empty() {
                "/manage".into()
            } else {
                "/following".into()
            }
        }
    };
    Ok(path)
}

/// Ends this browser's session. A plain form goes on to the home page; the app loads it
/// afresh itself (nothing of the account stays in the page's memory).
#[server(prefix = "/api", endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    let result = super::with_status(sign_out_inner(false).await);
    if result.is_ok() {
        super::redirect_plain_form(Some("/"));
    }
    result
}

/// Ends every session of the account (a lost phone).
#[server(prefix = "/api", endpoint = "auth/sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    let result = super::with_status(sign_out_inner(true).await);
    if result.is_ok() {
        super::redirect_plain_form(Some("/"));
    }
    result
}

#[cfg(feature = "ssr")]
async fn sign_out_inner(everywhere: bool) -> Result<(), AppError> {
    use crate::server::auth::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let parts = use_context::<http::request::Parts>();
    if everywhere {
        let session = state.session().await?.ok_or(AppError::Unauthorized)?;
        let ended = state
            .store
            .delete_user_sessions(session.user.id)
            .await
            .map_err(|e| AppError::internal("signing out everywhere", e))?;
        tracing::info!(user = session.user.id, ended, "signed out everywhere");
    } else if let Some(token) = session_token(parts.as_ref()) {
        state
            .store
            .delete_session(&secret_hash(&token))
            .await
            .map_err(|e| AppError::internal("signing out", e))?;
    }
    set_cookie(&expired_cookie(SESSION_COOKIE, state.secure_cookies()));
    // A shared phone keeps nothing of the account: saved pages and the offline queue go too.
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::HeaderName::from_static("clear-site-data"),
            http::HeaderValue::from_static("\"cache\", \"storage\""),
        );
    }
    Ok(())
}

/// Deletes the signed-in account for good (`confirm` must be `yes`: a plain form's checkbox),
/// and signs this browser out of it. See [`crate::server::AccountStore::delete_account`].
#[server(prefix = "/api", endpoint = "account/delete")]
pub async fn delete_account(confirm: Option<String>) -> Result<(), AppError> {
    let result = super::with_status(delete_account_inner(confirm.as_deref()).await);
    match &result {
        Ok(()) => super::redirect_plain_form(Some("/account?deleted=1")),
        Err(error) => super::redirect_plain_form(Some(&format!(
            "/account?delete_error={}#delete-account",
            super::error_code(error)
        ))),
    }
    result
}

#[cfg(feature = "ssr")]
async fn delete_account_inner(confirm: Option<&str>) -> Result<(), AppError> {
    use crate::domain::authz::Action;
    use crate::server::auth::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let (_, user) = state.authorize_user(&town, Action::ManageAccount).await?;
    if confirm != Some("yes") {
        return Err(AppError::Validation {
            field: "confirm".into(),
            message: super::request_locale().t("account.error.confirm_delete"),
        });
    }
    let refused = |field: &str, key: &str| AppError::Validation {
        field: field.into(),
        message: super::request_locale().t(key),
    };
    match state
        .store
        .delete_account(user.id)
        .await
        .map_err(|e| AppError::internal("deleting an account", e))?
    {
        crate::server::AccountDeletion::Deleted => {}
        crate::server::AccountDeletion::NotFound => return Err(AppError::Unauthorized),
        crate::server::AccountDeletion::LastOwner => {
            return Err(refused("last_owner", "account.error.last_owner"))
        }
        crate::server::AccountDeletion::LastAdmin => {
            return Err(refused("last_admin", "account.error.last_admin"))
        }
    }
    tracing::info!(user = user.id, "account deleted");
    let secure = state.secure_cookies();
    set_cookie(&expired_cookie(SESSION_COOKIE, secure));
    set_cookie(&expired_cookie(
        crate::server::device::DEVICE_COOKIE,
        secure,
    ));
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::HeaderName::from_static("clear-site-data"),
            http::HeaderValue::from_static("\"cache\", \"storage\""),
        );
    }
    Ok(())
}

/// The signed-in user and what they may manage; `None` for a visitor.
#[server(prefix = "/api", endpoint = "me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    super::with_status(me_inner().await)
}

#[cfg(feature = "ssr")]
async fn me_inner() -> Result<Option<Me>, AppError> {
    use crate::model::{DistrictLink, ShopLink};
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let Some(session) = state.session().await? else {
        return Ok(None);
    };
    let town = state.town().await?;
    let roles = state
        .store
        .roles(town.id, session.user.id)
        .await
        .map_err(|e| AppError::internal("loading roles", e))?;
    let ids: Vec<i64> = roles.shops.iter().map(|(id, _)| *id).collect();
    let shops = state
        .store
        .shops_by_ids(town.id, &ids)
        .await
        .map_err(|e| AppError::internal("loading shops", e))?;
    let districts = state
        .store
        .districts(town.id)
        .await
        .map_err(|e| AppError::internal("loading districts", e))?;
    Ok(Some(Me {
        email: session.user.email,
        admin: roles.admin,
        shops: shops
            .into_iter()
            .filter_map(|shop| {
                let role = roles.shops.iter().find(|(id, _)| *id == shop.id)?.1;
                Some(ShopLink {
                    slug: shop.slug,
                    name: shop.fields.name,
                    role: role.as_str().into(),
                })
            })
            .collect(),
        districts: districts
            .into_iter()
            .filter(|d| roles.districts.contains(&d.id))
            .map(|d| DistrictLink {
                slug: d.slug,
                name: d.name,
            })
            .collect(),
    }))
}
