//! The signed-in person's own calling settings (`/me`): voicemail, call forwarding, speed dials
//! and single number reach, each section saved on its own. Everyone changes only their own: the
//! server takes the person from the session, never from the request.
#![allow(clippy::too_many_arguments)]

use crate::api::phones::Device;
use crate::domain::self_service::Preferences;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnCalling {
    /// Whether the person has the calling service (the settings are theirs only then).
    pub has_calling: bool,
    pub number: Option<String>,
    pub extension: Option<String>,
    pub extension_length: u32,
    pub preferences: Preferences,
    pub pin_set: bool,
    pub devices: Vec<Device>,
}

#[server(prefix = "/api", endpoint = "me/calling")]
pub async fn my_calling() -> Result<OwnCalling, AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, self_service};
    let (state, session) = require(Role::User).await?;
    self_service::view(&state, session.org, session.user_id, now()).await
}

/// Back to the page, at the section saved (when the form was posted without JavaScript).
#[cfg(feature = "ssr")]
fn saved(section: &str) {
    leptos_axum::redirect(&format!("/me?saved={section}#{section}"));
}

#[server(prefix = "/api", endpoint = "me/voicemail")]
pub async fn save_voicemail(
    enabled: Option<String>,
    rings: String,
    email_copy: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::{self_service::check_voicemail, Role};
    use crate::server::{now, require, self_service};
    let (state, session) = require(Role::User).await?;
    let voicemail = check_voicemail(enabled.is_some(), &rings, email_copy.is_some())
        .map_err(AppError::Invalid)?;
    self_service::change(&state, &session, now(), |p, _| {
        p.voicemail = voicemail;
        Ok(())
    })
    .await?;
    saved("voicemail");
    Ok(())
}

#[server(prefix = "/api", endpoint = "me/pin")]
pub async fn change_pin(pin: String, pin_again: String) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::server::{now, require, self_service};
    let (state, session) = require(Role::User).await?;
    self_service::change_pin(&state, &session, &pin, &pin_again, now()).await?;
    saved("pin");
    Ok(())
}

#[server(prefix = "/api", endpoint = "me/forwarding")]
pub async fn save_forwarding(
    always_on: Option<String>,
    always: String,
    busy_on: Option<String>,
    busy: String,
    no_answer_on: Option<String>,
    no_answer: String,
    no_answer_rings: String,
    unreachable_on: Option<String>,
    unreachable: String,
) -> Result<(), AppError> {
    use crate::domain::self_service::{check_forwarding, ForwardTyped};
    use crate::domain::Role;
    use crate::server::{now, require, self_service};
    let (state, session) = require(Role::User).await?;
    self_service::change(&state, &session, now(), |p, length| {
        let typed = |on: &Option<String>, to| ForwardTyped {
            enabled: on.is_some(),
            to,
        };
        p.forwarding = check_forwarding(
            [
                typed(&always_on, &always),
                typed(&busy_on, &busy),
                typed(&no_answer_on, &no_answer),
                typed(&unreachable_on, &unreachable),
            ],
            &no_answer_rings,
            |n| self_service::read_number(n, length),
        )
        .map_err(AppError::Invalid)?;
        Ok(())
    })
    .await?;
    saved("forwarding");
    Ok(())
}

#[server(prefix = "/api", endpoint = "me/speed-dials")]
pub async fn add_speed_dial(name: String, number: String) -> Result<(), AppError> {
    use crate::domain::self_service::{check_speed_dial, MAX_SPEED_DIALS};
    use crate::domain::Role;
    use crate::locales::Key;
    use crate::server::{now, require, self_service};
    let (state, session) = require(Role::User).await?;
    self_service::change(&state, &session, now(), |p, length| {
        let dial = check_speed_dial(&name, &number, |n| self_service::read_number(n, length))
            .map_err(AppError::Invalid)?;
        if p.speed_dials.len() >= MAX_SPEED_DIALS {
            return Err(AppError::invalid("name", Key::SpeedDialsFull));
        }
        p.speed_dials.push(dial);
        Ok(())
    })
    .await?;
    saved("speed-dials");
    Ok(())
}

/// Saves, moves up or down, or removes speed dial `at` (`op` is the button pressed).
#[server(prefix = "/api", endpoint = "me/speed-dial")]
pub async fn change_speed_dial(
    at: usize,
    op: String,
    name: Option<String>,
    number: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::self_service::{apply, check_speed_dial, ListOp};
    use crate::domain::Role;
    use crate::server::{now, require, self_service};
    let (state, session) = require(Role::User).await?;
    let op = ListOp::from_form(&op).ok_or(AppError::NotFound)?;
    self_service::change(&state, &session, now(), |p, length| {
        let replacement = match op {
            ListOp::Save => Some(
                check_speed_dial(
                    name.as_deref().unwrap_or_default(),
                    number.as_deref().unwrap_or_default(),
                    |n| self_service::read_number(n, length),
                )
                .map_err(AppError::Invalid)?,
            ),
            _ => None,
        };
        apply(&mut p.speed_dials, at, op, replacement)
            .then_some(())
            .ok_or(AppError::NotFound)
    })
    .await?;
    saved("speed-dials");
    Ok(())
}

#[server(prefix = "/api", endpoint = "me/reach")]
pub async fn save_reach(
    answer_confirmation: Option<String>,
    delay_seconds: String,
) -> Result<(), AppError> {
    use crate::domain::{self_service::check_reach, Role};
    use crate::server::{now, require, self_service};
    let (state, session) = require(Role::User).await?;
    let (confirm, delay) =
        check_reach(answer_confirmation.is_some(), &delay_seconds).map_err(AppError::Invalid)?;
    self_service::change(&state, &session, now(), |p, _| {
        p.reach.answer_confirmation = confirm;
        p.reach.delay_seconds = delay;
        Ok(())
    })
    .await?;
    saved("reach");
    Ok(())
}

#[server(prefix = "/api", endpoint = "me/reach-numbers")]
pub async fn add_reach_number(number: String) -> Result<(), AppError> {
    use crate::domain::self_service::{check_reach_number, ReachNumber};
    use crate::domain::Role;
    use crate::server::{now, require, self_service};
    let (state, session) = require(Role::User).await?;
    self_service::change(&state, &session, now(), |p, length| {
        let number =
            check_reach_number(&p.reach, &number, |n| self_service::read_number(n, length))
                .map_err(AppError::Invalid)?;
        p.reach.numbers.push(ReachNumber {
            number,
            enabled: true,
        });
        Ok(())
    })
    .await?;
    saved("reach");
    Ok(())
}

/// Turns reach number `at` on or off (`op` "save", with `enabled`), or removes it.
#[server(prefix = "/api", endpoint = "me/reach-number")]
pub async fn change_reach_number(
    at: usize,
    op: String,
    enabled: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::self_service::{apply, ListOp};
    use crate::domain::Role;
    use crate::server::{now, require, self_service};
    let (state, session) = require(Role::User).await?;
    let op = ListOp::from_form(&op).ok_or(AppError::NotFound)?;
    self_service::change(&state, &session, now(), |p, _| {
        let replacement =
            p.reach
                .numbers
                .get(at)
                .map(|n| crate::domain::self_service::ReachNumber {
                    number: n.number.clone(),
                    enabled: enabled.is_some(),
                });
        apply(&mut p.reach.numbers, at, op, replacement)
            .then_some(())
            .ok_or(AppError::NotFound)
    })
    .await?;
    saved("reach");
    Ok(())
}
