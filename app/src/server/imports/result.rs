//! The result file of an import: every row of the file as it was, with what became of it and why.

use super::file::{csv_line, refused};
use crate::domain::OrgId;
use crate::error::AppError;
use crate::import::csv::{inert, Encoding, Reader};
use crate::locales::{Key, Locale};
use crate::server::AppState;
use std::collections::HashMap;

fn outcome_label(outcome: Option<&str>) -> Key {
    match outcome {
        Some("created") => Key::ImportOutcomeCreated,
        Some("updated") => Key::ImportOutcomeUpdated,
        Some("unchanged") => Key::ImportOutcomeUnchanged,
        Some("failed") => Key::ImportOutcomeFailed,
        _ => Key::ImportOutcomeNotDone,
    }
}

/// The file name and the CSV text (UTF-8 with a BOM, so spreadsheets read it right) of import
/// `id`'s result: the file's rows as they were, each with its outcome and reason.
pub async fn result_csv(
    state: &AppState,
    org: OrgId,
    id: i64,
    locale: Locale,
) -> Result<(String, String), AppError> {
    let (file_name, file, encoding): (String, Vec<u8>, String) = sqlx::query_as(
        "SELECT i.file_name, f.file, i.encoding FROM imports i JOIN import_files f ON f.import_id = i.id
         WHERE i.org_id = $1 AND i.id = $2",
    )
    .bind(org.0)
    .bind(id)
    .fetch_optional(state.db.reader())
    .await?
    .ok_or(AppError::NotFound)?;
    let outcomes: HashMap<i64, (String, Option<String>)> =
        sqlx::query_as("SELECT row_number, outcome, reason FROM import_rows WHERE import_id = $1")
            .bind(id)
            .fetch_all(state.db.reader())
            .await?
            .into_iter()
            .map(|(row, outcome, reason)| (row, (outcome, reason)))
            .collect();
    let body = tokio::task::spawn_blocking(move || {
        write(&file, Encoding::parse(&encoding), &outcomes, locale)
    })
    .await
    .map_err(crate::server::error::internal)??;
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name.as_str(), |(stem, _)| stem);
    Ok((format!("{stem}-result-{id}.csv"), body))
}

fn write(
    file: &[u8],
    encoding: Option<Encoding>,
    outcomes: &HashMap<i64, (String, Option<String>)>,
    locale: Locale,
) -> Result<String, AppError> {
    let mut reader = Reader::open(file, encoding).map_err(|p| refused(&p, locale))?;
    let mut body = String::from("\u{feff}");
    let mut header = reader.headers().to_vec();
    header.extend([
        locale.text(Key::ImportResultRow).to_owned(),
        locale.text(Key::ImportResultOutcome).to_owned(),
        locale.text(Key::ImportResultReason).to_owned(),
    ]);
    body.push_str(&csv_line(&header));
    body.push_str("\r\n");
    loop {
        let records = reader.next_chunk(10_000).map_err(|p| refused(&p, locale))?;
        if records.is_empty() {
            return Ok(body);
        }
        for record in records {
            let (outcome, reason) = outcomes
                .get(&(record.row as i64))
                .map_or((None, None), |(o, r)| (Some(o.as_str()), r.as_deref()));
            let mut cells = record.cells;
            cells.resize(header.len() - 3, String::new());
            cells.extend([
                record.row.to_string(),
                locale.text(outcome_label(outcome)).to_owned(),
                inert(reason.unwrap_or("")).into_owned(),
            ]);
            body.push_str(&csv_line(&cells));
            body.push_str("\r\n");
        }
    }
}
