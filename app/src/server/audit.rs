//! The audit trail: who did what, when, from where. Written in the transaction of the change.

use crate::domain::OrgId;
use crate::server::db::WriteTx;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    OrganisationProvisioned,
    AccountCreated,
    SignedIn,
    SignInFailed,
    SignedOut,
    PasswordChanged,
    PasswordResetRequested,
    UsersAdded,
    InvitationsSent,
    InvitationsRevoked,
    UsersDeactivated,
    UsersReactivated,
    UsersDeleted,
    ServicesChanged,
    RoleChanged,
    ImportStarted,
    ImportCancelled,
    UsersImported,
    ImportUndone,
    SettingsChanged,
    SetupFinished,
    DomainAdded,
    DomainVerified,
    DomainRemoved,
    NumbersAdded,
    NumbersRemoved,
    NumbersMapped,
    NumberAssigned,
    ActivationCodeSent,
    PhoneActivated,
    ScimTokenCreated,
    ScimTokenRevoked,
    DirectorySynced,
    UnlicensedUsersAdded,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::OrganisationProvisioned => "organisation_provisioned",
            Action::AccountCreated => "account_created",
            Action::SignedIn => "signed_in",
            Action::SignInFailed => "sign_in_failed",
            Action::SignedOut => "signed_out",
            Action::PasswordChanged => "password_changed",
            Action::PasswordResetRequested => "password_reset_requested",
            Action::UsersAdded => "users_added",
            Action::InvitationsSent => "invitations_sent",
            Action::InvitationsRevoked => "invitations_revoked",
            Action::UsersDeactivated => "users_deactivated",
            Action::UsersReactivated => "users_reactivated",
            Action::UsersDeleted => "users_deleted",
            Action::ServicesChanged => "services_changed",
            Action::RoleChanged => "role_changed",
            Action::ImportStarted => "import_started",
            Action::ImportCancelled => "import_cancelled",
            Action::UsersImported => "users_imported",
            Action::ImportUndone => "import_undone",
            Action::SettingsChanged => "settings_changed",
            Action::SetupFinished => "setup_finished",
            Action::DomainAdded => "domain_added",
            Action::DomainVerified => "domain_verified",
            Action::DomainRemoved => "domain_removed",
            Action::NumbersAdded => "numbers_added",
            Action::NumbersRemoved => "numbers_removed",
            Action::NumbersMapped => "numbers_mapped",
            Action::NumberAssigned => "number_assigned",
            Action::ActivationCodeSent => "activation_code_sent",
            Action::PhoneActivated => "phone_activated",
            Action::ScimTokenCreated => "scim_token_created",
            Action::ScimTokenRevoked => "scim_token_revoked",
            Action::DirectorySynced => "directory_synced",
            Action::UnlicensedUsersAdded => "unlicensed_users_added",
        }
    }
}

/// An audit event; `actor` is the user who acted (none for the provider's operator).
pub struct Event<'a> {
    pub org: Option<OrgId>,
    pub actor: Option<i64>,
    pub action: Action,
    pub detail: &'a str,
    pub client_address: Option<&'a str>,
}

/// Records what a signed-in administrator did, from no particular address.
pub async fn by(
    tx: &mut WriteTx,
    session: &crate::server::auth::sessions::Session,
    action: Action,
    detail: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let event = Event {
        org: Some(session.org),
        actor: Some(session.user_id),
        action,
        detail,
        client_address: None,
    };
    record(tx, event, now).await
}

pub async fn record(tx: &mut WriteTx, event: Event<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_events (org_id, actor_user_id, action, detail, client_address, at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(event.org.map(|o| o.0))
    .bind(event.actor)
    .bind(event.action.as_str())
    .bind(event.detail)
    .bind(event.client_address)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(drop)
}
