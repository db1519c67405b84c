//! Storage adapters: `connect(url)` picks SQLite or PostgreSQL by the URL's scheme.
//!
//! Both backends share one implementation of the storage traits: the SQL is portable
//! (`$n` placeholders, `ON CONFLICT`, `RETURNING`), and the `on_pool!` macro compiles each
//! method once per driver. The few fragments the two databases write differently come from
//! [`sql::Dialect`].

/// Runs `$body` with `$pool` bound to the concrete pool of either driver.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            Pool::Sqlite($pool) => $body,
            Pool::Postgres($pool) => $body,
        }
    };
}

// One file per feature, each implementing that feature's storage trait (named as in
// `app::server::store`). Macros shared between files: `invitations` (accepting one inside a
// transaction) before `accounts`, whose session opening `passkeys` uses.
mod activity;
mod backup;
mod dashboard;
mod districts;
mod feeds;
mod follows;
pub mod health;
#[macro_use]
mod invitations;
mod messages;
#[macro_use]
mod accounts;
mod outbox;
mod passkeys;
mod posts;
mod privacy;
mod push;
mod reviews;
mod rows;
mod search;
mod shops;
mod sql;
mod store;
mod towns;

pub use posts::{MAX_UPDATE_PUSHES, UPDATE_PUSH_DELAY};

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// Starts a write transaction. On SQLite, `BEGIN IMMEDIATE`: the write lock is taken at once
/// (waiting for it up to the busy timeout), so a transaction that reads before it writes can
/// never fail with `SQLITE_BUSY` because another connection committed in between (a deferred
/// transaction cannot upgrade its read snapshot then, and fails at once without waiting).
/// On PostgreSQL, a plain `BEGIN`.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>>
           + Send;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>>
           + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>>
           + Send {
        self.begin()
    }
}

/// A connection pool for one of the supported databases.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The storage traits' implementation, for both databases.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pool: Pool,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL '{0}' is not supported: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    #[error("cannot create the directory for the SQLite file {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("indexing existing shops and posts for search failed: {0}")]
    Backfill(String),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl SqlStore {
    /// Opens the database named by `url` (creating a SQLite file and its directory if missing).
    pub async fn connect(url: &str) -> Result<SqlStore, DbError> {
        let shown = redact(url);
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let file = path.split('?').next().unwrap_or(path);
            if file != ":memory:" {
                if let Some(dir) = Path::new(file)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
                        path: file.to_owned(),
                        source,
                    })?;
                }
            }
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|source| DbError::Connect {
                    url: shown.clone(),
                    source,
                })?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await
                .map_err(|source| DbError::Connect { url: shown, source })?;
            Ok(SqlStore {
                pool: Pool::Sqlite(pool),
            })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect(url)
                .await
                .map_err(|source| DbError::Connect { url: shown, source })?;
            Ok(SqlStore {
                pool: Pool::Postgres(pool),
            })
        } else {
            Err(DbError::UnsupportedUrl(shown))
        }
    }

    /// Applies the pending migrations of this backend.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match &self.pool {
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        self.backfill_search_text()
            .await
            .map_err(|e| DbError::Backfill(e.to_string()))?;
        Ok(())
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.dialect() {
            sql::Dialect::Sqlite => "sqlite",
            sql::Dialect::Postgres => "postgres",
        }
    }

    /// Which SQL this store's database speaks.
    fn dialect(&self) -> sql::Dialect {
        match self.pool {
            Pool::Sqlite(_) => sql::Dialect::Sqlite,
            Pool::Postgres(_) => sql::Dialect::Postgres,
        }
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
