//! Queries on the people of an organisation.

use super::WriteTx;
use crate::domain::{Email, OrgId, Role, UserStatus};
use crate::import::csv::Existing;
use crate::locales::Locale;
use sqlx::SqlitePool;

/// Inserts a user who has been invited, whose invitation runs out at `expires_at`, but who has
/// not signed in yet.
pub async fn insert_pending(
    tx: &mut WriteTx,
    org: OrgId,
    email: &Email,
    role: Role,
    locale: Locale,
    expires_at: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (org_id, email, role, status, locale, created_at, invited_at, invitation_expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
    )
    .bind(org.0)
    .bind(email.as_str())
    .bind(role.as_str())
    .bind(UserStatus::InvitePending.as_str())
    .bind(locale.tag())
    .bind(now)
    .bind(expires_at)
    .fetch_one(&mut **tx)
    .await
}

/// How many users the organisation has in each status; statuses with none are absent.
pub async fn count_by_status(
    db: &SqlitePool,
    org: OrgId,
) -> Result<Vec<(UserStatus, i64)>, sqlx::Error> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM users WHERE org_id = $1 GROUP BY status")
            .bind(org.0)
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(status, count)| UserStatus::from_db(&status).map(|s| (s, count)))
        .collect())
}

/// The columns of a person that an import compares and an export writes, prefixed `u.`.
pub const PERSON_COLUMNS: &str = "u.id, u.email, u.first_name, u.last_name, u.display_name,
    u.phone_number, u.extension, u.locale";

/// A person read with `PERSON_COLUMNS`; their services are read apart.
#[derive(sqlx::FromRow)]
pub struct PersonRow {
    pub id: i64,
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    display_name: Option<String>,
    phone_number: Option<String>,
    extension: Option<String>,
    locale: String,
}

impl PersonRow {
    /// The person with `services`.
    pub fn with_services(self, services: Vec<crate::domain::Service>) -> Existing {
        Existing {
            email: self.email,
            first_name: self.first_name,
            last_name: self.last_name,
            display_name: self.display_name,
            services,
            phone: self.phone_number,
            extension: self.extension,
            language: Locale::from_tag(&self.locale),
        }
    }
}
