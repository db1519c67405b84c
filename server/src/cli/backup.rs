//! `quartier backup DEST` and `quartier restore SRC`.
//!
//! A backup is a new directory holding the database — SQLite: `quartier.db`, a consistent copy
//! taken while the server runs (`VACUUM INTO`); PostgreSQL: `quartier.pgdump`, made by
//! `pg_dump --format=custom` — the photos (`media/`) and `backup.json`, what it holds (when,
//! which schema version, each table's rows, how many photos). A restore puts them into the
//! configured database, which must be new (or replaced with `--force`), checks them and applies
//! the migrations of this version.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::db::SqlStore;

/// The database's file in a SQLite backup.
pub const SQLITE_FILE: &str = "quartier.db";
/// The database's dump in a PostgreSQL backup.
pub const POSTGRES_FILE: &str = "quartier.pgdump";
/// What the backup holds.
pub const MANIFEST_FILE: &str = "backup.json";
/// The photos.
pub const MEDIA_DIR: &str = "media";

/// `backup.json`.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// When the copy was taken (RFC 3339, UTC).
    pub made_at: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The last migration applied to the database copied.
    pub schema_version: Option<i64>,
    /// Each table and its rows.
    pub tables: std::collections::BTreeMap<String, i64>,
    /// Photo files copied.
    pub media_files: usize,
    /// The version of Quartier that made it.
    pub quartier: String,
}

/// Makes a backup in `dest` (a new or empty directory); returns what to tell the operator.
pub async fn backup(config: &Config, dest: &Path) -> Result<String, String> {
    if dest.exists() {
        let mut entries =
            std::fs::read_dir(dest).map_err(|e| format!("cannot read {}: {e}", dest.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "{} already holds files: back up into a new directory (e.g. one named after the date)",
                dest.display()
            ));
        }
    }
    if let Some(file) = sqlite_path(&config.database_url) {
        if !file.is_file() {
            return Err(format!(
                "{} does not exist: DATABASE_URL must name the server's database",
                file.display()
            ));
        }
    }
    create_private_dir(dest)?;
    // The photos before the database and again after: a photo the copy names was either there
    // before it (a photo removed since is kept from the first pass) or written before the
    // row that names it (the second pass).
    // Photos on an object store stay there (its versioning or replication keeps them).
    let local_media = config.media_store.is_none();
    if local_media {
        copy_media(&config.media_dir, &dest.join(MEDIA_DIR))?;
    }
    // Not migrated: a newer `quartier` must not change the database of a server still running
    // the older one.
    let store = SqlStore::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let made_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (tables, schema_version) = match store.backend() {
        "sqlite" => {
            let partial = dest.join(format!("{SQLITE_FILE}.partial"));
            store
                .sqlite_copy_into(&partial)
                .await
                .map_err(|e| format!("copying the database failed: {e}"))?;
            store.close().await;
            // Figures of the copy itself (the live database has moved on since).
            let copy = sqlite_at(&partial).await?;
            let problems = copy.integrity_problems().await.map_err(|e| e.to_string())?;
            if !problems.is_empty() {
                return Err(format!("the copy is damaged: {}", problems.join("; ")));
            }
            let figures = figures(&copy).await?;
            copy.close().await;
            std::fs::rename(&partial, dest.join(SQLITE_FILE)).map_err(|e| e.to_string())?;
            figures
        }
        _ => {
            // pg_dump takes one snapshot of the whole database; the figures are read after it
            // and may count a few rows more (written since).
            let file = dest.join(POSTGRES_FILE);
            run_tool(
                "pg_dump",
                &[
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    path_text(&file)?,
                ],
                &config.database_url,
            )
            .await?;
            let figures = figures(&store).await?;
            store.close().await;
            figures
        }
    };
    let media_files = if local_media {
        copy_media(&config.media_dir, &dest.join(MEDIA_DIR))?
    } else {
        0
    };
    let manifest = Manifest {
        made_at,
        backend: backend_of(&config.database_url).to_owned(),
        schema_version,
        tables: tables.into_iter().collect(),
        media_files,
        quartier: env!("CARGO_PKG_VERSION").to_owned(),
    };
    write_manifest(dest, &manifest)?;
    let rows: i64 = manifest.tables.values().sum();
    let photos = if local_media {
        format!("{media_files} photo files")
    } else {
        "the photos left on the object store (QUARTIER_MEDIA_URL)".to_owned()
    };
    Ok(format!(
        "backup written to {}: {} tables, {rows} rows, {photos} (schema version {})",
        dest.display(),
        manifest.tables.len(),
        schema_version.map_or_else(|| "none".to_owned(), |v| v.to_string())
    ))
}

