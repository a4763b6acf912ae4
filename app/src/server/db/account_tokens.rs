//! Queries on one-time account links (stored as hashes only).

use super::WriteTx;
use crate::domain::OrgId;
use crate::server::auth::tokens;

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

pub struct NewAccountToken {
    pub org: OrgId,
    pub user_id: i64,
    pub purpose: Purpose,
    pub expires_at: i64,
}

/// Adds one link; its row id and raw token (for the mail). Only the token's hash is stored.
pub async fn insert(
    tx: &mut WriteTx,
    link: NewAccountToken,
    now: i64,
) -> Result<(i64, String), sqlx::Error> {
    // Numbered here, in the one writer's transaction, because the token carries its row's id.
    let id = super::highest_id(tx, "account_tokens").await? + 1;
    let token = tokens::generate_for(id);
    sqlx::query(
        "INSERT INTO account_tokens (id, org_id, user_id, purpose, token_hash, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(link.org.0)
    .bind(link.user_id)
    .bind(link.purpose.as_str())
    .bind(&token.hash)
    .bind(link.expires_at)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok((id, token.raw))
}

/// New links made ready for one INSERT (see `insert_prepared`): their rows, and the id and raw
/// token (for the mail) of each, in the order of the people. Only the tokens' hashes are stored.
pub struct Prepared {
    /// `(user_id, token_hash)` of each as one JSON array: see `outbox::Prepared`.
    rows: String,
    highest: i64,
    pub links: Vec<(i64, String)>,
}

/// One new link for each of `user_ids`, numbered after `highest` (the table's highest id, read
/// in the same write transaction before any other link is added; see `highest_id`).
pub fn prepare(user_ids: &[i64], highest: i64) -> Result<Prepared, sqlx::Error> {
    let tokens: Vec<_> = (highest + 1..)
        .take(user_ids.len())
        .map(tokens::generate_for)
        .collect();
    let rows: Vec<(i64, &str)> = user_ids
        .iter()
        .zip(&tokens)
        .map(|(user_id, token)| (*user_id, token.hash.as_str()))
        .collect();
    let rows = serde_json::to_string(&rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    Ok(Prepared {
        rows,
        highest,
        links: (highest + 1..)
            .zip(tokens)
            .map(|(id, token)| (id, token.raw))
            .collect(),
    })
}

/// Stores prepared links in one statement, with ids as `prepare` numbered them.
pub async fn insert_prepared(
    tx: &mut WriteTx,
    org: OrgId,
    links: &Prepared,
    purpose: Purpose,
    expires_at: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    if links.links.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO account_tokens (id, org_id, user_id, purpose, token_hash, expires_at, created_at)
         SELECT $1 + key + 1, $2, value ->> 0, $3, value ->> 1, $4, $5 FROM jsonb_each($6)",
    )
    .bind(links.highest)
    .bind(org.0)
    .bind(purpose.as_str())
    .bind(expires_at)
    .bind(now)
    .bind(&links.rows)
    .execute(&mut **tx)
    .await
    .map(drop)
}
