//! `quartier`: parse the command line and the configuration, then run the chosen command.

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use leptos::prelude::get_configuration;
use server::config::Config;
use server::db::SqlStore;

#[derive(Parser)]
#[command(
    name = "quartier",
    version,
    about = "Quartier: a town's shopping districts online"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Import shops from an overpass-turbo GeoJSON export of OpenStreetMap.
    ImportOsm {
        /// The .geojson file.
        file: std::path::PathBuf,
        /// The town the shops belong to (created if missing).
        #[arg(long)]
        town: String,
    },
    /// Load the demo town (Habay, real OpenStreetMap data) into the database.
    Demo,
    /// Print the VAPID public key that browsers subscribe with (made on first use).
    Vapid,
    /// Manage administrators of the town.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Make EMAIL an administrator of the town (creating the account) and send it a sign-in
    /// link; without SMTP, the link is printed.
    Create {
        email: String,
        /// The town's slug (default: QUARTIER_TOWN, or the first town).
        #[arg(long)]
        town: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("quartier: {error}");
            return ExitCode::from(2);
        }
    };
    init_tracing(config.log_json);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("quartier: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("quartier: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(json: bool) {
    use tracing_subscriber::{fmt, EnvFilter};
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    if json {
        fmt().json().with_env_filter(filter).init();
    } else {
        fmt().with_env_filter(filter).init();
    }
}

async fn open_store(config: &Config) -> Result<SqlStore, String> {
    let store = SqlStore::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    Ok(store)
}

async fn run(command: Command, config: Config) -> Result<(), String> {
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            let store = open_store(&config).await?;
            println!("migrations applied ({})", store.backend());
            Ok(())
        }
        Command::ImportOsm { file, town } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let slug = app::domain::slugs::slugify(&town)
                .ok_or_else(|| format!("'{town}' is not a usable town name"))?;
            let store = open_store(&config).await?;
            let town = app::server::TownStore::upsert_town(
                &store,
                &app::server::NewTown {
                    slug,
                    name: town.trim().to_owned(),
                    timezone: config.timezone.name().to_owned(),
                },
            )
            .await
            .map_err(|e| e.to_string())?;
            let report = server::osm_import::import_geojson(&store, &town, &text)
                .await
                .map_err(|e| format!("{}: {e}", file.display()))?;
            server::districts::assign_shops(&store, &town)
                .await
                .map_err(|e| e.to_string())?;
            print!("{}", report.summary());
            Ok(())
        }
        Command::Admin {
            command: AdminCommand::Create { email, town },
        } => create_admin(config, &email, town).await,
        Command::Vapid => {
            let store = open_store(&config).await?;
            let keys = server::push::vapid_keys(&store).await?;
            println!("{}", keys.public_key);
            Ok(())
        }
        Command::Demo => {
            let store = open_store(&config).await?;
            let report =
                server::demo::load_demo(&store, config.timezone.name(), chrono::Utc::now())
                    .await
                    .map_err(|e| e.to_string())?;
            println!(
                "demo town '{}' loaded (© OpenStreetMap contributors, ODbL)",
                report.town.name
            );
            print!("{}", report.import.summary());
            println!("{} demo posts added", report.posts_added);
            Ok(())
        }
    }
}

