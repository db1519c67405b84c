//! Photos that no post and no shop shows any more: found by comparing the stored files with the
//! database, and removed by the hourly job and by `quartier media gc`. A photo written less
//! than [`GRACE`] ago is left alone: the post or profile that will show it may be being saved
//! (photos are named by their content, so a new upload of the same picture rewrites its file).

use std::time::SystemTime;

use app::server::{PhotoStore, Store};

/// How recent a photo's files may be and still be kept although nothing shows them yet.
pub use app::server::PHOTO_GRACE as GRACE;

/// What a collection found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Collected {
    /// Photos shown by a post or a shop.
    pub in_use: usize,
    /// Photos shown by nothing, written less than [`GRACE`] ago: kept for now.
    pub recent: usize,
    /// Photos shown by nothing, removed (or, in a dry run, that would be).
    pub removed: usize,
    /// Photos that could not be removed (said in the log; tried again next time).
    pub failed: usize,
}

/// Why a collection did not run.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The database is not of this version's schema (an upgrade under way): a newer version
    /// may show photos in places this one does not know.
    OtherSchema,
    /// Nothing is shown at all but photos are stored: more likely the wrong database than a
    /// town without a single photo (`force` collects anyway).
    NothingShown {
        stored: usize,
    },
    Failed(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::OtherSchema => write!(
                f,
                "the database is not of this version's schema (run quartier migrate, or finish \
                 the upgrade): no photo removed"
            ),
            Refused::NothingShown { stored } => write!(
                f,
                "no post and no shop shows any photo, yet {stored} are stored: is DATABASE_URL \
                 the right database? Nothing removed (--force to remove them all)"
            ),
            Refused::Failed(error) => write!(f, "{error}"),
        }
    }
}

/// Removes the photos nothing shows (older than [`GRACE`] at `now`); with `dry_run`, only
/// counts them. The files are listed before the database is read: a photo whose post is
/// saved in between was written after the listing or less than [`GRACE`] before it. A photo
/// that cannot be removed is logged and the others still are.
pub async fn collect_garbage(
    store: &dyn Store,
    photos: &dyn PhotoStore,
    now: SystemTime,
    dry_run: bool,
    force: bool,
) -> Result<Collected, Refused> {
    if !store
        .schema_is_current()
        .await
        .map_err(|e| Refused::Failed(e.to_string()))?
    {
        return Err(Refused::OtherSchema);
    }
    let files = photos
        .list()
        .await
        .map_err(|e| Refused::Failed(e.to_string()))?;
    let in_use = store
        .photos_in_use()
        .await
        .map_err(|e| Refused::Failed(format!("reading which photos are shown: {e}")))?;
    if in_use.is_empty() && !files.is_empty() && !force {
        return Err(Refused::NothingShown {
            stored: files.len(),
        });
    }
    let written_before = now.checked_sub(GRACE).unwrap_or(SystemTime::UNIX_EPOCH);
    let mut collected = Collected::default();
    for (name, written) in files {
        if in_use.contains(&name) {
            collected.in_use += 1;
        } else if written >= written_before {
            collected.recent += 1;
        } else if dry_run {
            collected.removed += 1;
        } else {
            match photos.delete(&name, written_before).await {
                Ok(true) => collected.removed += 1,
                Ok(false) => collected.recent += 1,
                Err(error) => {
                    tracing::warn!(%error, photo = %name, "removing a photo nothing shows");
                    collected.failed += 1;
                }
            }
        }
    }
    Ok(collected)
}
