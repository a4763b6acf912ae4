//! CSV imports on the server: the file is read again here (the server decides, whatever the
//! preview said), refused whole if it cannot be applied, stored row by row, and handed to a job
//! that applies it in batches. History, progress, cancelling and undo read and write the same rows.

mod batch;
mod file;
mod job;
mod people;
mod result;
mod undo;
mod writes;

pub use job::resume_unfinished;
pub use people::known;
pub use result::result_csv;
pub use undo::{undo, undo_plan};
pub use writes::write_services;

use super::audit::{self, Action};
use super::auth::sessions::Session;
use super::{now, AppState};
use crate::api::imports::{ImportState, ImportSummary};
use crate::domain::{OrgId, Service};
use crate::error::AppError;
use crate::import::csv::{self, Encoding, FileProblem, Mapping};
use crate::locales::{Key, Locale};
use file::Walk;
use std::collections::BTreeMap;

/// What the admin chose in the preview, sent with the file.
#[derive(Clone, Debug, Default)]
pub struct Upload {
    pub file_name: String,
    pub encoding: Option<Encoding>,
    pub mapping: Option<Mapping>,
    pub update_existing: bool,
    /// Services a new person gets for each service column the file lacks or leaves empty.
    pub default_services: Vec<Service>,
}

/// Rows read and checked at a time when a file is first walked.
const CHECK_CHUNK: usize = 10_000;

