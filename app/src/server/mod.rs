//! The server side of the app: its ports (the application state, the storage traits that
//! `server/` implements, the clock, mail and photo ports) and the services the server
//! functions and the command line share (`access`, `sign_in`, `districts`).

pub mod access;
pub mod activity;
pub mod auth;
pub mod device;
pub mod districts;
pub mod notices;
pub mod qr;
pub mod sign_in;
pub mod store;

pub use store::*;

/// The records the storage ports speak of (they belong to the domain), for their callers.
pub use crate::domain::push::{PushSettings, PushSubscriptionRecord, VapidKeys};
pub use crate::domain::{
    accounts::*, districts::*, feeds::*, follows::*, invitations::*, messages::*, outbox::*,
    passkeys::*, posts::*, reviews::*, shops::*, towns::*,
};

use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{Locale, LOCALE_COOKIE};

/// Settings the application layer needs (the server's `Config` builds them).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Public base URL without a trailing slash, e.g. `https://habay.quartier.be`.
    pub base_url: String,
    /// Time zone of towns created without one.
    pub default_timezone: Tz,
    pub default_locale: Locale,
    /// Slug of the town this instance serves; `None` = the first town in the database.
    pub town_slug: Option<String>,
    /// Map tiles (`{z}/{x}/{y}` template); `None` = markers on a plain background.
    pub tile_url: Option<String>,
    /// Credit shown on the map for the tiles.
    pub tile_attribution: String,
    /// Behind a reverse proxy: the header holding the client's address (for rate limits).
    pub client_ip_header: Option<String>,
    /// How many reverse proxies in front of the server append to that header.
    pub trusted_proxy_hops: usize,
    /// Push subscriptions may point at loopback addresses (development and tests only).
    pub push_allow_loopback: bool,
}

/// OpenStreetMap's own tile server: fine for a small town's traffic under its usage policy.
pub const DEFAULT_TILE_URL: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
pub const DEFAULT_TILE_ATTRIBUTION: &str = "© OpenStreetMap contributors";

/// The origin (`https://host[:port]`) of a tile server's URL template, for the
/// Content-Security-Policy.
pub fn tile_origin(url: &str) -> Option<String> {
    let scheme_end = url.find("://")? + 3;
    let host_end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    let origin = &url[..host_end];
    (!origin.contains(['{', '}', ' ', ';', '\'', '"'])).then(|| origin.to_owned())
}

/// Where "now" comes from: the system clock in production, a fixed instant in tests.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant.
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// An e-mail to send: plain text, with an optional HTML alternative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// The sender (`Name <address>`), when the town has its own; else the mail server's
    /// configured sender.
    pub from: Option<String>,
}

/// Sends e-mail (SMTP in production; the log in development).
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: &Email) -> Result<(), String>;
}

/// The largest photo accepted.
pub const PHOTO_MAX_BYTES: usize = 10 * 1024 * 1024;

/// Why a photo was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("larger than 10 MB")]
    TooLarge,
    #[error("more than 40 megapixels, or 12 000 pixels a side")]
    TooManyPixels,
    #[error("not a JPEG, PNG or WebP picture")]
    NotAnImage,
    /// A format recognised but not decoded (HEIC, AVIF).
    #[error("{0} pictures are not supported")]
    Unsupported(&'static str),
    /// Damaged or incomplete.
    #[error("the picture cannot be read")]
    Unreadable,
    #[error("storage: {0}")]
    Storage(String),
}

impl PhotoError {
    /// The translation key of the message for the user.
    pub fn message_key(&self) -> &'static str {
        match self {
            PhotoError::TooLarge => "photo.error.too_large",
            PhotoError::TooManyPixels => "photo.error.too_many_pixels",
            PhotoError::NotAnImage => "photo.error.not_an_image",
            PhotoError::Unsupported(_) => "photo.error.unsupported",
            PhotoError::Unreadable => "photo.error.unreadable",
            PhotoError::Storage(_) => "error.internal",
        }
    }
}

/// Where photos go: checked, cleaned and stored; returns the stored photo's name.
#[async_trait::async_trait]
pub trait PhotoStore: Send + Sync {
    async fn save(&self, bytes: Vec<u8>) -> Result<String, PhotoError>;

    /// Deletes a photo (both sizes) unless one of its files was written at or after
    /// `written_before` (an upload of the same picture may be under way); whether it did.
    async fn delete(
        &self,
        name: &str,
        written_before: std::time::SystemTime,
    ) -> Result<bool, PhotoError>;

    /// Every stored photo's name, with when its files were last written.
    async fn list(&self) -> Result<Vec<(String, std::time::SystemTime)>, PhotoError>;

    /// The content of one of a photo's files (`<name>-l.jpg` or `<name>-t.jpg`), if stored.
    async fn read(&self, file: &str) -> Result<Option<Vec<u8>>, PhotoError>;
}

/// Whether `name` is a photo's name: the 32 hex digits of its content's hash.
pub fn is_photo_name(name: &str) -> bool {
    name.len() == 32
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// How recent a photo's files may be and still be kept although nothing shows them: the post
/// or profile that will show it may be being saved (photos are named by their content, so a
/// new upload of the same picture rewrites its file).
pub const PHOTO_GRACE: std::time::Duration = std::time::Duration::from_secs(600);

/// Shared by every request, provided to server functions and pages through context.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub mailer: Arc<dyn Mailer>,
    pub photos: Arc<dyn PhotoStore>,
}

