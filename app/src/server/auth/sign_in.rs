//! Signing in with an address and a password, slowed down after repeated failures per address
//! tried and per client, and answering the same whether or not the address has an account.

use super::{passwords, sessions};
use crate::domain::{Email, OrgId, Role, UserStatus};
use crate::error::AppError;
use crate::locales::Key;
use crate::server::audit::{self, Action};
use crate::server::AppState;

/// Failures are counted over this window.
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// After this many failures at one address within the window, that address is refused until the
/// window has moved on (whoever is trying).
pub const FAILURES_PER_ADDRESS: i64 = 5;
/// After this many failures from one client within the window, that client is refused.
pub const FAILURES_PER_CLIENT: i64 = 20;

/// A valid argon2id hash of a random password nobody knows: an unknown address costs the same
/// verification as a known one, so timing does not tell them apart.
const NO_ACCOUNT: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2lnbi1pbi10aW1pbmc$CP+Mwk5K4pWrm9uPOUudQDT7B3bnU1Ul4lw54HsE6hg";

#[derive(sqlx::FromRow)]
struct Account {
    id: i64,
    org_id: i64,
    role: String,
    password_hash: String,
}

/// Signs in and returns the new session's token (a new one every time), or says why not.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    client: &str,
    now: i64,
) -> Result<super::account::Started, AppError> {
    let email = Email::parse(email).map_err(|_| AppError::invalid("email", Key::EmailInvalid))?;
    if throttled(state, &email, client, now).await? {
        return Err(AppError::TooManyAttempts);
    }
    let accounts: Vec<Account> = sqlx::query_as(
        "SELECT id, org_id, role, password_hash FROM users
         WHERE email = $1 AND status = $2 AND password_hash IS NOT NULL ORDER BY id",
    )
    .bind(email.as_str())
    .bind(UserStatus::Active.as_str())
    .fetch_all(state.db.reader())
    .await?;

    let mut signed_in = None;
    if accounts.is_empty() {
        // Someone who signed up on their own and waits for an organisation: the right password
        // says their account is ready, and starts no session (the portal has nothing for them).
        match crate::server::signup::waiting_hash(state, &email).await? {
            Some(hash) if passwords::verify(password, &hash).await => {
                return Err(AppError::Conflict(Key::SignupAccountReady));
            }
            Some(_) => {}
            None => {
                passwords::verify(password, NO_ACCOUNT).await;
            }
        }
    }
    for account in &accounts {
        if passwords::verify(password, &account.password_hash).await {
            signed_in = Some(account);
            break;
        }
    }

    let mut tx = state.db.begin_write().await?;
    // Both tables only matter for a while: keep them small here rather than in a separate job.
    sqlx::query("DELETE FROM failed_sign_ins WHERE at <= $1")
        .bind(now - WINDOW_SECONDS)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(now - state.config.session_idle.as_secs() as i64)
        .bind(now - state.config.session_max.as_secs() as i64)
        .execute(&mut *tx)
        .await?;
    let Some(account) = signed_in else {
        sqlx::query("INSERT INTO failed_sign_ins (email, client_address, at) VALUES ($1, $2, $3)")
            .bind(email.as_str())
            .bind(client)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for account in &accounts {
            audit::record(
                &mut tx,
                audit::Event {
                    org: Some(OrgId(account.org_id)),
                    actor: Some(account.id),
                    action: Action::SignInFailed,
                    detail: "wrong password",
                    client_address: Some(client),
                },
                now,
            )
            .await?;
        }
        tx.commit().await?;
        return Err(AppError::invalid("password", Key::SignInFailed));
    };
    let org = OrgId(account.org_id);
    sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2 AND org_id = $3")
        .bind(now)
        .bind(account.id)
        .bind(org.0)
        .execute(&mut *tx)
        .await?;
    // The address's earlier failures no longer count against the person who owns it.
    sqlx::query("DELETE FROM failed_sign_ins WHERE email = $1")
        .bind(email.as_str())
        .execute(&mut *tx)
        .await?;
    let session_token = sessions::start(&mut tx, org, account.id, now).await?;
    audit::record(
        &mut tx,
        audit::Event {
            org: Some(org),
            actor: Some(account.id),
            action: Action::SignedIn,
            detail: "",
            client_address: Some(client),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(super::account::Started {
        session_token,
        org,
        user_id: account.id,
        role: Role::from_db(&account.role).unwrap_or(Role::User),
    })
}

async fn throttled(
    state: &AppState,
    email: &Email,
    client: &str,
    now: i64,
) -> Result<bool, AppError> {
    let since = now - WINDOW_SECONDS;
    let (by_address, by_client): (i64, i64) = sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM failed_sign_ins WHERE email = $1 AND at > $3),
            (SELECT COUNT(*) FROM failed_sign_ins WHERE client_address = $2 AND at > $3)",
    )
    .bind(email.as_str())
    .bind(client)
    .bind(since)
    .fetch_one(state.db.reader())
    .await?;
    Ok(by_address >= FAILURES_PER_ADDRESS || by_client >= FAILURES_PER_CLIENT)
}

/// Ends the session behind `raw` (signing out), recording who left.
pub async fn sign_out(
    state: &AppState,
    session: &sessions::Session,
    raw: &str,
    client: &str,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    sessions::end(&mut tx, raw).await?;
    audit::record(
        &mut tx,
        audit::Event {
            org: Some(session.org),
            actor: Some(session.user_id),
            action: Action::SignedOut,
            detail: "",
            client_address: Some(client),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::phc::PasswordHash;

    #[test]
    fn the_stand_in_hash_is_a_real_argon2id_hash_with_the_default_cost() {
        // If it did not parse, verifying against it would return at once and an unknown address
        // would answer faster than a known one.
        let parsed = PasswordHash::new(NO_ACCOUNT).expect("a valid PHC string");
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        let params = argon2::Params::default();
        assert!(NO_ACCOUNT.contains(&format!(
            "m={},t={},p={}",
            params.m_cost(),
            params.t_cost(),
            params.p_cost()
        )));
    }
}
