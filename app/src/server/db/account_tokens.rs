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

/// One new link for each of `user_ids`: the row id and the raw token (for the mail) of each, in
/// the order given. Only the tokens' hashes are stored.
pub async fn insert_many(
    tx: &mut WriteTx,
    org: OrgId,
    user_ids: &[i64],
    purpose: Purpose,
    expires_at: i64,
    now: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let mut links = Vec::with_capacity(user_ids.len());
    for chunk in user_ids.chunks(100) {
        let tokens: Vec<_> = chunk.iter().map(|_| tokens::generate()).collect();
        let sql = format!(
            "INSERT INTO account_tokens (org_id, user_id, purpose, token_hash, expires_at, created_at)
             VALUES {} RETURNING id, token_hash",
            super::placeholders(chunk.len(), 6)
        );
        let mut query = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql));
        for (user_id, token) in chunk.iter().zip(&tokens) {
            query = query
                .bind(org.0)
                .bind(*user_id)
                .bind(purpose.as_str())
                .bind(token.hash.clone())
                .bind(expires_at)
                .bind(now);
        }
        let ids: std::collections::HashMap<String, i64> = query
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .map(|(id, hash)| (hash, id))
            .collect();
        links.extend(
            tokens
                .into_iter()
                .filter_map(|token| ids.get(&token.hash).map(|&id| (id, token.raw))),
        );
    }
    Ok(links)
}