async fn create_admin(config: Config, email: &str, town: Option<String>) -> Result<(), String> {
    use app::server::auth::{new_secret, secret_hash, SIGN_IN_LINK_LIFETIME};
    use app::server::store::prelude::*;
    use app::server::NewSignInLink;

    let email = app::domain::email::normalize_email(email)
        .ok_or_else(|| format!("'{email}' is not an e-mail address"))?;
    let store = open_store(&config).await?;
    let slug = town.or_else(|| config.town_slug.clone());
    let town = match &slug {
        Some(slug) => store.town_by_slug(slug).await,
        None => store.first_town().await,
    }
    .map_err(|e| e.to_string())?
    .ok_or_else(|| match &slug {
        Some(slug) => {
            format!("no town '{slug}': import one first (quartier import-osm or quartier demo)")
        }
        None => "no town yet: import one first (quartier import-osm or quartier demo)".into(),
    })?;
    let now = chrono::Utc::now();
    let user = store
        .grant_admin(town.id, &email, now)
        .await
        .map_err(|e| e.to_string())?;
    let token = new_secret().map_err(|e| e.to_string())?;
    store
        .create_sign_in_link(
            &NewSignInLink {
                token_hash: secret_hash(&token),
                email: email.clone(),
                invitation_id: None,
                return_to: Some("/manage".into()),
                expires_at: now + SIGN_IN_LINK_LIFETIME,
            },
            now,
        )
        .await
        .map_err(|e| e.to_string())?;
    let url = format!("{}/auth/{token}", config.base_url);
    println!(
        "{} is an administrator of {} (account {}).",
        email, town.name, user.id
    );
    match &config.smtp {
        Some(smtp) => {
            let mailer = server::mail::SmtpMailer::new(smtp)?;
            app::server::Mailer::send(
                &mailer,
                &app::server::Email {
                    to: email.clone(),
                    subject: format!("Quartier · {}", town.name),
                    text: format!(
                        "Votre lien de connexion à Quartier ({}), valable 15 minutes :\n\n{url}\n",
                        town.name
                    ),
                    html: None,
                },
            )
            .await?;
            println!("A sign-in link was sent to {email} (valid 15 minutes).");
        }
        None => println!("Sign-in link (valid 15 minutes, single use):\n{url}"),
    }
    Ok(())
}

async fn serve(config: Config) -> Result<(), String> {
    let mut leptos_options = get_configuration(None)
        .map_err(|e| format!("Leptos configuration: {e}"))?
        .leptos_options;
    leptos_options.site_addr = config.site_addr;
    // A release build by cargo-leptos names the front end's files after their content and
    // leaves their names in `hash.txt` beside this executable (where Leptos reads them).
    leptos_options.hash_files = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(leptos_options.hash_file.as_ref())))
        .is_some_and(|file| file.is_file());
    {
        let options = leptos_options.clone();
        tokio::task::spawn_blocking(move || server::assets::precompress(&options))
            .await
            .map_err(|e| format!("compressing the front end: {e}"))?;
    }
    let store = open_store(&config).await?;
    tracing::info!(backend = store.backend(), "database ready");
    let vapid = server::push::vapid_keys(&store).await?;
    tracing::info!(public_key = %vapid.public_key, "VAPID key ready");
    let state = server::app_state(Arc::new(store.clone()), &config)?;
    tokio::spawn(server::jobs::keep_search_current(state.clone()));
    tokio::spawn(server::jobs::purge_expired(state.clone()));
    let (stop_worker, worker_stop) = tokio::sync::watch::channel(false);
    let worker = server::push::start_worker(
        store.clone(),
        &vapid,
        &config,
        state.clock.clone(),
        server::push::worker::WorkerSettings::default(),
        worker_stop,
    )?;
    let app = server::build_app(state, leptos_options);
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| {
            format!(
                "cannot listen on {} (LEPTOS_SITE_ADDR): {e}",
                config.site_addr
            )
        })?;
    if config.push_allow_loopback {
        tracing::warn!(
            "QUARTIER_PUSH_ALLOW_LOOPBACK is on: push subscriptions may point at this machine's \
             loopback addresses. For development and tests only, never in production."
        );
    }
    tracing::info!("listening on http://{}", config.site_addr);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // The push worker stops taking work at once and finishes what is in flight.
        let _ = stop_worker.send(true);
    })
    .await
    .map_err(|e| e.to_string())?;
    // Outcomes of the messages in flight are recorded before the database closes (otherwise
    // they would be sent again after their lease).
    let drain = server::push::worker::DRAIN
        + server::push::worker::RECORD_AT_STOP
        + std::time::Duration::from_secs(5);
    if tokio::time::timeout(drain, worker).await.is_err() {
        tracing::warn!("the push worker did not stop in time");
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C; in-flight requests then finish before the server stops.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing in-flight requests");
}
