//! `quartier town list|add|set`: the towns one deployment serves, each on its own host name,
//! with its own settings where they differ from the instance's.

use app::domain::towns::normalize_host;
use app::server::store::prelude::*;
use app::server::{NewTown, StoreError, Town};
use clap::Subcommand;

use crate::config::{check_town_setting, Config};

#[derive(Subcommand)]
pub enum TownCommand {
    /// List the towns, with their host names and settings.
    List,
    /// Add a town (its shops then come with `quartier import-osm FILE --town SLUG`).
    Add {
        /// Its short name in URLs and commands, e.g. `arlon`.
        slug: String,
        /// Its name as residents read it, e.g. `Arlon`.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        settings: TownSettings,
    },
    /// Change a town's name, host name or settings; an empty value (`--tile-url ''`) goes back
    /// to the instance's setting.
    Set {
        slug: String,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        settings: TownSettings,
    },
}

/// A town's own settings (each overrides the instance's environment variable of that name).
#[derive(clap::Args, Default)]
pub struct TownSettings {
    /// The host name it is served on, e.g. `habay.example.be` (empty: any host no other town
    /// claims).
    #[arg(long)]
    host: Option<String>,
    /// Its public URL, when not the instance's URL with HOST in it, e.g. `https://HOST:8443`
    /// (QUARTIER_BASE_URL).
    #[arg(long)]
    base_url: Option<String>,
    /// Its time zone, e.g. `Europe/Brussels` (QUARTIER_TIMEZONE).
    #[arg(long)]
    timezone: Option<String>,
    /// The language of visitors who chose none: fr, nl, de or en (QUARTIER_DEFAULT_LOCALE).
    #[arg(long)]
    locale: Option<String>,
    /// Who push services may contact about its pushes, `mailto:…` or `https://…`
    /// (QUARTIER_VAPID_SUBJECT).
    #[arg(long)]
    vapid_subject: Option<String>,
    /// Its map tiles, `https://…/{z}/{x}/{y}.png` or `none` (QUARTIER_TILE_URL).
    #[arg(long)]
    tile_url: Option<String>,
    /// Its tiles' credit (QUARTIER_TILE_ATTRIBUTION).
    #[arg(long)]
    tile_attribution: Option<String>,
    /// The sender of its e-mails, e.g. `Quartier Arlon <quartier@arlon.be>`
    /// (QUARTIER_SMTP_FROM).
    #[arg(long)]
    mail_from: Option<String>,
}

pub async fn run(config: &Config, command: TownCommand) -> Result<String, String> {
    let store = super::open_store(config).await?;
    match command {
        TownCommand::List => {
            let towns = store.towns().await.map_err(|e| e.to_string())?;
            if towns.is_empty() {
                return Ok(
                    "No town yet: add one (quartier town add SLUG --name NAME), or \
                           load the demo (quartier demo)."
                        .into(),
                );
            }
            let settings = config.settings();
            Ok(towns
                .iter()
                .map(|town| describe(town, &settings))
                .collect::<Vec<_>>()
                .join("\n\n"))
        }
        TownCommand::Add {
            slug,
            name,
            settings,
        } => {
            if !app::domain::slugs::is_valid(&slug) {
                return Err(format!(
                    "'{slug}' is not a town slug: lower-case letters, digits and dashes, such as arlon"
                ));
            }
            if store
                .town_by_slug(&slug)
                .await
                .map_err(|e| e.to_string())?
                .is_some()
            {
                return Err(format!(
                    "there is a town '{slug}' already: change it with quartier town set {slug}"
                ));
            }
            let mut town = Town {
                slug: slug.clone(),
                name: checked_name(&name)?,
                timezone: config.timezone.name().to_owned(),
                ..Town::default()
            };
            apply(&mut town, &settings)?;
            // Checked before the town is made: a refused command leaves nothing behind.
            if let Some(host) = &town.host {
                if store
                    .town_by_host(host)
                    .await
                    .map_err(|e| e.to_string())?
                    .is_some()
                {
                    return Err(format!("another town is served on {host} already"));
                }
            }
            let created = store
                .upsert_town(&NewTown {
                    slug: town.slug.clone(),
                    name: town.name.clone(),
                    timezone: town.timezone.clone(),
                })
                .await
                .map_err(|e| e.to_string())?;
            town.id = created.id;
            let town = save(&store, &town).await?;
            Ok(format!("Added:\n{}", describe(&town, &config.settings())))
        }
        TownCommand::Set {
            slug,
            name,
            settings,
        } => {
            let mut town = store
                .town_by_slug(&slug)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no town '{slug}' (quartier town list shows them)"))?;
            if let Some(name) = name {
                town.name = checked_name(&name)?;
            }
            apply(&mut town, &settings)?;
            let town = save(&store, &town).await?;
            Ok(format!(
                "Saved (running servers use it within a minute for pushes, at once for pages):\n{}",
                describe(&town, &config.settings())
            ))
        }
    }
}