/// Restores the backup in `src` into the configured database and photo directory (or object
/// store).
pub async fn restore(config: &Config, src: &Path, force: bool) -> Result<String, String> {
    let manifest: Manifest =
        serde_json::from_slice(&std::fs::read(src.join(MANIFEST_FILE)).map_err(|e| {
            format!(
                "{} is not a backup of Quartier ({MANIFEST_FILE}: {e})",
                src.display()
            )
        })?)
        .map_err(|e| format!("{MANIFEST_FILE} cannot be read: {e}"))?;
    let backend = backend_of(&config.database_url);
    if manifest.schema_version.is_none() {
        return Err("this backup holds no Quartier database (no schema version)".into());
    }
    if manifest.backend != backend {
        return Err(format!(
            "this backup is of a {} database and DATABASE_URL names a {backend} one",
            manifest.backend
        ));
    }
    // The object store the photos go to answers, before anything is replaced.
    let object_store = match &config.media_store {
        None => None,
        Some(media) => Some(
            crate::photos::ObjectPhotos::connect(media)
                .await
                .map_err(|e| format!("{e}; nothing was restored"))?,
        ),
    };
    // A running server holds its SQLite file's lock: never replace the file under it.
    let _restoring = lock_sqlite(&config.database_url, Lock::Restore)?;
    let target = SqlStore::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    // A backup of a newer version would not be understood (and its migrations are not ours).
    if manifest.schema_version > target.expected_schema_version() {
        target.close().await;
        return Err(format!(
            "this backup was made by a newer version of Quartier ({}, schema {}): restore it with that version",
            manifest.quartier,
            manifest.schema_version.unwrap_or(0)
        ));
    }
    let tables = target.table_rows().await.map_err(|e| e.to_string())?;
    let holds_data = tables
        .iter()
        .any(|(name, rows)| name != "_sqlx_migrations" && *rows > 0);
    if holds_data && !force {
        target.close().await;
        return Err(
            "the database DATABASE_URL names already holds data: restore into a new one, or pass \
             --force to replace it (with the server stopped)"
                .into(),
        );
    }
    match backend {
        "sqlite" => {
            target.close().await;
            let file = sqlite_path(&config.database_url)
                .ok_or("DATABASE_URL does not name a SQLite file")?;
            let copy = src.join(SQLITE_FILE);
            let backup = sqlite_at(&copy).await?;
            let problems = backup
                .integrity_problems()
                .await
                .map_err(|e| e.to_string())?;
            backup.close().await;
            if !problems.is_empty() {
                return Err(format!("the backup is damaged: {}", problems.join("; ")));
            }
            // Copied beside the target, written to disk, then put in its place in one step.
            let partial = file.with_extension("restoring");
            std::fs::copy(&copy, &partial)
                .map_err(|e| format!("copying the backup failed: {e}"))?;
            std::fs::File::open(&partial)
                .and_then(|f| f.sync_all())
                .map_err(|e| e.to_string())?;
            for suffix in ["-wal", "-shm"] {
                let side = PathBuf::from(format!("{}{suffix}", file.display()));
                if side.exists() {
                    std::fs::remove_file(&side).map_err(|e| e.to_string())?;
                }
            }
            std::fs::rename(&partial, &file).map_err(|e| e.to_string())?;
        }
        _ => {
            let mut args = vec!["--no-owner", "--no-privileges", "--single-transaction"];
            // A database with tables already (migrated by a newer version, or replaced with
            // --force): they all go, so that the backup's schema is the whole schema.
            if !tables.is_empty() {
                target
                    .drop_all_tables()
                    .await
                    .map_err(|e| format!("emptying the database failed: {e}"))?;
            }
            let dump = src.join(POSTGRES_FILE);
            args.push(path_text(&dump)?);
            target.close().await;
            run_tool("pg_restore", &args, &config.database_url).await?;
        }
    }
    // The backup's photos into the photo directory, before the database is used.
    let copied_to_dir = match object_store {
        None => copy_media(&src.join(MEDIA_DIR), &config.media_dir)?,
        Some(_) => 0,
    };
    // This version's migrations on top (a backup made by an older version is brought up to date).
    let store = super::open_store(config).await?;
    let rows: i64 = store
        .table_rows()
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .map(|(_, n)| n)
        .sum();
    store.close().await;
    // Or onto the object store (a backup of a town whose photos were on disk moves them
    // there). The database is restored by then: a failure here says how to finish.
    let media_files = match object_store {
        None => copied_to_dir,
        Some(photos) => {
            let media = src.join(MEDIA_DIR);
            let finish = |why: String| {
                format!(
                    "the database is restored ({rows} rows), but not every photo is on the object \
                     store (QUARTIER_MEDIA_URL): {why}; finish with `quartier media upload {}`",
                    media.display()
                )
            };
            let done = photos.upload_dir(&media).await.map_err(finish)?;
            if !done.damaged.is_empty() {
                return Err(format!(
                    "the database is restored ({rows} rows) and the other photos are on the \
                     object store, but these files of the backup are not whole photos or cannot \
                     be read, and cannot be restored from it: {}",
                    done.damaged.join(", ")
                ));
            }
            done.copied + done.present
        }
    };
    Ok(format!(
        "backup of {} restored: {rows} rows, {media_files} photo files",
        manifest.made_at
    ))
}

