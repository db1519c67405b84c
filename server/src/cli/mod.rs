//! The `quartier` command line: one file per command.

pub mod admin;
pub mod demo;
pub mod import_osm;
pub mod migrate;
pub mod serve;
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
    Vapid,
    /// Manage administrators of the town.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
}

/// Runs `command` (the server when none is given).
pub async fn run(command: Option<Command>, config: Config) -> Result<(), String> {
    match command.unwrap_or(Command::Serve) {
        Command::Serve => serve::run(config).await,
        Command::Migrate => migrate::run(&config).await,
        Command::ImportOsm { file, town } => import_osm::run(&config, &file, &town).await,
        Command::Demo => demo::run(&config).await,
        Command::Vapid => vapid::run(&config).await,
        Command::Admin { command } => admin::run(&config, command).await,
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
