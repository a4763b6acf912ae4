//! Queries on organisations.

use super::WriteTx;
use crate::domain::{OrgId, OrgName};
use sqlx::SqlitePool;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrganisationRow {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
}

/// Inserts the organisation; `None` when one with the same name (ignoring case) exists.
pub async fn insert(
    tx: &mut WriteTx,
    name: &OrgName,
    now: i64,
) -> Result<Option<OrgId>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO organisations (name, name_key, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (name_key) DO NOTHING RETURNING id",
    )
    .bind(name.as_str())
    .bind(name.as_str().to_lowercase())
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(id.map(OrgId))
}

pub async fn find(db: &SqlitePool, org: OrgId) -> Result<Option<OrganisationRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, created_at FROM organisations WHERE id = $1")
        .bind(org.0)
        .fetch_optional(db)
        .await
}

/// The oldest organisation. Until sign-in exists (the next issue) the portal shows this one;
/// then the organisation comes from the session only.
pub async fn first(db: &SqlitePool) -> Result<Option<OrganisationRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, created_at FROM organisations ORDER BY id LIMIT 1")
        .fetch_optional(db)
        .await
}
