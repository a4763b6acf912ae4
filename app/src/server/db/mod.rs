//! SQLite as it wants to be used: WAL, one writer connection, a pool of readers. Queries live in
//! one module per aggregate; each tenant-scoped query takes an `OrgId`.

pub mod account_tokens;
pub mod licences;
pub mod organisations;
pub mod user_table;
pub mod users;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A write transaction: the only way to change data.
pub type WriteTx = Transaction<'static, Sqlite>;

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` values: the VALUES of a multi-row insert,
/// in the numbered style both SQLite and PostgreSQL accept.
pub fn placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let values: Vec<String> = (1..=columns)
                .map(|column| format!("${}", row * columns + column))
                .collect();
            format!("({})", values.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$3, $4, $5` for `count` values numbered from `first`: the list of an `IN (...)`.
pub fn numbered(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The highest id in `table` (0 when it is empty), read inside `tx`. A bulk insert numbers its
/// new rows on from it (`$highest + key + 1`, `key` being the row's place in the JSON array), so
/// it knows every new id without reading a row back per insert, which cost a 100,000-person
/// import a tenth of its time. SQLite numbers rows the same way (the highest plus one), and
/// nothing else can insert while the write transaction is open.
pub async fn highest_id(tx: &mut WriteTx, table: &'static str) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(&mut **tx)
        .await
}

/// Runs `sql`, whose numbered values are `fixed` and then the `{ids}` list, once per chunk of
/// `ids`; the rows changed. Keeps every statement under each database's limit on values.
pub async fn execute_for_ids(
    tx: &mut WriteTx,
    sql: &str,
    fixed: &[i64],
    ids: &[i64],
) -> Result<u64, sqlx::Error> {
    let mut changed = 0;
    for chunk in ids.chunks(500) {
        let sql = sql.replace("{ids}", &numbered(fixed.len() + 1, chunk.len()));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for value in fixed.iter().chain(chunk) {
            query = query.bind(*value);
        }
        changed += query.execute(&mut **tx).await?.rows_affected();
    }
    Ok(changed)
}

#[derive(Clone)]
pub struct Db {
    writer: SqlitePool,
    reader: SqlitePool,
    /// How many bulk jobs (imports) are writing now: see `bulk_started`.
    bulk: Arc<AtomicUsize>,
}

const READERS: u32 = 4;

/// WAL pages after which a commit copies the WAL into the database (SQLite's default), except
/// while bulk jobs run.
const AUTOCHECKPOINT_PAGES: u32 = 1000;

impl Db {
    /// Opens (creating if missing, with its folder) the database at `url`.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            // 16 KiB pages rather than SQLite's 4 KiB, for a database created from now on (an
            // existing one keeps its size unless it is vacuumed out of WAL mode): a bulk import
            // splits a quarter as many index pages, and each commit writes a quarter as many WAL
            // frames. On a copy of the schema, the statements of a 100,000-person import took
            // 0.15 to 0.25 s less (of 2.7 s).
            .page_size(16 * 1024)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // 16 MB of pages per connection keeps the users table's indexes of a large
            // organisation in memory rather than re-read from the file on each page.
            .pragma("cache_size", "-16000")
            // Statements that change many rows keep their undo pages in memory rather than in a
            // temporary file.
            .pragma("temp_store", "memory")
            // A WAL grown large by a bulk job goes back to this size once it has been copied.
            .pragma("journal_size_limit", (64 * 1024 * 1024).to_string())
            .busy_timeout(Duration::from_secs(5));
        if let Some(folder) = options
            .get_filename()
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder)?;
        }
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(READERS)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Db {
            writer,
            reader,
            bulk: Arc::new(AtomicUsize::new(0)),
        })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        sqlx::migrate!("../migrations").run(&self.writer).await
    }

    /// The pool for reads; never used to write.
    pub fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    /// Starts the one write transaction a command runs in.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        self.writer.begin().await
    }

    /// A bulk job starts writing. Until the last one finishes, commits do not copy the WAL into
    /// the database: a batch of thousands of people leaves more WAL pages than the automatic
    /// checkpoint's threshold, so each commit would copy (and sync) most of what it wrote again:
    /// a sixth of a 100,000-row import's time, for pages the next batch changes again anyway.
    /// `bulk_finished` copies the latest of each page once.
    pub async fn bulk_started(&self) {
        if self.bulk.fetch_add(1, Ordering::SeqCst) == 0 {
            self.set_autocheckpoint(0).await;
        }
    }

    /// A bulk job has stopped writing (whether it finished or failed). The last one brings the
    /// automatic checkpoints back and copies what the WAL holds now (for 100,000 people, about
    /// 0.4 s during which other writes wait, instead of that much again per batch).
    pub async fn bulk_finished(&self) {
        if self.bulk.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.set_autocheckpoint(AUTOCHECKPOINT_PAGES).await;
            // PASSIVE: readers still on older pages are not waited for; a later commit's
            // automatic checkpoint copies what they held back.
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&self.writer)
                .await
            {
                tracing::warn!("checkpoint after a bulk job: {error}");
            }
        }
    }

    /// Only a cost is at stake when this fails (a connection the pool opens later starts with
    /// SQLite's default anyway), so it is logged rather than returned.
    async fn set_autocheckpoint(&self, pages: u32) {
        let sql = format!("PRAGMA wal_autocheckpoint = {pages}");
        if let Err(error) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&self.writer)
            .await
        {
            tracing::warn!("setting wal_autocheckpoint to {pages}: {error}");
        }
    }

    /// Checks that both pools answer (for `/healthz`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        sqlx::query("SELECT 1").execute(&self.writer).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_every_value_of_every_row() {
        assert_eq!(super::placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::placeholders(1, 1), "($1)");
        assert_eq!(super::numbered(3, 3), "$3, $4, $5");
    }
}
