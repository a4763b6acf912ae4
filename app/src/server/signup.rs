//! Self-signup: someone signs up to the service on their own, confirms their address from a mailed
//! link and chooses a password; the account then waits, unlicensed, in no organisation, until an
//! organisation that verified its domain adds them (see `unlicensed`).

use super::auth::{account, tokens};
use super::db::WriteTx;
use super::mail::{outbox, templates};
use super::AppState;
use crate::api::signup::SignupLinkStatus;
use crate::domain::{DisplayName, Email};
use crate::error::{AppError, FieldError};
use crate::locales::{Key, Locale};

/// A confirmation link works for this long.
pub const LINK_SECONDS: i64 = 24 * 3600;
/// The sign-up form mails one address at most once in this many seconds...
pub const MAIL_GAP_SECONDS: i64 = 60;
/// ...and at most this many times an hour.
pub const MAILS_PER_HOUR: i64 = 4;
/// One client may have the form send this many mails an hour, to any addresses.
pub const MAILS_PER_CLIENT_PER_HOUR: i64 = 30;

/// What is known of an address, to decide which mail the form sends.
enum Known {
    /// A person of an organisation, or a self-signup already confirmed: sign in instead.
    Account(Locale),
    /// A self-signup still to confirm (or nobody): a confirmation link.
    Unconfirmed(Option<i64>),
}

/// The sign-up form: parses the name and address, then (unless the address has had its share of
/// mail) mails a confirmation link, or to an address that has an account a note saying so. The
/// answer is the same in every case, so the form tells nobody which addresses have accounts.
pub async fn start(
    state: &AppState,
    name: &str,
    email: &str,
    locale: Locale,
    client: &str,
    now: i64,
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let name = DisplayName::parse(name)
        .map_err(|reason| errors.push(field("name", reason)))
        .ok();
    let email = Email::parse(email)
        .map_err(|_| errors.push(field("email", Key::EmailInvalid)))
        .ok();
    let (Some(name), Some(email)) = (name, email) else {
        return Err(AppError::Invalid(errors));
    };

    let mut tx = state.db.begin_write().await?;
    // The throttle's table only matters for an hour: keep it small here.
    sqlx::query("DELETE FROM signup_mails WHERE at <= $1")
        .bind(now - 3600)
        .execute(&mut *tx)
        .await?;
    if throttled(&mut tx, &email, client, now).await? {
        tracing::info!("sign-up mail throttled");
        return Ok(());
    }
    let mail_id: i64 = sqlx::query_scalar(
        "INSERT INTO signup_mails (email, client_address, at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(email.as_str())
    .bind(client)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let sender = state.config.mail_from.email.domain().to_owned();
    let mail = match known(&mut tx, &email).await? {
        Known::Account(their_locale) => outbox::Outgoing {
            org: None,
            idempotency_key: format!("signup_known:{mail_id}"),
            kind: "signup_known",
            to: &email,
            body: outbox::Body::Rendered(templates::signup_known(
                their_locale,
                &format!("{}/sign-in", state.config.public_url),
            )),
        },
        Known::Unconfirmed(existing) => {
            let signup_id = match existing {
                Some(id) => {
                    sqlx::query("UPDATE signups SET display_name = $1, locale = $2 WHERE id = $3")
                        .bind(name.as_str())
                        .bind(locale.tag())
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    id
                }
                None => {
                    sqlx::query_scalar(
                        "INSERT INTO signups (email, domain, display_name, locale, created_at)
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(email.as_str())
                    .bind(domain_of(&email))
                    .bind(name.as_str())
                    .bind(locale.tag())
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            let token = tokens::generate();
            let token_id: i64 = sqlx::query_scalar(
                "INSERT INTO signup_tokens (signup_id, token_hash, created_at, expires_at)
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(signup_id)
            .bind(&token.hash)
            .bind(now)
            .bind(now + LINK_SECONDS)
            .fetch_one(&mut *tx)
            .await?;
            let link = format!("{}/signup/confirm/{}", state.config.public_url, token.raw);
            outbox::Outgoing {
                org: None,
                idempotency_key: format!("signup_confirmation:{token_id}"),
                kind: "signup_confirmation",
                to: &email,
                body: outbox::Body::Rendered(templates::signup_confirmation(
                    locale,
                    name.as_str(),
                    &link,
                )),
            }
        }
    };
    outbox::enqueue(&mut tx, mail, &sender, now).await?;
    tx.commit().await?;
    Ok(())
}

fn field(name: &str, reason: Key) -> FieldError {
    FieldError {
        field: name.to_owned(),
        reason,
        args: Vec::new(),
    }
}

/// The part of the address after the @ (already lower-cased by `Email`).
pub fn domain_of(email: &Email) -> &str {
    email
        .as_str()
        .rsplit_once('@')
        .map_or("", |(_, domain)| domain)
}

/// Whether the address, or the client, has had its share of the form's mail.
async fn throttled(
    tx: &mut WriteTx,
    email: &Email,
    client: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let (last_minute, last_hour, by_client): (i64, i64, i64) = sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM signup_mails WHERE email = $1 AND at > $3),
            (SELECT COUNT(*) FROM signup_mails WHERE email = $1 AND at > $4),
            (SELECT COUNT(*) FROM signup_mails WHERE client_address = $2 AND at > $4)",
    )
    .bind(email.as_str())
    .bind(client)
    .bind(now - MAIL_GAP_SECONDS)
    .bind(now - 3600)
    .fetch_one(&mut **tx)
    .await?;
    Ok(last_minute > 0 || last_hour >= MAILS_PER_HOUR || by_client >= MAILS_PER_CLIENT_PER_HOUR)
}

async fn known(tx: &mut WriteTx, email: &Email) -> Result<Known, sqlx::Error> {
    let member: Option<String> =
        sqlx::query_scalar("SELECT locale FROM users WHERE email = $1 ORDER BY id LIMIT 1")
            .bind(email.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    if let Some(locale) = member {
        return Ok(Known::Account(
            Locale::from_tag(&locale).unwrap_or_default(),
        ));
    }
    let signup: Option<(i64, String, Option<i64>)> =
        sqlx::query_as("SELECT id, locale, confirmed_at FROM signups WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    Ok(match signup {
        Some((_, locale, Some(_))) => Known::Account(Locale::from_tag(&locale).unwrap_or_default()),
        Some((id, _, None)) => Known::Unconfirmed(Some(id)),
        None => Known::Unconfirmed(None),
    })
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    id: i64,
    signup_id: i64,
    expires_at: i64,
    used_at: Option<i64>,
    email: String,
    confirmed_at: Option<i64>,
}

async fn find_link(state: &AppState, raw: &str) -> Result<Option<LinkRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT t.id, t.signup_id, t.expires_at, t.used_at, s.email, s.confirmed_at
         FROM signup_tokens t JOIN signups s ON s.id = t.signup_id
         WHERE t.token_hash = $1",
    )
    .bind(tokens::hash(raw))
    .fetch_optional(state.db.reader())
    .await?)
}

