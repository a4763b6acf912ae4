//! Reading the users table: who may see what is settled by the caller; this adds the counts and
//! the cursors of the pages either side.

use super::auth::sessions::Session;
use super::db::user_table;
use super::{users, AppState};
use crate::api::user_table::{Filter, Sort, UserDetail, UserPage};
use crate::error::AppError;

pub use user_table::Position;

/// One page of the table from `position`, with the counts per status.
pub async fn page(
    state: &AppState,
    viewer: &Session,
    filter: &Filter,
    sort: Sort,
    position: Position,
    now: i64,
) -> Result<UserPage, AppError> {
    let db = state.db.reader();
    let (rows, more) = user_table::page(db, viewer.org, filter, sort, &position, now).await?;
    let counts = user_table::counts(db, viewer.org, now).await?;
    // Coming from a cursor, there are rows on the side we came from; `more` is the other side.
    let (has_previous, has_next) = match position {
        Position::First => (false, more),
        Position::After(_) => (true, more),
        Position::Before(_) => (more, true),
    };
    let cursor = |row| user_table::cursor(sort, row);
    Ok(UserPage {
        next: rows.last().filter(|_| has_next).map(cursor),
        previous: rows.first().filter(|_| has_previous).map(cursor),
        rows,
        counts,
        now,
        viewer: viewer.user_id,
        viewer_role: viewer.role,
    })
}

/// One person of the viewer's organisation; another organisation's people are not found.
pub async fn one(
    state: &AppState,
    viewer: &Session,
    id: i64,
    now: i64,
) -> Result<UserDetail, AppError> {
    let user = user_table::one(state.db.reader(), viewer.org, id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(UserDetail {
        user,
        licences: users::licence_use(state, viewer.org).await?,
        now,
        viewer: viewer.user_id,
        viewer_role: viewer.role,
    })
}
