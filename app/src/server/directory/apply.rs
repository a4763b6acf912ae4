//! A sync applied as a background job: the directory read and compared again (the server
//! decides, not an earlier dry run), then people added with their invitations, updated,
//! reactivated and deactivated in batches, each batch one transaction with the progress row, so
//! the page shows how far it got. One sync per organisation runs at a time.

use super::{config, plan_sync, writes};
use crate::api::directory::SyncView;
use crate::domain::{OrgId, Service};
use crate::error::AppError;
use crate::locales::{Key, Locale};
use crate::server::audit::{self, Action as Audited};
use crate::server::auth::sessions::Session;
use crate::server::db::WriteTx;
use crate::server::user_actions::{self, Chosen};
use crate::server::{now, AppState};
use std::collections::HashMap;

/// People written per transaction.
const BATCH: usize = 500;

/// Starts a sync beside the server and answers its id at once. `scheduled` says the schedule
/// started it, acting as `session` (the administrator who saved the configuration).
pub async fn start(
    state: &AppState,
    session: &Session,
    scheduled: bool,
    locale: Locale,
    now: i64,
) -> Result<i64, AppError> {
    // A configuration that cannot even be opened is refused here, where someone reads the answer.
    config::directory(state, session.org).await?;
    let mut tx = state.db.begin_write().await?;
    let running: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM directory_syncs WHERE org_id = $1 AND state = 'running'",
    )
    .bind(session.org.0)
    .fetch_optional(&mut *tx)
    .await?;
    if running.is_some() {
        return Err(AppError::invalid("directory", Key::DirectorySyncRunning));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO directory_syncs (org_id, started_by, scheduled, state, started_at)
         VALUES ($1, $2, $3, 'running', $4) RETURNING id",
    )
    .bind(session.org.0)
    .bind((!scheduled).then_some(session.user_id))
    .bind(scheduled)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let (state, session) = (state.clone(), session.clone());
    tokio::spawn(async move {
        let outcome = run(&state, &session, id, locale).await;
        if let Err(error) = finish(&state, &session, id, outcome, locale).await {
            tracing::error!(
                sync = id,
                "could not record the end of a directory sync: {error}"
            );
        }
    });
    Ok(id)
}

/// The latest 20 syncs, newest first.
pub async fn list(state: &AppState, org: OrgId) -> Result<Vec<SyncView>, sqlx::Error> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        i64,
        String,
        bool,
        Option<String>,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        Option<String>,
        i64,
        Option<i64>,
    )> = sqlx::query_as(
        "SELECT s.id, s.state, s.scheduled, COALESCE(u.display_name, u.email), s.total, s.done,
                s.added, s.updated, s.reactivated, s.deactivated, s.error, s.started_at,
                s.finished_at
         FROM directory_syncs s LEFT JOIN users u ON u.id = s.started_by AND u.org_id = s.org_id
         WHERE s.org_id = $1 ORDER BY s.id DESC LIMIT 20",
    )
    .bind(org.0)
    .fetch_all(state.db.reader())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SyncView {
            id: r.0,
            state: r.1,
            scheduled: r.2,
            by: r.3,
            total: r.4,
            done: r.5,
            added: r.6,
            updated: r.7,
            reactivated: r.8,
            deactivated: r.9,
            error: r.10,
            started_at: r.11,
            finished_at: r.12,
        })
        .collect())
}

