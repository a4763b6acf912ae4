//! Server functions that change people: the table's row and bulk actions, services, roles, adding
//! an administrator, and which pasted addresses are already people of the organisation.

use crate::domain::UserStatus;
use crate::error::AppError;
use crate::locales::Key;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the table's actions can do to the people chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Resend,
    Revoke,
    Deactivate,
    Reactivate,
    Delete,
    /// Resend to everyone pending for more than a number of days.
    ResendOlder,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Resend,
        Action::Revoke,
        Action::Deactivate,
        Action::Reactivate,
        Action::Delete,
        Action::ResendOlder,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Resend => "resend",
            Action::Revoke => "revoke",
            Action::Deactivate => "deactivate",
            Action::Reactivate => "reactivate",
            Action::Delete => "delete",
            Action::ResendOlder => "resend-older",
        }
    }

    pub fn parse(value: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == value)
    }

    /// The button's words.
    pub fn label(self) -> Key {
        match self {
            Action::Resend | Action::ResendOlder => Key::ActionResend,
            Action::Revoke => Key::ActionRevoke,
            Action::Deactivate => Key::ActionDeactivate,
            Action::Reactivate => Key::ActionReactivate,
            Action::Delete => Key::ActionDelete,
        }
    }

    /// "Invitations sent to {done}." and the like.
    pub fn done_message(self) -> Key {
        match self {
            Action::Resend | Action::ResendOlder => Key::ActedResend,
            Action::Revoke => Key::ActedRevoke,
            Action::Deactivate => Key::ActedDeactivate,
            Action::Reactivate => Key::ActedReactivate,
            Action::Delete => Key::ActedDelete,
        }
    }

    /// Whether the action means anything for someone in `status`.
    pub fn applies_to(self, status: UserStatus) -> bool {
        match self {
            Action::Resend | Action::ResendOlder => {
                matches!(status, UserStatus::InvitePending | UserStatus::Expired)
            }
            Action::Revoke => status == UserStatus::InvitePending,
            Action::Deactivate => status != UserStatus::Deactivated,
            Action::Reactivate => status == UserStatus::Deactivated,
            Action::Delete => true,
        }
    }
}

/// What an action did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActOutcome {
    pub action: Action,
    /// People the action was carried out for.
    pub done: usize,
    /// People it does not apply to (resending to someone already active), left as they were.
    pub skipped: usize,
    /// People it was refused for, and why (yourself, or an administrator for a user administrator).
    pub refused: Vec<(String, Key)>,
}

/// Carries out `action` for the people chosen: one row (`row` = `action:id`, from a row's
/// button), the ticked `ids`, or with `scope` = `filtered` everyone the table's filter (in
/// `back`) matches.
/// `confirm` = `yes` carries out a delete; `days` is for resending to the long pending. A plain
/// form post comes back to the table at `back` (the table's address after `?`).
#[server(prefix = "/api", endpoint = "users/act")]
pub async fn act_on_users(
    action: Option<String>,
    row: Option<String>,
    ids: Option<Vec<i64>>,
    scope: Option<String>,
    days: Option<String>,
    confirm: Option<String>,
    back: Option<String>,
) -> Result<ActOutcome, AppError> {
    use crate::api::user_table::Filter;
    use crate::domain::Role;
    use crate::locales::use_locale;
    use crate::server::auth::request;
    use crate::server::user_actions::{self, Chosen};
    use crate::server::{now, require};
    let (state, session) = require(Role::UserAdmin).await?;
    let (action, chosen) = match row.as_deref().and_then(|r| r.split_once(':')) {
        Some((action, id)) => (
            action.to_owned(),
            Chosen::Ids(id.parse().map(|id| vec![id]).unwrap_or_default()),
        ),
        None => {
            let action = action.unwrap_or_default();
            let chosen = if action == Action::ResendOlder.as_str() {
                let days = days
                    .as_deref()
                    .map(str::trim)
                    .and_then(|d| d.parse::<u32>().ok())
                    .filter(|d| (1..=3650).contains(d))
                    .ok_or_else(|| AppError::invalid("days", Key::DaysInvalid))?;
                Chosen::PendingLongerThan(days)
            } else if scope.as_deref() == Some("filtered") {
                Chosen::Filtered(Filter::from_address(back.as_deref().unwrap_or_default()))
            } else {
                Chosen::Ids(ids.unwrap_or_default())
            };
            (action, chosen)
        }
    };
    let action =
        Action::parse(&action).ok_or_else(|| AppError::invalid("action", Key::ErrorInvalid))?;
    let confirmed = confirm.as_deref() == Some("yes");
    let outcome = user_actions::act(
        &state,
        &session,
        action,
        chosen,
        confirmed,
        use_locale(),
        now(),
    )
    .await?;
    if request::is_plain_form_post() {
        leptos_axum::redirect(&user_actions::back_to_table(back.as_deref(), &outcome));
    }
    Ok(outcome)
}

/// Gives one person exactly the services ticked, if the licences allow.
#[server(prefix = "/api", endpoint = "users/set-services")]
pub async fn set_services(
    id: i64,
    messaging: Option<String>,
    meetings: Option<String>,
    calling: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::{Role, Service};
    use crate::locales::use_locale;
    use crate::server::{now, require, user_actions};
    let (state, session) = require(Role::UserAdmin).await?;
    let services = Service::ticked(messaging, meetings, calling);
    user_actions::set_services(&state, &session, id, &services, use_locale(), now()).await?;
    leptos_axum::redirect(&format!("/users/{id}?saved=services"));
    Ok(())
}

/// Makes someone a full, user or read-only administrator, or a plain user again.
#[server(prefix = "/api", endpoint = "users/set-role")]
pub async fn set_role(id: i64, role: String) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, user_actions};
    let (state, session) = require(Role::FullAdmin).await?;
    let role = Role::from_db(&role).ok_or_else(|| AppError::invalid("role", Key::ErrorInvalid))?;
    user_actions::set_role(&state, &session, id, role, now()).await?;
    leptos_axum::redirect(&format!("/users/{id}?saved=role"));
    Ok(())
}

/// Makes the person with this address an administrator; someone new is invited first.
#[server(prefix = "/api", endpoint = "users/add-admin")]
pub async fn add_admin(email: String, role: String) -> Result<(), AppError> {
    use crate::domain::{Email, Role};
    use crate::locales::use_locale;
    use crate::server::{now, require, user_actions};
    let (state, session) = require(Role::FullAdmin).await?;
    let email = Email::parse(&email).map_err(|e| AppError::invalid("email", e.reason()))?;
    let role = Role::from_db(&role)
        .filter(|r| *r != Role::User)
        .ok_or_else(|| AppError::invalid("role", Key::ErrorInvalid))?;
    let id = user_actions::add_admin(&state, &session, &email, role, use_locale(), now()).await?;
    leptos_axum::redirect(&format!("/users/{id}?saved=role"));
    Ok(())
}

/// Which of the pasted addresses already belong to people of the organisation, for the preview.
#[server(prefix = "/api", endpoint = "users/known")]
pub async fn known_addresses(text: String) -> Result<Vec<String>, AppError> {
    use crate::domain::Role;
    use crate::server::{require, users};
    let (state, session) = require(Role::FullAdmin).await?;
    users::known(&state, session.org, &text).await
}
