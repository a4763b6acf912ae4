//! The settings as saved: the plan and its seats in use, each service's settings, the
//! organisation's own, and everything the pages show at once (with the wizard's drafts, if asked).

use super::{domains, number_pool, setup};
use crate::api::settings::{CallingView, PlanLine, SettingsView};
use crate::domain::settings::{
    CallingForm, CallingSettings, EnterpriseForm, MeetingsSettings, MessagingForm,
    MessagingSettings, SetupStep,
};
use crate::domain::{OrgId, Role, Service, UserStatus};
use crate::error::AppError;
use crate::locales::Locale;
use crate::server::auth::sessions::Session;
use crate::server::AppState;
use sqlx::SqlitePool;

pub async fn plan(db: &SqlitePool, org: OrgId) -> Result<Vec<PlanLine>, sqlx::Error> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT l.service, l.seats, (SELECT COUNT(*) FROM user_services s JOIN users u ON u.id = s.user_id
                                     WHERE s.org_id = l.org_id AND s.service = l.service AND u.status <> $2)
         FROM licences l WHERE l.org_id = $1",
    )
    .bind(org.0)
    .bind(UserStatus::Deactivated.as_str())
    .fetch_all(db)
    .await?;
    let mut plan: Vec<PlanLine> = rows
        .into_iter()
        .filter_map(|(service, seats, used)| {
            Some(PlanLine {
                service: Service::parse(&service)?,
                seats: u32::try_from(seats).ok()?,
                used: u32::try_from(used).ok()?,
            })
        })
        .collect();
    plan.sort_by_key(|line| line.service);
    Ok(plan)
}

pub(super) async fn messaging(
    db: &SqlitePool,
    org: OrgId,
) -> Result<MessagingSettings, sqlx::Error> {
    let row: Option<(bool, bool, Option<i64>)> = sqlx::query_as(
        "SELECT file_sharing, external_messaging, retention_days FROM messaging_settings
         WHERE org_id = $1",
    )
    .bind(org.0)
    .fetch_optional(db)
    .await?;
    Ok(
        row.map_or_else(MessagingSettings::default, |(f, e, r)| MessagingSettings {
            file_sharing: f,
            external_messaging: e,
            retention_days: r.and_then(|d| u32::try_from(d).ok()),
        }),
    )
}

pub(super) async fn meetings(db: &SqlitePool, org: OrgId) -> Result<MeetingsSettings, sqlx::Error> {
    let row: Option<(bool, bool)> = sqlx::query_as(
        "SELECT guests_allowed, recording_allowed FROM meetings_settings WHERE org_id = $1",
    )
    .bind(org.0)
    .fetch_optional(db)
    .await?;
    Ok(
        row.map_or_else(MeetingsSettings::default, |(g, r)| MeetingsSettings {
            guests_allowed: g,
            recording_allowed: r,
        }),
    )
}

#[derive(sqlx::FromRow)]
pub(super) struct OrgRow {
    pub name: String,
    pub default_locale: String,
    pub invitation_days: i64,
}

pub(super) async fn organisation(db: &SqlitePool, org: OrgId) -> Result<OrgRow, AppError> {
    sqlx::query_as("SELECT name, default_locale, invitation_days FROM organisations WHERE id = $1")
        .bind(org.0)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub(crate) async fn calling(
    db: &SqlitePool,
    org: OrgId,
    starting: impl FnOnce() -> CallingSettings,
) -> Result<CallingSettings, sqlx::Error> {
    #[allow(clippy::type_complexity)]
    let row: Option<(String, String, i64, String, String, Option<String>, bool)> = sqlx::query_as(
        "SELECT location, time_zone, extension_length, extension_first, extension_last,
                    caller_id, voicemail_default
             FROM calling_settings WHERE org_id = $1",
    )
    .bind(org.0)
    .fetch_optional(db)
    .await?;
    Ok(match row {
        Some((location, time_zone, length, first, last, caller_id, voicemail)) => CallingSettings {
            location,
            time_zone,
            extension_length: u32::try_from(length).unwrap_or(4),
            extension_first: first,
            extension_last: last,
            caller_id,
            voicemail_default: voicemail,
        },
        None => starting(),
    })
}

/// The saved settings; with `drafts`, a wizard step's unsaved form replaces its saved one.
pub async fn view(
    state: &AppState,
    session: &Session,
    drafts: bool,
) -> Result<SettingsView, AppError> {
    let db = state.db.reader();
    let org = session.org;
    let plan = plan(db, org).await?;
    let has = |service| plan.iter().any(|line| line.service == service);
    let row = organisation(db, org).await?;
    let locale = Locale::from_tag(&row.default_locale).unwrap_or_default();
    let drafts = if drafts {
        setup::drafts(db, org).await?
    } else {
        Default::default()
    };
    let draft = |step: SetupStep| drafts.get(step.as_str());
    let messaging = if has(Service::Messaging) {
        Some(match draft(SetupStep::Messaging) {
            Some(json) => serde_json::from_str(json).unwrap_or_default(),
            None => MessagingForm::from(&messaging(db, org).await?),
        })
    } else {
        None
    };
    let meetings = if has(Service::Meetings) {
        Some(meetings(db, org).await?)
    } else {
        None
    };
    let calling = if has(Service::Calling) {
        let form = match draft(SetupStep::Calling) {
            Some(json) => serde_json::from_str(json).unwrap_or_default(),
            None => CallingForm::from(
                &calling(db, org, || CallingSettings::starting(&row.name, locale)).await?,
            ),
        };
        Some(CallingView {
            form,
            pool: number_pool::runs(db, org).await?,
        })
    } else {
        None
    };
    let enterprise = match draft(SetupStep::Enterprise) {
        Some(json) => serde_json::from_str(json).unwrap_or_default(),
        None => EnterpriseForm {
            display_name: row.name.clone(),
            default_language: locale.tag().to_owned(),
            invitation_days: row.invitation_days.to_string(),
        },
    };
    Ok(SettingsView {
        can_edit: session.role.at_least(Role::FullAdmin),
        plan,
        messaging,
        meetings,
        calling,
        enterprise,
        domains: domains::list(state, session).await?,
    })
}
