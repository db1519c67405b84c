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
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::days(crate::domain::privacy::SESSION_DAYS);
/// ... and never longer than this after it was opened (then sign in again).
pub const SESSION_MAX_AGE: TimeDelta = TimeDelta::days(90);
/// A sign-in link works once, within this time.
pub const SIGN_IN_LINK_LIFETIME: TimeDelta =
    TimeDelta::minutes(crate::domain::privacy::SIGN_IN_LINK_MINUTES);
/// An invitation works once, within this time.
pub const INVITATION_LIFETIME: TimeDelta = TimeDelta::days(crate::model::INVITATION_DAYS);

/// Sign-in requests allowed: per e-mail address from one client, a few within a short window;
/// per client, whatever the addresses; per e-mail address in all (bounds the mail many clients
/// together can make us send to one person). The first request of a client for an address in
/// each short window is never held by the total: others asking for your address, from as many
/// clients as they like, do not lock you out.
pub const SIGN_IN_LIMIT_PER_EMAIL_AND_CLIENT: i64 = 5;
pub const SIGN_IN_EMAIL_AND_CLIENT_WINDOW: TimeDelta = TimeDelta::minutes(15);
pub const SIGN_IN_LIMIT_PER_CLIENT: i64 = 20;
pub const SIGN_IN_LIMIT_PER_EMAIL: i64 = 30;
/// The hard ceiling per e-mail address, first requests included.
pub const SIGN_IN_CEILING_PER_EMAIL: i64 = 100;
pub const SIGN_IN_LIMIT_WINDOW: TimeDelta = TimeDelta::hours(1);

/// Set on the browser that asked for a sign-in link, to tell it from another one opening it.
pub const SIGN_IN_BROWSER_COOKIE: &str = "quartier_sign_in";

/// What the browser that asked for a link keeps of it (not the link's token, nor what the
/// database keeps of it).
pub fn sign_in_browser_mark(token: &str) -> String {
    hex::encode(Sha256::digest(
        format!("sign-in-browser:{token}").as_bytes(),
    ))
}

/// The marks of the last links a browser asked for (someone who asks again because the mail
/// is slow may open the first one).
const SIGN_IN_MARKS_KEPT: usize = 3;

/// The `Set-Cookie` value marking this browser as the one that asked for link `token` (and,
/// from `earlier`, the cookie's value until now, for the links it asked for just before).
pub fn sign_in_browser_cookie(token: &str, earlier: Option<&str>, secure: bool) -> String {
    let mut marks = vec![sign_in_browser_mark(token)];
    marks.extend(
        earlier
            .unwrap_or_default()
            .split('.')
            .filter(|mark| is_secret(mark))
            .take(SIGN_IN_MARKS_KEPT - 1)
            .map(str::to_owned),
    );
    format!(
        "{SIGN_IN_BROWSER_COOKIE}={}; Path=/; Max-Age={}; SameSite=Lax; HttpOnly{}",
        marks.join("."),
        SIGN_IN_LINK_LIFETIME.num_seconds(),
        if secure { "; Secure" } else { "" }
    )
}

/// Whether the link `token` is opened in the browser that asked for it.
pub fn opened_where_asked(parts: Option<&http::request::Parts>, token: &str) -> bool {
    let mark = sign_in_browser_mark(token);
    parts
        .and_then(|parts| super::cookie(parts, SIGN_IN_BROWSER_COOKIE))
        .is_some_and(|marks| marks.split('.').any(|m| m == mark))
}

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
    /// Whether the public URL (the request's town's) is https (cookies are then `Secure`).
    pub fn secure_cookies(&self) -> bool {
        let town = request_parts().and_then(|parts| crate::server::request_town(&parts));
        match town {
            Some(town) => self.settings.base_url_of(&town).starts_with("https://"),
            None => self.settings.base_url.starts_with("https://"),
        }
    }

    /// The signed-in user of this request, if any; renews the cookie when the session was
    /// extended.
    pub async fn session(&self) -> Result<Option<SessionUser>, AppError> {
        let Some(token) = session_token(request_parts().as_ref()) else {
            return Ok(None);
        };
        // A request the server resolved: valid on its town only (none on an unknown host).
        let town = request_parts().and_then(|parts| {
            parts
                .extensions
                .get::<crate::server::RequestTown>()
                .map(|resolved| resolved.0.as_ref().map_or(-1, |town| town.id))
        });
        let found = self
            .store
            .session_user(
                &secret_hash(&token),
                town,
                self.clock.now(),
                SESSION_LIFETIME,
            )
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

    /// The current request's client, as a rate-limit key (see [`client_address`]).
    pub fn client_key(&self) -> String {
        client_address(
            request_parts().as_ref(),
            self.settings.client_ip_header.as_deref(),
            self.settings.trusted_proxy_hops,
        )
    }

    /// Counts a hit of `key` in its `window`; returns the hits so far (this one included).
    pub async fn count_hit(&self, key: &str, window: TimeDelta) -> Result<i64, AppError> {
        self.store
            .hit_rate_limit(&secret_hash(key), window, self.clock.now())
            .await
            .map_err(|e| AppError::internal("counting a rate limit", e))
    }

    /// Counts a hit of `key` and refuses it past `limit` hits per `window`.
    pub async fn rate_limit(
        &self,
        key: &str,
        limit: i64,
        window: TimeDelta,
    ) -> Result<(), AppError> {
        let hits = self.count_hit(key, window).await?;
        if hits > limit {
            tracing::warn!(limit, "rate limit reached");
            return Err(AppError::RateLimited);
        }
        Ok(())
    }
}

