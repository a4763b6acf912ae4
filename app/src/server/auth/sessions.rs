//! Server-side sessions: a random token in an HttpOnly cookie, stored as a hash, ended after 30
//! idle minutes or 12 hours in all (configurable), a new one at every sign-in.

use super::tokens;
use crate::domain::{OrgId, Role, UserStatus};
use crate::server::config::Config;
use crate::server::db::{Db, WriteTx};
use http::header::COOKIE;
use http::HeaderMap;

/// Who a valid session belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: i64,
    pub org: OrgId,
    pub user_id: i64,
    pub role: Role,
    pub email: String,
    pub display_name: Option<String>,
}

/// `last_seen_at` is written at most this often, so reading pages does not write on every request.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// Starts a session and returns the token for the cookie (shown once, stored hashed).
pub async fn start(
    tx: &mut WriteTx,
    org: OrgId,
    user_id: i64,
    now: i64,
) -> Result<String, sqlx::Error> {
    let token = tokens::generate();
    sqlx::query(
        "INSERT INTO sessions (token_hash, org_id, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(&token.hash)
    .bind(org.0)
    .bind(user_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(token.raw)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    org_id: i64,
    user_id: i64,
    created_at: i64,
    last_seen_at: i64,
    role: String,
    status: String,
    email: String,
    display_name: Option<String>,
}

/// The session behind `raw`, if it is still valid and its user still active; an expired one is
/// deleted.
pub async fn find(
    db: &Db,
    config: &Config,
    raw: &str,
    now: i64,
) -> Result<Option<Session>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT s.id, s.org_id, s.user_id, s.created_at, s.last_seen_at, u.role, u.status, u.email, u.display_name
         FROM sessions s JOIN users u ON u.id = s.user_id AND u.org_id = s.org_id
         WHERE s.token_hash = $1",
    )
    .bind(tokens::hash(raw))
    .fetch_optional(db.reader())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let idle = now - row.last_seen_at > config.session_idle.as_secs() as i64;
    let too_old = now - row.created_at > config.session_max.as_secs() as i64;
    let active = UserStatus::from_db(&row.status) == Some(UserStatus::Active);
    if idle || too_old || !active {
        let mut tx = db.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(None);
    }
    if now - row.last_seen_at >= TOUCH_EVERY_SECONDS {
        let mut tx = db.begin_write().await?;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(now)
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let Some(role) = Role::from_db(&row.role) else {
        return Ok(None);
    };
    Ok(Some(Session {
        id: row.id,
        org: OrgId(row.org_id),
        user_id: row.user_id,
        role,
        email: row.email,
        display_name: row.display_name,
    }))
}

/// Ends the session behind `raw` (signing out).
pub async fn end(tx: &mut WriteTx, raw: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(tokens::hash(raw))
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// Ends every session of the account but `keep` (the one changing its password), if given.
pub async fn end_all_of(
    tx: &mut WriteTx,
    org: OrgId,
    user_id: i64,
    keep: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE org_id = $1 AND user_id = $2 AND id <> $3")
        .bind(org.0)
        .bind(user_id)
        .bind(keep.unwrap_or(0))
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// The cookie's name: `__Host-` prefixed when the portal is served over https.
pub fn cookie_name(config: &Config) -> &'static str {
    if config.public_url.starts_with("https://") {
        "__Host-switchboard_session"
    } else {
        "switchboard_session"
    }
}

/// The `Set-Cookie` value that carries a new session.
pub fn set_cookie(config: &Config, raw: &str) -> String {
    let secure = if config.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={raw}; Path=/; HttpOnly; SameSite=Lax{secure}",
        cookie_name(config)
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(config: &Config) -> String {
    let secure = if config.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        cookie_name(config)
    )
}

/// The session token the request's cookie carries, if any.
pub fn token_from(headers: &HeaderMap, config: &Config) -> Option<String> {
    let name = cookie_name(config);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, value)| *n == name && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}
