//! The result file of an import: every row of the file as it was, with what became of it and why.

use super::csv_line;
use crate::domain::OrgId;
use crate::error::AppError;
use crate::locales::{Key, Locale};
use crate::server::AppState;
use futures::TryStreamExt;

fn outcome_label(outcome: Option<&str>) -> Key {
    match outcome {
        Some("created") => Key::ImportOutcomeCreated,
        Some("updated") => Key::ImportOutcomeUpdated,
        Some("unchanged") => Key::ImportOutcomeUnchanged,
        Some("failed") => Key::ImportOutcomeFailed,
        _ => Key::ImportOutcomeNotDone,
    }
}

/// A cell a spreadsheet would run as a formula, made plain text.
fn inert(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The file name and the CSV text (UTF-8 with a BOM, so spreadsheets read it right) of import
/// `id`'s result.
pub async fn result_csv(
    state: &AppState,
    org: OrgId,
    id: i64,
    locale: Locale,
) -> Result<(String, String), AppError> {
    let (file_name, header): (String, String) =
        sqlx::query_as("SELECT file_name, header FROM imports WHERE org_id = $1 AND id = $2")
            .bind(org.0)
            .bind(id)
            .fetch_optional(state.db.reader())
            .await?
            .ok_or(AppError::NotFound)?;
    let mut body = String::from("\u{feff}");
    body.push_str(&header);
    body.push(',');
    body.push_str(&csv_line(&[
        locale.text(Key::ImportResultRow).to_owned(),
        locale.text(Key::ImportResultOutcome).to_owned(),
        locale.text(Key::ImportResultReason).to_owned(),
    ]));
    body.push_str("\r\n");
    let mut rows = sqlx::query_as::<_, (i64, String, Option<String>, Option<String>)>(
        "SELECT row_number, source, outcome, reason FROM import_rows WHERE import_id = $1 ORDER BY row_number",
    )
    .bind(id)
    .fetch(state.db.reader());
    while let Some((row, source, outcome, reason)) = rows.try_next().await? {
        body.push_str(&source);
        body.push(',');
        body.push_str(&csv_line(&[
            row.to_string(),
            locale.text(outcome_label(outcome.as_deref())).to_owned(),
            inert(reason.as_deref().unwrap_or("")),
        ]));
        body.push_str("\r\n");
    }
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name.as_str(), |(stem, _)| stem);
    Ok((format!("{stem}-result-{id}.csv"), body))
}
