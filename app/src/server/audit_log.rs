//! Reading the audit log: pages for the page, and every matching event as CSV, streamed.

use super::AppState;
use crate::api::audit::{AuditPage, AuditRow};
use crate::domain::audit::{action_label, AuditFilter};
use crate::domain::OrgId;
use crate::error::AppError;
use crate::import::csv::inert;
use crate::locales::Locale;
use futures::Stream;
use sqlx::SqlitePool;

const PAGE: i64 = 100;
const EXPORT_PAGE: i64 = 2_000;

/// `%text%` for LIKE, its own characters taken literally, lower-cased as SQLite's `lower()`.
fn like(search: &str) -> String {
    let mut pattern = String::from("%");
    for c in search.to_ascii_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// `2026-11-27 21:04`, in UTC.
fn when(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .map(|t| format!("{} {:02}:{:02}", t.date(), t.hour(), t.minute()))
        .unwrap_or_default()
}

/// Up to `limit` events before event `before`, newest first, with their ids.
async fn events(
    db: &SqlitePool,
    org: OrgId,
    filter: &AuditFilter,
    before: i64,
    limit: i64,
) -> Result<Vec<(i64, AuditRow)>, sqlx::Error> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        i64,
        i64,
        Option<i64>,
        Option<String>,
        String,
        String,
        Option<String>,
    )> = sqlx::query_as(
        "SELECT e.id, e.at, e.actor_user_id, COALESCE(u.display_name, u.email), e.action,
                    e.detail, e.client_address
             FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id AND u.org_id = e.org_id
             WHERE e.org_id = $1 AND e.id < $2 AND ($3 = '' OR e.action = $3)
               AND e.at >= $4 AND e.at < $5
               AND ($6 = '%%' OR lower(u.email) LIKE $6 ESCAPE '\\'
                    OR lower(u.display_name) LIKE $6 ESCAPE '\\')
             ORDER BY e.id DESC LIMIT $7",
    )
    .bind(org.0)
    .bind(before)
    .bind(&filter.action)
    .bind(filter.from.unwrap_or(i64::MIN))
    .bind(filter.until.unwrap_or(i64::MAX))
    .bind(like(&filter.actor))
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, at, actor, name, action, detail, client)| {
            let actor = actor.map(|id| (id, name.unwrap_or_default()));
            (
                id,
                AuditRow {
                    at: when(at),
                    actor,
                    action,
                    detail,
                    client,
                },
            )
        })
        .collect())
}

pub async fn page(
    state: &AppState,
    org: OrgId,
    filter: &AuditFilter,
    before: Option<i64>,
) -> Result<AuditPage, AppError> {
    let mut rows = events(
        state.db.reader(),
        org,
        filter,
        before.unwrap_or(i64::MAX),
        PAGE + 1,
    )
    .await?;
    let older = (rows.len() as i64 > PAGE).then(|| rows[PAGE as usize - 1].0);
    rows.truncate(PAGE as usize);
    Ok(AuditPage {
        rows: rows.into_iter().map(|(_, row)| row).collect(),
        older,
    })
}

/// One CSV line; cells a spreadsheet would run as a formula are made inert.
fn line(cells: &[&str]) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let cells: Vec<_> = cells.iter().map(|c| inert(c)).collect();
    let _ = writer.write_record(cells.iter().map(|c| c.as_ref()));
    writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

/// Every event the filter matches, newest first, as CSV (UTF-8 with a BOM for spreadsheets),
/// with the actions named in `locale`.
pub fn csv(
    state: AppState,
    org: OrgId,
    filter: AuditFilter,
    locale: Locale,
) -> impl Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    let start = (state, filter, Some(i64::MAX), true);
    futures::stream::try_unfold(start, move |(state, filter, before, first)| async move {
        let Some(before) = before else {
            return Ok(None);
        };
        let page = events(state.db.reader(), org, &filter, before, EXPORT_PAGE)
            .await
            .map_err(std::io::Error::other)?;
        let mut text = String::new();
        if first {
            text.push('\u{feff}');
            text.push_str(&line(&[
                "time_utc",
                "actor",
                "action",
                "action_name",
                "detail",
                "client_address",
            ]));
        }
        for (_, row) in &page {
            let name = action_label(&row.action)
                .map(|key| locale.text(key))
                .unwrap_or("");
            let actor = row
                .actor
                .as_ref()
                .map(|(_, name)| name.as_str())
                .unwrap_or("");
            text.push_str(&line(&[
                &row.at,
                actor,
                &row.action,
                name,
                &row.detail,
                row.client.as_deref().unwrap_or(""),
            ]));
        }
        let next = (page.len() as i64 == EXPORT_PAGE).then(|| page.last().map(|(id, _)| *id));
        if text.is_empty() {
            return Ok(None);
        }
        Ok(Some((
            text.into_bytes(),
            (state, filter, next.flatten(), false),
        )))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_made_inert() {
        assert_eq!(
            line(&["a", "b,c", "=HYPERLINK(\"x\")"]),
            "a,\"b,c\",\"'=HYPERLINK(\"\"x\"\")\"\r\n"
        );
        assert_eq!(like("50%_a\\"), "%50\\%\\_a\\\\%");
        assert_eq!(when(1_795_737_600 + 3_600 + 240), "2026-11-27 01:04");
    }
}
