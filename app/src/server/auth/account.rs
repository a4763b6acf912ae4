//! Accounts: creating one from the welcome link, asking for and using a password-reset link, and
//! changing the password while signed in. Each change ends the sessions it must and is audited.

use super::{passwords, sessions, tokens};
use crate::api::account::LinkStatus;
use crate::domain::{DisplayName, Email, NewPassword, OrgId, Role, UserStatus};
use crate::error::{AppError, FieldError};
use crate::locales::{Key, Locale};
use crate::server::audit::{self, Action};
use crate::server::db::account_tokens::{self, NewAccountToken, Purpose};
use crate::server::db::WriteTx;
use crate::server::invitations::{self, Round};
use crate::server::mail::{outbox, templates};
use crate::server::AppState;

/// A password-reset link works for this long.
pub const RESET_LINK_SECONDS: i64 = 3600;
/// At most this many reset links per account per hour, so the form cannot flood a mailbox.
const RESETS_PER_HOUR: i64 = 3;

#[derive(sqlx::FromRow)]
struct LinkRow {
    id: i64,
    org_id: i64,
    user_id: i64,
    expires_at: i64,
    used_at: Option<i64>,
    revoked_at: Option<i64>,
    email: String,
    org_name: String,
    status: String,
    role: String,
}

async fn find_link(
    state: &AppState,
    purpose: Purpose,
    raw: &str,
) -> Result<Option<LinkRow>, AppError> {
    const LINK: &str =
        "SELECT t.id, t.org_id, t.user_id, t.expires_at, t.used_at, t.revoked_at, u.email,
                o.name AS org_name, u.status, u.role
         FROM account_tokens t
         JOIN users u ON u.id = t.user_id AND u.org_id = t.org_id
         JOIN organisations o ON o.id = t.org_id
         WHERE t.token_hash = $1 AND t.purpose = $2";
    let hash = tokens::hash(raw);
    // A token names its row (see `tokens::generate_for`), whose hash must match. Links made before
    // tokens named their rows are found by hash, through the index kept for them alone.
    let row = match tokens::id_of(raw) {
        Some(id) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{LINK} AND t.id = $3")))
                .bind(hash)
                .bind(purpose.as_str())
                .bind(id)
                .fetch_optional(state.db.reader())
                .await?
        }
        None => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{LINK} AND t.found_by_hash = 1"
            )))
            .bind(hash)
            .bind(purpose.as_str())
            .fetch_optional(state.db.reader())
            .await?
        }
    };
    Ok(row)
}

fn status_of(row: Option<&LinkRow>, now: i64) -> LinkStatus {
    match row {
        None => LinkStatus::Unknown,
        Some(row) if row.used_at.is_some() => LinkStatus::Used,
        Some(row) if row.revoked_at.is_some() => LinkStatus::Revoked,
        Some(row) if row.expires_at <= now => LinkStatus::Expired,
        Some(row) => LinkStatus::Valid {
            email: row.email.clone(),
            org_name: row.org_name.clone(),
            role: Role::from_db(&row.role).unwrap_or(Role::User),
        },
    }
}

/// What the page behind a welcome or reset link should show.
pub async fn link_status(
    state: &AppState,
    purpose: Purpose,
    raw: &str,
    now: i64,
) -> Result<LinkStatus, AppError> {
    Ok(status_of(
        find_link(state, purpose, raw).await?.as_ref(),
        now,
    ))
}

/// The link behind `raw`, if it may be used now; otherwise the refusal the page explains.
async fn usable_link(
    state: &AppState,
    purpose: Purpose,
    raw: &str,
    now: i64,
) -> Result<LinkRow, AppError> {
    let row = find_link(state, purpose, raw).await?;
    match status_of(row.as_ref(), now) {
        LinkStatus::Valid { .. } => row.ok_or(AppError::NotFound),
        LinkStatus::Used => Err(AppError::Conflict(Key::LinkUsedTitle)),
        LinkStatus::Expired => Err(AppError::Conflict(Key::LinkExpiredTitle)),
        LinkStatus::Revoked => Err(AppError::Conflict(Key::LinkRevokedTitle)),
        LinkStatus::Unknown => Err(AppError::NotFound),
    }
}

