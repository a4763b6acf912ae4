//! Server functions for the first-time setup wizard and the Services and Settings tabs: what they
//! show, and saving each form. A wizard form says where to go next (`go`: next or back); the same
//! form on a tab says nothing and comes back to its page.

// A server function takes one argument per form field, so the form posts without JavaScript; the
// calling form has nine, and the macro's generated client function cannot carry an item `allow`.
#![allow(clippy::too_many_arguments)]

use crate::domain::extension_map::Mapping;
use crate::domain::settings::{
    CallingForm, EnterpriseForm, MeetingsSettings, MessagingForm, SetupStep,
};
use crate::domain::Service;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Consecutive pool numbers, shown as one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolRun {
    pub first: String,
    pub last: String,
    pub count: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainView {
    pub id: i64,
    pub name: String,
    /// Where the TXT record goes, and what it must say.
    pub record_name: String,
    pub record_value: String,
    pub verified: bool,
    /// Looked up at least once (and not found, unless verified).
    pub checked: bool,
}

/// A service of the plan: seats bought and seats in use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLine {
    pub service: Service,
    pub seats: u32,
    pub used: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallingView {
    pub form: CallingForm,
    pub pool: Vec<PoolRun>,
}

impl CallingView {
    pub fn pool_size(&self) -> u32 {
        self.pool.iter().map(|r| r.count).sum()
    }
}

/// What mapping the pool's direct lines to extensions would do, or did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingPlan {
    pub length: u32,
    pub create: u32,
    pub already: u32,
    pub conflicts: u32,
    /// The first few that would be created.
    pub sample: Vec<Mapping>,
    /// The conflicts, each with its reason (the first 200).
    pub conflicting: Vec<Mapping>,
}

/// Everything the wizard, Services and Settings show. A service the plan lacks has no settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    pub can_edit: bool,
    pub plan: Vec<PlanLine>,
    pub messaging: Option<MessagingForm>,
    pub meetings: Option<MeetingsSettings>,
    pub calling: Option<CallingView>,
    pub enterprise: EnterpriseForm,
    pub domains: Vec<DomainView>,
}

impl SettingsView {
    pub fn services(&self) -> Vec<Service> {
        self.plan.iter().map(|line| line.service).collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupView {
    /// Where the wizard resumes.
    pub step: SetupStep,
    pub finished: bool,
    pub steps: Vec<SetupStep>,
    /// Saved settings, or what was typed and not saved yet.
    pub settings: SettingsView,
}

/// The wizard's state, for full administrators.
#[server(prefix = "/api", endpoint = "setup/state")]
pub async fn setup_state() -> Result<SetupView, AppError> {
    use crate::domain::Role;
    use crate::server::{require, settings::setup};
    let (state, session) = require(Role::FullAdmin).await?;
    setup::view(&state, &session).await
}

/// The saved settings, for every administrator (read-only ones cannot change them).
#[server(prefix = "/api", endpoint = "settings/view")]
pub async fn load_settings() -> Result<SettingsView, AppError> {
    use crate::domain::Role;
    use crate::server::{require, settings};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    settings::view(&state, &session, false).await
}

/// Leaves the plan step (there is nothing to save on it).
#[server(prefix = "/api", endpoint = "setup/plan")]
pub async fn leave_plan_step(go: Option<String>) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{require, settings::setup};
    let (state, session) = require(Role::FullAdmin).await?;
    let to = setup::leave_plan(&state, &session, go.as_deref()).await?;
    leptos_axum::redirect(&to);
    Ok(())
}

#[server(prefix = "/api", endpoint = "settings/messaging")]
pub async fn save_messaging(
    file_sharing: Option<String>,
    external_messaging: Option<String>,
    retention_days: String,
    go: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, settings};
    let (state, session) = require(Role::FullAdmin).await?;
    let form = MessagingForm {
        file_sharing,
        external_messaging,
        retention_days,
    };
    let to = settings::save_messaging(&state, &session, form, go.as_deref(), now()).await?;
    leptos_axum::redirect(&to);
    Ok(())
}

