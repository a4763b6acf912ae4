//! Server functions for unlicensed users: people who signed up on their own with an address in
//! one of the organisation's verified domains, listed for administrators, who add them.

use crate::api::users::LicenceUse;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Someone who signed up on their own and waits for the organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlicensedPerson {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// The day they signed up, `YYYY-MM-DD` (UTC).
    pub signed_up_on: String,
    /// The address already belongs to someone of the organisation: they cannot be added.
    pub taken: bool,
}

/// The page: who waits, and the services they can be given with the licences left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlicensedList {
    pub people: Vec<UnlicensedPerson>,
    pub licences: Vec<LicenceUse>,
    /// Whether the viewer may add people (user administrators and up).
    pub can_add: bool,
}

/// Who was added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedOutcome {
    pub added: Vec<String>,
}

#[server(prefix = "/api", endpoint = "unlicensed/list")]
pub async fn list_unlicensed() -> Result<UnlicensedList, AppError> {
    use crate::domain::Role;
    use crate::server::{require, unlicensed, users};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    Ok(UnlicensedList {
        people: unlicensed::list(&state, session.org).await?,
        licences: users::licence_use(&state, session.org).await?,
        can_add: session.role.at_least(Role::UserAdmin),
    })
}

/// How many wait, for the link on the Users page.
#[server(prefix = "/api", endpoint = "unlicensed/count")]
pub async fn unlicensed_count() -> Result<i64, AppError> {
    use crate::domain::Role;
    use crate::server::{require, unlicensed};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    unlicensed::count(&state, session.org).await
}

/// Adds people to the organisation with the ticked services: one (`row`, from a row's button),
/// the ticked `ids`, or with `scope` = `all` everyone listed. A plain form post comes back to
/// the page with the count in the address.
#[server(prefix = "/api", endpoint = "unlicensed/add")]
pub async fn add_unlicensed(
    ids: Option<Vec<i64>>,
    row: Option<String>,
    scope: Option<String>,
    messaging: Option<String>,
    meetings: Option<String>,
    calling: Option<String>,
) -> Result<AddedOutcome, AppError> {
    use crate::domain::{Role, Service};
    use crate::locales::use_locale;
    use crate::server::auth::request;
    use crate::server::unlicensed::{self, Chosen};
    use crate::server::{now, require};
    let (state, session) = require(Role::UserAdmin).await?;
    let chosen = Chosen::from_form(row.as_deref(), scope.as_deref(), ids)?;
    let services = Service::ticked(messaging, meetings, calling);
    let outcome =
        unlicensed::convert(&state, &session, chosen, &services, use_locale(), now()).await?;
    if request::is_plain_form_post() {
        leptos_axum::redirect(&format!("/users/unlicensed?added={}", outcome.added.len()));
    }
    Ok(outcome)
}