impl AppState {
    /// The state from the current request's context.
    pub fn from_context() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| AppError::internal("context", "AppState missing"))
    }

    /// After a post or a shop's profile stopped showing these photos: deletes those that
    /// nothing else shows and that were written more than [`PHOTO_GRACE`] ago (the others are
    /// the hourly collection's). Failures are logged, never the request's.
    pub async fn release_photos(&self, names: impl IntoIterator<Item = String>) {
        let Some(written_before) = std::time::SystemTime::now().checked_sub(PHOTO_GRACE) else {
            return;
        };
        for name in names.into_iter().filter(|n| is_photo_name(n)) {
            match self.store.photo_in_use(&name).await {
                Ok(true) => {}
                Ok(false) => match self.photos.delete(&name, written_before).await {
                    Ok(true) => tracing::info!(photo = %name, "photo shown by nothing, deleted"),
                    Ok(false) => {}
                    Err(error) => tracing::warn!(%error, photo = %name, "deleting a photo"),
                },
                Err(error) => tracing::warn!(%error, photo = %name, "checking a photo's use"),
            }
        }
    }

    /// The town of the current request: the one the server chose by the request's host name
    /// (see [`AppState::town_for_host`]); outside a request, the instance's default town.
    /// `NotFound` when no town is served on the request's host.
    pub async fn town(&self) -> Result<Town, AppError> {
        if let Some(parts) = use_context::<http::request::Parts>() {
            if let Some(RequestTown(town)) = parts.extensions.get::<RequestTown>() {
                return town.as_deref().cloned().ok_or(AppError::NotFound);
            }
        }
        let town = match &self.settings.town_slug {
            Some(slug) => self.store.town_by_slug(slug).await,
            None => self.store.first_town().await,
        };
        town.map_err(|e| AppError::internal("loading the town", e))?
            .ok_or(AppError::NotFound)
    }

    /// The town served on `host` (a `Host` header): the town with that host name; else the
    /// instance's town (`QUARTIER_TOWN`), or the first town without a host name. `None` when
    /// every town has a host name and none is this one.
    pub async fn town_for_host(&self, host: Option<&str>) -> Result<Option<Town>, StoreError> {
        if let Some(host) = host.and_then(normalize_host) {
            if let Some(town) = self.store.town_by_host(&host).await? {
                return Ok(Some(town));
            }
        }
        match &self.settings.town_slug {
            Some(slug) => self.store.town_by_slug(slug).await,
            None => self.store.first_town_without_host().await,
        }
    }
}

/// The town a request is for, put in the request's extensions by the server before anything
/// else reads it (`None`: no town is served on its host).
#[derive(Clone, Debug)]
pub struct RequestTown(pub Option<Arc<Town>>);

/// The town of a request the server resolved, if any.
pub fn request_town(parts: &http::request::Parts) -> Option<Arc<Town>> {
    parts
        .extensions
        .get::<RequestTown>()
        .and_then(|RequestTown(town)| town.clone())
}

impl Settings {
    /// The town's public base URL (no trailing slash): its own, else the instance's with the
    /// town's host name, else the instance's.
    pub fn base_url_of(&self, town: &Town) -> String {
        if let Some(url) = &town.base_url {
            return url.trim_end_matches('/').to_owned();
        }
        let Some(host) = &town.host else {
            return self.base_url.clone();
        };
        match url::Url::parse(&self.base_url) {
            Ok(base) => match base.port() {
                Some(port) => format!("{}://{host}:{port}", base.scheme()),
                None => format!("{}://{host}", base.scheme()),
            },
            Err(_) => format!("https://{host}"),
        }
    }

    /// The language of the town's visitors who chose none.
    pub fn locale_of(&self, town: &Town) -> Locale {
        town.default_locale
            .as_deref()
            .and_then(Locale::parse)
            .unwrap_or(self.default_locale)
    }

    /// The town's map tiles (`None`: markers on a plain background).
    pub fn tile_url_of(&self, town: &Town) -> Option<String> {
        match town.tile_url.as_deref() {
            None => self.tile_url.clone(),
            Some("none") => None,
            Some(url) => Some(url.to_owned()),
        }
    }

    /// The credit of the town's map tiles.
    pub fn tile_attribution_of(&self, town: &Town) -> String {
        town.tile_attribution
            .clone()
            .unwrap_or_else(|| self.tile_attribution.clone())
    }

    /// The origin of the town's tile server, for the Content-Security-Policy.
    pub fn tile_origin_of(&self, town: Option<&Town>) -> Option<String> {
        let url = match town {
            Some(town) => self.tile_url_of(town),
            None => self.tile_url.clone(),
        }?;
        tile_origin(&url)
    }
}

/// The value of the request's cookie `name`, if it sent one.
pub fn cookie(parts: &http::request::Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
}

/// The locale of the current request: the visitor's saved choice, then `Accept-Language`,
/// then the request's town's default language, then `default` (the instance's).
pub fn request_locale(parts: Option<&http::request::Parts>, default: Locale) -> Locale {
    let Some(parts) = parts else { return default };
    let from_cookie = cookie(parts, LOCALE_COOKIE).and_then(|value| Locale::parse(&value));
    from_cookie
        .or_else(|| {
            parts
                .headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .or_else(|| {
            request_town(parts)
                .and_then(|town| town.default_locale.as_deref().and_then(Locale::parse))
        })
        .unwrap_or(default)
}
