//! A person's direct number and extension. The number comes from the organisation's pool; a
//! number and an extension are one person's at a time. The check and the write share one write
//! transaction (and the database's unique indexes stand behind it), so of two admins assigning
//! the same number at once, the second is told who has it.

use super::settings::{number_pool, saved};
use crate::api::numbers::{CallingLine, NumbersView, PoolRow};
use crate::domain::settings::{CallingSettings, Refusals};
use crate::domain::{OrgId, Role, Service};
use crate::error::AppError;
use crate::locales::{Key, Locale};
use crate::server::audit::{self, Action};
use crate::server::auth::sessions::Session;
use crate::server::db::WriteTx;
use crate::server::AppState;

const FREE_SHOWN: i64 = 1000;

async fn extension_length(state: &AppState, org: OrgId) -> Result<u32, AppError> {
    let calling = saved::calling(state.db.reader(), org, || {
        CallingSettings::starting("", Locale::En)
    })
    .await?;
    Ok(calling.extension_length)
}

pub async fn person(
    state: &AppState,
    session: &Session,
    id: i64,
    now: i64,
) -> Result<CallingLine, AppError> {
    let db = state.db.reader();
    let (number, extension): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT phone_number, extension FROM users WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(session.org.0)
            .fetch_optional(db)
            .await?
            .ok_or(AppError::NotFound)?;
    let plan = saved::plan(db, session.org).await?;
    let mine = super::self_service::view(state, session.org, id, now).await?;
    let free: Vec<String> = sqlx::query_scalar(
        "SELECT p.number FROM pool_numbers p
         WHERE p.org_id = $1
           AND NOT EXISTS (SELECT 1 FROM users u WHERE u.org_id = p.org_id AND u.phone_number = p.number)
         ORDER BY p.number LIMIT $2",
    )
    .bind(session.org.0)
    .bind(FREE_SHOWN)
    .fetch_all(db)
    .await?;
    Ok(CallingLine {
        plan_has_calling: plan.iter().any(|l| l.service == Service::Calling),
        number,
        extension,
        extension_length: extension_length(state, session.org).await?,
        free,
        has_calling: mine.has_calling,
        code: super::phones::of_person(state, session.org, id, now)
            .await?
            .0,
        devices: mine.devices,
        preferences: mine.has_calling.then_some(mine.preferences),
    })
}

