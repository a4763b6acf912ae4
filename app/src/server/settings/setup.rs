//! The first-time setup wizard's progress: the step it resumes at, the forms typed and not saved
//! yet (kept through Back and through a refused Next), and finishing, after which it never starts
//! again.

use crate::api::settings::SetupView;
use crate::domain::settings::SetupStep;
use crate::domain::OrgId;
use crate::error::AppError;
use crate::server::audit::{self, Action};
use crate::server::auth::sessions::Session;
use crate::server::db::WriteTx;
use crate::server::AppState;
use sqlx::SqlitePool;
use std::collections::HashMap;

/// Where a wizard form goes after it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Go {
    Next,
    Back,
}

impl Go {
    /// `None` is a form sent from a tab, not the wizard.
    pub fn parse(go: Option<&str>) -> Result<Option<Go>, AppError> {
        match go {
            None | Some("") => Ok(None),
            Some("next") | Some("finish") => Ok(Some(Go::Next)),
            Some("back") => Ok(Some(Go::Back)),
            Some(_) => Err(AppError::NotFound),
        }
    }
}

pub fn path(step: SetupStep) -> String {
    format!("/setup/{}", step.as_str())
}

pub const DONE_PATH: &str = "/setup/done";

struct Progress {
    step: SetupStep,
    finished: bool,
}

async fn progress(db: &SqlitePool, org: OrgId) -> Result<Progress, AppError> {
    let (step, finished): (String, Option<i64>) =
        sqlx::query_as("SELECT setup_step, setup_finished_at FROM organisations WHERE id = $1")
            .bind(org.0)
            .fetch_optional(db)
            .await?
            .ok_or(AppError::NotFound)?;
    Ok(Progress {
        step: SetupStep::parse(&step).unwrap_or(SetupStep::Plan),
        finished: finished.is_some(),
    })
}

/// Whether a full administrator signing in should be taken to the wizard.
pub async fn unfinished(state: &AppState, org: OrgId) -> Result<bool, AppError> {
    Ok(!progress(state.db.reader(), org).await?.finished)
}

pub async fn view(state: &AppState, session: &Session) -> Result<SetupView, AppError> {
    let progress = progress(state.db.reader(), session.org).await?;
    let settings = super::view(state, session, true).await?;
    let steps = SetupStep::shown(&settings.services());
    // A plan changed since the step was saved may no longer show it.
    let step = if steps.contains(&progress.step) {
        progress.step
    } else {
        SetupStep::Plan
    };
    Ok(SetupView {
        step,
        finished: progress.finished,
        steps,
        settings,
    })
}

pub async fn drafts(db: &SqlitePool, org: OrgId) -> Result<HashMap<String, String>, sqlx::Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT step, fields FROM setup_drafts WHERE org_id = $1")
            .bind(org.0)
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().collect())
}

/// Keeps what was typed on a step, to show it again instead of the saved settings.
pub async fn keep_draft(
    state: &AppState,
    org: OrgId,
    step: SetupStep,
    form: &impl serde::Serialize,
) -> Result<(), AppError> {
    let fields = serde_json::to_string(form).map_err(crate::server::error::internal)?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO setup_drafts (org_id, step, fields) VALUES ($1, $2, $3)
         ON CONFLICT (org_id, step) DO UPDATE SET fields = excluded.fields",
    )
    .bind(org.0)
    .bind(step.as_str())
    .bind(fields)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn move_to(tx: &mut WriteTx, org: OrgId, step: SetupStep) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE organisations SET setup_step = $1 WHERE id = $2")
        .bind(step.as_str())
        .bind(org.0)
        .execute(&mut **tx)
        .await
        .map(drop)
}

async fn plan_services(
    state: &AppState,
    org: OrgId,
) -> Result<Vec<crate::domain::Service>, AppError> {
    Ok(super::plan(state.db.reader(), org)
        .await?
        .into_iter()
        .map(|line| line.service)
        .collect())
}

/// Back from `step`: what was typed is kept unsaved, and the wizard resumes at the step before.
pub async fn go_back(
    state: &AppState,
    session: &Session,
    step: SetupStep,
    form: &impl serde::Serialize,
) -> Result<String, AppError> {
    keep_draft(state, session.org, step, form).await?;
    let plan = plan_services(state, session.org).await?;
    let previous = step.previous(&plan).unwrap_or(SetupStep::Plan);
    let mut tx = state.db.begin_write().await?;
    move_to(&mut tx, session.org, previous).await?;
    tx.commit().await?;
    Ok(path(previous))
}

/// After a step's settings are saved in `tx`: from the wizard, its draft goes and the wizard
/// moves to the next step; from a tab, back to the tab.
pub async fn went_on(
    tx: &mut WriteTx,
    state: &AppState,
    session: &Session,
    step: SetupStep,
    go: Option<Go>,
    tab: &str,
) -> Result<String, AppError> {
    sqlx::query("DELETE FROM setup_drafts WHERE org_id = $1 AND step = $2")
        .bind(session.org.0)
        .bind(step.as_str())
        .execute(&mut **tx)
        .await?;
    if go.is_none() {
        return Ok(format!("{tab}?saved"));
    }
    let plan = plan_services(state, session.org).await?;
    let next = step.next(&plan).unwrap_or(SetupStep::Users);
    move_to(tx, session.org, next).await?;
    Ok(path(next))
}

/// The plan step has nothing to save: Next moves on.
pub async fn leave_plan(
    state: &AppState,
    session: &Session,
    go: Option<&str>,
) -> Result<String, AppError> {
    if Go::parse(go)? != Some(Go::Next) {
        return Err(AppError::NotFound);
    }
    let mut tx = state.db.begin_write().await?;
    let to = went_on(&mut tx, state, session, SetupStep::Plan, Some(Go::Next), "").await?;
    tx.commit().await?;
    Ok(to)
}

/// The last step: Back goes to the step before; finishing is recorded once, and the summary shows.
pub async fn finish(
    state: &AppState,
    session: &Session,
    go: Option<&str>,
    now: i64,
) -> Result<String, AppError> {
    match Go::parse(go)? {
        Some(Go::Back) => go_back(state, session, SetupStep::Users, &()).await,
        Some(Go::Next) => {
            let mut tx = state.db.begin_write().await?;
            let done = sqlx::query(
                "UPDATE organisations SET setup_finished_at = $1
                 WHERE id = $2 AND setup_finished_at IS NULL",
            )
            .bind(now)
            .bind(session.org.0)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() > 0 {
                sqlx::query("DELETE FROM setup_drafts WHERE org_id = $1")
                    .bind(session.org.0)
                    .execute(&mut *tx)
                    .await?;
                audit::by(&mut tx, session, Action::SetupFinished, "", now).await?;
            }
            tx.commit().await?;
            Ok(DONE_PATH.to_owned())
        }
        None => Err(AppError::NotFound),
    }
}
