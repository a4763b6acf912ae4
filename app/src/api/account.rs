//! Server functions for accounts: the welcome link, signing in and out, forgotten and changed
//! passwords, and who is signed in.

use crate::domain::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a welcome or reset link is worth now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkStatus {
    Valid {
        email: String,
        org_name: String,
        role: Role,
    },
    Used,
    Expired,
    /// An invitation an administrator withdrew.
    Revoked,
    Unknown,
}

/// The person signed in, for the header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub org_name: String,
    /// Whether the plan has calling: the Numbers page is shown only then.
    pub has_calling: bool,
    /// Whether an identity provider provisions the organisation, and whether people added by
    /// hand or CSV are then refused (rather than warned about).
    pub provisioned: bool,
    pub hand_adds_refused: bool,
}

#[server(prefix = "/api", endpoint = "account/welcome-link")]
pub async fn welcome_link(token: String) -> Result<LinkStatus, AppError> {
    use crate::server::{auth::account, db::account_tokens::Purpose, now, state};
    account::link_status(&state()?, Purpose::Welcome, &token, now()).await
}

#[server(prefix = "/api", endpoint = "account/create")]
pub async fn create_account(
    token: String,
    name: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    use crate::server::auth::{account, request};
    use crate::server::{now, state};
    let state = state()?;
    let client = request::client_address();
    let started = account::create_account(
        &state,
        &token,
        &name,
        &password,
        &password_again,
        &client,
        now(),
    )
    .await?;
    request::send_session_cookie(&state, &started.session_token);
    // The first administrator goes on to set the organisation up; invited administrators to the
    // portal; everyone else to their own settings.
    leptos_axum::redirect(match started.role {
        Role::FullAdmin => "/setup",
        Role::User => "/me",
        _ => "/",
    });
    Ok(())
}

/// From an expired invitation link: sends a new invitation if the person is still pending. The
/// answer is the same either way.
#[server(prefix = "/api", endpoint = "account/new-invitation")]
pub async fn new_invitation(token: String) -> Result<(), AppError> {
    use crate::server::{auth::account, now, state};
    account::request_new_invitation(&state()?, &token, now()).await?;
    // Tokens are URL-safe base64; anything else is dropped before it goes into the address.
    let token: String = token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(128)
        .collect();
    leptos_axum::redirect(&format!("/welcome/{token}?sent"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/sign-in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::server::auth::{request, sign_in};
    use crate::server::{now, state};
    let state = state()?;
    let client = request::client_address();
    let started = sign_in::sign_in(&state, &email, &password, &client, now()).await?;
    request::send_session_cookie(&state, &started.session_token);
    // A full administrator whose organisation is not set up yet goes on with the wizard.
    let setting_up = started.role == Role::FullAdmin
        && crate::server::settings::setup::unfinished(&state, started.org).await?;
    leptos_axum::redirect(if setting_up {
        "/setup"
    } else if started.role == Role::User {
        "/me"
    } else {
        "/"
    });
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::auth::{request, sign_in};
    use crate::server::{now, state};
    let state = state()?;
    if let (Some(session), Some(raw)) = (
        request::current(&state).await?,
        request::session_token(&state),
    ) {
        sign_in::sign_out(&state, &session, &raw, &request::client_address(), now()).await?;
    }
    request::clear_session_cookie(&state);
    leptos_axum::redirect("/sign-in");
    Ok(())
}

/// Always answers the same, whether or not the address has an account: back to the form, which
/// then says a link may be on its way.
#[server(prefix = "/api", endpoint = "account/forgot-password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    use crate::domain::Email;
    use crate::locales::Key;
    use crate::server::auth::{account, request};
    use crate::server::{now, state};
    let email = Email::parse(&email).map_err(|_| AppError::invalid("email", Key::EmailInvalid))?;
    account::request_reset(&state()?, &email, &request::client_address(), now()).await?;
    leptos_axum::redirect("/forgot-password?sent");
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/reset-link")]
pub async fn reset_link(token: String) -> Result<LinkStatus, AppError> {
    use crate::server::{auth::account, db::account_tokens::Purpose, now, state};
    account::link_status(&state()?, Purpose::PasswordReset, &token, now()).await
}

#[server(prefix = "/api", endpoint = "account/reset-password")]
pub async fn reset_password(
    token: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    use crate::server::auth::{account, request};
    use crate::server::{now, state};
    let state = state()?;
    let client = request::client_address();
    let started =
        account::reset_password(&state, &token, &password, &password_again, &client, now()).await?;
    request::send_session_cookie(&state, &started.session_token);
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/change-password")]
pub async fn change_password(
    current: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    use crate::server::auth::{account, request};
    use crate::server::{now, require};
    let (state, session) = require(Role::User).await?;
    let client = request::client_address();
    account::change_password(
        &state,
        &session,
        &current,
        &password,
        &password_again,
        &client,
        now(),
    )
    .await?;
    leptos_axum::redirect("/account?password-changed");
    Ok(())
}

/// Who is signed in; 401 when nobody is.
#[server(prefix = "/api", endpoint = "account/signed-in")]
pub async fn signed_in() -> Result<Me, AppError> {
    use crate::server::{db, require};
    let (state, session) = require(Role::User).await?;
    let org = db::organisations::find(state.db.reader(), session.org)
        .await?
        .ok_or(AppError::NotFound)?;
    let plan = crate::server::settings::plan(state.db.reader(), session.org).await?;
    let (provisioned, refused) =
        crate::server::scim::tokens::directory(&state, session.org).await?;
    Ok(Me {
        provisioned,
        hand_adds_refused: provisioned && refused,
        has_calling: plan
            .iter()
            .any(|line| line.service == crate::domain::Service::Calling),
        name: session
            .display_name
            .unwrap_or_else(|| session.email.clone()),
        email: session.email,
        role: session.role,
        org_name: org.name,
    })
}

/// Whether any organisation exists yet: the sign-in page of a fresh install says how to make one.
#[server(prefix = "/api", endpoint = "account/installed")]
pub async fn installed() -> Result<bool, AppError> {
    use crate::server::{db, state};
    Ok(db::organisations::first(state()?.db.reader())
        .await?
        .is_some())
}