/// Syncs a restarted server finds running were stopped halfway: they are marked failed (running
/// the sync again picks up from what the directory and the organisation then hold).
pub async fn fail_interrupted(state: &AppState) -> Result<(), sqlx::Error> {
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "UPDATE directory_syncs SET state = 'failed', error = $1, finished_at = $2
         WHERE state = 'running'",
    )
    .bind(Locale::En.text(Key::DirectorySyncInterrupted))
    .bind(now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// What a sync did, or why it stopped.
#[derive(Default)]
struct Done {
    added: i64,
    updated: i64,
    reactivated: i64,
    deactivated: i64,
}

async fn finish(
    state: &AppState,
    session: &Session,
    id: i64,
    outcome: Result<Done, AppError>,
    locale: Locale,
) -> Result<(), sqlx::Error> {
    let now = now();
    let mut tx = state.db.begin_write().await?;
    match outcome {
        Ok(done) => {
            sqlx::query(
                "UPDATE directory_syncs SET state = 'done', finished_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let detail = format!(
                "directory sync {id}: {} added, {} updated, {} reactivated, {} deactivated",
                done.added, done.updated, done.reactivated, done.deactivated
            );
            audit::by(&mut tx, session, Audited::DirectorySynced, &detail, now).await?;
        }
        Err(error) => {
            let message = if let AppError::Invalid(_) = error {
                error.messages(locale).join(" ")
            } else {
                tracing::error!(sync = id, "directory sync failed: {error}");
                locale.text(Key::DirectorySyncBroke).to_owned()
            };
            sqlx::query(
                "UPDATE directory_syncs SET state = 'failed', error = $1, finished_at = $2
                 WHERE id = $3",
            )
            .bind(message)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await
}

async fn progress(
    tx: &mut WriteTx,
    id: i64,
    column: &'static str,
    count: usize,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "UPDATE directory_syncs SET {column} = {column} + $1, done = done + $1 WHERE id = $2"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(count as i64)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(drop)
}

async fn run(
    state: &AppState,
    session: &Session,
    id: i64,
    locale: Locale,
) -> Result<Done, AppError> {
    let org = session.org;
    let directory = config::directory(state, org).await?;
    let planned = plan_sync(state, org, &directory).await?;
    if planned.looks_wrong() {
        return Err(AppError::invalid("directory", Key::DirectoryReturnedNobody));
    }
    if let Some(short) = planned.shortfalls.first() {
        return Err(AppError::Invalid(vec![crate::error::FieldError {
            field: "directory".into(),
            reason: Key::DirectoryOverLicences,
            args: vec![
                ("service".into(), locale.text(short.service.label()).into()),
                ("needed".into(), short.needed.to_string()),
                ("seats".into(), short.seats.to_string()),
            ],
        }]));
    }
    let plan = planned.plan;
    let total = plan.add.len() + plan.update.len() + plan.reactivate.len() + plan.deactivate.len();
    {
        let mut tx = state.db.begin_write().await?;
        sqlx::query("UPDATE directory_syncs SET total = $1 WHERE id = $2")
            .bind(total as i64)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let mut done = Done::default();
    for batch in plan.add.chunks(BATCH) {
        let mut tx = state.db.begin_write().await?;
        writes::add(&mut tx, state, session, batch).await?;
        progress(&mut tx, id, "added", batch.len()).await?;
        tx.commit().await?;
        done.added += batch.len() as i64;
    }
    let held: HashMap<i64, &Vec<Service>> =
        planned.known.iter().map(|k| (k.id, &k.services)).collect();
    for batch in plan.update.chunks(BATCH) {
        let mut tx = state.db.begin_write().await?;
        let mut calling = Vec::new();
        for update in batch {
            let held = held.get(&update.id).map(|s| s.as_slice()).unwrap_or(&[]);
            if writes::update_person(&mut tx, org, update, held).await? {
                calling.push(update.id);
            }
        }
        crate::server::phones::send_codes(&mut tx, state, org, &calling, now()).await?;
        progress(&mut tx, id, "updated", batch.len()).await?;
        tx.commit().await?;
        done.updated += batch.len() as i64;
    }
    let deactivate: Vec<i64> = plan.deactivate.iter().map(|(id, _)| *id).collect();
    for (action, ids, column) in [
        (
            crate::api::user_actions::Action::Reactivate,
            &plan.reactivate,
            "reactivated",
        ),
        (
            crate::api::user_actions::Action::Deactivate,
            &deactivate,
            "deactivated",
        ),
    ] {
        for batch in ids.chunks(BATCH) {
            let outcome = user_actions::act(
                state,
                session,
                action,
                Chosen::Ids(batch.to_vec()),
                false,
                Locale::En,
                now(),
            )
            .await?;
            let mut tx = state.db.begin_write().await?;
            // Refused ones (no seat left to come back to) count as done, not as changed.
            progress(&mut tx, id, column, outcome.done).await?;
            let skipped = (batch.len() - outcome.done) as i64;
            sqlx::query("UPDATE directory_syncs SET done = done + $1 WHERE id = $2")
                .bind(skipped)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            if column == "reactivated" {
                done.reactivated += outcome.done as i64;
            } else {
                done.deactivated += outcome.done as i64;
            }
        }
    }
    Ok(done)
}
