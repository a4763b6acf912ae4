//! The organisation at a glance: its name and how many people are in each status.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCounts {
    pub active: i64,
    pub invite_pending: i64,
    pub expired: i64,
    pub deactivated: i64,
}

impl UserCounts {
    pub fn total(&self) -> i64 {
        self.active + self.invite_pending + self.expired + self.deactivated
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub org_name: String,
    /// The day the organisation was created, `YYYY-MM-DD`.
    pub created_on: String,
    pub users: UserCounts,
}

/// The Overview page's data, for the signed-in administrator's organisation.
#[server(prefix = "/api", endpoint = "overview")]
pub async fn get_overview() -> Result<Overview, AppError> {
    use crate::domain::Role;
    use crate::server;
    let (state, session) = server::require(Role::ReadOnlyAdmin).await?;
    server::overview::load(&state, session.org).await
}
