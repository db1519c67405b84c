//! `quartier serve` (the default): the web server with its background work, until SIGTERM or
//! Ctrl-C.

use std::sync::Arc;

use leptos::prelude::get_configuration;

use crate::config::Config;

pub async fn run(config: Config) -> Result<(), String> {
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
        tokio::task::spawn_blocking(move || crate::web::assets::precompress(&options))
            .await
            .map_err(|e| format!("compressing the front end: {e}"))?;
    }
    // Held while the server runs: `quartier restore` will not replace the file under it.
    let _database_lock =
        super::backup::lock_sqlite(&config.database_url, super::backup::Lock::Serve)?;
    let store = super::open_store(&config).await?;
    tracing::info!(backend = store.backend(), "database ready");
    if let Some(media) = &config.media_store {
        crate::photos::ObjectPhotos::connect(media).await?;
        tracing::info!(bucket = %media.bucket, prefix = %media.prefix, "object store ready");
    }
    if let Some(addr) = config.metrics_addr {
        crate::metrics::serve(addr, store.clone()).await?;
    }
    let state = crate::app_state(Arc::new(store.clone()), &config)?;
    let background = crate::start_background(&state, config.push_delivery())?;
    let app = crate::build_app(state, leptos_options);
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
    .with_graceful_shutdown({
        let stop = background.stopper();
        async move {
            shutdown_signal().await;
            // The push worker stops taking work at once and finishes what is in flight.
            stop();
        }
    })
    .await
    .map_err(|e| e.to_string())?;
    // Outcomes of the messages in flight are recorded before the database closes (otherwise
    // they would be sent again after their lease).
    if !background.finish().await {
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
