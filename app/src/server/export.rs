//! The export of people as CSV in the import template's format, read and sent page by page so a
//! large organisation streams rather than sits in memory.

use super::db::user_table;
use super::{now, AppState};
use crate::api::user_table::Filter;
use crate::domain::OrgId;
use crate::import::csv;
use futures::Stream;

/// People read per page of the export.
const PAGE: i64 = 2_000;

/// The CSV (UTF-8 with a BOM, so spreadsheets read it right) of everyone `filter` matches.
pub fn users_csv(
    state: AppState,
    org: OrgId,
    filter: Filter,
) -> impl Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    let start = (state, filter, Some(0i64), true);
    futures::stream::try_unfold(start, move |(state, filter, after, first)| async move {
        let Some(after) = after else {
            return Ok(None);
        };
        let page = user_table::export_page(state.db.reader(), org, &filter, after, PAGE, now())
            .await
            .map_err(std::io::Error::other)?;
        let mut text = String::new();
        if first {
            text.push('\u{feff}');
            text.push_str(&csv::export_header());
        }
        for (_, person) in &page {
            text.push_str(&csv::export_line(person));
        }
        let next = if page.len() < PAGE as usize {
            None
        } else {
            page.last().map(|(id, _)| *id)
        };
        if text.is_empty() {
            return Ok(None);
        }
        Ok(Some((text.into_bytes(), (state, filter, next, false))))
    })
}
