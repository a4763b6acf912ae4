//! The audit log as CSV: every event the page's filter matches, streamed.

use crate::imports::{download, refused};
use crate::language::locale_for;
use app::domain::audit::AuditFilter;
use app::domain::Role;
use app::error::AppError;
use app::server::auth::request::require_in;
use app::server::{audit_log, AppState};
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

pub async fn export(
    State(state): State<AppState>,
    Query(query): Query<ExportQuery>,
    headers: HeaderMap,
) -> Response {
    let admin = match require_in(&state, &headers, Role::ReadOnlyAdmin).await {
        Ok(admin) => admin,
        Err(error) => return refused(error),
    };
    let filter = match AuditFilter::parse(&query.actor, &query.action, &query.from, &query.to) {
        Ok(filter) => filter,
        Err(errors) => return refused(AppError::Invalid(errors)),
    };
    let stream = audit_log::csv(state, admin.org, filter, locale_for(&headers));
    download("audit-log.csv", Body::from_stream(stream))
}
