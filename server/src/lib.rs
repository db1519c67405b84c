#![recursion_limit = "256"]
//! The Quartier server, in rooms: `web/` (the HTTP app), `db/` (storage on SQLite or
//! PostgreSQL), `push/` (Web Push delivery), `cli/` (one file per command), beside the
//! configuration and the mail and photo adapters.
//!
//! `build_app` assembles the whole router (Leptos pages and server functions, plus plain routes
//! for health, language choice, the PWA files) so tests drive it in-process; `start_background`
//! starts the work done beside requests (search refresh, purge, push delivery).

pub mod cli;
pub mod config;
pub mod db;
pub mod jobs;
pub mod mail;
pub mod media;
pub mod metrics;
pub mod photos;
pub mod push;
pub mod web;

use std::sync::Arc;
use std::time::Duration;

use app::server::{AppState, Clock, Store, SystemClock};

pub use web::{build_app, traced_path, RouterState};

/// Builds the application state from a store and the configuration. Fails, naming the
/// setting, when the mail server or the photo directory cannot be set up: a server that would
/// quietly write sign-in links to its log, or lose photos, must not start.
pub fn app_state(store: Arc<dyn Store>, config: &config::Config) -> Result<AppState, String> {
    let mailer: Arc<dyn app::server::Mailer> = match &config.smtp {
        Some(smtp) => Arc::new(mail::SmtpMailer::new(smtp).map_err(|error| {
            format!("cannot set up the mail server (QUARTIER_SMTP_HOST): {error}")
        })?),
        None => Arc::new(mail::LogMailer),
    };
    let photos = photos::open(config)?;
    Ok(AppState {
        store,
        settings: Arc::new(config.settings()),
        clock: Arc::new(SystemClock),
        mailer,
        photos,
    })
}

/// Same as [`app_state`] with another clock (tests use a fixed instant).
pub fn app_state_with_clock(
    store: Arc<dyn Store>,
    config: &config::Config,
    clock: Arc<dyn Clock>,
) -> Result<AppState, String> {
    Ok(AppState {
        clock,
        ..app_state(store, config)?
    })
}

/// The work the server does beside requests, once started.
pub struct Background {
    stop: tokio::sync::watch::Sender<bool>,
    worker: tokio::task::JoinHandle<()>,
    jobs: Vec<tokio::task::JoinHandle<()>>,
}

/// Starts the jobs (search kept current, expired rows purged) and the push delivery worker.
pub fn start_background(state: &AppState, delivery: push::Delivery) -> Result<Background, String> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = push::start_worker(
        state.store.clone(),
        state.settings.clone(),
        delivery,
        state.clock.clone(),
        stopped,
    )?;
    let jobs = vec![
        tokio::spawn(jobs::keep_search_current(state.clone())),
        tokio::spawn(jobs::purge_expired(state.clone())),
    ];
    Ok(Background { stop, worker, jobs })
}

impl Background {
    /// A function that makes the push worker take no new work from then on (it finishes what
    /// is in flight), for a shutdown signal to call.
    pub fn stopper(&self) -> impl FnOnce() + Send + 'static {
        let stop = self.stop.clone();
        move || {
            let _ = stop.send(true);
        }
    }

    /// Stops the jobs and waits for the push worker to record the outcomes of the messages in
    /// flight (otherwise they would be sent again after their lease); `false` if it did not
    /// stop in time.
    pub async fn finish(self) -> bool {
        let _ = self.stop.send(true);
        for job in &self.jobs {
            job.abort();
        }
        let drain = push::worker::DRAIN + push::worker::RECORD_AT_STOP + Duration::from_secs(5);
        tokio::time::timeout(drain, self.worker).await.is_ok()
    }
}
