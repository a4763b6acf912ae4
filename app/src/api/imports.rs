//! Server functions of CSV imports: what the preview asks of the organisation, the history of
//! imports, one import's progress, cancelling, and undoing. The file itself is uploaded as a raw
//! body to `UPLOAD_PATH` (a server function would copy it through a form encoding).

use crate::error::AppError;
use crate::import::csv::Existing;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where the browser posts the file: `?name=&encoding=&mapping=&update=&services=`.
pub const UPLOAD_PATH: &str = "/api/imports/upload";
/// The most addresses one `known` call may ask about.
pub const KNOWN_BATCH: usize = 5_000;

/// Where the result file of import `id` is downloaded.
pub fn result_path(id: i64) -> String {
    format!("/api/imports/{id}/result.csv")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportState {
    Running,
    /// Asked to stop: it will at the end of the batch in hand.
    Cancelling,
    Cancelled,
    Done,
    Undone,
}

impl ImportState {
    pub const ALL: [ImportState; 5] = [
        ImportState::Running,
        ImportState::Cancelling,
        ImportState::Cancelled,
        ImportState::Done,
        ImportState::Undone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportState::Running => "running",
            ImportState::Cancelling => "cancelling",
            ImportState::Cancelled => "cancelled",
            ImportState::Done => "done",
            ImportState::Undone => "undone",
        }
    }

    pub fn from_db(value: &str) -> Option<ImportState> {
        ImportState::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn is_finished(self) -> bool {
        !matches!(self, ImportState::Running | ImportState::Cancelling)
    }
}

/// One import as the history and the progress page show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: i64,
    pub file_name: String,
    pub started_by: String,
    pub created_at: i64,
    pub state: ImportState,
    pub total: i64,
    pub done: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub failed: i64,
    /// Rows per second so far, once there is something to measure.
    pub rate: Option<f64>,
    /// Seconds until done at that rate, while it runs.
    pub seconds_left: Option<i64>,
    pub finished_at: Option<i64>,
    pub undone_at: Option<i64>,
}

/// What undoing an import does (asked first, then done).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoPlan {
    /// People the import created who have not accepted their invitation: removed.
    pub remove: i64,
    /// People the import created who have accepted since: kept.
    pub keep: i64,
    /// People the import changed: their names, services, numbers and language put back.
    pub restore: i64,
    /// Invitations not sent yet: cancelled.
    pub mails: i64,
}

/// The people of the organisation among `emails`, as they are now: the preview tells new from
/// updated and unchanged with them. At most `KNOWN_BATCH` per call.
#[server(prefix = "/api", endpoint = "imports/known")]
pub async fn known(emails: Vec<String>) -> Result<Vec<Existing>, AppError> {
    use crate::domain::Role;
    use crate::server::{imports, require};
    let (state, session) = require(Role::FullAdmin).await?;
    imports::known(&state, session.org, &emails).await
}

/// The organisation's imports, newest first, and the server's clock to say how long ago.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportHistory {
    pub now: i64,
    pub imports: Vec<ImportSummary>,
}

#[server(prefix = "/api", endpoint = "imports/list")]
pub async fn list() -> Result<ImportHistory, AppError> {
    use crate::domain::Role;
    use crate::server::{imports, now, require};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    Ok(ImportHistory {
        now: now(),
        imports: imports::list(&state, session.org).await?,
    })
}

/// One import's progress, and whether the asker may cancel or undo it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub summary: ImportSummary,
    pub can_change: bool,
}

#[server(prefix = "/api", endpoint = "imports/get")]
pub async fn get(id: i64) -> Result<ImportProgress, AppError> {
    use crate::domain::Role;
    use crate::server::{imports, require};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    Ok(ImportProgress {
        summary: imports::summary(&state, session.org, id).await?,
        can_change: session.role.at_least(Role::FullAdmin),
    })
}

/// Asks a running import to stop at the end of the batch in hand.
#[server(prefix = "/api", endpoint = "imports/cancel")]
pub async fn cancel(id: i64) -> Result<ImportSummary, AppError> {
    use crate::domain::Role;
    use crate::server::{imports, require};
    let (state, session) = require(Role::FullAdmin).await?;
    imports::cancel(&state, &session, id).await
}

/// What undoing import `id` would do; nothing is changed.
#[server(prefix = "/api", endpoint = "imports/undo-plan")]
pub async fn plan_undo(id: i64) -> Result<UndoPlan, AppError> {
    use crate::domain::Role;
    use crate::server::{imports, require};
    let (state, session) = require(Role::FullAdmin).await?;
    imports::undo_plan(&state, session.org, id).await
}

/// Undoes import `id`; what was done.
#[server(prefix = "/api", endpoint = "imports/undo")]
pub async fn undo(id: i64) -> Result<UndoPlan, AppError> {
    use crate::domain::Role;
    use crate::server::{imports, require};
    let (state, session) = require(Role::FullAdmin).await?;
    imports::undo(&state, &session, id).await
}
