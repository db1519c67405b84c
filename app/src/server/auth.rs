//! Signed-in sessions, the current actor, sign-in links and rate limits.
//!
//! A session is a random 256-bit token in an HttpOnly, SameSite=Lax cookie (Secure behind
//! https); the database keeps only its SHA-256, so several server instances share sessions.

use chrono::TimeDelta;
use sha2::{Digest, Sha256};

use super::{AppState, SessionUser, Town};
use crate::domain::authz::{allows, Action, Actor};
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "quartier_session";
/// A session lasts this long after the last day it was used.
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::days(30);
/// A sign-in link works once, within this time.
pub const SIGN_IN_LINK_LIFETIME: TimeDelta = TimeDelta::minutes(15);
/// An invitation works once, within this time.
pub const INVITATION_LIFETIME: TimeDelta = TimeDelta::days(14);

/// Sign-in requests allowed per window: per e-mail address, and per client address.
pub const SIGN_IN_LIMIT_PER_EMAIL: i64 = 5;
pub const SIGN_IN_LIMIT_PER_CLIENT: i64 = 20;
pub const SIGN_IN_LIMIT_WINDOW: TimeDelta = TimeDelta::hours(1);

/// A new random 256-bit token, as 64 hex digits.
pub fn new_secret() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::internal("generating a token", e))?;
    Ok(hex::encode(bytes))
}

/// What the server keeps of a token.
pub fn secret_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A well-formed token: 64 lowercase hex digits.
pub fn is_secret(value: &str) -> bool {
    value.len() == 64
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The `Set-Cookie` value opening (or renewing) a session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={}; SameSite=Lax; HttpOnly{}",
        SESSION_LIFETIME.num_seconds(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes cookie `name`.
pub fn expired_cookie(name: &str, secure: bool) -> String {
    format!(
        "{name}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly{}",
        if secure { "; Secure" } else { "" }
    )
}

fn request_parts() -> Option<http::request::Parts> {
    leptos::prelude::use_context::<http::request::Parts>()
}

/// Adds a `Set-Cookie` header to the response being built.
pub fn set_cookie(value: &str) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(value) = http::HeaderValue::from_str(value) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
}

/// The session token the request carries, if well-formed.
pub fn session_token(parts: Option<&http::request::Parts>) -> Option<String> {
    super::cookie(parts?, SESSION_COOKIE).filter(|v| is_secret(v))
}

impl AppState {
    /// Whether the public URL is https (cookies are then `Secure`).
    pub fn secure_cookies(&self) -> bool {
        self.settings.base_url.starts_with("https://")
    }

    /// The signed-in user of this request, if any; renews the cookie when the session was
    /// extended.
    pub async fn session(&self) -> Result<Option<SessionUser>, AppError> {
        let Some(token) = session_token(request_parts().as_ref()) else {
            return Ok(None);
        };
        let found = self
            .store
            .session_user(&secret_hash(&token), self.clock.now(), SESSION_LIFETIME)
            .await
            .map_err(|e| AppError::internal("loading the session", e))?;
        if found.as_ref().is_some_and(|s| s.extended_until.is_some()) {
            set_cookie(&session_cookie(&token, self.secure_cookies()));
        }
        Ok(found)
    }

    /// Who is asking, with their roles in `town`.
    pub async fn actor(&self, town: &Town) -> Result<Actor, AppError> {
        let session = self.session().await?;
        self.actor_of(town, session.as_ref()).await
    }

    async fn actor_of(
        &self,
        town: &Town,
        session: Option<&SessionUser>,
    ) -> Result<Actor, AppError> {
        let Some(session) = session else {
            return Ok(Actor::Anonymous);
        };
        let roles = self
            .store
            .roles(town.id, session.user.id)
            .await
            .map_err(|e| AppError::internal("loading roles", e))?;
        Ok(Actor::User {
            id: session.user.id,
            roles,
        })
    }

    /// The actor, if allowed to do `action`: otherwise 401 for the anonymous (sign in first)
    /// and 403 for anyone else.
    pub async fn authorize(&self, town: &Town, action: Action) -> Result<Actor, AppError> {
        let actor = self.actor(town).await?;
        authorize(actor, action)
    }

    /// Like [`AppState::authorize`], with the signed-in account (401 for the anonymous).
    pub async fn authorize_user(
        &self,
        town: &Town,
        action: Action,
    ) -> Result<(Actor, super::User), AppError> {
        let session = self.session().await?;
        let actor = authorize(self.actor_of(town, session.as_ref()).await?, action)?;
        let user = session.ok_or(AppError::Unauthorized)?.user;
        Ok((actor, user))
    }

    /// Counts a hit of `key` and refuses it past `limit` hits per `window`.
    pub async fn rate_limit(
        &self,
        key: &str,
        limit: i64,
        window: TimeDelta,
    ) -> Result<(), AppError> {
        let hits = self
            .store
            .hit_rate_limit(&secret_hash(key), window, self.clock.now())
            .await
            .map_err(|e| AppError::internal("counting a rate limit", e))?;
        if hits > limit {
            tracing::warn!(limit, "rate limit reached");
            return Err(AppError::RateLimited);
        }
        Ok(())
    }
}

/// `actor` if allowed to do `action`, else the error to send.
pub fn authorize(actor: Actor, action: Action) -> Result<Actor, AppError> {
    if allows(&actor, action) {
        Ok(actor)
    } else if actor == Actor::Anonymous {
        Err(AppError::Unauthorized)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The client's address as this server sees it: the peer, or the first address of the
/// configured proxy header (only set `QUARTIER_CLIENT_IP_HEADER` behind a proxy that sets it).
pub fn client_address(parts: Option<&http::request::Parts>, header: Option<&str>) -> String {
    let Some(parts) = parts else {
        return "unknown".into();
    };
    if let Some(name) = header {
        if let Some(value) = parts.headers.get(name).and_then(|v| v.to_str().ok()) {
            if let Some(first) = value.split(',').next().map(str::trim) {
                if !first.is_empty() {
                    return first.to_owned();
                }
            }
        }
    }
    parts
        .extensions
        .get::<axum_connect_info::PeerAddress>()
        .map(|peer| peer.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The peer's address, put in the request's extensions by the server.
pub mod axum_connect_info {
    /// The TCP peer of the connection a request came on.
    #[derive(Clone, Copy, Debug)]
    pub struct PeerAddress(pub std::net::SocketAddr);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_256_bit_hex_and_hashed() {
        let token = new_secret().unwrap();
        assert!(is_secret(&token));
        assert_ne!(token, new_secret().unwrap());
        assert_ne!(secret_hash(&token), token);
        assert!(!is_secret(&token[..63]));
        assert!(!is_secret(&token.to_uppercase()));
        let cookie = session_cookie(&token, false);
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
        assert!(!cookie.contains("Secure"));
        assert!(expired_cookie(SESSION_COOKIE, true).contains("Max-Age=0"));
    }
}
