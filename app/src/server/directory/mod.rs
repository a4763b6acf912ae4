//! Directory sync's reading side: the people of an LDAP directory (OpenLDAP, Active Directory),
//! read with paged searches so a large directory comes in pages its server allows, mapped to
//! the fields the portal keeps. Comparing them with the organisation (the dry run) and applying
//! the differences build on this.

pub mod ldap;
pub mod plan;

use crate::domain::{OrgId, Role, UserStatus};
use crate::server::AppState;
use plan::{Known, SyncPlan};

/// Reads the directory and says what a sync of organisation `org` would do, writing nothing.
pub async fn dry_run(
    state: &AppState,
    org: OrgId,
    directory: &ldap::Directory,
) -> Result<(SyncPlan, Vec<String>), DryRunError> {
    let read = ldap::read(directory).await?;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        String,
    )> = sqlx::query_as(
        "SELECT id, email, first_name, last_name, display_name, phone_number, status, role
             FROM users WHERE org_id = $1 ORDER BY id",
    )
    .bind(org.0)
    .fetch_all(state.db.reader())
    .await?;
    let known: Vec<Known> = rows
        .into_iter()
        .map(
            |(id, email, first_name, last_name, display_name, phone, status, role)| Known {
                id,
                email,
                first_name,
                last_name,
                display_name,
                phone,
                status: UserStatus::from_db(&status).unwrap_or(UserStatus::Active),
                role: Role::from_db(&role).unwrap_or(Role::User),
            },
        )
        .collect();
    Ok((plan::plan(read.people, &known), read.without_address))
}

#[derive(Debug, thiserror::Error)]
pub enum DryRunError {
    #[error(transparent)]
    Directory(#[from] ldap::DirectoryError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}
