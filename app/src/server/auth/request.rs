//! What a server function knows of who is asking: the session behind the cookie, the role check,
//! the client's address, and setting or clearing the cookie on the answer.

use super::sessions::{self, Session};
use crate::domain::Role;
use crate::error::AppError;
use crate::server::{now, AppState};
use axum::extract::ConnectInfo;
use http::header::SET_COOKIE;
use http::request::Parts;
use http::HeaderValue;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use std::net::SocketAddr;

/// The session behind `headers` if it has at least `role`, for the handlers that are not server
/// functions (file upload and downloads): 401 when not signed in, 403 when the role is not enough.
pub async fn require_in(
    state: &AppState,
    headers: &http::HeaderMap,
    role: Role,
) -> Result<Session, AppError> {
    let raw = sessions::token_from(headers, &state.config).ok_or(AppError::Unauthorized)?;
    let session = sessions::find(&state.db, &state.config, &raw, now())
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !session.role.at_least(role) {
        return Err(AppError::Forbidden);
    }
    Ok(session)
}

/// The session of the request being served, if it carries a valid one.
pub async fn current(state: &AppState) -> Result<Option<Session>, AppError> {
    let Some(parts) = use_context::<Parts>() else {
        return Ok(None);
    };
    let Some(raw) = sessions::token_from(&parts.headers, &state.config) else {
        return Ok(None);
    };
    Ok(sessions::find(&state.db, &state.config, &raw, now()).await?)
}

/// The state and the caller's session, if the caller is signed in with at least `role`:
/// 401 when not signed in, 403 when the role is not enough. The organisation every later query is
/// scoped by is `session.org`, never anything the request says.
pub async fn require(role: Role) -> Result<(AppState, Session), AppError> {
    let state = crate::server::state()?;
    let session = current(&state).await?.ok_or(AppError::Unauthorized)?;
    if !session.role.at_least(role) {
        return Err(AppError::Forbidden);
    }
    Ok((state, session))
}

/// The raw session token of the request, for signing out.
pub fn session_token(state: &AppState) -> Option<String> {
    use_context::<Parts>().and_then(|parts| sessions::token_from(&parts.headers, &state.config))
}

/// The client's IP address as the server saw the connection (no proxy headers are trusted).
pub fn client_address() -> String {
    use_context::<Parts>()
        .and_then(|parts| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Whether the request is a browser's plain form post (JavaScript off) rather than a fetch.
pub fn is_plain_form_post() -> bool {
    use_context::<Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

fn set_cookie_header(value: String) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&value),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

/// Sends the new session's cookie with the answer.
pub fn send_session_cookie(state: &AppState, raw: &str) {
    set_cookie_header(sessions::set_cookie(&state.config, raw));
}

/// Tells the browser to forget the session cookie.
pub fn clear_session_cookie(state: &AppState) {
    set_cookie_header(sessions::clear_cookie(&state.config));
}
