//! SQL shared by every feature's storage: error mapping, placeholders, time truncation, and
//! the dialect type for what SQLite and PostgreSQL write differently.

use app::domain::search;
use app::server::StoreError;
use chrono::{DateTime, NaiveTime, SubsecRound, Utc};

/// A driver error as the ports see it: unique violations are conflicts.
pub(super) fn store_error(error: sqlx::Error) -> StoreError {
    match error.as_database_error() {
        Some(db) if db.is_unique_violation() => StoreError::Conflict(db.message().to_owned()),
        _ => StoreError::Backend(error.to_string()),
    }
}

/// `($1, …, $n), ($n+1, …)`: `rows` groups of `columns` placeholders, each followed by the
/// 1-based columns of `repeat` again (one value bound for two columns).
pub(super) fn values_placeholders(rows: usize, columns: usize, repeat: &[usize]) -> String {
    (0..rows)
        .map(|row| {
            let base = row * columns;
            let mut cells: Vec<String> = (1..=columns).map(|c| format!("${}", base + c)).collect();
            cells.extend(repeat.iter().map(|c| format!("${}", base + c)));
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$first, $first+1, …` for `count` values.
pub(super) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The instant to whole seconds (what both databases keep alike).
pub(super) fn second(t: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    t.map(|t| t.trunc_subsecs(0))
}

/// Midnight (UTC) of the day of `now`.
pub(super) fn day_of(now: DateTime<Utc>) -> DateTime<Utc> {
    now.date_naive().and_time(NaiveTime::MIN).and_utc()
}

/// The few fragments of SQL that differ between SQLite and PostgreSQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// Locks the rows a write transaction reads before it writes them. SQLite's write
    /// transactions are serialised already (`BEGIN IMMEDIATE`), so it needs none.
    pub(super) fn for_update(self) -> &'static str {
        match self {
            Dialect::Postgres => " FOR UPDATE",
            Dialect::Sqlite => "",
        }
    }

    /// Like [`Dialect::for_update`], skipping the rows another transaction holds (several
    /// workers taking from one queue).
    pub(super) fn for_update_skip_locked(self) -> &'static str {
        match self {
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
            Dialect::Sqlite => "",
        }
    }

    /// The aggregate joining the texts of `column` with spaces.
    pub(super) fn join_texts(self, column: &str) -> String {
        match self {
            Dialect::Sqlite => format!("group_concat({column}, ' ')"),
            Dialect::Postgres => format!("string_agg({column}, ' ')"),
        }
    }

    /// The full-text condition on a shop (with the query bound as `$n`), and the query text
    /// for `terms` (as made by `domain::search::terms`).
    pub(super) fn full_text(self, n: usize, terms: &[String]) -> (String, String) {
        match self {
            // `+id`: the matches are a set to test, while the (town, name) index gives the order
            // (the first page comes without sorting every match).
            Dialect::Sqlite => (
                format!("+id IN (SELECT rowid FROM shops_fts WHERE shops_fts MATCH ${n})"),
                search::fts5_query(terms),
            ),
            Dialect::Postgres => (
                format!("search_vector @@ to_tsquery('simple', ${n})"),
                search::tsquery(terms),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Dialect;

    #[test]
    fn each_database_gets_its_own_fragments() {
        assert_eq!(Dialect::Postgres.for_update(), " FOR UPDATE");
        assert_eq!(Dialect::Sqlite.for_update(), "");
        assert_eq!(
            Dialect::Postgres.for_update_skip_locked(),
            " FOR UPDATE SKIP LOCKED"
        );
        assert_eq!(Dialect::Sqlite.for_update_skip_locked(), "");
        assert_eq!(
            Dialect::Sqlite.join_texts("p.search_text"),
            "group_concat(p.search_text, ' ')"
        );
        assert_eq!(
            Dialect::Postgres.join_texts("p.search_text"),
            "string_agg(p.search_text, ' ')"
        );
        let terms = vec!["cafe".to_owned()];
        let (condition, _) = Dialect::Sqlite.full_text(2, &terms);
        assert_eq!(
            condition,
            "+id IN (SELECT rowid FROM shops_fts WHERE shops_fts MATCH $2)"
        );
        let (condition, _) = Dialect::Postgres.full_text(2, &terms);
        assert_eq!(condition, "search_vector @@ to_tsquery('simple', $2)");
    }
}
