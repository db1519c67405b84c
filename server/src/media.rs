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
}

/// Removes the photos nothing shows (older than [`GRACE`] at `now`); with `dry_run`, only
/// counts them. The files are listed before the database is read: a photo whose post is
/// saved in between was written after the listing or less than [`GRACE`] before it.
pub async fn collect_garbage(
    store: &dyn Store,
    photos: &dyn PhotoStore,
    now: SystemTime,
    dry_run: bool,
) -> Result<Collected, String> {
    let files = photos.list().await.map_err(|e| e.to_string())?;
    let in_use = store
        .photos_in_use()
        .await
        .map_err(|e| format!("reading which photos are shown: {e}"))?;
    let written_before = now.checked_sub(GRACE).unwrap_or(SystemTime::UNIX_EPOCH);
    let mut collected = Collected::default();
    for (name, written) in files {
        if in_use.contains(&name) {
            collected.in_use += 1;
        } else if written >= written_before {
            collected.recent += 1;
        } else if dry_run
            || photos
                .delete(&name, written_before)
                .await
                .map_err(|e| e.to_string())?
        {
            collected.removed += 1;
        } else {
            collected.recent += 1;
        }
    }
    Ok(collected)
}
