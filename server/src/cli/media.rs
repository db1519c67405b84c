//! `quartier media gc [--dry-run]`: removes the photos no post and no shop shows any more
//! (the hourly job does the same while the server runs; this is for older data, or at once).

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
