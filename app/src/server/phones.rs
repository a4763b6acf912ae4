//! Desk phones. Someone given calling gets a calling welcome mail with an activation code: 16
//! random digits, kept only as a SHA-256, used once, valid 7 days; a new code replaces the ones
//! before it. The phone (or its owner on its behalf) sends the code with the phone's model and MAC
//! address, and the phone is registered to its person. Wrong codes count against the sender's
//! address, so guessing is slowed to a few tries in a quarter of an hour.

use super::auth::tokens;
use super::db::{self, WriteTx};
use super::mail::{outbox, templates};
use super::AppState;
use crate::api::phones::{Activated, CodeState, Device};
use crate::domain::{Email, OrgId};
use crate::error::{AppError, FieldError};
use crate::locales::{Key, Locale};
use crate::server::audit::{self, Action};
use rand::Rng;

pub const CODE_DAYS: i64 = 7;
const WINDOW_SECONDS: i64 = 15 * 60;
/// Wrong codes from one address in the window before it must wait.
pub const FAILURES_PER_CLIENT: i64 = 10;
const MAX_MODEL: usize = 60;

/// A new code: the 16 digits to mail, and the hash to keep.
fn new_code() -> (String, String) {
    let digits = format!(
        "{:016}",
        rand::rng().random_range(0..10_000_000_000_000_000u64)
    );
    let hash = code_hash(&digits);
    (digits, hash)
}

fn code_hash(digits: &str) -> String {
    tokens::hash(&format!("activation:{digits}"))
}

