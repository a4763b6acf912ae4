//! The organisation at a glance: its name, licence use, people by status, invitations, the latest
//! imports, and what is left to set up.

use crate::api::imports::ImportSummary;
use crate::api::settings::PlanLine;
use crate::error::AppError;
use crate::locales::Key;
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

/// A setup task on the Overview's checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Task {
    FinishSetup,
    VerifyDomain,
    AddNumbers,
    AddPeople,
    SecondAdministrator,
}

impl Task {
    pub fn label(self) -> Key {
        match self {
            Task::FinishSetup => Key::TaskFinishSetup,
            Task::VerifyDomain => Key::TaskVerifyDomain,
            Task::AddNumbers => Key::TaskAddNumbers,
            Task::AddPeople => Key::TaskAddPeople,
            Task::SecondAdministrator => Key::TaskSecondAdministrator,
        }
    }

    /// Where the task is done.
    pub fn path(self) -> &'static str {
        match self {
            Task::FinishSetup => "/setup",
            Task::VerifyDomain => "/settings",
            Task::AddNumbers => "/services/calling",
            Task::AddPeople => "/users?add#add-people",
            Task::SecondAdministrator => "/users#add-admin-title",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub org_name: String,
    /// The day the organisation was created, `YYYY-MM-DD`.
    pub created_on: String,
    pub users: UserCounts,
    pub plan: Vec<PlanLine>,
    /// Invitations whose mail could not be delivered.
    pub invitations_failing: i64,
    /// The three latest imports.
    pub imports: Vec<ImportSummary>,
    pub checklist: Vec<(Task, bool)>,
    /// The portal's address, to bookmark.
    pub portal_url: String,
    pub now: i64,
}

/// The Overview page's data, for the signed-in administrator's organisation.
#[server(prefix = "/api", endpoint = "overview")]
pub async fn get_overview() -> Result<Overview, AppError> {
    use crate::domain::Role;
    use crate::server;
    let (state, session) = server::require(Role::ReadOnlyAdmin).await?;
    server::overview::load(&state, session.org).await
}
