//! Server functions for self-signup: the public sign-up form, the confirmation link, and choosing
//! a password behind it. Nobody is signed in for any of them.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a sign-up confirmation link is worth now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignupLinkStatus {
    Valid { email: String },
    Used,
    Expired,
    Unknown,
}

/// Signs up `email` as `name`, or (for an address that already has an account) mails it a
/// sign-in link. The answer is the same either way: back to the form, which says to check mail.
#[server(prefix = "/api", endpoint = "signup/start")]
pub async fn sign_up(name: String, email: String) -> Result<(), AppError> {
    use crate::locales::use_locale;
    use crate::server::auth::request;
    use crate::server::{now, signup, state};
    signup::start(
        &state()?,
        &name,
        &email,
        use_locale(),
        &request::client_address(),
        now(),
    )
    .await?;
    leptos_axum::redirect("/signup?sent");
    Ok(())
}

#[server(prefix = "/api", endpoint = "signup/link")]
pub async fn signup_link(token: String) -> Result<SignupLinkStatus, AppError> {
    use crate::server::{now, signup, state};
    signup::link_status(&state()?, &token, now()).await
}

/// Chooses the password behind a confirmation link; the account then waits for an organisation.
#[server(prefix = "/api", endpoint = "signup/confirm")]
pub async fn confirm_signup(
    token: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    use crate::server::{now, signup, state};
    signup::confirm(&state()?, &token, &password, &password_again, now()).await?;
    leptos_axum::redirect("/signup/ready");
    Ok(())
}