/// Who takes a SQLite database's lock file (`<file>.lock`, beside it).
pub enum Lock {
    /// A server: shared (a restore waits for every server to stop).
    Serve,
    /// A restore: alone.
    Restore,
}

/// Takes the lock of the SQLite database `database_url` names (nothing for PostgreSQL); held
/// until the file returned is dropped (or the process ends).
pub fn lock_sqlite(database_url: &str, who: Lock) -> Result<Option<std::fs::File>, String> {
    let Some(file) = sqlite_path(database_url) else {
        return Ok(None);
    };
    let path = PathBuf::from(format!("{}.lock", file.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let taken = match who {
        Lock::Serve => lock.try_lock_shared(),
        Lock::Restore => lock.try_lock(),
    };
    match taken {
        Ok(()) => Ok(Some(lock)),
        Err(std::fs::TryLockError::WouldBlock) => Err(match who {
            Lock::Serve => format!(
                "{} is being restored: start the server when it is done",
                file.display()
            ),
            Lock::Restore => format!(
                "{} is in use by a running server: stop it before restoring",
                file.display()
            ),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

/// The tables with their rows and the schema's version.
async fn figures(store: &SqlStore) -> Result<(Vec<(String, i64)>, Option<i64>), String> {
    let tables = store.table_rows().await.map_err(|e| e.to_string())?;
    let version = store.schema_version().await.map_err(|e| e.to_string())?;
    Ok((tables, version))
}

/// A SQLite file opened as it is (not created, not migrated).
async fn sqlite_at(file: &Path) -> Result<SqlStore, String> {
    if !file.is_file() {
        return Err(format!("{} is missing", file.display()));
    }
    SqlStore::connect(&format!("sqlite://{}", path_text(file)?))
        .await
        .map_err(|e| e.to_string())
}

fn backend_of(url: &str) -> &'static str {
    if url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    }
}

/// The file of a `sqlite://PATH?options` URL.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

fn path_text(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("{} is not a UTF-8 path", path.display()))
}

/// Copies the photo files of `from` into `to` (created), leaving files already there: photos are
/// named after their content. Half-written files (`.part`) are not photos yet.
fn copy_media(from: &Path, to: &Path) -> Result<usize, String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    if !from.exists() {
        return Ok(0);
    }
    let mut copied = 0;
    for entry in
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?
    {
        let entry = entry.map_err(|e| e.to_string())?;
        // Files only (a link in a backup's photos could point anywhere).
        if !entry.file_type().map_err(|e| e.to_string())?.is_file() {
            continue;
        }
        let name = entry.file_name();
        let Some(name) = name.to_str().filter(|n| crate::photos::is_media_name(n)) else {
            continue;
        };
        let target = to.join(name);
        if !target.exists() {
            let partial = to.join(format!("{name}.part"));
            match std::fs::copy(entry.path(), &partial) {
                Ok(_) => {}
                // Deleted meanwhile (a photo nothing shows any more).
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                Err(error) => return Err(format!("copying the photo {name} failed: {error}")),
            }
            std::fs::rename(&partial, &target).map_err(|e| e.to_string())?;
        }
        copied += 1;
    }
    Ok(copied)
}

/// A new directory only its owner may read (a backup holds personal data).
fn create_private_dir(dir: &Path) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

fn write_manifest(dest: &Path, manifest: &Manifest) -> Result<(), String> {
    let text = serde_json::to_vec_pretty(manifest).map_err(|e| e.to_string())?;
    std::fs::write(dest.join(MANIFEST_FILE), text).map_err(|e| e.to_string())
}

/// Runs a PostgreSQL client tool on the database `url`, its error output becoming the
/// message. The password goes in the tool's environment, not on its command line (which
/// every user of the machine can read).
async fn run_tool(tool: &str, args: &[&str], url: &str) -> Result<(), String> {
    let mut url = url::Url::parse(url).map_err(|e| format!("DATABASE_URL cannot be read: {e}"))?;
    let decode = |p: &str| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    };
    let mut password = url.password().map(decode);
    let _ = url.set_password(None);
    // The parameters libpq knows go on; sqlx's own would make it fail, and a password given
    // as a parameter goes in the environment.
    const LIBPQ: [&str; 10] = [
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "application_name",
        "options",
        "connect_timeout",
        "host",
        "port",
        "user",
    ];
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let kept: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(k, _)| LIBPQ.contains(&k.as_str()))
        .collect();
    if let Some((_, p)) = pairs.iter().find(|(k, _)| k == "password") {
        password = Some(p.clone());
    }
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut()
            .clear()
            .extend_pairs(kept.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }
    let mut command = std::process::Command::new(tool);
    command.args(args).arg("--dbname").arg(url.as_str());
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| {
            format!("cannot run {tool} ({e}): install PostgreSQL's client tools (Debian: postgresql-client)")
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{tool} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
