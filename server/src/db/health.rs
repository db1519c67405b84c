//! What the readiness check and the metrics read from the database: its connections, whether
//! this version's migrations are all applied, the push work waiting.

use super::{Pool, SqlStore, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

/// The connection pool's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolFigures {
    /// Connections open (in use or idle).
    pub open: u32,
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

impl SqlStore {
    pub fn pool_figures(&self) -> PoolFigures {
        match &self.pool {
            Pool::Sqlite(pool) => PoolFigures {
                open: pool.size(),
                idle: pool.num_idle() as u32,
                max: pool.options().get_max_connections(),
            },
            Pool::Postgres(pool) => PoolFigures {
                open: pool.size(),
                idle: pool.num_idle() as u32,
                max: pool.options().get_max_connections(),
            },
        }
    }

    /// The last migration this version of Quartier has for its database.
    pub fn expected_schema_version(&self) -> Option<i64> {
        let migrator = match self.pool {
            Pool::Sqlite(_) => &SQLITE_MIGRATIONS,
            Pool::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        migrator.iter().map(|m| m.version).max()
    }

    /// Push work waiting: deliveries not yet sent (including those held by quiet hours or
    /// waiting to be retried), and posts whose followers are not yet listed.
    pub async fn push_queue(&self) -> Result<(i64, i64), sqlx::Error> {
        let deliveries = "SELECT COUNT(*) FROM push_deliveries WHERE state = 'pending'";
        let jobs = "SELECT COUNT(*) FROM push_jobs WHERE expanded_at IS NULL";
        match &self.pool {
            Pool::Sqlite(pool) => Ok((
                sqlx::query_scalar(deliveries).fetch_one(pool).await?,
                sqlx::query_scalar(jobs).fetch_one(pool).await?,
            )),
            Pool::Postgres(pool) => Ok((
                sqlx::query_scalar(deliveries).fetch_one(pool).await?,
                sqlx::query_scalar(jobs).fetch_one(pool).await?,
            )),
        }
    }
}
