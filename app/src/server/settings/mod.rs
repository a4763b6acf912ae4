//! The organisation's settings, saved form by form in one transaction with its audit event.
//! Saving from a wizard step goes on to the next step (or back); saving from a tab comes back
//! to the tab. `saved` reads them.

pub mod domains;
pub mod extensions;
pub mod number_pool;
pub(crate) mod saved;
pub mod setup;

use saved::{calling, meetings, messaging, organisation};
pub use saved::{plan, view};

use crate::domain::settings::{
    CallingForm, CallingSettings, EnterpriseForm, MeetingsSettings, MessagingForm, Refusals,
    SetupStep,
};
use crate::domain::{OrgId, Service};
use crate::error::{AppError, FieldError};
use crate::locales::{Key, Locale};
use crate::server::audit::{self, Action};
use crate::server::auth::sessions::Session;
use crate::server::AppState;
use setup::Go;

/// The names of the fields that differ between two forms, for the audit event.
fn changed<T: serde::Serialize>(area: &str, before: &T, after: &T) -> Option<String> {
    let (Ok(serde_json::Value::Object(before)), Ok(serde_json::Value::Object(after))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return None;
    };
    let fields: Vec<&str> = after
        .iter()
        .filter(|(name, value)| before.get(*name) != Some(value))
        .map(|(name, _)| name.as_str())
        .collect();
    (!fields.is_empty()).then(|| format!("{area}: {}", fields.join(", ")))
}

/// Refuses a change to a service the plan does not have.
pub(crate) async fn require_service(
    state: &AppState,
    org: OrgId,
    service: Service,
) -> Result<(), AppError> {
    let plan = plan(state.db.reader(), org).await?;
    if plan.iter().any(|line| line.service == service) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Parses a form; a refused wizard step keeps what was typed as its draft.
async fn parse_or_keep<T, F: serde::Serialize>(
    state: &AppState,
    session: &Session,
    step: SetupStep,
    go: Option<Go>,
    form: &F,
    parsed: Result<T, Vec<FieldError>>,
) -> Result<T, AppError> {
    match parsed {
        Ok(value) => Ok(value),
        Err(errors) => {
            if go.is_some() {
                setup::keep_draft(state, session.org, step, form).await?;
            }
            Err(AppError::Invalid(errors))
        }
    }
}

pub async fn save_messaging(
    state: &AppState,
    session: &Session,
    form: MessagingForm,
    go: Option<&str>,
    now: i64,
) -> Result<String, AppError> {
    const STEP: SetupStep = SetupStep::Messaging;
    require_service(state, session.org, Service::Messaging).await?;
    let go = Go::parse(go)?;
    if go == Some(Go::Back) {
        return setup::go_back(state, session, STEP, &form).await;
    }
    let settings = parse_or_keep(state, session, STEP, go, &form, form.parse()).await?;
    let before = messaging(state.db.reader(), session.org).await?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO messaging_settings (org_id, file_sharing, external_messaging, retention_days)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (org_id) DO UPDATE SET file_sharing = excluded.file_sharing,
             external_messaging = excluded.external_messaging, retention_days = excluded.retention_days",
    )
    .bind(session.org.0)
    .bind(settings.file_sharing)
    .bind(settings.external_messaging)
    .bind(settings.retention_days.map(i64::from))
    .execute(&mut *tx)
    .await?;
    if let Some(detail) = changed("messaging", &before, &settings) {
        audit::by(&mut tx, session, Action::SettingsChanged, &detail, now).await?;
    }
    let to = setup::went_on(&mut tx, state, session, STEP, go, "/services/messaging").await?;
    tx.commit().await?;
    Ok(to)
}

pub async fn save_meetings(
    state: &AppState,
    session: &Session,
    settings: MeetingsSettings,
    now: i64,
) -> Result<String, AppError> {
    require_service(state, session.org, Service::Meetings).await?;
    let before = meetings(state.db.reader(), session.org).await?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO meetings_settings (org_id, guests_allowed, recording_allowed) VALUES ($1, $2, $3)
         ON CONFLICT (org_id) DO UPDATE SET guests_allowed = excluded.guests_allowed,
             recording_allowed = excluded.recording_allowed",
    )
    .bind(session.org.0)
    .bind(settings.guests_allowed)
    .bind(settings.recording_allowed)
    .execute(&mut *tx)
    .await?;
    if let Some(detail) = changed("meetings", &before, &settings) {
        audit::by(&mut tx, session, Action::SettingsChanged, &detail, now).await?;
    }
    tx.commit().await?;
    Ok("/services/meetings?saved".to_owned())
}

