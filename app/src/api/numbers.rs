//! Server functions for a person's direct number and extension: what they have and which numbers
//! are free, assigning (one person per number and per extension, decided in one transaction),
//! and taking them back.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallingLine {
    /// Whether the organisation's plan has calling at all.
    pub plan_has_calling: bool,
    pub number: Option<String>,
    pub extension: Option<String>,
    pub extension_length: u32,
    /// Pool numbers nobody has, in order (the first thousand), to choose from.
    pub free: Vec<String>,
    /// Whether the person has the calling service.
    pub has_calling: bool,
    /// Their latest activation code, and their phones.
    pub code: Option<crate::api::phones::CodeState>,
    pub devices: Vec<crate::api::phones::Device>,
    /// Their own settings (voicemail, forwarding, speed dials, reach), to read.
    pub preferences: Option<crate::domain::self_service::Preferences>,
}

#[server(prefix = "/api", endpoint = "numbers/person")]
pub async fn person_calling(id: i64) -> Result<CallingLine, AppError> {
    use crate::domain::Role;
    use crate::server::{now, numbers, require};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    numbers::person(&state, &session, id, now()).await
}

#[server(prefix = "/api", endpoint = "numbers/assign")]
pub async fn assign_number(id: i64, number: String, extension: String) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, numbers, require};
    let (state, session) = require(Role::UserAdmin).await?;
    numbers::assign(&state, &session, id, &number, &extension, now()).await?;
    leptos_axum::redirect(&format!("/users/{id}?saved=calling"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "numbers/unassign")]
pub async fn unassign_number(id: i64) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, numbers, require};
    let (state, session) = require(Role::UserAdmin).await?;
    numbers::unassign(&state, &session, id, now()).await?;
    leptos_axum::redirect(&format!("/users/{id}?saved=calling"));
    Ok(())
}

/// A pool number: its extension, and who has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolRow {
    pub number: String,
    pub extension: Option<String>,
    /// The person with the number: id and name.
    pub holder: Option<(i64, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumbersView {
    pub extension_length: u32,
    pub extension_first: String,
    pub extension_last: String,
    pub total: i64,
    pub free: i64,
    /// The numbers the search finds, in order (the first 500).
    pub rows: Vec<PoolRow>,
    pub more: bool,
}

/// The Numbers page: the pool, free or whose, searched by number, extension or person.
#[server(prefix = "/api", endpoint = "numbers/list")]
pub async fn list_numbers(q: String) -> Result<NumbersView, AppError> {
    use crate::domain::Role;
    use crate::server::{numbers, require};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    numbers::list(&state, &session, &q).await
}

/// Adds single numbers and ranges (typed, or read from a CSV into the box) to the pool; how many
/// were new. Nothing is added when any line is wrong or another organisation holds a number.
#[server(prefix = "/api", endpoint = "numbers/add")]
pub async fn add_numbers(numbers: String) -> Result<u64, AppError> {
    use crate::domain::Role;
    use crate::server::{now, numbers, require};
    let (state, session) = require(Role::FullAdmin).await?;
    let added = numbers::add(&state, &session, &numbers, now()).await?;
    leptos_axum::redirect(&format!("/numbers?added={added}"));
    Ok(added)
}