/// What a link is worth: a link of an account confirmed through another link reads as used.
fn status_of(row: Option<&LinkRow>, now: i64) -> SignupLinkStatus {
    match row {
        None => SignupLinkStatus::Unknown,
        Some(row) if row.used_at.is_some() || row.confirmed_at.is_some() => SignupLinkStatus::Used,
        Some(row) if row.expires_at <= now => SignupLinkStatus::Expired,
        Some(row) => SignupLinkStatus::Valid {
            email: row.email.clone(),
        },
    }
}

pub async fn link_status(
    state: &AppState,
    raw: &str,
    now: i64,
) -> Result<SignupLinkStatus, AppError> {
    Ok(status_of(find_link(state, raw).await?.as_ref(), now))
}

/// Chooses the password behind a confirmation link: the link is used up and the account is
/// confirmed, unlicensed. No session starts: there is nothing in the portal for them yet.
pub async fn confirm(
    state: &AppState,
    raw: &str,
    password: &str,
    password_again: &str,
    now: i64,
) -> Result<(), AppError> {
    let row = find_link(state, raw).await?;
    let row = match status_of(row.as_ref(), now) {
        SignupLinkStatus::Valid { .. } => row.ok_or(AppError::NotFound)?,
        SignupLinkStatus::Used => return Err(AppError::Conflict(Key::LinkUsedTitle)),
        SignupLinkStatus::Expired => return Err(AppError::Conflict(Key::LinkExpiredTitle)),
        SignupLinkStatus::Unknown => return Err(AppError::NotFound),
    };
    let hash = account::new_password_hash(password, password_again, &row.email).await?;
    let mut tx = state.db.begin_write().await?;
    let used = sqlx::query(
        "UPDATE signup_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(row.id)
    .execute(&mut *tx)
    .await?;
    let confirmed = sqlx::query(
        "UPDATE signups SET password_hash = $1, confirmed_at = $2
         WHERE id = $3 AND confirmed_at IS NULL AND converted_at IS NULL",
    )
    .bind(&hash)
    .bind(now)
    .bind(row.signup_id)
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 || confirmed.rows_affected() != 1 {
        return Err(AppError::Conflict(Key::LinkUsedTitle));
    }
    tx.commit().await?;
    tracing::info!(signup = row.signup_id, "self-signup confirmed");
    Ok(())
}

/// The password hash of a confirmed self-signup waiting for an organisation, for signing in: a
/// right password there gets the "your account is ready" answer, never a session.
pub async fn waiting_hash(state: &AppState, email: &Email) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT password_hash FROM signups
         WHERE email = $1 AND confirmed_at IS NOT NULL AND converted_at IS NULL
               AND password_hash IS NOT NULL",
    )
    .bind(email.as_str())
    .fetch_optional(state.db.reader())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(used: Option<i64>, confirmed: Option<i64>, expires_at: i64) -> LinkRow {
        LinkRow {
            id: 1,
            signup_id: 1,
            expires_at,
            used_at: used,
            email: "mei@acme.example".to_owned(),
            confirmed_at: confirmed,
        }
    }

    #[test]
    fn a_link_is_good_once_until_it_expires() {
        assert_eq!(status_of(None, 10), SignupLinkStatus::Unknown);
        assert_eq!(
            status_of(Some(&row(None, None, 20)), 10),
            SignupLinkStatus::Valid {
                email: "mei@acme.example".to_owned()
            }
        );
        assert_eq!(
            status_of(Some(&row(None, None, 10)), 10),
            SignupLinkStatus::Expired
        );
        assert_eq!(
            status_of(Some(&row(Some(5), None, 20)), 10),
            SignupLinkStatus::Used
        );
        // Confirmed through a newer link: the older one is no use either.
        assert_eq!(
            status_of(Some(&row(None, Some(5), 20)), 10),
            SignupLinkStatus::Used
        );
    }

    #[test]
    fn the_domain_is_what_follows_the_at() {
        let email = Email::parse("Mei.Lin@Acme.Example").unwrap();
        assert_eq!(domain_of(&email), "acme.example");
    }
}
