//! The import job: applies the stored rows in batches, one transaction each, so progress is
//! visible, a cancel stops at a batch boundary, and a restarted server carries on where it was.

use super::batch::{apply, seats_left};
use super::file::Walk;
use super::now_ms;
use crate::api::imports::ImportState;
use crate::domain::{OrgId, Service};
use crate::error::AppError;
use crate::import::csv::{Encoding, Mapping};
use crate::locales::Locale;
use crate::server::audit::{self, Action};
use crate::server::db::WriteTx;
use crate::server::{now, AppState};

/// Rows applied per transaction: big enough to be quick, small enough that other writes wait
/// only briefly (under half a second) and progress moves often. 10,000 rather than 5,000: each
/// commit writes out every index page the batch touched, many of them the same pages batch after
/// batch, and twice the rows per commit halved that writing (0.4 s to 0.2 s of 100,000 rows).
pub(super) const BATCH: usize = 10_000;

/// Starts the job of import `id` beside the server; `file` when the caller holds it already.
pub fn spawn(state: AppState, id: i64, file: Option<Vec<u8>>) {
    tokio::spawn(async move {
        state.db.bulk_started().await;
        let ran = run(&state, id, file).await;
        state.db.bulk_finished().await;
        if let Err(error) = ran {
            tracing::error!(import = id, "import job stopped: {error}");
        }
    });
}

/// Restarts the jobs a stopped server left unfinished.
pub async fn resume_unfinished(state: &AppState) -> Result<(), sqlx::Error> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM imports WHERE state IN ('running', 'cancelling')")
            .fetch_all(state.db.reader())
            .await?;
    for id in ids {
        tracing::info!(import = id, "resuming import");
        spawn(state.clone(), id, None);
    }
    Ok(())
}

/// What every batch of one import needs to know.
pub(super) struct Job {
    pub id: i64,
    pub org: OrgId,
    pub update_existing: bool,
    pub defaults: Vec<Service>,
    /// The language of the admin who started it: the result file's reasons are in it.
    pub locale: Locale,
    /// The organisation's default language: people whose row names none get it.
    pub people_locale: Locale,
    pub inviter: String,
    pub file_name: String,
    pub invitation_days: i64,
}

/// How the file is read, and how far the job got.
struct Reading {
    encoding: Option<Encoding>,
    mapping: Option<Mapping>,
    applied_through: i64,
}

type JobRow = (
    i64,
    bool,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    i64,
    String,
);

async fn load(state: &AppState, id: i64) -> Result<(Job, Reading), sqlx::Error> {
    let row: JobRow = sqlx::query_as(
        "SELECT i.org_id, i.update_existing, i.default_services, i.locale, i.started_by, i.file_name,
                o.invitation_days, i.encoding, i.mapping, i.applied_through, o.default_locale
         FROM imports i JOIN organisations o ON o.id = i.org_id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_one(state.db.reader())
    .await?;
    let (
        org,
        update_existing,
        defaults,
        locale,
        inviter,
        file_name,
        days,
        encoding,
        mapping,
        through,
        default_locale,
    ) = row;
    let job = Job {
        id,
        org: OrgId(org),
        update_existing,
        defaults: defaults.split(',').filter_map(Service::parse).collect(),
        locale: Locale::from_tag(&locale).unwrap_or_default(),
        people_locale: Locale::from_tag(&default_locale).unwrap_or_default(),
        inviter,
        file_name,
        invitation_days: days,
    };
    let reading = Reading {
        encoding: Encoding::parse(&encoding),
        mapping: serde_json::from_str(&mapping).ok(),
        applied_through: through,
    };
    Ok((job, reading))
}

async fn run(state: &AppState, id: i64, file: Option<Vec<u8>>) -> Result<(), AppError> {
    let (job, reading) = load(state, id).await?;
    let file = match file {
        Some(file) => file,
        None => {
            sqlx::query_scalar("SELECT file FROM import_files WHERE import_id = $1")
                .bind(id)
                .fetch_one(state.db.reader())
                .await?
        }
    };
    let walk = Walk::open(
        &file,
        reading.encoding,
        reading.mapping.as_ref(),
        job.locale,
        BATCH,
    )?;
    drop(file);
    let mut left = {
        let mut conn = state.db.reader().acquire().await?;
        seats_left(&mut conn, job.org).await?
    };
    // The next chunk is read and checked while this one is written.
    let mut reading_ahead = tokio::spawn(walk.next());
    loop {
        let (walk, chunk) = reading_ahead
            .await
            .map_err(crate::server::error::internal)??;
        reading_ahead = tokio::spawn(walk.next());
        let mut tx = state.db.begin_write().await?;
        let current: String = sqlx::query_scalar("SELECT state FROM imports WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let end = match (current == ImportState::Cancelling.as_str(), chunk.last_row) {
            (true, _) => Some(ImportState::Cancelled),
            (false, None) => Some(ImportState::Done),
            (false, Some(_)) => None,
        };
        if let Some(end) = end {
            finish(&mut tx, &job, end).await?;
            tx.commit().await?;
            tracing::info!(import = id, state = end.as_str(), "import finished");
            return Ok(());
        }
        let last_row = chunk.last_row.map_or(0, |row| row as i64);
        // A resumed job walks past the rows applied before it stopped.
        if last_row <= reading.applied_through {
            continue;
        }
        // Seats are counted afresh when a service this batch may take comes close to running
        // out: other admins may have taken some since the job counted.
        let wanted = |service: &Service| {
            job.defaults.contains(service)
                || chunk
                    .validated
                    .people
                    .iter()
                    .any(|p| p.services.contains(&(*service, true)))
        };
        if left
            .iter()
            .any(|(service, left)| *left < BATCH as i64 && wanted(service))
        {
            left = seats_left(&mut tx, job.org).await?;
        }
        apply(
            &mut tx,
            state,
            &job,
            chunk.validated,
            reading.applied_through,
            &mut left,
        )
        .await?;
        sqlx::query("UPDATE imports SET applied_through = $1 WHERE id = $2")
            .bind(last_row)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
}

async fn finish(tx: &mut WriteTx, job: &Job, end: ImportState) -> Result<(), sqlx::Error> {
    let (created, updated, unchanged, failed): (i64, i64, i64, i64) = sqlx::query_as(
        "UPDATE imports SET state = $1, finished_at = $2, progress_ms = $3 WHERE id = $4
         RETURNING created, updated, unchanged, failed",
    )
    .bind(end.as_str())
    .bind(now())
    .bind(now_ms())
    .bind(job.id)
    .fetch_one(&mut **tx)
    .await?;
    let detail = format!(
        "import {} of {} {}: {created} created, {updated} updated, {unchanged} unchanged, {failed} failed",
        job.id,
        job.file_name,
        end.as_str()
    );
    audit::record(
        tx,
        audit::Event {
            org: Some(job.org),
            actor: None,
            action: Action::UsersImported,
            detail: &detail,
            client_address: None,
        },
        now(),
    )
    .await
}