fn checked_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err(format!("'{name}' is not a town name (1 to 80 characters)"));
    }
    Ok(name.to_owned())
}

/// Puts the given settings on `town`, each checked as the instance's would be.
fn apply(town: &mut Town, settings: &TownSettings) -> Result<(), String> {
    let setting = |value: &Option<String>,
                   name: &'static str,
                   field: &mut Option<String>|
     -> Result<(), String> {
        match value.as_deref().map(str::trim) {
            None => {}
            Some("") => *field = None,
            Some(value) => {
                *field = Some(check_town_setting(name, value).map_err(|e| e.to_string())?)
            }
        }
        Ok(())
    };
    match settings.host.as_deref().map(str::trim) {
        None => {}
        Some("") => town.host = None,
        Some(host) => match normalize_host(host) {
            Some(name) if name == host.to_ascii_lowercase() && host.contains('.') => {
                town.host = Some(name)
            }
            _ => {
                return Err(format!(
                    "'{host}' is not a host name such as habay.example.be (no scheme, port or path)"
                ))
            }
        },
    }
    setting(&settings.base_url, "QUARTIER_BASE_URL", &mut town.base_url)?;
    if let Some(timezone) = settings
        .timezone
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        town.timezone =
            check_town_setting("QUARTIER_TIMEZONE", timezone).map_err(|e| e.to_string())?;
    }
    setting(
        &settings.locale,
        "QUARTIER_DEFAULT_LOCALE",
        &mut town.default_locale,
    )?;
    setting(
        &settings.vapid_subject,
        "QUARTIER_VAPID_SUBJECT",
        &mut town.vapid_subject,
    )?;
    setting(&settings.tile_url, "QUARTIER_TILE_URL", &mut town.tile_url)?;
    setting(
        &settings.tile_attribution,
        "QUARTIER_TILE_ATTRIBUTION",
        &mut town.tile_attribution,
    )?;
    setting(
        &settings.mail_from,
        "QUARTIER_SMTP_FROM",
        &mut town.mail_from,
    )?;
    // Pages link to the base URL and writes are checked against it: it must name the host.
    if let (Some(host), Some(base_url)) = (&town.host, &town.base_url) {
        let base_host = url::Url::parse(base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
        if base_host.as_deref() != Some(host.as_str()) {
            return Err(format!(
                "the public URL {base_url} is not on the host name {host}: give both the same host"
            ));
        }
    }
    Ok(())
}

async fn save(store: &crate::db::SqlStore, town: &Town) -> Result<Town, String> {
    store.update_town(town).await.map_err(|e| match e {
        StoreError::Conflict(_) => format!(
            "another town is served on {} already",
            town.host.as_deref().unwrap_or("that host")
        ),
        other => other.to_string(),
    })
}

/// A town as `list` shows it: each setting, its own or the instance's.
fn describe(town: &Town, settings: &app::server::Settings) -> String {
    let own = |value: &Option<String>, instance: String| match value {
        Some(value) => value.clone(),
        None => format!("{instance} (instance)"),
    };
    let lines = [
        format!("{} ({})", town.slug, town.name),
        format!(
            "  host:             {}",
            town.host
                .clone()
                .unwrap_or_else(|| "any host no other town claims".into())
        ),
        format!("  public URL:       {}", settings.base_url_of(town)),
        format!("  time zone:        {}", town.timezone),
        format!(
            "  language:         {}",
            own(&town.default_locale, settings.default_locale.code().into())
        ),
        format!(
            "  push contact:     {}",
            own(&town.vapid_subject, "QUARTIER_VAPID_SUBJECT".into())
        ),
        format!(
            "  map tiles:        {}",
            own(
                &town.tile_url,
                settings.tile_url.clone().unwrap_or_else(|| "none".into())
            )
        ),
        format!(
            "  tiles' credit:    {}",
            own(&town.tile_attribution, settings.tile_attribution.clone())
        ),
        format!(
            "  e-mail sender:    {}",
            own(&town.mail_from, "QUARTIER_SMTP_FROM".into())
        ),
    ];
    lines.join("\n")
}
