//! The organisation's directory configuration as stored: read back into the form (never with its
//! password), opened into a `Directory` to read (the password unsealed with the server's key),
//! saved (sealed) and removed.

use super::ldap::{Attributes, Directory};
use crate::domain::directory::{DirectoryForm, Schedule};
use crate::domain::{OrgId, Service};
use crate::error::AppError;
use crate::locales::Key;
use crate::server::audit::{self, Action};
use crate::server::auth::sessions::Session;
use crate::server::AppState;

/// What the page shows of a stored configuration.
pub struct Stored {
    pub form: DirectoryForm,
    pub schedule: Schedule,
    pub next_run_at: Option<i64>,
    pub configured_by: i64,
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    i64,
);

fn services(text: &str) -> Vec<Service> {
    text.split(',').filter_map(Service::parse).collect()
}

/// The sealed password belongs to the organisation: copied to another's row, it does not open.
fn owner(org: OrgId) -> Vec<u8> {
    format!("directory bind password, organisation {}", org.0).into_bytes()
}

/// The stored configuration, without its password; none when the organisation has none.
pub async fn load(state: &AppState, org: OrgId) -> Result<Option<Stored>, AppError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT url, bind_dn, base_dn, user_filter, attribute_email, attribute_first_name,
                attribute_last_name, attribute_display_name, attribute_phone, everyone_services,
                schedule, next_run_at, configured_by
         FROM directory_configs WHERE org_id = $1",
    )
    .bind(org.0)
    .fetch_optional(state.db.reader())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let groups: Vec<(String, String)> = sqlx::query_as(
        "SELECT service, group_dn FROM directory_groups WHERE org_id = $1 ORDER BY service, group_dn",
    )
    .bind(org.0)
    .fetch_all(state.db.reader())
    .await?;
    let groups = Service::ALL
        .into_iter()
        .map(|service| {
            let lines: Vec<&str> = groups
                .iter()
                .filter(|(s, _)| s == service.as_str())
                .map(|(_, dn)| dn.as_str())
                .collect();
            (service, lines.join("\n"))
        })
        .filter(|(_, text)| !text.is_empty())
        .collect();
    let schedule = Schedule::parse(&row.10).unwrap_or_default();
    Ok(Some(Stored {
        form: DirectoryForm {
            url: row.0,
            bind_dn: row.1,
            password: String::new(),
            base_dn: row.2,
            filter: row.3,
            attribute_email: row.4,
            attribute_first_name: row.5,
            attribute_last_name: row.6,
            attribute_display_name: row.7,
            attribute_phone: row.8,
            everyone: services(&row.9),
            groups,
            schedule: schedule.as_str().to_owned(),
        },
        schedule,
        next_run_at: row.11,
        configured_by: row.12,
    }))
}

/// The directory to read, its password opened; refused when none is configured.
pub async fn directory(state: &AppState, org: OrgId) -> Result<Directory, AppError> {
    let stored = load(state, org)
        .await?
        .ok_or_else(|| AppError::invalid("directory", Key::DirectoryNotConfigured))?;
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT bind_password FROM directory_configs WHERE org_id = $1")
            .bind(org.0)
            .fetch_one(state.db.reader())
            .await?;
    let password = state
        .sealer
        .open(&sealed, &owner(org))
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        // Another server key (or a copied row): the administrator types the password again.
        .ok_or_else(|| AppError::invalid("password", Key::DirectoryPasswordUnreadable))?;
    let form = stored.form;
    let groups = form
        .groups
        .iter()
        .flat_map(|(service, text)| text.lines().map(|dn| (*service, dn.to_owned())))
        .collect();
    Ok(Directory {
        url: form.url,
        bind_dn: form.bind_dn,
        password,
        base_dn: form.base_dn,
        filter: form.filter,
        attributes: Attributes {
            email: form.attribute_email,
            first_name: form.attribute_first_name,
            last_name: form.attribute_last_name,
            display_name: form.attribute_display_name,
            phone: form.attribute_phone,
        },
        everyone: form.everyone,
        groups,
    })
}