/// Marks the link used inside `tx`; false when another request used it first.
async fn use_link(tx: &mut WriteTx, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE account_tokens SET used_at = $1
         WHERE id = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Parses a new password typed twice, refusing common ones; field errors name the form's fields.
/// (Self-signup chooses its password through here too.)
pub async fn new_password_hash(
    password: &str,
    again: &str,
    email: &str,
) -> Result<String, AppError> {
    let field = |reason: Key| {
        let field = if reason == Key::PasswordsDiffer {
            "password_again"
        } else {
            "password"
        };
        AppError::invalid(field, reason)
    };
    let password = NewPassword::parse(password, again).map_err(field)?;
    let email = Email::parse(email).map_err(|_| AppError::NotFound)?;
    passwords::acceptable(&password, &email).map_err(field)?;
    passwords::hash(&password).await
}

/// The signed-in session a link's holder gets; the token is for the cookie.
pub struct Started {
    pub session_token: String,
    pub org: OrgId,
    pub user_id: i64,
    pub role: Role,
}

/// The first administrator (or, later, an invited user) sets their name and password: the link is
/// used up, the account becomes active, and a session starts.
pub async fn create_account(
    state: &AppState,
    raw: &str,
    name: &str,
    password: &str,
    password_again: &str,
    client: &str,
    now: i64,
) -> Result<Started, AppError> {
    let link = usable_link(state, Purpose::Welcome, raw, now).await?;
    let mut errors = Vec::new();
    let name = DisplayName::parse(name)
        .map_err(|reason| {
            errors.push(FieldError {
                field: "name".to_owned(),
                reason,
                args: Vec::new(),
            })
        })
        .ok();
    let hash = match new_password_hash(password, password_again, &link.email).await {
        Ok(hash) => Some(hash),
        Err(AppError::Invalid(mut more)) => {
            errors.append(&mut more);
            None
        }
        Err(other) => return Err(other),
    };
    let (Some(name), Some(hash)) = (name, hash) else {
        return Err(AppError::Invalid(errors));
    };

    let mut tx = state.db.begin_write().await?;
    if !use_link(&mut tx, link.id, now).await? {
        return Err(AppError::Conflict(Key::LinkUsedTitle));
    }
    sqlx::query(
        "UPDATE users SET display_name = $1, password_hash = $2, status = $3,
                          first_sign_in_at = COALESCE(first_sign_in_at, $4), last_sign_in_at = $4
         WHERE id = $5 AND org_id = $6",
    )
    .bind(name.as_str())
    .bind(&hash)
    .bind(UserStatus::Active.as_str())
    .bind(now)
    .bind(link.user_id)
    .bind(link.org_id)
    .execute(&mut *tx)
    .await?;
    let org = OrgId(link.org_id);
    let session_token = sessions::start(&mut tx, org, link.user_id, now).await?;
    audit::record(
        &mut tx,
        audit::Event {
            org: Some(org),
            actor: Some(link.user_id),
            action: Action::AccountCreated,
            detail: &link.email,
            client_address: Some(client),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(org = org.0, user = link.user_id, "account created");
    Ok(Started {
        session_token,
        org,
        user_id: link.user_id,
        role: Role::from_db(&link.role).unwrap_or(Role::User),
    })
}

/// New invitations one person may ask for from an expired link in a day.
const NEW_INVITATIONS_PER_DAY: i64 = 3;

/// Someone whose invitation link expired asks for a new one: it is sent if they are still Invite
/// pending and have not asked too often. The answer never says which, so a link found lying
/// around tells nothing; the new link goes only to the invited address.
pub async fn request_new_invitation(state: &AppState, raw: &str, now: i64) -> Result<(), AppError> {
    let Some(link) = find_link(state, Purpose::Welcome, raw).await? else {
        return Ok(());
    };
    if status_of(Some(&link), now) != LinkStatus::Expired
        || UserStatus::from_db(&link.status) != Some(UserStatus::InvitePending)
    {
        return Ok(());
    }
    let mut tx = state.db.begin_write().await?;
    let recent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM account_tokens WHERE user_id = $1 AND purpose = $2 AND created_at > $3",
    )
    .bind(link.user_id)
    .bind(Purpose::Welcome.as_str())
    .bind(now - 24 * 3600)
    .fetch_one(&mut *tx)
    .await?;
    if recent >= NEW_INVITATIONS_PER_DAY {
        return Ok(());
    }
    let locale: String = sqlx::query_scalar("SELECT locale FROM users WHERE id = $1")
        .bind(link.user_id)
        .fetch_one(&mut *tx)
        .await?;
    let invitee = invitations::Invitee {
        user_id: link.user_id,
        email: Email::parse(&link.email).map_err(|_| AppError::NotFound)?,
        locale: Locale::from_tag(&locale).unwrap_or_default(),
    };
    let org = OrgId(link.org_id);
    invitations::send(
        &mut tx,
        state,
        org,
        &[invitee],
        &link.org_name,
        Round::Again,
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Event {
            org: Some(org),
            actor: Some(link.user_id),
            action: Action::InvitationsSent,
            detail: &format!("{} (asked from an expired link)", link.email),
            client_address: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ResetCandidate {
    id: i64,
    org_id: i64,
    locale: String,
    org_name: String,
}

/// Sends a reset link to every active account with this address. The answer is the same whether
/// or not there is one, so the form does not tell strangers who has an account.
pub async fn request_reset(
    state: &AppState,
    email: &Email,
    client: &str,
    now: i64,
) -> Result<(), AppError> {
    let accounts: Vec<ResetCandidate> = sqlx::query_as(
        "SELECT u.id, u.org_id, u.locale, o.name AS org_name
         FROM users u JOIN organisations o ON o.id = u.org_id
         WHERE u.email = $1 AND u.status = $2",
    )
    .bind(email.as_str())
    .bind(UserStatus::Active.as_str())
    .fetch_all(state.db.reader())
    .await?;
    if accounts.is_empty() {
        return Ok(());
    }
    let mut tx = state.db.begin_write().await?;
    for account in accounts {
        let recent: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM account_tokens WHERE user_id = $1 AND purpose = $2 AND created_at > $3",
        )
        .bind(account.id)
        .bind(Purpose::PasswordReset.as_str())
        .bind(now - 3600)
        .fetch_one(&mut *tx)
        .await?;
        if recent >= RESETS_PER_HOUR {
            continue;
        }
        let org = OrgId(account.org_id);
        let (token_id, token) = account_tokens::insert(
            &mut tx,
            NewAccountToken {
                org,
                user_id: account.id,
                purpose: Purpose::PasswordReset,
                expires_at: now + RESET_LINK_SECONDS,
            },
            now,
        )
        .await?;
        let link = format!("{}/reset-password/{token}", state.config.public_url);
        let locale = Locale::from_tag(&account.locale).unwrap_or_default();
        let mail = outbox::Outgoing {
            org: Some(org),
            idempotency_key: format!("password_reset:{token_id}"),
            kind: "password_reset",
            to: email,
            body: outbox::Body::Rendered(templates::password_reset(
                locale,
                &account.org_name,
                &link,
            )),
        };
        outbox::enqueue(&mut tx, mail, state.config.mail_from.email.domain(), now).await?;
        audit::record(
            &mut tx,
            audit::Event {
                org: Some(org),
                actor: Some(account.id),
                action: Action::PasswordResetRequested,
                detail: email.as_str(),
                client_address: Some(client),
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a new password from a reset link: the link is used up, every session of the account ends,
/// and a new one starts here.
pub async fn reset_password(
    state: &AppState,
    raw: &str,
    password: &str,
    password_again: &str,
    client: &str,
    now: i64,
) -> Result<Started, AppError> {
    let link = usable_link(state, Purpose::PasswordReset, raw, now).await?;
    if UserStatus::from_db(&link.status) != Some(UserStatus::Active) {
        return Err(AppError::NotFound);
    }
    let hash = new_password_hash(password, password_again, &link.email).await?;
    let mut tx = state.db.begin_write().await?;
    if !use_link(&mut tx, link.id, now).await? {
        return Err(AppError::Conflict(Key::LinkUsedTitle));
    }
    let org = OrgId(link.org_id);
    store_password(&mut tx, org, link.user_id, &hash, None).await?;
    let session_token = sessions::start(&mut tx, org, link.user_id, now).await?;
    audit::record(
        &mut tx,
        audit::Event {
            org: Some(org),
            actor: Some(link.user_id),
            action: Action::PasswordChanged,
            detail: "with a reset link",
            client_address: Some(client),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Started {
        session_token,
        org,
        user_id: link.user_id,
        role: Role::from_db(&link.role).unwrap_or(Role::User),
    })
}

/// Stores the hash and ends the account's sessions, all but `keep` if given.
async fn store_password(
    tx: &mut WriteTx,
    org: OrgId,
    user_id: i64,
    hash: &str,
    keep: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND org_id = $3")
        .bind(hash)
        .bind(user_id)
        .bind(org.0)
        .execute(&mut **tx)
        .await?;
    sessions::end_all_of(tx, org, user_id, keep).await
}

/// A signed-in person changes their password; their other sessions end, this one stays.
pub async fn change_password(
    state: &AppState,
    session: &sessions::Session,
    current: &str,
    password: &str,
    password_again: &str,
    client: &str,
    now: i64,
) -> Result<(), AppError> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND org_id = $2")
            .bind(session.user_id)
            .bind(session.org.0)
            .fetch_one(state.db.reader())
            .await?;
    let matches = match stored {
        Some(stored) => passwords::verify(current, &stored).await,
        None => false,
    };
    if !matches {
        return Err(AppError::invalid("current", Key::CurrentPasswordWrong));
    }
    let hash = new_password_hash(password, password_again, &session.email).await?;
    let mut tx = state.db.begin_write().await?;
    store_password(
        &mut tx,
        session.org,
        session.user_id,
        &hash,
        Some(session.id),
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Event {
            org: Some(session.org),
            actor: Some(session.user_id),
            action: Action::PasswordChanged,
            detail: "signed in",
            client_address: Some(client),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
