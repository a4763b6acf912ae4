//! Provisioning organisations (the command line now; the operator endpoint later).

use super::{db, now, AppState};
use crate::domain::{Email, OrgId, OrgName, Role};
use crate::error::AppError;
use crate::locales::Key;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedOrganisation {
    pub org: OrgId,
    pub admin_user_id: i64,
}

/// Creates the organisation and its first administrator (invited, not yet signed in) in one
/// transaction. A second organisation with the same name is refused, and nothing is written.
pub async fn create(
    state: &AppState,
    name: &OrgName,
    admin: &Email,
) -> Result<CreatedOrganisation, AppError> {
    let now = now();
    let mut tx = state.db.begin_write().await?;
    let org = db::organisations::insert(&mut tx, name, now)
        .await?
        .ok_or(AppError::Conflict(Key::OrganisationExists))?;
    let admin_user_id =
        db::users::insert_pending(&mut tx, org, admin, Role::FullAdmin, now).await?;
    tx.commit().await?;
    tracing::info!(org = org.0, name = %name, "organisation created");
    Ok(CreatedOrganisation { org, admin_user_id })
}
