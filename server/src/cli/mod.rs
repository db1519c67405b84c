//! The `quartier` command line: one file per command.

pub mod admin;
pub mod backup;
pub mod demo;
pub mod import_osm;
pub mod media;
pub mod migrate;
pub mod serve;
pub mod town;
pub mod vapid;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::db::SqlStore;

#[derive(Parser)]
#[command(
    name = "quartier",
    version,
    about = "Quartier: a town's shopping districts online"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
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
    Vapid {
        /// The town's slug (default: QUARTIER_TOWN, or the only town).
        #[arg(long)]
        town: Option<String>,
    },
    /// The towns this deployment serves, each on its own host name: list, add, set.
    Town {
        #[command(subcommand)]
        command: town::TownCommand,
    },
    /// Manage administrators of the town.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Back up the database and the photos into a new directory, while the server runs
    /// (SQLite: a consistent copy; PostgreSQL: pg_dump).
    Backup {
        /// A new (or empty) directory.
        dest: std::path::PathBuf,
    },
    /// Restore a backup made by `quartier backup` into the configured database (a new one)
    /// and where photos are kept (photo directory or object store), then apply this version's
    /// migrations.
    Restore {
        /// The backup's directory.
        src: std::path::PathBuf,
        /// Replace a database that already holds data (stop the server first).
        #[arg(long)]
        force: bool,
    },
    /// Photos: `quartier media gc` removes those no post and no shop shows any more;
    /// `quartier media upload` puts a photo directory's on the object store.
    Media {
        #[command(subcommand)]
        command: MediaCommand,
    },
}

#[derive(Subcommand)]
pub enum MediaCommand {
    /// Remove the photos nothing shows (the server does it every hour; those written in the
    /// last 10 minutes are kept).
    Gc {
        /// Only count them.
        #[arg(long)]
        dry_run: bool,
        /// Remove them even when nothing at all is shown (a town without a single photo).
        #[arg(long)]
        force: bool,
    },
    /// Put the photos of a directory on the object store of QUARTIER_MEDIA_URL, leaving those
    /// already there: when moving a town's photos from its photo directory to an object store.
    Upload {
        /// The directory (QUARTIER_MEDIA_DIR by default; a backup's `media/` works too).
        dir: Option<std::path::PathBuf>,
    },
}

/// Runs `command` (the server when none is given).
pub async fn run(command: Option<Command>, config: Config) -> Result<(), String> {
    match command.unwrap_or(Command::Serve) {
        Command::Serve => serve::run(config).await,
        Command::Migrate => migrate::run(&config).await,
        Command::ImportOsm { file, town } => import_osm::run(&config, &file, &town).await,
        Command::Demo => demo::run(&config).await,
        Command::Vapid { town } => vapid::run(&config, town).await,
        Command::Town { command } => {
            println!("{}", town::run(&config, command).await?);
            Ok(())
        }
        Command::Admin { command } => admin::run(&config, command).await,
        Command::Backup { dest } => {
            println!("{}", backup::backup(&config, &dest).await?);
            Ok(())
        }
        Command::Restore { src, force } => {
            println!("{}", backup::restore(&config, &src, force).await?);
            Ok(())
        }
        Command::Media {
            command: MediaCommand::Gc { dry_run, force },
        } => {
            println!("{}", media::gc(&config, dry_run, force).await?);
            Ok(())
        }
        Command::Media {
            command: MediaCommand::Upload { dir },
        } => {
            println!("{}", media::upload(&config, dir).await?);
            Ok(())
        }
    }
}

/// The configured database, migrated.
pub async fn open_store(config: &Config) -> Result<SqlStore, String> {
    let store = SqlStore::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    Ok(store)
}
