//! `quartier admin create EMAIL`: makes an account an administrator of the town and sends it a
//! sign-in link through the same service as the web's sign-in form, worded in the town's
//! default language (printed instead when no mail server is configured).

use app::server::store::prelude::*;
use clap::Subcommand;

use crate::config::Config;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Make EMAIL an administrator of the town (creating the account) and send it a sign-in
    /// link; without SMTP, the link is printed.
    Create {
        email: String,
        /// The town's slug (default: QUARTIER_TOWN, or the only town).
        #[arg(long)]
        town: Option<String>,
    },
}

pub async fn run(config: &Config, command: AdminCommand) -> Result<(), String> {
    match command {
        AdminCommand::Create { email, town } => create(config, &email, town).await,
    }
}

async fn create(config: &Config, email: &str, town: Option<String>) -> Result<(), String> {
    use app::server::auth::SIGN_IN_LINK_LIFETIME;
    use app::server::sign_in::{issue_link, link_email};

    let email = app::domain::email::normalize_email(email)
        .ok_or_else(|| format!("'{email}' is not an e-mail address"))?;
    let store = super::open_store(config).await?;
    let town = chosen_town(config, &store, town).await?;
    let settings = config.settings();
    let now = chrono::Utc::now();
    let user = store
        .grant_admin(town.id, &email, now)
        .await
        .map_err(|e| e.to_string())?;
    let link = issue_link(
        &store,
        &settings.base_url_of(&town),
        &email,
        None,
        Some("/manage".into()),
        now,
    )
    .await
    .map_err(|e| e.to_string())?;
    println!(
        "{} is an administrator of {} (account {}).",
        email, town.name, user.id
    );
    let minutes = SIGN_IN_LINK_LIFETIME.num_minutes();
    match &config.smtp {
        Some(smtp) => {
            let mailer = crate::mail::SmtpMailer::new(smtp)?;
            let mut mail = link_email(settings.locale_of(&town), &town.name, &email, &link.url);
            mail.from = town.mail_from.clone();
            app::server::Mailer::send(&mailer, &mail).await?;
            println!("A sign-in link was sent to {email} (valid {minutes} minutes).");
        }
        None => println!(
            "Sign-in link (valid {minutes} minutes, single use):\n{}",
            link.url
        ),
    }
    Ok(())
}

/// The town a command is about: `slug`, else QUARTIER_TOWN, else the only town (with several,
/// the command asks which).
pub async fn chosen_town(
    config: &Config,
    store: &crate::db::SqlStore,
    slug: Option<String>,
) -> Result<app::server::Town, String> {
    if let Some(slug) = slug.or_else(|| config.town_slug.clone()) {
        return store
            .town_by_slug(&slug)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| {
                format!(
                    "no town '{slug}': add one (quartier town add) or import one (quartier import-osm)"
                )
            });
    }
    let mut towns = store.towns().await.map_err(|e| e.to_string())?;
    match towns.len() {
        0 => Err("no town yet: import one first (quartier import-osm or quartier demo)".into()),
        1 => Ok(towns.remove(0)),
        _ => Err(format!(
            "this deployment serves several towns ({}): name one with --town SLUG",
            towns
                .iter()
                .map(|t| t.slug.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