/// Why `actor` may not do something: sign in first (anonymous), or not theirs to do.
pub fn refusal(actor: &Actor) -> AppError {
    if *actor == Actor::Anonymous {
        AppError::Unauthorized
    } else {
        AppError::Forbidden
    }
}

/// `actor` if allowed to do `action`, else the error to send.
pub fn authorize(actor: Actor, action: Action) -> Result<Actor, AppError> {
    if allows(&actor, action) {
        Ok(actor)
    } else {
        Err(refusal(&actor))
    }
}

/// The client's address as this server sees it, as a rate-limit key: the peer, or behind a
/// reverse proxy (`QUARTIER_CLIENT_IP_HEADER`) the address that the trusted proxies wrote in
/// that header. A proxy appends the address it received the request from, so the client's own
/// entries come first and cannot be trusted: with `trusted_hops` proxies in front of the
/// server, the address is the `trusted_hops`-th entry from the right. IPv6 clients are keyed by
/// their /64 (one household or phone gets a whole /64 and may pick any address in it).
pub fn client_address(
    parts: Option<&http::request::Parts>,
    header: Option<&str>,
    trusted_hops: usize,
) -> String {
    let Some(parts) = parts else {
        return "unknown".into();
    };
    if let Some(name) = header {
        let entries: Vec<&str> = parts
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let from_proxy = entries
            .len()
            .checked_sub(trusted_hops.max(1))
            .and_then(|index| entries.get(index))
            .and_then(|entry| parse_forwarded_address(entry));
        return match from_proxy {
            Some(ip) => rate_limit_key(ip),
            // The proxy always writes the header: without it (or with fewer entries than
            // proxies) the request did not come through them all.
            None => "unknown-proxied".into(),
        };
    }
    parts
        .extensions
        .get::<axum_connect_info::PeerAddress>()
        .map(|peer| rate_limit_key(peer.0.ip()))
        .unwrap_or_else(|| "unknown".into())
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1` or
/// `[2001:db8::1]:4711`.
fn parse_forwarded_address(entry: &str) -> Option<std::net::IpAddr> {
    let entry = entry.trim().trim_matches('"');
    if let Ok(ip) = entry.parse() {
        return Some(ip);
    }
    if let Ok(socket) = entry.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    None
}

/// The key of an address: IPv4 as is, IPv6 by its /64 (an IPv4-mapped one as IPv4).
pub fn rate_limit_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
    }
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

    fn request(headers: &[(&str, &str)], peer: &str) -> http::request::Parts {
        let mut builder = http::Request::builder();
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let (mut parts, ()) = builder.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(axum_connect_info::PeerAddress(peer.parse().unwrap()));
        parts
    }

    #[test]
    fn the_client_is_what_the_trusted_proxy_saw() {
        let xff = Some("x-forwarded-for");
        // The client writes what it likes first; the proxy appends the real peer.
        let forged = request(
            &[("x-forwarded-for", "203.0.113.9, 198.51.100.7")],
            "10.0.0.1:80",
        );
        assert_eq!(client_address(Some(&forged), xff, 1), "198.51.100.7");
        // Two proxies (a CDN, then the local one): the second entry from the right.
        assert_eq!(client_address(Some(&forged), xff, 2), "203.0.113.9");
        // Several header lines count as one list.
        let lines = request(
            &[
                ("x-forwarded-for", "1.2.3.4"),
                ("x-forwarded-for", "198.51.100.7:5555"),
            ],
            "10.0.0.1:80",
        );
        assert_eq!(client_address(Some(&lines), xff, 1), "198.51.100.7");
        // No header behind a proxy: one key for all such requests, never the proxy's address.
        let missing = request(&[], "10.0.0.1:80");
        assert_eq!(client_address(Some(&missing), xff, 1), "unknown-proxied");
        let garbage = request(&[("x-forwarded-for", "not-an-address")], "10.0.0.1:80");
        assert_eq!(client_address(Some(&garbage), xff, 1), "unknown-proxied");
        // Without a proxy header: the peer, IPv6 by its /64.
        assert_eq!(client_address(Some(&missing), None, 1), "10.0.0.1");
        let v6 = request(&[], "[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:443");
        assert_eq!(client_address(Some(&v6), None, 1), "2001:db8:1:2::/64");
        let other = request(&[], "[2001:db8:1:2::77]:443");
        assert_eq!(client_address(Some(&other), None, 1), "2001:db8:1:2::/64");
        let bracketed = request(
            &[("x-forwarded-for", "[2001:db8:9:9::1]:1234")],
            "10.0.0.1:80",
        );
        assert_eq!(
            client_address(Some(&bracketed), xff, 1),
            "2001:db8:9:9::/64"
        );
        let mapped = request(&[], "[::ffff:192.0.2.4]:443");
        assert_eq!(client_address(Some(&mapped), None, 1), "192.0.2.4");
    }

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
