//! Desk phones: activating one with the code from the calling welcome mail (no sign-in: the code
//! is the proof), and an administrator sending someone a new code.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Whose the phone now is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activated {
    pub name: String,
    pub model: String,
}

/// A person's latest activation code, as their details page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeState {
    pub sent_on: String,
    pub expires_on: String,
    pub used: bool,
    pub expired: bool,
}

/// A phone registered to a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub model: String,
    /// `00:1a:2b:3c:4d:5e`.
    pub mac: String,
    pub activated_on: String,
}

/// The phone sends the code with its model and MAC address (or its owner does, on the activation
/// page). Wrong codes are counted against the caller's address and slowed after a few.
#[server(prefix = "/api", endpoint = "phones/activate")]
pub async fn activate_phone(
    code: String,
    model: String,
    mac: String,
) -> Result<Activated, AppError> {
    use crate::server::auth::request;
    use crate::server::{now, phones, state};
    let state = state()?;
    let client = request::client_address();
    let activated = phones::activate(&state, &code, &model, &mac, &client, now()).await?;
    leptos_axum::redirect("/activate?activated");
    Ok(activated)
}

/// Sends person `id` a new activation code; the codes before it stop working.
#[server(prefix = "/api", endpoint = "phones/new-code")]
pub async fn send_activation_code(id: i64) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, phones, require};
    let (state, session) = require(Role::UserAdmin).await?;
    phones::send_new_code(&state, &session, id, now()).await?;
    leptos_axum::redirect(&format!("/users/{id}?saved=code"));
    Ok(())
}
