//! Queries on one-time account links (stored as hashes only).

use super::WriteTx;
use crate::domain::OrgId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Welcome,
    PasswordReset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Welcome => "welcome",
            Purpose::PasswordReset => "password_reset",
        }
    }
}

pub struct NewAccountToken<'a> {
    pub org: OrgId,
    pub user_id: i64,
    pub purpose: Purpose,
    pub token_hash: &'a str,
    pub expires_at: i64,
}

pub async fn insert(
    tx: &mut WriteTx,
    token: NewAccountToken<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO account_tokens (org_id, user_id, purpose, token_hash, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(token.org.0)
    .bind(token.user_id)
    .bind(token.purpose.as_str())
    .bind(token.token_hash)
    .bind(token.expires_at)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}