/// Who of the organisation, other than `id`, has `column` = `value`.
async fn holder(
    tx: &mut WriteTx,
    org: OrgId,
    id: i64,
    column: &'static str,
    value: &str,
) -> Result<Option<String>, sqlx::Error> {
    let sql = format!(
        "SELECT COALESCE(display_name, email) FROM users WHERE org_id = $1 AND {column} = $2 AND id <> $3"
    );
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(value)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// Gives person `id` the number and the extension typed (either may be empty for none).
pub async fn assign(
    state: &AppState,
    session: &Session,
    id: i64,
    number: &str,
    extension: &str,
    now: i64,
) -> Result<(), AppError> {
    let org = session.org;
    let length = extension_length(state, org).await?;
    let mut refusals = Refusals::default();
    let number = match number.trim() {
        "" => None,
        typed => match number_pool::parse_number(typed) {
            Ok(number) => Some(number),
            Err(_) => {
                refusals.add("number", Key::CallerIdInvalid, &[]);
                None
            }
        },
    };
    let extension = match extension.trim() {
        "" => None,
        typed if typed.len() == length as usize && typed.bytes().all(|b| b.is_ascii_digit()) => {
            Some(typed.to_owned())
        }
        _ => {
            let length = length.to_string();
            refusals.add(
                "extension",
                Key::SettingsExtensionDigits,
                &[("length", &length)],
            );
            None
        }
    };
    let mut tx = state.db.begin_write().await?;
    let person: Option<(String, Option<String>, String)> =
        sqlx::query_as("SELECT email, display_name, role FROM users WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?;
    let (email, name, role) = person.ok_or(AppError::NotFound)?;
    // A user administrator manages people, not other administrators.
    if Role::from_db(&role) != Some(Role::User) && !session.role.at_least(Role::FullAdmin) {
        return Err(AppError::Forbidden);
    }
    let who = name.unwrap_or_else(|| email.clone());
    let has_calling: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM user_services WHERE user_id = $1 AND org_id = $2 AND service = 'calling'",
    )
    .bind(id)
    .bind(org.0)
    .fetch_optional(&mut *tx)
    .await?;
    if has_calling.is_none() && (number.is_some() || extension.is_some()) {
        refusals.add("number", Key::NumberNeedsCalling, &[("who", &who)]);
    }
    if let Some(number) = &number {
        if !number_pool::contains(&mut tx, org, number).await? {
            refusals.add("number", Key::NumberNotInPool, &[]);
        } else if let Some(other) = holder(&mut tx, org, id, "phone_number", number).await? {
            refusals.add("number", Key::NumberHeldBy, &[("who", &other)]);
        }
    }
    if let Some(extension) = &extension {
        if let Some(other) = holder(&mut tx, org, id, "extension", extension).await? {
            refusals.add("extension", Key::ExtensionHeldBy, &[("who", &other)]);
        } else {
            let mapped: Option<String> = sqlx::query_scalar(
                "SELECT number FROM pool_numbers WHERE org_id = $1 AND extension = $2",
            )
            .bind(org.0)
            .bind(extension)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(mapped) = mapped.filter(|m| Some(m) != number.as_ref()) {
                refusals.add("extension", Key::ExtensionMappedTo, &[("number", &mapped)]);
            }
        }
    }
    if !refusals.0.is_empty() {
        return Err(AppError::Invalid(refusals.0));
    }
    sqlx::query("UPDATE users SET phone_number = $1, extension = $2 WHERE id = $3 AND org_id = $4")
        .bind(&number)
        .bind(&extension)
        .bind(id)
        .bind(org.0)
        .execute(&mut *tx)
        .await?;
    let detail = format!(
        "{email}: {} {}",
        number.as_deref().unwrap_or("-"),
        extension.as_deref().unwrap_or("-")
    );
    audit::by(&mut tx, session, Action::NumberAssigned, &detail, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes person `id`'s number and extension back into the pool.
pub async fn unassign(
    state: &AppState,
    session: &Session,
    id: i64,
    now: i64,
) -> Result<(), AppError> {
    assign(state, session, id, "", "", now).await
}

const ROWS_SHOWN: i64 = 500;

/// The pool for the Numbers page; `q` finds numbers (spaces ignored), extensions and people.
pub async fn list(state: &AppState, session: &Session, q: &str) -> Result<NumbersView, AppError> {
    let db = state.db.reader();
    let org = session.org;
    let plan = saved::plan(db, org).await?;
    if !plan.iter().any(|l| l.service == Service::Calling) {
        return Err(AppError::NotFound);
    }
    let calling = saved::calling(db, org, || CallingSettings::starting("", Locale::En)).await?;
    let (total, free): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(*) - COUNT(u.id) FROM pool_numbers p
         LEFT JOIN users u ON u.org_id = p.org_id AND u.phone_number = p.number
         WHERE p.org_id = $1",
    )
    .bind(org.0)
    .fetch_one(db)
    .await?;
    let q: String = q
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    // LIKE's own characters are matched as themselves.
    let pattern = format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    #[allow(clippy::type_complexity)]
    let rows: Vec<(String, Option<String>, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT p.number, p.extension, u.id, COALESCE(u.display_name, u.email)
         FROM pool_numbers p
         LEFT JOIN users u ON u.org_id = p.org_id AND u.phone_number = p.number
         WHERE p.org_id = $1
           AND ($2 = '' OR p.number LIKE $3 ESCAPE '\\' OR p.extension LIKE $3 ESCAPE '\\'
                OR lower(u.email) LIKE $3 ESCAPE '\\' OR lower(u.display_name) LIKE $3 ESCAPE '\\')
         ORDER BY p.number LIMIT $4",
    )
    .bind(org.0)
    .bind(&q)
    .bind(&pattern)
    .bind(ROWS_SHOWN + 1)
    .fetch_all(db)
    .await?;
    let more = rows.len() as i64 > ROWS_SHOWN;
    Ok(NumbersView {
        extension_length: calling.extension_length,
        extension_first: calling.extension_first,
        extension_last: calling.extension_last,
        total,
        free,
        rows: rows
            .into_iter()
            .take(ROWS_SHOWN as usize)
            .map(|(number, extension, id, name)| PoolRow {
                number,
                extension,
                holder: id.zip(name),
            })
            .collect(),
        more,
    })
}

/// Adds the numbers and ranges typed (one a line) to the pool, all or none.
pub async fn add(
    state: &AppState,
    session: &Session,
    typed: &str,
    now: i64,
) -> Result<u64, AppError> {
    super::settings::require_service(state, session.org, Service::Calling).await?;
    if typed.trim().is_empty() {
        return Err(AppError::invalid("numbers", Key::NumbersNoneTyped));
    }
    let numbers = number_pool::parse_lines(typed).map_err(AppError::Invalid)?;
    let mut tx = state.db.begin_write().await?;
    let elsewhere = number_pool::held_elsewhere(&mut tx, session.org, &numbers).await?;
    if let Some(first) = elsewhere.first() {
        let mut refusals = Refusals::default();
        let count = elsewhere.len().to_string();
        refusals.add(
            "numbers",
            Key::NumberHeldElsewhere,
            &[("given", first), ("count", &count)],
        );
        return Err(AppError::Invalid(refusals.0));
    }
    let added = number_pool::add(&mut tx, session.org, &numbers, now).await?;
    if added > 0 {
        let detail = format!("{added} numbers");
        audit::by(&mut tx, session, Action::NumbersAdded, &detail, now).await?;
    }
    tx.commit().await?;
    Ok(added)
}
