//! Work the server does on its own, beside requests.

use std::time::Duration;

use app::server::AppState;

/// How often search learns which posts started or stopped being current.
pub const SEARCH_REFRESH: Duration = Duration::from_secs(300);

/// Keeps every town's search in step with time: scheduled posts that went live, offers that expired and
/// events that ended since the last pass (changes made through the app are seen at once).
/// Safe on several instances: each pass only recomputes from the posts table.
pub async fn keep_search_current(state: AppState) {
    let mut since = state.clock.now();
    let mut ticker = tokio::time::interval(SEARCH_REFRESH);
    ticker.tick().await;
    loop {
        ticker.tick().await;
        let now = state.clock.now();
        let towns = match state.store.towns().await {
            Ok(towns) => towns,
            Err(error) => {
                tracing::warn!(%error, "listing the towns failed; will retry");
                continue;
            }
        };
        let mut failed = false;
        for town in &towns {
            match state.store.refresh_posts_text(town.id, since, now).await {
                Ok(0) => {}
                Ok(count) => tracing::debug!(
                    town = %town.slug,
                    shops = count,
                    "search refreshed for posts that changed state"
                ),
                Err(error) => {
                    tracing::warn!(%error, town = %town.slug, "refreshing search failed; will retry");
                    failed = true;
                }
            }
        }
        if !failed {
            since = now;
        }
    }
}

/// How often what has expired or aged is deleted (see `app::domain::privacy`).
pub const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Deletes what has expired (sign-in links, sessions, rate-limit windows…, see
/// `app::domain::privacy`) and the photos nothing shows any more: nothing is kept longer than
/// it is useful. Safe on several instances.
pub async fn purge_expired(state: AppState) {
    let mut ticker = tokio::time::interval(PURGE_EVERY);
    loop {
        ticker.tick().await;
        match state.store.purge_expired(state.clock.now()).await {
            Ok(0) => {}
            Ok(rows) => tracing::debug!(rows, "expired and aged rows deleted or archived"),
            Err(error) => tracing::warn!(%error, "purging expired rows failed; will retry"),
        }
        let now = std::time::SystemTime::now();
        match crate::media::collect_garbage(&*state.store, &*state.photos, now, false, false).await
        {
            Ok(collected) if collected.removed > 0 || collected.failed > 0 => tracing::info!(
                removed = collected.removed,
                failed = collected.failed,
                "photos shown by nothing deleted"
            ),
            Ok(_) => {}
            Err(refused) => tracing::warn!(%refused, "unused photos not collected; will retry"),
        }
    }
}
