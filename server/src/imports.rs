//! The routes of CSV import and export that are not server functions: the file upload (a raw
//! body, up to the import's own size limit), the result file, the export and the template.

use crate::language::locale_for;
use app::api::user_table::Filter;
use app::domain::{Role, Service};
use app::error::AppError;
use app::import::csv::{self, Encoding, FileProblem, Mapping};
use app::server::auth::request::require_in;
use app::server::{export, imports, AppState};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

/// An error as the server functions send theirs, so the page reads both alike.
pub(crate) fn refused(error: AppError) -> Response {
    (error.status(), Json(error)).into_response()
}

/// What the preview chose, in the upload's address.
#[derive(Deserialize)]
pub struct UploadQuery {
    name: String,
    encoding: Option<String>,
    /// The mapping as JSON (`{"columns":[...]}`); absent = guessed from the header.
    mapping: Option<String>,
    update: Option<String>,
    /// Default services for new people, comma-separated.
    services: Option<String>,
}

#[derive(serde::Serialize)]
struct Started {
    id: i64,
}

/// Takes the file, checks it, and starts its import: `{"id": n}`.
pub async fn upload(
    State(state): State<AppState>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let locale = locale_for(&headers);
    let admin = match require_in(&state, &headers, Role::FullAdmin).await {
        Ok(admin) => admin,
        Err(error) => return refused(error),
    };
    let too_large = |bytes: u64| {
        let problem = FileProblem::TooLarge { bytes };
        refused(AppError::Invalid(vec![app::error::FieldError {
            field: "file".to_owned(),
            reason: app::locales::Key::ImportFileRefused,
            args: vec![("problem".to_owned(), problem.message(locale))],
        }]))
    };
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(length) = declared.filter(|l| *l > csv::MAX_BYTES as u64) {
        return too_large(length);
    }
    let bytes: Bytes = match axum::body::to_bytes(body, csv::MAX_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return too_large(csv::MAX_BYTES as u64 + 1),
    };
    let mapping = match query.mapping.as_deref().filter(|m| !m.is_empty()) {
        None => None,
        Some(json) => match serde_json::from_str::<Mapping>(json) {
            Ok(mapping) => Some(mapping),
            Err(_) => {
                return refused(AppError::invalid(
                    "mapping",
                    app::locales::Key::ImportMappingStale,
                ))
            }
        },
    };
    let upload = imports::Upload {
        file_name: query.name,
        encoding: query.encoding.as_deref().and_then(Encoding::parse),
        mapping,
        update_existing: matches!(query.update.as_deref(), Some("1" | "true" | "on")),
        default_services: query
            .services
            .unwrap_or_default()
            .split(',')
            .filter_map(Service::parse)
            .collect(),
    };
    match imports::start(&state, &admin, upload, Vec::from(bytes), locale).await {
        Ok(id) => Json(Started { id }).into_response(),
        Err(error) => refused(error),
    }
}

/// A CSV download named `file_name`.
pub(crate) fn download(file_name: &str, body: Body) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"");
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    response
}

/// The result file of an import: every row with its outcome and reason.
pub async fn result(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let locale = locale_for(&headers);
    let admin = match require_in(&state, &headers, Role::ReadOnlyAdmin).await {
        Ok(admin) => admin,
        Err(error) => return refused(error),
    };
    match imports::result_csv(&state, admin.org, id, locale).await {
        Ok((name, text)) => download(&name, Body::from(text)),
        Err(error) => refused(error),
    }
}

#[derive(Deserialize)]
pub struct ExportQuery {
    q: Option<String>,
    status: Option<String>,
    service: Option<String>,
}

/// Everyone, or those the table's filter matches, as CSV in the template's format, streamed.
pub async fn export(
    State(state): State<AppState>,
    Query(query): Query<ExportQuery>,
    headers: HeaderMap,
) -> Response {
    let admin = match require_in(&state, &headers, Role::ReadOnlyAdmin).await {
        Ok(admin) => admin,
        Err(error) => return refused(error),
    };
    let filter = Filter::from_query(
        query.q.as_deref(),
        query.status.as_deref(),
        query.service.as_deref(),
    );
    let stream = export::users_csv(state, admin.org, filter);
    download("users.csv", Body::from_stream(stream))
}

/// The template to fill in: the columns an import reads, with example rows.
pub async fn template() -> Response {
    download(
        "switchboard-users-template.csv",
        Body::from(csv::template()),
    )
}
