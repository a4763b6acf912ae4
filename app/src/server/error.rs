//! Turning server-side failures into `AppError`: details go to the log, the admin gets a reference.

use crate::error::AppError;
use std::fmt::Display;

/// Logs `cause` under the current request id and answers an opaque internal error naming that id.
pub fn internal(cause: impl Display) -> AppError {
    let request_id = super::request_id::current();
    tracing::error!(request_id = %request_id, "internal error: {cause}");
    AppError::Internal { request_id }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other => internal(format_args!("database: {other}")),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for AppError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        internal(format_args!("migration: {error}"))
    }
}
