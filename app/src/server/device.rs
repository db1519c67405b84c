//! The anonymous device profile: a random 128-bit id in an HttpOnly cookie, only its SHA-256
//! on the server. Created on the first follow (reading never creates one).

use sha2::{Digest, Sha256};

use super::AppState;
use crate::error::AppError;

pub const DEVICE_COOKIE: &str = "quartier_device";
/// Browsers cap cookie lifetimes at 400 days; the cookie is renewed on each follow.
const MAX_AGE_SECONDS: i64 = crate::domain::privacy::DEVICE_COOKIE_DAYS * 24 * 3600;

/// The device token in the request's cookies, if well-formed (32 lowercase hex digits).
pub fn cookie_token(parts: Option<&http::request::Parts>) -> Option<String> {
    super::cookie(parts?, DEVICE_COOKIE).filter(|v| is_token(v))
}

fn is_token(value: &str) -> bool {
    value.len() == 32
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What the server keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token.
pub fn new_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| AppError::internal("generating a device id", e))?;
    Ok(hex::encode(bytes))
}

/// The `Set-Cookie` value for a token.
pub fn cookie_header(token: &str, secure: bool) -> String {
    format!(
        "{DEVICE_COOKIE}={token}; Path=/; Max-Age={MAX_AGE_SECONDS}; SameSite=Lax; HttpOnly{}",
        if secure { "; Secure" } else { "" }
    )
}

fn request_parts() -> Option<http::request::Parts> {
    leptos::prelude::use_context::<http::request::Parts>()
}

/// The profile of the device making this request, if it has one: the account's when signed in.
pub async fn current_profile(state: &AppState) -> Result<Option<i64>, AppError> {
    if let Some(session) = state.session().await? {
        return Ok(session.user.profile_id);
    }
    cookie_profile(state).await
}

/// The anonymous profile named by this request's device cookie, if any (a sign-in adopts it).
pub async fn cookie_profile(state: &AppState) -> Result<Option<i64>, AppError> {
    let Some(token) = cookie_token(request_parts().as_ref()) else {
        return Ok(None);
    };
    state
        .store
        .device_profile(&token_hash(&token), state.clock.now())
        .await
        .map_err(|e| AppError::internal("loading the device profile", e))
}

/// The profile of this device, created (with its cookie) if needed; the cookie is renewed.
/// Signed in, the account's profile.
pub async fn ensure_profile(state: &AppState) -> Result<i64, AppError> {
    let now = state.clock.now();
    if let Some(session) = state.session().await? {
        return state
            .store
            .ensure_user_profile(session.user.id, now)
            .await
            .map_err(|e| AppError::internal("creating the account's profile", e));
    }
    let existing = cookie_token(request_parts().as_ref());
    let (token, id) = match existing {
        Some(token) => {
            let found = state
                .store
                .device_profile(&token_hash(&token), now)
                .await
                .map_err(|e| AppError::internal("loading the device profile", e))?;
            match found {
                Some(id) => (token, id),
                None => create(state).await?,
            }
        }
        None => create(state).await?,
    };
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let secure = state.secure_cookies();
        if let Ok(value) = http::HeaderValue::from_str(&cookie_header(&token, secure)) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
    Ok(id)
}

async fn create(state: &AppState) -> Result<(String, i64), AppError> {
    let token = new_token()?;
    let id = state
        .store
        .create_device_profile(&token_hash(&token), state.clock.now())
        .await
        .map_err(|e| AppError::internal("creating a device profile", e))?;
    Ok((token, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_128_bit_hex_and_hashed() {
        let token = new_token().unwrap();
        assert!(is_token(&token));
        assert_ne!(token, new_token().unwrap());
        assert_eq!(token_hash(&token).len(), 64);
        assert!(!is_token("../../etc"));
        assert!(!is_token(&"A".repeat(32)));
        let cookie = cookie_header(&token, true);
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && cookie.ends_with("; Secure")
        );
    }
}
