//! What backups need from the database: a consistent copy of a SQLite file taken while the
//! server reads and writes it, the tables with their rows (for the backup's manifest and the
//! restore's check), the schema's version and SQLite's own integrity check.

use std::path::Path;

use super::{Pool, SqlStore};

impl SqlStore {
    /// Writes a consistent copy of the SQLite database to the new file `dest` while others go
    /// on reading and writing: `VACUUM INTO` reads one snapshot (write-ahead log) and writes it
    /// compacted. An error on PostgreSQL (`pg_dump` does its part).
    pub async fn sqlite_copy_into(&self, dest: &Path) -> Result<(), sqlx::Error> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Err(sqlx::Error::Configuration(
                "a copy of the database file is SQLite's; PostgreSQL is saved with pg_dump".into(),
            ));
        };
        let dest = dest
            .to_str()
            .ok_or_else(|| sqlx::Error::Configuration("the backup's path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(dest)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Drops every table of the current schema (PostgreSQL; before a restore replaces them).
    pub async fn drop_all_tables(&self) -> Result<(), sqlx::Error> {
        let Pool::Postgres(pool) = &self.pool else {
            return Ok(());
        };
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE schemaname = current_schema()",
        )
        .fetch_all(pool)
        .await?;
        if names.is_empty() {
            return Ok(());
        }
        let list = names
            .iter()
            .map(|n| format!("\"{}\"", n.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(", ");
        sqlx::query(&format!("DROP TABLE IF EXISTS {list} CASCADE"))
            .execute(pool)
            .await?;
        Ok(())
    }

    /// The database's own tables (not the engine's) and how many rows each holds, by name.
    pub async fn table_rows(&self) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let names: Vec<String> = match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )
                .fetch_all(pool)
                .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_scalar(
                    "SELECT CAST(tablename AS TEXT) FROM pg_tables \
                     WHERE schemaname = current_schema() ORDER BY tablename",
                )
                .fetch_all(pool)
                .await?
            }
        };
        let mut rows = Vec::with_capacity(names.len());
        for name in names {
            // Names come from the catalogue, quoted as identifiers.
            let sql = format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM \"{}\"",
                name.replace('"', "\"\"")
            );
            let n: i64 = match &self.pool {
                Pool::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await?,
                Pool::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await?,
            };
            rows.push((name, n));
        }
        Ok(rows)
    }

    /// The last migration applied (`None` on a database never migrated).
    pub async fn schema_version(&self) -> Result<Option<i64>, sqlx::Error> {
        let sql = "SELECT MAX(version) FROM _sqlx_migrations WHERE success";
        // Whether the table exists, from the catalogue (cheap: `/readyz` asks).
        let known: i64 = match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM sqlite_master \
                     WHERE type = 'table' AND name = '_sqlx_migrations'",
                )
                .fetch_one(pool)
                .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM pg_tables \
                     WHERE schemaname = current_schema() AND tablename = '_sqlx_migrations'",
                )
                .fetch_one(pool)
                .await?
            }
        };
        if known == 0 {
            return Ok(None);
        }
        match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query_scalar::<_, Option<i64>>(sql)
                    .fetch_one(pool)
                    .await
            }
            Pool::Postgres(pool) => {
                sqlx::query_scalar::<_, Option<i64>>(sql)
                    .fetch_one(pool)
                    .await
            }
        }
    }

    /// SQLite's `PRAGMA integrity_check` and `foreign_key_check`: the problems found (none: an
    /// empty list). PostgreSQL keeps its own consistency: always empty.
    pub async fn integrity_problems(&self) -> Result<Vec<String>, sqlx::Error> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Ok(Vec::new());
        };
        let mut problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(pool)
            .await?
            .into_iter()
            .filter(|line: &String| line != "ok")
            .collect();
        let orphans: Vec<(String, Option<i64>, String)> =
            sqlx::query_as("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
                .fetch_all(pool)
                .await?;
        problems.extend(orphans.into_iter().map(|(table, row, parent)| {
            format!("{table} row {}: no {parent} it points to", row.unwrap_or(0))
        }));
        Ok(problems)
    }
}
