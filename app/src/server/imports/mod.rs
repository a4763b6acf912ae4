//! CSV imports on the server: the file is read again here (the server decides, whatever the
//! preview said), refused whole if it cannot be applied, stored row by row, and handed to a job
//! that applies it in batches. History, progress, cancelling and undo read and write the same rows.

mod job;
mod people;
mod result;
mod undo;

pub use job::resume_unfinished;
pub use people::known;
pub use result::result_csv;
pub use undo::{undo, undo_plan};

use super::audit::{self, Action};
use super::auth::sessions::Session;
use super::{now, AppState};
use crate::api::imports::{ImportState, ImportSummary};
use crate::domain::{OrgId, Service};
use crate::error::{AppError, FieldError};
use crate::import::csv::{self, Encoding, FileProblem, Mapping, Validator};
use crate::locales::{Key, Locale};
use std::collections::HashMap;

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

/// Rows written per statement when the file is stored.
const STORE_CHUNK: usize = 500;

/// A row of the file as stored before the job runs.
struct StoredRow {
    row: usize,
    source: String,
    person: Option<String>,
    refusal: Option<String>,
}

/// The file read and checked, ready to store.
struct Read {
    encoding: Encoding,
    header: String,
    rows: Vec<StoredRow>,
    people: Vec<csv::Person>,
}

fn file_refused(problem: &FileProblem, locale: Locale) -> AppError {
    AppError::Invalid(vec![FieldError {
        field: "file".to_owned(),
        reason: Key::ImportFileRefused,
        args: vec![("problem".to_owned(), problem.message(locale))],
    }])
}

/// One CSV line of `cells`, as the file would have had it.
fn csv_line(cells: &[String]) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    if writer.write_record(cells).is_err() {
        return String::new();
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).trim_end_matches('\n').to_owned()
}

/// Reads and validates the whole file (CPU work: run it off the async executor).
fn read(bytes: &[u8], upload: &Upload, locale: Locale) -> Result<Read, AppError> {
    let refused = |problem: FileProblem| file_refused(&problem, locale);
    let mut reader = csv::Reader::open(bytes, upload.encoding).map_err(refused)?;
    let headers = reader.headers().to_vec();
    let mapping = match &upload.mapping {
        Some(mapping) if mapping.columns.len() == headers.len() => mapping.clone(),
        Some(_) => return Err(AppError::invalid("mapping", Key::ImportMappingStale)),
        None => csv::guess_mapping(&headers),
    };
    let mut validator = Validator::new(&headers, &mapping).map_err(refused)?;
    let mut sources = Vec::new();
    loop {
        let records = reader.next_chunk(10_000).map_err(refused)?;
        if records.is_empty() {
            break;
        }
        validator.feed(&records);
        sources.extend(records.into_iter().map(|r| (r.row, csv_line(&r.cells))));
    }
    let validated = validator.finish();
    let mut refusals: HashMap<usize, Vec<String>> = HashMap::new();
    for error in &validated.errors {
        let reason = locale.text(error.reason);
        refusals
            .entry(error.row)
            .or_default()
            .push(format!("{}: {reason}", error.column));
    }
    for duplicate in &validated.duplicates {
        refusals.entry(duplicate.row).or_default().push(locale.format(
            Key::ImportDuplicateOf,
            &[("row", &duplicate.first_row.to_string())],
        ));
    }
    let mut people: HashMap<usize, &csv::Person> =
        validated.people.iter().map(|p| (p.row, p)).collect();
    let rows = sources
        .into_iter()
        .map(|(row, source)| {
            let person = people.remove(&row);
            StoredRow {
                row,
                source,
                person: person.and_then(|p| serde_json::to_string(p).ok()),
                refusal: refusals.remove(&row).map(|r| r.join("; ")),
            }
        })
        .collect();
    Ok(Read {
        encoding: reader.encoding(),
        header: csv_line(&headers),
        rows,
        people: validated.people,
    })
}

/// Checks the file, stores it, and starts the job that applies it; the import's id. Nothing is
/// written when the file or the licences refuse it.
pub async fn start(
    state: &AppState,
    admin: &Session,
    upload: Upload,
    bytes: Vec<u8>,
    locale: Locale,
) -> Result<i64, AppError> {
    if bytes.len() > csv::MAX_BYTES {
        return Err(file_refused(
            &FileProblem::TooLarge {
                bytes: bytes.len() as u64,
            },
            locale,
        ));
    }
    let file_name: String = upload.file_name.trim().chars().take(200).collect();
    if file_name.is_empty() {
        return Err(AppError::invalid("name", Key::ImportFileNameMissing));
    }
    let parsing = upload.clone();
    let read = tokio::task::spawn_blocking(move || read(&bytes, &parsing, locale))
        .await
        .map_err(super::error::internal)??;
    people::check_licences(state, admin.org, &read.people, &upload, locale).await?;

    let now = now();
    let now_ms = now_ms();
    let mut tx = state.db.begin_write().await?;
    let services: Vec<&str> = upload.default_services.iter().map(|s| s.as_str()).collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO imports (org_id, started_by, file_name, header, encoding, update_existing,
                              default_services, locale, state, total, created_at, started_ms, progress_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(admin.org.0)
    .bind(admin.display_name.as_deref().unwrap_or(&admin.email))
    .bind(&file_name)
    .bind(&read.header)
    .bind(read.encoding.as_str())
    .bind(upload.update_existing)
    .bind(services.join(","))
    .bind(locale.tag())
    .bind(ImportState::Running.as_str())
    .bind(read.rows.len() as i64)
    .bind(now)
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await?;
    for chunk in read.rows.chunks(STORE_CHUNK) {
        let sql = format!(
            "INSERT INTO import_rows (import_id, row_number, source, person, outcome, reason) VALUES {}",
            super::db::placeholders(chunk.len(), 6)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            let refused = row.refusal.is_some() || row.person.is_none();
            query = query
                .bind(id)
                .bind(row.row as i64)
                .bind(&row.source)
                .bind(if refused { None } else { row.person.as_deref() })
                .bind(refused.then_some("failed"))
                .bind(row.refusal.as_deref());
        }
        query.execute(&mut *tx).await?;
    }
    // Refused rows are done before the job starts.
    sqlx::query(
        "UPDATE imports SET failed = (SELECT COUNT(*) FROM import_rows WHERE import_id = $1 AND outcome = 'failed'),
                            done = (SELECT COUNT(*) FROM import_rows WHERE import_id = $1 AND outcome = 'failed')
         WHERE id = $1",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let detail = format!("import {id} of {file_name} started: {} rows", read.rows.len());
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
    tracing::info!(org = admin.org.0, import = id, "import started");
    job::spawn(state.clone(), id);
    Ok(id)
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
