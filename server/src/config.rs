//! Settings from the environment. An invalid setting stops start-up with a message naming it.

use std::net::SocketAddr;

use app::i18n::Locale;
use app::server::Settings;
use chrono_tz::Tz;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://./data/quartier.db";
pub const DEFAULT_SITE_ADDR: &str = "127.0.0.1:3000";
pub const DEFAULT_MEDIA_DIR: &str = "./data/media";

/// An invalid setting: which one, and why.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid setting {name}: {message}")]
pub struct ConfigError {
    pub name: &'static str,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://path` or `postgres://…`.
    pub database_url: String,
    /// `LEPTOS_SITE_ADDR`: where to listen.
    pub site_addr: SocketAddr,
    /// `QUARTIER_BASE_URL`: public URL (for links in feeds, manifests, e-mails).
    pub base_url: String,
    /// `QUARTIER_TIMEZONE`: the town's time zone (IANA name).
    pub timezone: Tz,
    /// `QUARTIER_DEFAULT_LOCALE`: language for visitors who chose none.
    pub default_locale: Locale,
    /// `QUARTIER_TOWN`: slug of the town this instance serves (default: the first one).
    pub town_slug: Option<String>,
    /// `QUARTIER_LOG_FORMAT`: `text` (default) or `json`.
    pub log_json: bool,
    /// `QUARTIER_TILE_URL`: map tiles, `https://…/{z}/{x}/{y}.png` (default: OpenStreetMap's
    /// tile server), or `none` for markers on a plain background.
    pub tile_url: Option<String>,
    /// `QUARTIER_TILE_ATTRIBUTION`: the tiles' credit (default: OpenStreetMap's).
    pub tile_attribution: String,
    /// `QUARTIER_MEDIA_DIR`: where photos are stored (default `./data/media`). Several
    /// instances must share it (a common volume).
    pub media_dir: std::path::PathBuf,
    /// `QUARTIER_MEDIA_URL`: photos on an S3-compatible object store instead,
    /// `s3://BUCKET[/PREFIX]`, with `AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID` and
    /// `AWS_SECRET_ACCESS_KEY`.
    pub media_store: Option<S3Media>,
    /// `QUARTIER_SMTP_*`: the mail server for sign-in links; `None` writes them to the log.
    pub smtp: Option<SmtpConfig>,
    /// `QUARTIER_CLIENT_IP_HEADER`: behind a reverse proxy, the header with the client's
    /// address (e.g. `X-Forwarded-For`), for rate limits. Unset: the TCP peer.
    pub client_ip_header: Option<String>,
    /// `QUARTIER_TRUSTED_PROXIES` (default 1): how many proxies in front of the server append
    /// to that header (the client's address is that many entries from the right).
    pub trusted_proxy_hops: usize,
    /// `QUARTIER_PUSH_ALLOW_LOOPBACK=true`: push subscriptions may point at loopback addresses
    /// (a local push service, for development and tests only; never in production).
    pub push_allow_loopback: bool,
    /// `QUARTIER_METRICS_ADDR`: where `GET /metrics` answers (Prometheus' text format); unset,
    /// no metrics are kept nor served.
    pub metrics_addr: Option<SocketAddr>,
    /// `QUARTIER_VAPID_SUBJECT`: who push services may contact about this site's pushes, a
    /// `mailto:` address or an `https:` URL (RFC 8292). Required when the site is served over
    /// https (production).
    pub vapid_subject: Option<String>,
}

