//! A calling user's own settings: read for their `/me` page (and, read-only, for administrators
//! on their details page), and changed one section at a time. Each change reads, changes and
//! writes the settings inside one write transaction, so two tabs saving at once both land.

use super::auth::passwords;
use super::auth::sessions::Session;
use super::settings::{number_pool, saved};
use super::{phones, AppState};
use crate::api::me::OwnCalling;
use crate::domain::self_service::{self, Preferences};
use crate::domain::settings::CallingSettings;
use crate::domain::OrgId;
use crate::error::AppError;
use crate::locales::{Key, Locale};
use crate::server::db::WriteTx;
use sqlx::SqliteConnection;

async fn calling_settings(state: &AppState, org: OrgId) -> Result<CallingSettings, AppError> {
    Ok(saved::calling(state.db.reader(), org, || {
        CallingSettings::starting("", Locale::En)
    })
    .await?)
}

/// Reads a number typed for forwarding, a speed dial or single number reach: one of the
/// organisation's extensions (digits of the plan's length), or a number in international form.
pub fn read_number(typed: &str, extension_length: u32) -> Result<String, Key> {
    let typed = typed.trim();
    if typed.bytes().all(|b| b.is_ascii_digit()) && typed.len() == extension_length as usize {
        return Ok(typed.to_owned());
    }
    number_pool::parse_number(typed).map_err(|reason| match reason {
        Key::NumberNeedsCountryCode => Key::PhoneNeedsCountryCode,
        _ => Key::PhoneInvalid,
    })
}

async fn stored(
    conn: &mut SqliteConnection,
    org: OrgId,
    user_id: i64,
) -> Result<Option<(Preferences, bool)>, AppError> {
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT settings, voicemail_pin_hash FROM calling_preferences WHERE org_id = $1 AND user_id = $2",
    )
    .bind(org.0)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(settings, pin)| {
        serde_json::from_str(&settings)
            .map(|p| (p, pin.is_some()))
            .map_err(crate::server::error::internal)
    })
    .transpose()
}

/// Person `user_id`'s line, settings and phones. `None` when they are not the organisation's.
pub async fn view(
    state: &AppState,
    org: OrgId,
    user_id: i64,
    now: i64,
) -> Result<OwnCalling, AppError> {
    let mut conn = state.db.reader().acquire().await?;
    let person: Option<(Option<String>, Option<String>, bool)> = sqlx::query_as(
        "SELECT phone_number, extension,
                EXISTS (SELECT 1 FROM user_services s
                        WHERE s.user_id = u.id AND s.org_id = u.org_id AND s.service = 'calling')
         FROM users u WHERE id = $1 AND org_id = $2",
    )
    .bind(user_id)
    .bind(org.0)
    .fetch_optional(&mut *conn)
    .await?;
    let (number, extension, has_calling) = person.ok_or(AppError::NotFound)?;
    let calling = calling_settings(state, org).await?;
    let (preferences, pin_set) = match stored(&mut conn, org, user_id).await? {
        Some(found) => found,
        None => (Preferences::starting(calling.voicemail_default), false),
    };
    drop(conn);
    let (_, devices) = phones::of_person(state, org, user_id, now).await?;
    Ok(OwnCalling {
        has_calling,
        number,
        extension,
        extension_length: calling.extension_length,
        preferences,
        pin_set,
        devices,
    })
}

/// The signed-in person's settings, changed by `change` (given the extension length, to read
/// numbers) and written back. Only someone with calling has these settings.
pub async fn change(
    state: &AppState,
    session: &Session,
    now: i64,
    change: impl FnOnce(&mut Preferences, u32) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let calling = calling_settings(state, session.org).await?;
    let mut tx = state.db.begin_write().await?;
    let mut preferences = own(&mut tx, session, &calling).await?;
    change(&mut preferences, calling.extension_length)?;
    let settings = serde_json::to_string(&preferences).map_err(crate::server::error::internal)?;
    sqlx::query(
        "INSERT INTO calling_preferences (user_id, org_id, settings, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
    )
    .bind(session.user_id)
    .bind(session.org.0)
    .bind(settings)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The signed-in person's settings as stored, refusing someone without calling.
async fn own(
    tx: &mut WriteTx,
    session: &Session,
    calling: &CallingSettings,
) -> Result<Preferences, AppError> {
    let has_calling: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM user_services
                        WHERE org_id = $1 AND user_id = $2 AND service = 'calling')",
    )
    .bind(session.org.0)
    .bind(session.user_id)
    .fetch_one(&mut **tx)
    .await?;
    if !has_calling {
        return Err(AppError::Forbidden);
    }
    Ok(stored(tx, session.org, session.user_id)
        .await?
        .map(|(p, _)| p)
        .unwrap_or_else(|| Preferences::starting(calling.voicemail_default)))
}

/// A new voicemail PIN, typed twice.
pub async fn change_pin(
    state: &AppState,
    session: &Session,
    pin: &str,
    pin_again: &str,
    now: i64,
) -> Result<(), AppError> {
    self_service::check_pin(pin.trim()).map_err(|reason| AppError::invalid("pin", reason))?;
    if pin.trim() != pin_again.trim() {
        return Err(AppError::invalid("pin_again", Key::PinsDiffer));
    }
    let hash = passwords::hash_secret(pin.trim()).await?;
    let calling = calling_settings(state, session.org).await?;
    let mut tx = state.db.begin_write().await?;
    let preferences = own(&mut tx, session, &calling).await?;
    let settings = serde_json::to_string(&preferences).map_err(crate::server::error::internal)?;
    sqlx::query(
        "INSERT INTO calling_preferences (user_id, org_id, settings, voicemail_pin_hash, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id) DO UPDATE SET voicemail_pin_hash = excluded.voicemail_pin_hash,
                                             updated_at = excluded.updated_at",
    )
    .bind(session.user_id)
    .bind(session.org.0)
    .bind(settings)
    .bind(hash)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_extensions_of_the_plans_length_or_international() {
        assert_eq!(read_number("4021", 4).as_deref(), Ok("4021"));
        assert_eq!(
            read_number("+86 10 5555 0100", 4).as_deref(),
            Ok("+861055550100")
        );
        assert_eq!(read_number("40211", 4), Err(Key::PhoneNeedsCountryCode));
        assert_eq!(read_number("+86 1", 4), Err(Key::PhoneInvalid));
    }
}