/// Checks and saves the configuration; an empty password keeps the stored one. Services the
/// plan does not have are refused.
pub async fn save(
    state: &AppState,
    session: &Session,
    form: &DirectoryForm,
    now: i64,
) -> Result<(), AppError> {
    let org = session.org;
    let stored = load(state, org).await?.is_some();
    let settings = form.parse(stored).map_err(AppError::Invalid)?;
    let plan = crate::server::settings::plan(state.db.reader(), org).await?;
    let offered: Vec<Service> = plan.iter().map(|line| line.service).collect();
    let mut refused = Vec::new();
    for (service, _) in &settings.groups {
        if !offered.contains(service) {
            refused.push(crate::domain::directory::group_field(*service));
        }
    }
    if settings.everyone.iter().any(|s| !offered.contains(s)) {
        refused.push("everyone");
    }
    if let Some(field) = refused.first() {
        return Err(AppError::invalid(field, Key::DirectoryServiceNotInPlan));
    }
    let everyone: Vec<&str> = settings.everyone.iter().map(|s| s.as_str()).collect();
    let next_run_at = settings.schedule.every().map(|every| now + every);
    let mut tx = state.db.begin_write().await?;
    let sealed: Vec<u8> = match &settings.password {
        Some(password) => state.sealer.seal(password.as_bytes(), &owner(org)),
        None => {
            sqlx::query_scalar("SELECT bind_password FROM directory_configs WHERE org_id = $1")
                .bind(org.0)
                .fetch_one(&mut *tx)
                .await?
        }
    };
    let [email, first_name, last_name, display_name, phone] = &settings.attributes;
    sqlx::query(
        "INSERT INTO directory_configs (org_id, url, bind_dn, bind_password, base_dn, user_filter,
                attribute_email, attribute_first_name, attribute_last_name, attribute_display_name,
                attribute_phone, everyone_services, schedule, next_run_at, configured_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (org_id) DO UPDATE SET url = excluded.url, bind_dn = excluded.bind_dn,
                bind_password = excluded.bind_password,
                base_dn = excluded.base_dn, user_filter = excluded.user_filter,
                attribute_email = excluded.attribute_email,
                attribute_first_name = excluded.attribute_first_name,
                attribute_last_name = excluded.attribute_last_name,
                attribute_display_name = excluded.attribute_display_name,
                attribute_phone = excluded.attribute_phone,
                everyone_services = excluded.everyone_services, schedule = excluded.schedule,
                next_run_at = excluded.next_run_at, configured_by = excluded.configured_by,
                updated_at = excluded.updated_at",
    )
    .bind(org.0)
    .bind(&settings.url)
    .bind(&settings.bind_dn)
    .bind(sealed)
    .bind(&settings.base_dn)
    .bind(&settings.filter)
    .bind(email)
    .bind(first_name)
    .bind(last_name)
    .bind(display_name)
    .bind(phone)
    .bind(everyone.join(","))
    .bind(settings.schedule.as_str())
    .bind(next_run_at)
    .bind(session.user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM directory_groups WHERE org_id = $1")
        .bind(org.0)
        .execute(&mut *tx)
        .await?;
    for (service, dn) in &settings.groups {
        sqlx::query("INSERT INTO directory_groups (org_id, service, group_dn) VALUES ($1, $2, $3)")
            .bind(org.0)
            .bind(service.as_str())
            .bind(dn)
            .execute(&mut *tx)
            .await?;
    }
    let detail = format!(
        "directory: {} {} ({})",
        settings.url,
        settings.base_dn,
        settings.schedule.as_str()
    );
    audit::by(&mut tx, session, Action::SettingsChanged, &detail, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets the configuration (its syncs stay in the history).
pub async fn remove(state: &AppState, session: &Session, now: i64) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    sqlx::query("DELETE FROM directory_groups WHERE org_id = $1")
        .bind(session.org.0)
        .execute(&mut *tx)
        .await?;
    let removed = sqlx::query("DELETE FROM directory_configs WHERE org_id = $1")
        .bind(session.org.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::NotFound);
    }
    audit::by(
        &mut tx,
        session,
        Action::SettingsChanged,
        "directory: removed",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