/// Where photos go on an S3-compatible object store.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Media {
    pub bucket: String,
    /// Keys start with it (and a `/`), e.g. `habay`; empty: at the bucket's root.
    pub prefix: String,
    /// `AWS_ENDPOINT_URL`: the store's URL (MinIO, Garage, s3s, a provider's); unset: AWS.
    pub endpoint: Option<String>,
    /// `AWS_REGION` (default `us-east-1`, which most other stores accept).
    pub region: String,
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`; unset: from the environment
    /// (`AWS_SESSION_TOKEN`, a web identity or container role) or the instance's role.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for S3Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Media")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|(id, _)| (id, "…")),
            )
            .finish()
    }
}

/// How sign-in e-mails leave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpConfig {
    /// `QUARTIER_SMTP_HOST`.
    pub host: String,
    /// `QUARTIER_SMTP_PORT` (default: 587 for starttls, 465 for tls, 25 for none).
    pub port: u16,
    /// `QUARTIER_SMTP_TLS`: `starttls` (default), `tls` (implicit, "smtps") or `none`
    /// (only for a relay on the same machine).
    pub tls: SmtpTls,
    /// `QUARTIER_SMTP_USERNAME` and `QUARTIER_SMTP_PASSWORD` (optional).
    pub credentials: Option<(String, String)>,
    /// `QUARTIER_SMTP_FROM`: the sender, e.g. `Quartier <quartier@habay.be>`.
    pub from: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    StartTls,
    Implicit,
    None,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (tests pass a map instead of the environment).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let get: Get = &get;
        // In the order they are checked (the first invalid one is reported).
        let database_url = database_url(get)?;
        let site_addr = site_addr(get)?;
        let base_url = base_url(get, site_addr)?;
        let timezone = timezone(get)?;
        let default_locale = default_locale(get)?;
        let town_slug = town_slug(get)?;
        let log_json = log_json(get)?;
        let tile_url = tile_url(get)?;
        let tile_attribution = get("QUARTIER_TILE_ATTRIBUTION")
            .unwrap_or_else(|| app::server::DEFAULT_TILE_ATTRIBUTION.to_owned());
        let smtp = smtp(get)?;
        let (client_ip_header, trusted_proxy_hops) = proxies(get)?;
        let push_allow_loopback = flag(get, "QUARTIER_PUSH_ALLOW_LOOPBACK")?;
        let metrics_addr = match get("QUARTIER_METRICS_ADDR") {
            None => None,
            Some(text) => Some(text.parse().map_err(|_| ConfigError {
                name: "QUARTIER_METRICS_ADDR",
                message: format!("'{text}' is not an address such as 127.0.0.1:9100"),
            })?),
        };
        let vapid_subject = vapid_subject(get, &base_url)?;
        let media_store = media_store(get)?;
        let media_dir = std::path::PathBuf::from(
            get("QUARTIER_MEDIA_DIR").unwrap_or_else(|| DEFAULT_MEDIA_DIR.to_owned()),
        );
        Ok(Config {
            vapid_subject,
            push_allow_loopback,
            metrics_addr,
            media_dir,
            media_store,
            smtp,
            client_ip_header,
            trusted_proxy_hops,
            database_url,
            site_addr,
            base_url,
            timezone,
            default_locale,
            town_slug,
            log_json,
            tile_url,
            tile_attribution,
        })
    }

    /// What the push delivery worker needs to know of the site.
    pub fn push_delivery(&self) -> crate::push::Delivery {
        crate::push::Delivery {
            vapid_subject: self.vapid_subject.clone(),
            allow_loopback: self.push_allow_loopback,
            worker: crate::push::worker::WorkerSettings::default(),
        }
    }

    /// What the application layer needs to know.
    pub fn settings(&self) -> Settings {
        Settings {
            base_url: self.base_url.clone(),
            default_timezone: self.timezone,
            default_locale: self.default_locale,
            town_slug: self.town_slug.clone(),
            tile_url: self.tile_url.clone(),
            tile_attribution: self.tile_attribution.clone(),
            client_ip_header: self.client_ip_header.clone(),
            trusted_proxy_hops: self.trusted_proxy_hops,
            push_allow_loopback: self.push_allow_loopback,
        }
    }
}

/// A setting by its name, trimmed, `None` when unset or empty.
type Get<'a> = &'a dyn Fn(&str) -> Option<String>;

fn database_url(get: Get) -> Result<String, ConfigError> {
    let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    if !is_supported_database_url(&database_url) {
        return Err(ConfigError {
            name: "DATABASE_URL",
            message: format!(
                "'{}' is not supported: use sqlite://PATH or postgres://USER@HOST/DB",
                crate::db::redact(&database_url)
            ),
        });
    }
    Ok(database_url)
}

fn site_addr(get: Get) -> Result<SocketAddr, ConfigError> {
    let text = get("LEPTOS_SITE_ADDR").unwrap_or_else(|| DEFAULT_SITE_ADDR.to_owned());
    text.parse().map_err(|_| ConfigError {
        name: "LEPTOS_SITE_ADDR",
        message: format!("'{text}' is not an address such as 127.0.0.1:3000"),
    })
}

fn base_url(get: Get, site_addr: SocketAddr) -> Result<String, ConfigError> {
    let Some(url) = get("QUARTIER_BASE_URL") else {
        return Ok(format!("http://{site_addr}"));
    };
    let url = url.trim_end_matches('/').to_owned();
    let valid = (url.starts_with("https://") || url.starts_with("http://"))
        && url
            .split("://")
            .nth(1)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace));
    if !valid {
        return Err(ConfigError {
            name: "QUARTIER_BASE_URL",
            message: format!("'{url}' is not an http(s) URL such as https://quartier.example.be"),
        });
    }
    Ok(url)
}

fn timezone(get: Get) -> Result<Tz, ConfigError> {
    let text = get("QUARTIER_TIMEZONE").unwrap_or_else(|| "Europe/Brussels".to_owned());
    text.parse().map_err(|_| ConfigError {
        name: "QUARTIER_TIMEZONE",
        message: format!("'{text}' is not an IANA time zone such as Europe/Brussels"),
    })
}

fn default_locale(get: Get) -> Result<Locale, ConfigError> {
    let Some(code) = get("QUARTIER_DEFAULT_LOCALE") else {
        return Ok(Locale::default());
    };
    Locale::parse(&code).ok_or_else(|| ConfigError {
        name: "QUARTIER_DEFAULT_LOCALE",
        message: format!(
            "'{code}' is not an available language ({})",
            Locale::all()
                .map(Locale::code)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

fn town_slug(get: Get) -> Result<Option<String>, ConfigError> {
    match get("QUARTIER_TOWN") {
        Some(slug) if app::domain::slugs::is_valid(&slug) => Ok(Some(slug)),
        Some(slug) => Err(ConfigError {
            name: "QUARTIER_TOWN",
            message: format!("'{slug}' is not a town slug such as habay"),
        }),
        None => Ok(None),
    }
}

fn log_json(get: Get) -> Result<bool, ConfigError> {
    match get("QUARTIER_LOG_FORMAT").as_deref() {
        None | Some("text") => Ok(false),
        Some("json") => Ok(true),
        Some(other) => Err(ConfigError {
            name: "QUARTIER_LOG_FORMAT",
            message: format!("'{other}' is not one of: text, json"),
        }),
    }
}

fn tile_url(get: Get) -> Result<Option<String>, ConfigError> {
    match get("QUARTIER_TILE_URL") {
        None => Ok(Some(app::server::DEFAULT_TILE_URL.to_owned())),
        Some(none) if none.eq_ignore_ascii_case("none") => Ok(None),
        Some(url) => {
            let valid = (url.starts_with("https://") || url.starts_with("http://"))
                && ["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p))
                && !url.contains(|c: char| c.is_whitespace() || "'\";".contains(c));
            if !valid {
                return Err(ConfigError {
                    name: "QUARTIER_TILE_URL",
                    message: format!(
                        "'{url}' is not a tile URL such as https://tile.example.org/{{z}}/{{x}}/{{y}}.png (or none)"
                    ),
                });
            }
            Ok(Some(url))
        }
    }
}

fn media_store(get: Get) -> Result<Option<S3Media>, ConfigError> {
    let Some(url) = get("QUARTIER_MEDIA_URL") else {
        return Ok(None);
    };
    let invalid = |message: String| ConfigError {
        name: "QUARTIER_MEDIA_URL",
        message,
    };
    let rest = url.strip_prefix("s3://").ok_or_else(|| {
        invalid(format!(
            "'{url}' is not an object store URL such as s3://quartier-photos or s3://bucket/habay"
        ))
    })?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let prefix = prefix.trim_end_matches('/');
    // S3's rules for bucket names (3 to 63 lower-case letters, digits, dots and dashes).
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
        && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !bucket_ok {
        return Err(invalid(format!("'{bucket}' is not a bucket name")));
    }
    let prefix_ok = prefix.split('/').all(|segment| {
        !segment.is_empty()
            && segment != "."
            && segment != ".."
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    });
    if !prefix.is_empty() && !prefix_ok {
        return Err(invalid(format!(
            "'{prefix}' is not a key prefix such as habay or photos/habay"
        )));
    }
    let endpoint = match get("AWS_ENDPOINT_URL") {
        None => None,
        Some(endpoint) => match url::Url::parse(&endpoint) {
            Ok(parsed)
                if matches!(parsed.scheme(), "http" | "https")
                    && parsed.has_host()
                    && parsed.username().is_empty()
                    && parsed.password().is_none() =>
            {
                Some(endpoint.trim_end_matches('/').to_owned())
            }
            _ => {
                return Err(ConfigError {
                    name: "AWS_ENDPOINT_URL",
                    message: format!("'{endpoint}' is not a URL such as https://s3.example.be"),
                })
            }
        },
    };
    let credentials = match (get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => Some((id, secret)),
        (None, None) => None,
        _ => {
            return Err(ConfigError {
                name: "AWS_ACCESS_KEY_ID",
                message: "set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither".into(),
            })
        }
    };
    Ok(Some(S3Media {
        bucket: bucket.to_owned(),
        prefix: prefix.to_owned(),
        endpoint,
        region: get("AWS_REGION").unwrap_or_else(|| "us-east-1".to_owned()),
        credentials,
    }))
}

fn smtp(get: Get) -> Result<Option<SmtpConfig>, ConfigError> {
    let Some(host) = get("QUARTIER_SMTP_HOST") else {
        return Ok(None);
    };
    if url::Host::parse(&host).is_err() {
        return Err(ConfigError {
            name: "QUARTIER_SMTP_HOST",
            message: format!("'{host}' is not a host name such as smtp.habay.be"),
        });
    }
    let tls = match get("QUARTIER_SMTP_TLS").as_deref() {
        None | Some("starttls") => SmtpTls::StartTls,
        Some("tls") => SmtpTls::Implicit,
        Some("none") => SmtpTls::None,
        Some(other) => {
            return Err(ConfigError {
                name: "QUARTIER_SMTP_TLS",
                message: format!("'{other}' is not one of: starttls, tls, none"),
            })
        }
    };
    let port = match get("QUARTIER_SMTP_PORT") {
        None => match tls {
            SmtpTls::StartTls => 587,
            SmtpTls::Implicit => 465,
            SmtpTls::None => 25,
        },
        Some(text) => text.parse().map_err(|_| ConfigError {
            name: "QUARTIER_SMTP_PORT",
            message: format!("'{text}' is not a port number"),
        })?,
    };
    let credentials = match (get("QUARTIER_SMTP_USERNAME"), get("QUARTIER_SMTP_PASSWORD")) {
        (Some(user), Some(password)) => Some((user, password)),
        (None, None) => None,
        _ => {
            return Err(ConfigError {
                name: "QUARTIER_SMTP_USERNAME",
                message: "set both QUARTIER_SMTP_USERNAME and QUARTIER_SMTP_PASSWORD, or neither"
                    .into(),
            })
        }
    };
    let from = get("QUARTIER_SMTP_FROM").ok_or_else(|| ConfigError {
        name: "QUARTIER_SMTP_FROM",
        message: "required with QUARTIER_SMTP_HOST, e.g. Quartier <quartier@habay.be>".into(),
    })?;
    if from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(ConfigError {
            name: "QUARTIER_SMTP_FROM",
            message: format!("'{from}' is not an address such as Quartier <quartier@habay.be>"),
        });
    }
    Ok(Some(SmtpConfig {
        host,
        port,
        tls,
        credentials,
        from,
    }))
}

/// The header holding the client's address behind a reverse proxy, and how many proxies append
/// to it.
fn proxies(get: Get) -> Result<(Option<String>, usize), ConfigError> {
    let client_ip_header = get("QUARTIER_CLIENT_IP_HEADER");
    if let Some(name) = &client_ip_header {
        // RFC 7239's `Forwarded: for=…` has another syntax: X-Forwarded-For (or a header
        // holding the address alone, such as X-Real-IP) is expected.
        if name.eq_ignore_ascii_case("forwarded") {
            return Err(ConfigError {
                name: "QUARTIER_CLIENT_IP_HEADER",
                message: "Forwarded (RFC 7239) is not read: have the proxy set X-Forwarded-For"
                    .into(),
            });
        }
        if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(ConfigError {
                name: "QUARTIER_CLIENT_IP_HEADER",
                message: format!("'{name}' is not a header name such as X-Forwarded-For"),
            });
        }
    }
    let hops = match get("QUARTIER_TRUSTED_PROXIES") {
        None => 1,
        Some(text) => match text.trim().parse::<usize>() {
            Ok(hops @ 1..=10) => hops,
            _ => {
                return Err(ConfigError {
                    name: "QUARTIER_TRUSTED_PROXIES",
                    message: format!("'{text}' is not a number of proxies from 1 to 10"),
                })
            }
        },
    };
    Ok((client_ip_header, hops))
}

fn flag(get: Get, name: &'static str) -> Result<bool, ConfigError> {
    match get(name).as_deref() {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(other) => Err(ConfigError {
            name,
            message: format!("'{other}' is not one of: true, false"),
        }),
    }
}

fn vapid_subject(get: Get, base_url: &str) -> Result<Option<String>, ConfigError> {
    match get("QUARTIER_VAPID_SUBJECT") {
        Some(subject) if is_vapid_subject(&subject) => Ok(Some(subject)),
        Some(subject) => Err(ConfigError {
            name: "QUARTIER_VAPID_SUBJECT",
            message: format!(
                "'{subject}' is not a contact such as mailto:commerce@habay.be or https://habay.be/contact"
            ),
        }),
        None if base_url.starts_with("https://") => Err(ConfigError {
            name: "QUARTIER_VAPID_SUBJECT",
            message: "a contact for push services (mailto:… or https://…) is required \
                      when the site is served over https"
                .into(),
        }),
        None => Ok(None),
    }
}

/// Checks a town's own setting as the instance's setting `name` (`QUARTIER_BASE_URL`,
/// `QUARTIER_TIMEZONE`, `QUARTIER_DEFAULT_LOCALE`, `QUARTIER_TILE_URL`,
/// `QUARTIER_TILE_ATTRIBUTION`, `QUARTIER_VAPID_SUBJECT`, `QUARTIER_SMTP_FROM`) is checked;
/// returns the value to store.
pub fn check_town_setting(name: &'static str, value: &str) -> Result<String, ConfigError> {
    let value = value.trim().to_owned();
    let given = value.clone();
    let get = move |n: &str| (n == name && !given.is_empty()).then(|| given.clone());
    let get: Get = &get;
    let unset = || ConfigError {
        name,
        message: "empty".into(),
    };
    match name {
        "QUARTIER_BASE_URL" => {
            let url = base_url(get, SocketAddr::from(([127, 0, 0, 1], 0)))?;
            match url::Url::parse(&url) {
                Ok(parsed)
                    if parsed.path() == "/"
                        && parsed.query().is_none()
                        && parsed.fragment().is_none()
                        && parsed.username().is_empty()
                        && parsed.password().is_none() =>
                {
                    Ok(url)
                }
                _ => Err(ConfigError {
                    name,
                    message: format!(
                        "'{url}' must be a site's root, such as https://habay.example.be"
                    ),
                }),
            }
        }
        "QUARTIER_TIMEZONE" => timezone(get).map(|tz| tz.name().to_owned()),
        "QUARTIER_DEFAULT_LOCALE" => default_locale(get).map(|l| l.code().to_owned()),
        "QUARTIER_TILE_URL" => Ok(tile_url(get)?.unwrap_or_else(|| "none".to_owned())),
        "QUARTIER_TILE_ATTRIBUTION" if value.is_empty() => Err(unset()),
        "QUARTIER_TILE_ATTRIBUTION" => Ok(value),
        "QUARTIER_VAPID_SUBJECT" => vapid_subject(get, "")?.ok_or_else(unset),
        "QUARTIER_SMTP_FROM" if value.parse::<lettre::message::Mailbox>().is_ok() => Ok(value),
        "QUARTIER_SMTP_FROM" => Err(ConfigError {
            name,
            message: format!("'{value}' is not an address such as Quartier <quartier@habay.be>"),
        }),
        _ => Err(ConfigError {
            name,
            message: "not a town setting".into(),
        }),
    }
}

/// `mailto:someone@domain` or an `https://` URL with a host.
fn is_vapid_subject(subject: &str) -> bool {
    if let Some(address) = subject.strip_prefix("mailto:") {
        return app::domain::contact::email(address).is_some_and(|e| e == address);
    }
    subject
        .strip_prefix("https://")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|host| host.contains('.') && !host.contains(char::is_whitespace))
}

fn is_supported_database_url(url: &str) -> bool {
    let sqlite = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"));
    match sqlite {
        Some(path) => !path.is_empty(),
        None => {
            (url.starts_with("postgres://") || url.starts_with("postgresql://"))
                && url.split("://").nth(1).is_some_and(|r| !r.is_empty())
        }
    }
}
