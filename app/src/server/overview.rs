//! The organisation at a glance: what the Overview page and the header show.

use super::{db, AppState};
use crate::api::overview::{Overview, UserCounts};
use crate::domain::{OrgId, UserStatus};
use crate::error::AppError;

pub async fn load(state: &AppState, org: OrgId) -> Result<Overview, AppError> {
    let row = db::organisations::find(state.db.reader(), org)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut users = UserCounts::default();
    for (status, count) in db::users::count_by_status(state.db.reader(), org).await? {
        match status {
            UserStatus::Active => users.active = count,
            UserStatus::InvitePending => users.invite_pending = count,
            UserStatus::Expired => users.expired = count,
            UserStatus::Deactivated => users.deactivated = count,
        }
    }
    let created_on = time::OffsetDateTime::from_unix_timestamp(row.created_at)
        .map(|t| t.date().to_string())
        .unwrap_or_default();
    Ok(Overview {
        org_name: row.name,
        created_on,
        users,
    })
}
