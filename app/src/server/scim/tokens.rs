//! SCIM bearer tokens: created by a full administrator (shown once), kept as a SHA-256, revoked
//! at will. A request's token names its organisation, and the administrator it acts for.

use crate::api::scim::ScimToken;
use crate::domain::{OrgId, Role};
use crate::error::AppError;
use crate::locales::Key;
use crate::server::audit::{self, Action};
use crate::server::auth::sessions::Session;
use crate::server::auth::tokens;
use crate::server::AppState;

const MAX_NAME: usize = 60;

/// Makes a token named `name`; its text, shown this once.
pub async fn create(
    state: &AppState,
    session: &Session,
    name: &str,
    now: i64,
) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(AppError::invalid("name", Key::ScimTokenName));
    }
    let token = tokens::generate();
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO scim_tokens (org_id, name, token_hash, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(session.org.0)
    .bind(name)
    .bind(&token.hash)
    .bind(session.user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::by(&mut tx, session, Action::ScimTokenCreated, name, now).await?;
    tx.commit().await?;
    Ok(token.raw)
}

pub async fn list(state: &AppState, org: OrgId) -> Result<Vec<ScimToken>, AppError> {
    let rows: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, name, created_at, last_used_at FROM scim_tokens
         WHERE org_id = $1 AND revoked_at IS NULL ORDER BY id",
    )
    .bind(org.0)
    .fetch_all(state.db.reader())
    .await?;
    let day = |at: i64| {
        time::OffsetDateTime::from_unix_timestamp(at)
            .map(|t| t.date().to_string())
            .unwrap_or_default()
    };
    Ok(rows
        .into_iter()
        .map(|(id, name, created, used)| ScimToken {
            id,
            name,
            created_on: day(created),
            last_used_on: used.map(day),
        })
        .collect())
}

pub async fn revoke(
    state: &AppState,
    session: &Session,
    id: i64,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let name: Option<String> = sqlx::query_scalar(
        "UPDATE scim_tokens SET revoked_at = $1
         WHERE id = $2 AND org_id = $3 AND revoked_at IS NULL RETURNING name",
    )
    .bind(now)
    .bind(id)
    .bind(session.org.0)
    .fetch_optional(&mut *tx)
    .await?;
    let name = name.ok_or(AppError::NotFound)?;
    audit::by(&mut tx, session, Action::ScimTokenRevoked, &name, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether a directory provisions the organisation (a live SCIM token, or a configured LDAP
/// sync), and whether people added by hand or CSV are then refused rather than warned about.
pub async fn directory(state: &AppState, org: OrgId) -> Result<(bool, bool), sqlx::Error> {
    sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM scim_tokens WHERE org_id = $1 AND revoked_at IS NULL)
                OR EXISTS (SELECT 1 FROM directory_configs WHERE org_id = $1),
                directory_rule = 'refuse'
         FROM organisations WHERE id = $1",
    )
    .bind(org.0)
    .fetch_one(state.db.reader())
    .await
}

/// Refuses people added by hand or CSV when the organisation chose so and a provider is on.
pub async fn check_hand_adds(state: &AppState, org: OrgId, field: &str) -> Result<(), AppError> {
    match directory(state, org).await? {
        (true, true) => Err(AppError::invalid(field, Key::DirectoryRefusesHandAdds)),
        _ => Ok(()),
    }
}

/// What happens to people added by hand or CSV while a provider is on: "warn" or "refuse".
pub async fn set_rule(
    state: &AppState,
    session: &Session,
    rule: &str,
    now: i64,
) -> Result<(), AppError> {
    if !matches!(rule, "warn" | "refuse") {
        return Err(AppError::invalid("rule", Key::DirectoryRuleUnknown));
    }
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE organisations SET directory_rule = $1 WHERE id = $2")
        .bind(rule)
        .bind(session.org.0)
        .execute(&mut *tx)
        .await?;
    let detail = format!("provisioning: directory_rule {rule}");
    audit::by(&mut tx, session, Action::SettingsChanged, &detail, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Who a request with bearer token `raw` acts as: the organisation, as the administrator who
/// made the token (so the audit log names them), if the token is live.
pub async fn authenticate(
    state: &AppState,
    raw: &str,
    now: i64,
) -> Result<Option<Session>, sqlx::Error> {
    let found: Option<(i64, i64, i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT id, org_id, created_by, name, last_used_at FROM scim_tokens
         WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(tokens::hash(raw))
    .fetch_optional(state.db.reader())
    .await?;
    let Some((id, org, actor, name, used)) = found else {
        return Ok(None);
    };
    // Written at most once a minute, so a busy provider's reads do not each take the write lock.
    if used.is_none_or(|used| used < now - 60) {
        let mut tx = state.db.begin_write().await?;
        sqlx::query("UPDATE scim_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(Some(Session {
        id: 0,
        org: OrgId(org),
        user_id: actor,
        role: Role::FullAdmin,
        email: format!("SCIM token {name}"),
        display_name: Some(format!("SCIM ({name})")),
    }))
}
