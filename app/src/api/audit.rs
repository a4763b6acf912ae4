//! The audit log: every organisation's events, newest first, filtered by who, what and when.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One event as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// `2026-11-27 21:04` (UTC).
    pub at: String,
    /// Who acted: their id and name, or none (the provider, or a phone).
    pub actor: Option<(i64, String)>,
    pub action: String,
    pub detail: String,
    pub client: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Where the next, older page starts, when there is one.
    pub older: Option<i64>,
}

/// A page of events (100) matching the filter, before event `before` when given.
#[server(prefix = "/api", endpoint = "audit/list")]
pub async fn audit_log(
    actor: String,
    action: String,
    from: String,
    to: String,
    before: Option<i64>,
) -> Result<AuditPage, AppError> {
    use crate::domain::{audit::AuditFilter, Role};
    use crate::server::{audit_log, require};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    let filter = AuditFilter::parse(&actor, &action, &from, &to).map_err(AppError::Invalid)?;
    audit_log::page(&state, session.org, &filter, before).await
}

/// Where the events the filter matches download as CSV.
pub const EXPORT_PATH: &str = "/api/audit/export.csv";
