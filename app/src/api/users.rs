//! Server functions for the people of an organisation: adding them by paste, and the licences
//! left for the services they get.

use crate::domain::Service;
use crate::error::AppError;
use crate::import::paste::Invalid;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a submit of the paste box did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddOutcome {
    /// New users, each Invite pending with an invitation queued.
    pub added: usize,
    /// Addresses that already belong to users of the organisation: skipped.
    pub already_users: Vec<String>,
    /// Addresses given twice in the paste: the second time is ignored.
    pub duplicates: usize,
    /// Lines that could not be read, with why.
    pub invalid: Vec<Invalid>,
    /// The invalid lines as typed, to put back in the box.
    pub lines_to_fix: String,
    /// The key for the form's next submit.
    pub next_submission: String,
}

/// What the add-people form needs: the licences left, and a fresh submission key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddPeopleSetup {
    pub licences: Vec<LicenceUse>,
    pub submission: String,
    /// Everyone in the organisation: with only the administrator, the form starts open.
    pub people: i64,
}

/// Seats of one service in the plan, and how many are taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceUse {
    pub service: Service,
    pub seats: i64,
    pub used: i64,
}

impl LicenceUse {
    pub fn left(&self) -> i64 {
        (self.seats - self.used).max(0)
    }
}

#[server(prefix = "/api", endpoint = "users/add-form")]
pub async fn add_form() -> Result<AddPeopleSetup, AppError> {
    use crate::domain::Role;
    use crate::server::{auth::tokens, require, users};
    let (state, session) = require(Role::FullAdmin).await?;
    Ok(AddPeopleSetup {
        licences: users::licence_use(&state, session.org).await?,
        submission: tokens::generate().raw,
        people: users::people(&state, session.org).await?,
    })
}

/// Adds the pasted people with the chosen services. `submission` is a random key the form
/// carries, so a double click or a retried request adds nothing twice.
#[server(prefix = "/api", endpoint = "users/add")]
pub async fn add_users(
    text: String,
    submission: String,
    messaging: Option<String>,
    meetings: Option<String>,
    calling: Option<String>,
) -> Result<AddOutcome, AppError> {
    use crate::domain::Role;
    use crate::locales::use_locale;
    use crate::server::{auth::request, require, users};
    let (state, session) = require(Role::FullAdmin).await?;
    let services = Service::ticked(messaging, meetings, calling);
    let outcome = users::add_pasted(
        &state,
        &session,
        &text,
        &services,
        &submission,
        use_locale(),
    )
    .await?;
    // A plain form post (no JavaScript) loses the answer on its way back to the form, so the
    // counts ride along in the address.
    if request::is_plain_form_post() {
        leptos_axum::redirect(&format!(
            "/users?added={}&skipped={}&invalid={}",
            outcome.added,
            outcome.already_users.len(),
            outcome.invalid.len()
        ));
    }
    Ok(outcome)
}