pub async fn save_calling(
    state: &AppState,
    session: &Session,
    form: CallingForm,
    go: Option<&str>,
    now: i64,
) -> Result<String, AppError> {
    const STEP: SetupStep = SetupStep::Calling;
    require_service(state, session.org, Service::Calling).await?;
    let go = Go::parse(go)?;
    if go == Some(Go::Back) {
        return setup::go_back(state, session, STEP, &form).await;
    }
    // Every field is checked before anything is written, and every problem is answered at once.
    let mut errors = form.parse().err().unwrap_or_default();
    let numbers = match number_pool::parse_lines(&form.numbers) {
        Ok(numbers) => numbers,
        Err(more) => {
            errors.extend(more);
            Vec::new()
        }
    };
    let caller_id = match form.caller_id.trim() {
        "" => None,
        typed => match number_pool::parse_number(typed) {
            Ok(number) => Some(number),
            Err(_) => {
                let mut refusals = Refusals::default();
                refusals.add("caller_id", Key::CallerIdInvalid, &[]);
                errors.extend(refusals.0);
                None
            }
        },
    };
    let parsed = if errors.is_empty() {
        form.parse()
    } else {
        Err(errors)
    };
    let mut settings = parse_or_keep(state, session, STEP, go, &form, parsed).await?;
    settings.caller_id = caller_id;
    let org_name = organisation(state.db.reader(), session.org).await?.name;
    let before = calling(state.db.reader(), session.org, || {
        CallingSettings::starting(&org_name, Locale::En)
    })
    .await?;
    let mut tx = state.db.begin_write().await?;
    let elsewhere = number_pool::held_elsewhere(&mut tx, session.org, &numbers).await?;
    let mut refusals = Refusals::default();
    if let Some(first) = elsewhere.first() {
        let count = elsewhere.len().to_string();
        refusals.add(
            "numbers",
            Key::NumberHeldElsewhere,
            &[("given", first), ("count", &count)],
        );
    }
    let added = number_pool::add(&mut tx, session.org, &numbers, now).await?;
    if let Some(caller_id) = &settings.caller_id {
        if !number_pool::contains(&mut tx, session.org, caller_id).await? {
            refusals.add("caller_id", Key::CallerIdNotInPool, &[]);
        }
    }
    if !refusals.0.is_empty() {
        drop(tx);
        return parse_or_keep(state, session, STEP, go, &form, Err::<(), _>(refusals.0))
            .await
            .map(|()| String::new());
    }
    sqlx::query(
        "INSERT INTO calling_settings (org_id, location, time_zone, extension_length,
             extension_first, extension_last, caller_id, voicemail_default)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (org_id) DO UPDATE SET location = excluded.location,
             time_zone = excluded.time_zone, extension_length = excluded.extension_length,
             extension_first = excluded.extension_first, extension_last = excluded.extension_last,
             caller_id = excluded.caller_id, voicemail_default = excluded.voicemail_default",
    )
    .bind(session.org.0)
    .bind(&settings.location)
    .bind(&settings.time_zone)
    .bind(i64::from(settings.extension_length))
    .bind(&settings.extension_first)
    .bind(&settings.extension_last)
    .bind(&settings.caller_id)
    .bind(settings.voicemail_default)
    .execute(&mut *tx)
    .await?;
    if let Some(detail) = changed("calling", &before, &settings) {
        audit::by(&mut tx, session, Action::SettingsChanged, &detail, now).await?;
    }
    if added > 0 {
        let detail = format!("{added} numbers");
        audit::by(&mut tx, session, Action::NumbersAdded, &detail, now).await?;
    }
    let to = setup::went_on(&mut tx, state, session, STEP, go, "/services/calling").await?;
    tx.commit().await?;
    Ok(to)
}

pub async fn remove_numbers(
    state: &AppState,
    session: &Session,
    first: &str,
    last: &str,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let removed = number_pool::remove(&mut tx, session.org, first.trim(), last.trim()).await?;
    if removed == 0 {
        return Err(AppError::NotFound);
    }
    let detail = format!("{removed} numbers, {first} to {last}");
    audit::by(&mut tx, session, Action::NumbersRemoved, &detail, now).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn save_enterprise(
    state: &AppState,
    session: &Session,
    form: EnterpriseForm,
    go: Option<&str>,
    now: i64,
) -> Result<(String, String), AppError> {
    const STEP: SetupStep = SetupStep::Enterprise;
    let go = Go::parse(go)?;
    let row = organisation(state.db.reader(), session.org).await?;
    if go == Some(Go::Back) {
        let to = setup::go_back(state, session, STEP, &form).await?;
        return Ok((to, row.name));
    }
    let settings = parse_or_keep(state, session, STEP, go, &form, form.parse()).await?;
    let before = EnterpriseForm {
        display_name: row.name,
        default_language: row.default_locale,
        invitation_days: row.invitation_days.to_string(),
    };
    let mut tx = state.db.begin_write().await?;
    let name = settings.display_name.as_str();
    // One writer: nothing can take the name between this look and the update.
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM organisations WHERE name_key = $1 AND id <> $2")
            .bind(name.to_lowercase())
            .bind(session.org.0)
            .fetch_optional(&mut *tx)
            .await?;
    if taken.is_some() {
        drop(tx);
        let refused = Err::<(), _>(vec![FieldError {
            field: "display_name".into(),
            reason: Key::SettingsOrgNameTaken,
            args: Vec::new(),
        }]);
        return parse_or_keep(state, session, STEP, go, &form, refused)
            .await
            .map(|()| (String::new(), String::new()));
    }
    sqlx::query(
        "UPDATE organisations SET name = $1, name_key = $2, default_locale = $3, invitation_days = $4
         WHERE id = $5",
    )
    .bind(name)
    .bind(name.to_lowercase())
    .bind(settings.default_locale.tag())
    .bind(i64::from(settings.invitation_days))
    .bind(session.org.0)
    .execute(&mut *tx)
    .await?;
    if let Some(detail) = changed("enterprise", &before, &EnterpriseForm::from(&settings)) {
        audit::by(&mut tx, session, Action::SettingsChanged, &detail, now).await?;
    }
    let to = setup::went_on(&mut tx, state, session, STEP, go, "/settings").await?;
    tx.commit().await?;
    Ok((to, name.to_owned()))
}