#[server(prefix = "/api", endpoint = "settings/meetings")]
pub async fn save_meetings(
    guests_allowed: Option<String>,
    recording_allowed: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, settings};
    let (state, session) = require(Role::FullAdmin).await?;
    let meetings = MeetingsSettings {
        guests_allowed: guests_allowed.is_some(),
        recording_allowed: recording_allowed.is_some(),
    };
    let to = settings::save_meetings(&state, &session, meetings, now()).await?;
    leptos_axum::redirect(&to);
    Ok(())
}

#[server(prefix = "/api", endpoint = "settings/calling")]
pub async fn save_calling(
    location: String,
    time_zone: String,
    extension_length: String,
    extension_first: String,
    extension_last: String,
    numbers: String,
    caller_id: String,
    voicemail_default: Option<String>,
    go: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, settings};
    let (state, session) = require(Role::FullAdmin).await?;
    let form = CallingForm {
        location,
        time_zone,
        extension_length,
        extension_first,
        extension_last,
        numbers,
        caller_id,
        voicemail_default,
    };
    let to = settings::save_calling(&state, &session, form, go.as_deref(), now()).await?;
    leptos_axum::redirect(&to);
    Ok(())
}

/// Answers the organisation's name as saved, for the header to show.
#[server(prefix = "/api", endpoint = "settings/enterprise")]
pub async fn save_enterprise(
    display_name: String,
    default_language: String,
    invitation_days: String,
    go: Option<String>,
) -> Result<String, AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, settings};
    let (state, session) = require(Role::FullAdmin).await?;
    let form = EnterpriseForm {
        display_name,
        default_language,
        invitation_days,
    };
    let (to, name) =
        settings::save_enterprise(&state, &session, form, go.as_deref(), now()).await?;
    leptos_axum::redirect(&to);
    Ok(name)
}

/// Removes a run of numbers from the pool.
#[server(prefix = "/api", endpoint = "settings/remove-numbers")]
pub async fn remove_numbers(first: String, last: String) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, settings};
    let (state, session) = require(Role::FullAdmin).await?;
    settings::remove_numbers(&state, &session, &first, &last, now()).await
}

/// What mapping every pool number to the extension of its last digits would do.
#[server(prefix = "/api", endpoint = "numbers/map-plan")]
pub async fn plan_mapping() -> Result<MappingPlan, AppError> {
    use crate::domain::Role;
    use crate::server::{require, settings::extensions};
    let (state, session) = require(Role::FullAdmin).await?;
    extensions::plan(&state, &session).await
}

/// Maps them; the Calling page then says how many.
#[server(prefix = "/api", endpoint = "numbers/map")]
pub async fn map_extensions() -> Result<MappingPlan, AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, settings::extensions};
    let (state, session) = require(Role::FullAdmin).await?;
    let done = extensions::map(&state, &session, now()).await?;
    leptos_axum::redirect(&format!("/services/calling?mapped={}", done.create));
    Ok(done)
}

/// The organisation's email domains, for every administrator.
#[server(prefix = "/api", endpoint = "domains/list")]
pub async fn list_domains() -> Result<Vec<DomainView>, AppError> {
    use crate::domain::Role;
    use crate::server::{require, settings::domains};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    domains::list(&state, &session).await
}

#[server(prefix = "/api", endpoint = "domains/add")]
pub async fn add_domain(domain: String) -> Result<DomainView, AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, settings::domains};
    let (state, session) = require(Role::FullAdmin).await?;
    domains::add(&state, &session, &domain, now()).await
}

#[server(prefix = "/api", endpoint = "domains/verify")]
pub async fn verify_domain(id: i64) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, settings::domains};
    let (state, session) = require(Role::FullAdmin).await?;
    domains::verify(&state, &session, id, now()).await
}

#[server(prefix = "/api", endpoint = "domains/remove")]
pub async fn remove_domain(id: i64) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, settings::domains};
    let (state, session) = require(Role::FullAdmin).await?;
    domains::remove(&state, &session, id, now()).await
}

/// The last step: Back, or finish (the wizard never starts again).
#[server(prefix = "/api", endpoint = "setup/finish")]
pub async fn finish_setup(go: Option<String>) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, settings::setup};
    let (state, session) = require(Role::FullAdmin).await?;
    let to = setup::finish(&state, &session, go.as_deref(), now()).await?;
    leptos_axum::redirect(&to);
    Ok(())
}