/// The code as typed, with the spaces and dashes people copy with it, if it is 16 digits.
fn typed_code(typed: &str) -> Option<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (digits.len() == 16 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// `1234 5678 9012 3456`: easier to read out and type.
fn grouped(digits: &str) -> String {
    digits
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A MAC address in any usual writing (`00:1A:2B:3C:4D:5E`, `00-1a-…`, `001a.2b3c.4d5e`, bare),
/// as twelve lower-case hexadecimal digits.
pub fn typed_mac(typed: &str) -> Option<String> {
    let hex: String = typed
        .trim()
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (hex.len() == 12 && hex.bytes().all(|b| b.is_ascii_hexdigit()) && hex != "000000000000")
        .then_some(hex)
}

/// `00:1a:2b:3c:4d:5e`.
pub fn shown_mac(mac: &str) -> String {
    mac.as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

fn date(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

/// Someone to mail a code to.
#[derive(sqlx::FromRow)]
struct Recipient {
    id: i64,
    email: String,
    locale: String,
    phone_number: Option<String>,
    extension: Option<String>,
}

/// Mails each of `user_ids` who is not deactivated a new activation code, in their language,
/// inside the caller's transaction; their earlier codes stop working.
pub async fn send_codes(
    tx: &mut WriteTx,
    state: &AppState,
    org: OrgId,
    user_ids: &[i64],
    now: i64,
) -> Result<(), sqlx::Error> {
    if user_ids.is_empty() {
        return Ok(());
    }
    db::execute_for_ids(
        tx,
        "UPDATE activation_codes SET replaced_at = $1
         WHERE org_id = $2 AND used_at IS NULL AND replaced_at IS NULL AND user_id IN ({ids})",
        &[now, org.0],
        user_ids,
    )
    .await?;
    let org_name: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
        .bind(org.0)
        .fetch_one(&mut **tx)
        .await?;
    let mut people: Vec<Recipient> = Vec::new();
    for chunk in user_ids.chunks(500) {
        let sql = format!(
            "SELECT id, email, locale, phone_number, extension FROM users
             WHERE org_id = $1 AND status <> 'deactivated' AND id IN ({})",
            db::numbered(2, chunk.len())
        );
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(org.0);
        for id in chunk {
            query = query.bind(*id);
        }
        people.extend(query.fetch_all(&mut **tx).await?);
    }
    let expires_at = now + CODE_DAYS * 24 * 3600;
    let codes: Vec<(i64, String, String)> = people
        .iter()
        .map(|person| {
            let (digits, hash) = new_code();
            (person.id, digits, hash)
        })
        .collect();
    let rows: Vec<(i64, &str)> = codes.iter().map(|(id, _, h)| (*id, h.as_str())).collect();
    let ids: std::collections::HashMap<String, i64> = sqlx::query_as(
        "INSERT INTO activation_codes (org_id, user_id, code_hash, created_at, expires_at)
         SELECT $1, value ->> 0, value ->> 1, $2, $3 FROM jsonb_each($4) RETURNING code_hash, id",
    )
    .bind(org.0)
    .bind(now)
    .bind(expires_at)
    .bind(serde_json::to_string(&rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))?)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    let link = format!("{}/activate", state.config.public_url);
    let emails: Vec<Option<Email>> = people.iter().map(|p| Email::parse(&p.email).ok()).collect();
    let mut mails = Vec::new();
    for ((person, (_, digits, hash)), email) in people.iter().zip(&codes).zip(&emails) {
        let (Some(email), Some(code_id)) = (email, ids.get(hash)) else {
            continue;
        };
        let locale = Locale::from_tag(&person.locale).unwrap_or_default();
        mails.push(outbox::Outgoing {
            org: Some(org),
            idempotency_key: format!("activation:{code_id}"),
            kind: "activation",
            to: email,
            body: outbox::Body::Rendered(templates::activation(
                locale,
                &org_name,
                &templates::Line {
                    number: person.phone_number.clone(),
                    extension: person.extension.clone(),
                },
                &grouped(digits),
                &link,
                &date(expires_at),
            )),
        });
    }
    let sender_domain = state.config.mail_from.email.domain().to_owned();
    outbox::enqueue_many(tx, mails, &sender_domain, now).await?;
    Ok(())
}

/// The state of a person's latest code, and their phones, for their details page.
pub async fn of_person(
    state: &AppState,
    org: OrgId,
    id: i64,
    now: i64,
) -> Result<(Option<CodeState>, Vec<Device>), AppError> {
    let db = state.db.reader();
    let code: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT created_at, expires_at, used_at FROM activation_codes
         WHERE org_id = $1 AND user_id = $2 AND replaced_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(org.0)
    .bind(id)
    .fetch_optional(db)
    .await?;
    let code = code.map(|(sent, expires, used)| CodeState {
        sent_on: date(sent),
        expires_on: date(expires),
        used: used.is_some(),
        expired: used.is_none() && expires <= now,
    });
    let devices: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT model, mac, activated_at FROM devices WHERE org_id = $1 AND user_id = $2 ORDER BY id",
    )
    .bind(org.0)
    .bind(id)
    .fetch_all(db)
    .await?;
    let devices = devices
        .into_iter()
        .map(|(model, mac, at)| Device {
            model,
            mac: shown_mac(&mac),
            activated_on: date(at),
        })
        .collect();
    Ok((code, devices))
}

/// An administrator sends person `id` a new code; they must have calling.
pub async fn send_new_code(
    state: &AppState,
    session: &super::auth::sessions::Session,
    id: i64,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let person: Option<(String, String)> =
        sqlx::query_as("SELECT email, status FROM users WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(session.org.0)
            .fetch_optional(&mut *tx)
            .await?;
    let (email, status) = person.ok_or(AppError::NotFound)?;
    let calling: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM user_services WHERE org_id = $1 AND user_id = $2 AND service = 'calling')",
    )
    .bind(session.org.0)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if !calling {
        return Err(AppError::invalid("code", Key::ActivationNeedsCalling));
    }
    if status == "deactivated" {
        return Err(AppError::invalid("code", Key::ActivationDeactivated));
    }
    send_codes(&mut tx, state, session.org, &[id], now).await?;
    audit::by(&mut tx, session, Action::ActivationCodeSent, &email, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn throttled(state: &AppState, client: &str, now: i64) -> Result<bool, sqlx::Error> {
    let failures: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM failed_activations WHERE client_address = $1 AND at > $2",
    )
    .bind(client)
    .bind(now - WINDOW_SECONDS)
    .fetch_one(state.db.reader())
    .await?;
    Ok(failures >= FAILURES_PER_CLIENT)
}

/// A code's row, as the activation reads it.
#[derive(sqlx::FromRow)]
struct Code {
    id: i64,
    org_id: i64,
    user_id: i64,
    expires_at: i64,
    used_at: Option<i64>,
    replaced_at: Option<i64>,
    status: String,
    name: String,
    email: String,
}

/// Registers the phone with the code's person. Every field is checked first (all at once); then
/// the code: wrong (counted against `client`), used, replaced or expired each have their answer.
pub async fn activate(
    state: &AppState,
    code: &str,
    model: &str,
    mac: &str,
    client: &str,
    now: i64,
) -> Result<Activated, AppError> {
    if throttled(state, client, now).await? {
        return Err(AppError::TooManyAttempts);
    }
    let mut refused = Vec::new();
    let mut refuse = |field: &str, reason: Key| {
        refused.push(FieldError {
            field: field.to_owned(),
            reason,
            args: Vec::new(),
        })
    };
    let digits = typed_code(code);
    if digits.is_none() {
        refuse("code", Key::ActivationCodeFormat);
    }
    let model = model.trim();
    if model.is_empty() || model.chars().count() > MAX_MODEL {
        refuse("model", Key::DeviceModelNeeded);
    }
    let mac = typed_mac(mac);
    if mac.is_none() {
        refuse("mac", Key::DeviceMacInvalid);
    }
    let (Some(digits), Some(mac), true) = (digits, mac, refused.is_empty()) else {
        return Err(AppError::Invalid(refused));
    };

    let mut tx = state.db.begin_write().await?;
    sqlx::query("DELETE FROM failed_activations WHERE at <= $1")
        .bind(now - WINDOW_SECONDS)
        .execute(&mut *tx)
        .await?;
    let found: Option<Code> = sqlx::query_as(
        "SELECT c.id, c.org_id, c.user_id, c.expires_at, c.used_at, c.replaced_at, u.status,
                COALESCE(u.display_name, u.email) AS name, u.email
         FROM activation_codes c JOIN users u ON u.id = c.user_id
         WHERE c.code_hash = $1",
    )
    .bind(code_hash(&digits))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(found) = found else {
        sqlx::query("INSERT INTO failed_activations (client_address, at) VALUES ($1, $2)")
            .bind(client)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Err(AppError::invalid("code", Key::ActivationCodeWrong));
    };
    let refusal = if found.used_at.is_some() {
        Some(Key::ActivationCodeUsed)
    } else if found.replaced_at.is_some() || found.status == "deactivated" {
        Some(Key::ActivationCodeReplaced)
    } else if found.expires_at <= now {
        Some(Key::ActivationCodeExpired)
    } else {
        None
    };
    if let Some(reason) = refusal {
        return Err(AppError::invalid("code", reason));
    }
    let org = OrgId(found.org_id);
    let holder: Option<i64> = sqlx::query_scalar("SELECT org_id FROM devices WHERE mac = $1")
        .bind(&mac)
        .fetch_optional(&mut *tx)
        .await?;
    if holder.is_some_and(|holder| holder != org.0) {
        return Err(AppError::invalid("mac", Key::DeviceMacTaken));
    }
    // A phone of the organisation's passed on to someone else moves to them.
    sqlx::query("DELETE FROM devices WHERE mac = $1 AND org_id = $2")
        .bind(&mac)
        .bind(org.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO devices (org_id, user_id, model, mac, activated_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(org.0)
    .bind(found.user_id)
    .bind(model)
    .bind(&mac)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE activation_codes SET used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(found.id)
        .execute(&mut *tx)
        .await?;
    let detail = format!("{}: {model} {}", found.email, shown_mac(&mac));
    // No actor: the phone acted, and its person may not have an account yet.
    audit::record(
        &mut tx,
        audit::Event {
            org: Some(org),
            actor: None,
            action: Action::PhoneActivated,
            detail: &detail,
            client_address: Some(client),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Activated {
        name: found.name,
        model: model.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sixteen_random_digits_kept_hashed() {
        let (a, hash) = new_code();
        let (b, _) = new_code();
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|d| d.is_ascii_digit()));
        assert_ne!(a, b);
        assert_eq!(hash, code_hash(&a));
        assert!(!hash.contains(&a));
        assert_eq!(grouped("1234567890123456"), "1234 5678 9012 3456");
    }

    #[test]
    fn codes_are_read_with_the_spaces_and_dashes_people_type() {
        assert_eq!(
            typed_code(" 1234 5678-9012 3456 ").as_deref(),
            Some("1234567890123456")
        );
        assert_eq!(typed_code("123456789012345"), None);
        assert_eq!(typed_code("12345678901234567"), None);
        assert_eq!(typed_code("1234 5678 9012 345x"), None);
        assert_eq!(typed_code(""), None);
    }

    #[test]
    fn mac_addresses_are_read_in_each_usual_form() {
        for typed in [
            "00:1A:2B:3C:4D:5E",
            "00-1a-2b-3c-4d-5e",
            "001a.2b3c.4d5e",
            "001A2B3C4D5E",
        ] {
            assert_eq!(typed_mac(typed).as_deref(), Some("001a2b3c4d5e"), "{typed}");
        }
        assert_eq!(typed_mac("00:1A:2B:3C:4D"), None);
        assert_eq!(typed_mac("00:1A:2B:3C:4D:5G"), None);
        assert_eq!(typed_mac("00:00:00:00:00:00"), None);
        assert_eq!(shown_mac("001a2b3c4d5e"), "00:1a:2b:3c:4d:5e");
    }
}