/// Checks the file, stores it, and starts the job that applies it; the import's id. Nothing is
/// written when the file or the licences refuse it.
pub async fn start(
    state: &AppState,
    admin: &Session,
    upload: Upload,
    bytes: Vec<u8>,
    locale: Locale,
) -> Result<i64, AppError> {
    crate::server::scim::tokens::check_hand_adds(state, admin.org, "file").await?;
    if bytes.len() > csv::MAX_BYTES {
        let problem = FileProblem::TooLarge {
            bytes: bytes.len() as u64,
        };
        return Err(file::refused(&problem, locale));
    }
    let file_name: String = upload.file_name.trim().chars().take(200).collect();
    if file_name.is_empty() {
        return Err(AppError::invalid("name", Key::ImportFileNameMissing));
    }
    // The whole file is read before anything is written. Its seats are first counted as if
    // every row were a new person, without checking the rows or looking anyone up: a refused
    // row or a repeated address takes no seat, and a person already here gains at most the
    // services a new one would get, so when that count fits, the file fits. Only a file that may
    // not fit is walked again, checked, with its people looked up, for the exact count (and the
    // refusal's figures). The job checks every row as it applies it.
    let mut checked = check(state, admin.org, &bytes, &upload, locale, Count::IfAllNew).await?;
    if people::check_licences(state, admin.org, &checked.seats, locale)
        .await
        .is_err()
    {
        checked = check(state, admin.org, &bytes, &upload, locale, Count::Exact).await?;
        people::check_licences(state, admin.org, &checked.seats, locale).await?;
    }
    let Checked {
        rows,
        encoding,
        mapping,
        ..
    } = checked;

    let now = now();
    let now_ms = now_ms();
    let mut tx = state.db.begin_write().await?;
    let services: Vec<&str> = upload.default_services.iter().map(|s| s.as_str()).collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO imports (org_id, started_by, file_name, encoding, mapping, update_existing,
                              default_services, locale, state, total, created_at, started_ms, progress_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(admin.org.0)
    .bind(admin.display_name.as_deref().unwrap_or(&admin.email))
    .bind(&file_name)
    .bind(encoding.as_str())
    .bind(serde_json::to_string(&mapping).map_err(super::error::internal)?)
    .bind(upload.update_existing)
    .bind(services.join(","))
    .bind(locale.tag())
    .bind(ImportState::Running.as_str())
    .bind(rows as i64)
    .bind(now)
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await?;
    // Beside the import rather than in it: see migration 20261127000010_import_files.
    sqlx::query("INSERT INTO import_files (import_id, file) VALUES ($1, $2)")
        .bind(id)
        .bind(&bytes)
        .execute(&mut *tx)
        .await?;
    let detail = format!("import {id} of {file_name} started: {rows} rows");
    audit::record(
        &mut tx,
        audit::Event {
            org: Some(admin.org),
            actor: Some(admin.user_id),
            action: Action::ImportStarted,
            detail: &detail,
            client_address: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(org = admin.org.0, import = id, rows, "import started");
    job::spawn(state.clone(), id, Some(bytes));
    Ok(id)
}

/// How `check` counts the seats a file needs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Count {
    /// As if every row were a new person, unchecked: at least as many as it needs.
    IfAllNew,
    /// Looking up who is already in the organisation.
    Exact,
}

/// What a walk over the whole file found.
struct Checked {
    rows: usize,
    seats: BTreeMap<Service, i64>,
    encoding: Encoding,
    mapping: Mapping,
}

/// Reads the whole file a chunk at a time (refusing it whole when it cannot be read), counting
/// its rows and the seats it needs (checking its rows for the exact count); only the counts are
/// kept, so a large file is never held person by person.
async fn check(
    state: &AppState,
    org: OrgId,
    bytes: &[u8],
    upload: &Upload,
    locale: Locale,
    count: Count,
) -> Result<Checked, AppError> {
    let walk = Walk::open(
        bytes,
        upload.encoding,
        upload.mapping.as_ref(),
        locale,
        CHECK_CHUNK,
    )?;
    let encoding = walk.encoding();
    let mut rows = 0;
    let mut seats: BTreeMap<Service, i64> = BTreeMap::new();
    let mut add = |needed: BTreeMap<Service, i64>| {
        for (service, needed) in needed {
            *seats.entry(service).or_insert(0) += needed;
        }
    };
    let walk = match count {
        // Only reading, which the next chunk's does while this one is counted.
        Count::IfAllNew => {
            let mut walk = walk;
            loop {
                let (next, records) = walk.next_unchecked().await?;
                if records.is_empty() {
                    break next;
                }
                rows += records.len();
                add(next.seats_if_new(&records, &upload.default_services));
                walk = next;
            }
        }
        // The next chunk is read and checked while this one's people are looked up.
        Count::Exact => {
            let mut reading_ahead = tokio::spawn(walk.next());
            loop {
                let (walk, chunk) = reading_ahead.await.map_err(super::error::internal)??;
                if chunk.last_row.is_none() {
                    break walk;
                }
                reading_ahead = tokio::spawn(walk.next());
                rows = chunk.validated.rows;
                add(people::seats_needed(state, org, &chunk.validated.people, upload).await?);
            }
        }
    };
    Ok(Checked {
        rows,
        seats,
        encoding,
        mapping: walk.mapping,
    })
}

/// Milliseconds since the Unix epoch, for rates.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

const SUMMARY_COLUMNS: &str = "id, file_name, started_by, created_at, state, total, done,
    created, updated, unchanged, failed, started_ms, progress_ms, finished_at, undone_at";

fn summary_of(row: SummaryRowFlat) -> ImportSummary {
    let state = ImportState::from_db(&row.state).unwrap_or(ImportState::Done);
    let elapsed = (row.progress_ms - row.started_ms) as f64 / 1000.0;
    let rate = (elapsed > 0.0 && row.done > 0).then(|| row.done as f64 / elapsed);
    let seconds_left = match (state, rate) {
        (ImportState::Running | ImportState::Cancelling, Some(rate)) if rate > 0.0 => {
            Some(((row.total - row.done) as f64 / rate).ceil() as i64)
        }
        _ => None,
    };
    ImportSummary {
        id: row.id,
        file_name: row.file_name,
        started_by: row.started_by,
        created_at: row.created_at,
        state,
        total: row.total,
        done: row.done,
        created: row.created,
        updated: row.updated,
        unchanged: row.unchanged,
        failed: row.failed,
        rate,
        seconds_left,
        finished_at: row.finished_at,
        undone_at: row.undone_at,
    }
}

#[derive(sqlx::FromRow)]
struct SummaryRowFlat {
    id: i64,
    file_name: String,
    started_by: String,
    created_at: i64,
    state: String,
    total: i64,
    done: i64,
    created: i64,
    updated: i64,
    unchanged: i64,
    failed: i64,
    started_ms: i64,
    progress_ms: i64,
    finished_at: Option<i64>,
    undone_at: Option<i64>,
}

/// The organisation's imports, newest first (the latest hundred).
pub async fn list(state: &AppState, org: OrgId) -> Result<Vec<ImportSummary>, AppError> {
    let rows: Vec<SummaryRowFlat> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLUMNS} FROM imports WHERE org_id = $1 ORDER BY id DESC LIMIT 100"
    )))
    .bind(org.0)
    .fetch_all(state.db.reader())
    .await?;
    Ok(rows.into_iter().map(summary_of).collect())
}

/// Import `id` of `org`; NotFound for another organisation's.
pub async fn summary(state: &AppState, org: OrgId, id: i64) -> Result<ImportSummary, AppError> {
    let row: SummaryRowFlat = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLUMNS} FROM imports WHERE org_id = $1 AND id = $2"
    )))
    .bind(org.0)
    .bind(id)
    .fetch_optional(state.db.reader())
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(summary_of(row))
}

/// Asks the job to stop at the end of its batch; a finished import answers as it is.
pub async fn cancel(state: &AppState, admin: &Session, id: i64) -> Result<ImportSummary, AppError> {
    let mut tx = state.db.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE imports SET state = 'cancelling' WHERE org_id = $1 AND id = $2 AND state = 'running'",
    )
    .bind(admin.org.0)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed > 0 {
        let detail = format!("import {id} cancelled");
        audit::record(
            &mut tx,
            audit::Event {
                org: Some(admin.org),
                actor: Some(admin.user_id),
                action: Action::ImportCancelled,
                detail: &detail,
                client_address: None,
            },
            now(),
        )
        .await?;
    }
    tx.commit().await?;
    summary(state, admin.org, id).await
}
