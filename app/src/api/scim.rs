//! SCIM provisioning tokens: full administrators create them (the text is shown once) and revoke
//! them; any administrator sees which exist.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimToken {
    pub id: i64,
    pub name: String,
    pub created_on: String,
    pub last_used_on: Option<String>,
}

/// Where providers reach the service, and the organisation's live tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provisioning {
    pub base_url: String,
    pub tokens: Vec<ScimToken>,
    /// Whether people added by hand or CSV are refused while a provider is on.
    pub refuse_hand_adds: bool,
}

#[server(prefix = "/api", endpoint = "scim/tokens")]
pub async fn scim_tokens() -> Result<Provisioning, AppError> {
    use crate::domain::Role;
    use crate::server::{require, scim};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    Ok(Provisioning {
        base_url: format!("{}{SCIM_BASE}", state.config.public_url),
        tokens: scim::tokens::list(&state, session.org).await?,
        refuse_hand_adds: scim::tokens::directory(&state, session.org).await?.1,
    })
}

/// A new token named `name`; its text, which is never shown again.
#[server(prefix = "/api", endpoint = "scim/create-token")]
pub async fn create_scim_token(name: String) -> Result<String, AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, scim};
    let (state, session) = require(Role::FullAdmin).await?;
    scim::tokens::create(&state, &session, &name, now()).await
}

#[server(prefix = "/api", endpoint = "scim/revoke-token")]
pub async fn revoke_scim_token(id: i64) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, scim};
    let (state, session) = require(Role::FullAdmin).await?;
    scim::tokens::revoke(&state, &session, id, now()).await?;
    leptos_axum::redirect("/settings?revoked#provisioning");
    Ok(())
}

#[server(prefix = "/api", endpoint = "scim/directory-rule")]
pub async fn set_directory_rule(rule: String) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, scim};
    let (state, session) = require(Role::FullAdmin).await?;
    scim::tokens::set_rule(&state, &session, &rule, now()).await?;
    leptos_axum::redirect("/settings?saved#provisioning");
    Ok(())
}

/// Where identity providers reach the SCIM service, under the portal's address.
pub const SCIM_BASE: &str = "/scim/v2";
