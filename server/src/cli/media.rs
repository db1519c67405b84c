//! `quartier media gc [--dry-run]`: removes the photos no post and no shop shows any more
//! (the hourly job does the same while the server runs; this is for older data, or at once).
//! `quartier media upload [DIR]`: puts a photo directory's photos on the object store.

use crate::config::Config;

pub async fn gc(config: &Config, dry_run: bool, force: bool) -> Result<String, String> {
    let store = super::open_store(config).await?;
    let photos = crate::photos::open(config)?;
    let collected = crate::media::collect_garbage(
        &store,
        photos.as_ref(),
        std::time::SystemTime::now(),
        dry_run,
        force,
    )
    .await
    .map_err(|refused| refused.to_string())?;
    if collected.failed > 0 {
        return Err(format!(
            "{} photo(s) could not be removed (see the log); {} removed",
            collected.failed, collected.removed
        ));
    }
    Ok(format!(
        "{} photo(s) shown by a post or a shop; {} {}; {} written in the last {} minutes kept \
         for now",
        collected.in_use,
        collected.removed,
        if dry_run {
            "shown by nothing, would be removed (dry run)"
        } else {
            "shown by nothing, removed"
        },
        collected.recent,
        crate::media::GRACE.as_secs() / 60
    ))
}

/// Puts the photos of `dir` (else `QUARTIER_MEDIA_DIR`) on the object store of
/// `QUARTIER_MEDIA_URL`. Safe to run again, and while servers run: photos are named by their
/// content, and those already there are left.
pub async fn upload(config: &Config, dir: Option<std::path::PathBuf>) -> Result<String, String> {
    let Some(media) = &config.media_store else {
        return Err(
            "QUARTIER_MEDIA_URL is not set: there is no object store to put photos on".into(),
        );
    };
    let (dir, named) = match dir {
        Some(dir) => (dir, ""),
        None => (config.media_dir.clone(), " (QUARTIER_MEDIA_DIR)"),
    };
    if !dir.is_dir() {
        return Err(format!("{}{named} is not a directory", dir.display()));
    }
    let photos = crate::photos::ObjectPhotos::connect(media).await?;
    let done = photos.upload_dir(&dir).await?;
    let said = format!(
        "{}: {} photo file(s) put on the object store, {} already there, {} other file(s) left \
         alone",
        dir.display(),
        done.copied,
        done.present,
        done.skipped
    );
    if done.damaged.is_empty() {
        Ok(said)
    } else {
        Err(format!(
            "{said}; not put, not whole photos (a link, a pipe, a cut file, a large picture whose \
             content is not its name's) or files that cannot be read: {}",
            done.damaged.join(", ")
        ))
    }
}
