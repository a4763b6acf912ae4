//! The one error type: every failure a server function can answer, with the HTTP status it maps to.

use crate::locales::{Key, Locale};
use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

/// A form field that was refused, and why (a catalog key, so the admin reads it in their language).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub reason: Key,
    /// Values the message names (`{given}`, `{service}`), when it names any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(String, String)>,
}

impl FieldError {
    /// The reason in `locale`, with the values it names filled in.
    pub fn message(&self, locale: Locale) -> String {
        let args: Vec<(&str, &str)> = self
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        locale.format(self.reason, &args)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("conflict: {0:?}")]
    Conflict(Key),
    /// Too many failed attempts from this client or at this account; try again later.
    #[error("too many attempts")]
    TooManyAttempts,
    /// Something broke on the server; details are in the log under this request id, never shown.
    #[error("internal error (request {request_id})")]
    Internal { request_id: String },
    /// The request never got a usable answer (network down, server restarted, bad response).
    #[error("could not reach the server: {0}")]
    Unreachable(String),
}

impl AppError {
    pub fn invalid(field: &str, reason: Key) -> Self {
        AppError::Invalid(vec![FieldError {
            field: field.to_owned(),
            reason,
            args: Vec::new(),
        }])
    }

    /// Everything the error says, in `locale`: each field's reason, or the headline.
    pub fn messages(&self, locale: Locale) -> Vec<String> {
        match self {
            AppError::Invalid(errors) => errors.iter().map(|e| e.message(locale)).collect(),
            other => vec![locale.text(other.headline()).to_owned()],
        }
    }

    /// Why `field` was refused, if it was.
    pub fn field(&self, field: &str) -> Option<Key> {
        match self {
            AppError::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| e.reason),
            _ => None,
        }
    }

    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Unreachable(_) => StatusCode::BAD_GATEWAY,
        }
    }

    /// What the admin reads: a catalog key for the headline of the failure.
    pub fn headline(&self) -> Key {
        match self {
            AppError::Unauthorized => Key::ErrorUnauthorized,
            AppError::Forbidden => Key::ErrorForbidden,
            AppError::NotFound => Key::ErrorNotFound,
            AppError::Invalid(_) => Key::ErrorInvalid,
            AppError::Conflict(key) => *key,
            AppError::TooManyAttempts => Key::SignInThrottled,
            AppError::Internal { .. } => Key::ErrorInternal,
            AppError::Unreachable(_) => Key::ErrorUnreachable,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Unreachable(value.to_string())
    }
}
