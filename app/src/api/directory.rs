//! Directory sync: the configuration (any administrator reads it; full administrators save,
//! remove, try and run it), the dry run, and the syncs with their progress.
#![allow(clippy::too_many_arguments)]

use crate::domain::directory::DirectoryForm;
use crate::domain::Service;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One sync, running or finished.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncView {
    pub id: i64,
    /// `running`, `done` or `failed`.
    pub state: String,
    pub scheduled: bool,
    /// Who started it by hand.
    pub by: Option<String>,
    pub total: i64,
    pub done: i64,
    pub added: i64,
    pub updated: i64,
    pub reactivated: i64,
    pub deactivated: i64,
    pub error: Option<String>,
    pub started_at: i64,
    pub finished_at: Option<i64>,
}

/// The Directory page: the configuration as stored (never its password), the plan's services,
/// and the latest syncs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryView {
    pub form: DirectoryForm,
    pub configured: bool,
    pub can_edit: bool,
    pub services: Vec<Service>,
    pub next_run_at: Option<i64>,
    pub syncs: Vec<SyncView>,
    pub now: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedPerson {
    pub email: String,
    pub name: Option<String>,
    pub services: Vec<Service>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedUpdate {
    pub email: String,
    /// `first_name`, `last_name`, `display_name`, `phone`, `services`.
    pub fields: Vec<String>,
}

/// A service the sync would need more seats of than the plan has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub service: Service,
    pub needed: i64,
    pub seats: i64,
}

/// What a sync would do now. The counts are whole; the lists show the first 200 of each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DryRun {
    /// People the directory holds (with an address).
    pub read: usize,
    /// The directory answered with nobody, and people would be deactivated: not applied.
    pub looks_wrong: bool,
    pub added: usize,
    pub updated: usize,
    pub reactivated: usize,
    pub deactivated: usize,
    pub unchanged: usize,
    pub add: Vec<PlannedPerson>,
    pub update: Vec<PlannedUpdate>,
    pub reactivate: Vec<String>,
    pub deactivate: Vec<String>,
    pub kept_admins: Vec<String>,
    pub duplicates: Vec<String>,
    pub without_address: Vec<String>,
    pub without_address_count: usize,
    pub shortfalls: Vec<Shortfall>,
}

impl DryRun {
    pub fn changes(&self) -> usize {
        self.added + self.updated + self.reactivated + self.deactivated
    }
}

#[server(prefix = "/api", endpoint = "directory/settings")]
pub async fn directory_settings() -> Result<DirectoryView, AppError> {
    use crate::domain::Role;
    use crate::server::{directory, now, require};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    let stored = directory::config::load(&state, session.org).await?;
    let plan = crate::server::settings::plan(state.db.reader(), session.org).await?;
    Ok(DirectoryView {
        configured: stored.is_some(),
        next_run_at: stored.as_ref().and_then(|s| s.next_run_at),
        form: stored.map_or_else(DirectoryForm::new_defaults, |s| s.form),
        can_edit: session.role == Role::FullAdmin,
        services: plan.iter().map(|line| line.service).collect(),
        syncs: directory::apply::list(&state, session.org).await?,
        now: now(),
    })
}

/// Saves the configuration; an empty password keeps the stored one.
#[server(prefix = "/api", endpoint = "directory/save")]
pub async fn save_directory(
    url: String,
    bind_dn: String,
    password: String,
    base_dn: String,
    filter: String,
    attribute_email: String,
    attribute_first_name: String,
    attribute_last_name: String,
    attribute_display_name: String,
    attribute_phone: String,
    everyone_messaging: Option<String>,
    everyone_meetings: Option<String>,
    everyone_calling: Option<String>,
    groups_messaging: Option<String>,
    groups_meetings: Option<String>,
    groups_calling: Option<String>,
    schedule: String,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{directory, now, require};
    let (state, session) = require(Role::FullAdmin).await?;
    let everyone = Service::ticked(everyone_messaging, everyone_meetings, everyone_calling);
    let groups = [
        (Service::Messaging, groups_messaging),
        (Service::Meetings, groups_meetings),
        (Service::Calling, groups_calling),
    ]
    .into_iter()
    .filter_map(|(service, text)| text.map(|t| (service, t)))
    .collect();
    let form = DirectoryForm {
        url,
        bind_dn,
        password,
        base_dn,
        filter,
        attribute_email,
        attribute_first_name,
        attribute_last_name,
        attribute_display_name,
        attribute_phone,
        everyone,
        groups,
        schedule,
    };
    directory::config::save(&state, &session, &form, now()).await?;
    leptos_axum::redirect("/users/directory?saved");
    Ok(())
}

/// Forgets the configuration; the syncs stay in the history.
#[server(prefix = "/api", endpoint = "directory/remove")]
pub async fn remove_directory() -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{directory, now, require};
    let (state, session) = require(Role::FullAdmin).await?;
    directory::config::remove(&state, &session, now()).await?;
    leptos_axum::redirect("/users/directory?removed");
    Ok(())
}

/// Reads the directory and says what a sync would do, writing nothing.
#[server(prefix = "/api", endpoint = "directory/dry-run")]
pub async fn directory_dry_run() -> Result<DryRun, AppError> {
    use crate::domain::Role;
    use crate::server::{directory, require};
    let (state, session) = require(Role::FullAdmin).await?;
    directory::dry_run(&state, session.org).await
}

/// Starts a sync; its id. The page follows it through `directory_syncs`.
#[server(prefix = "/api", endpoint = "directory/sync")]
pub async fn start_directory_sync() -> Result<i64, AppError> {
    use crate::domain::Role;
    use crate::locales::use_locale;
    use crate::server::{directory, now, require};
    let (state, session) = require(Role::FullAdmin).await?;
    let id = directory::apply::start(&state, &session, false, use_locale(), now()).await?;
    leptos_axum::redirect("/users/directory?started#syncs");
    Ok(id)
}

/// The latest syncs, newest first, and the time now (for "5 minutes ago").
#[server(prefix = "/api", endpoint = "directory/syncs")]
pub async fn directory_syncs() -> Result<(Vec<SyncView>, i64), AppError> {
    use crate::domain::Role;
    use crate::server::{directory, now, require};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    Ok((directory::apply::list(&state, session.org).await?, now()))
}
