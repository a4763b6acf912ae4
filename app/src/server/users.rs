//! The people of an organisation: adding them from the paste box with their services, each with
//! an invitation in the outbox, all in one transaction.

use super::audit::{self, Action};
use super::auth::sessions::Session;
use super::auth::tokens;
use super::db::{self, WriteTx};
use super::invitations::{self, Invitee, Round};
use super::{now, AppState};
use crate::api::users::{AddOutcome, LicenceUse};
use crate::domain::{OrgId, Role, Service, UserStatus};
use crate::error::{AppError, FieldError};
use crate::import::paste::{self, Entry};
use crate::locales::{Key, Locale};
use std::collections::HashSet;

/// Seats and seats taken per service of the plan; deactivated people hold none.
pub async fn licence_use(state: &AppState, org: OrgId) -> Result<Vec<LicenceUse>, AppError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT l.service, l.seats,
                (SELECT COUNT(*) FROM user_services s JOIN users u ON u.id = s.user_id
                 WHERE s.org_id = l.org_id AND s.service = l.service AND u.status <> $2)
         FROM licences l WHERE l.org_id = $1 ORDER BY l.service",
    )
    .bind(org.0)
    .bind(UserStatus::Deactivated.as_str())
    .fetch_all(state.db.reader())
    .await?;
    let mut uses: Vec<LicenceUse> = rows
        .into_iter()
        .filter_map(|(service, seats, used)| {
            Service::parse(&service).map(|service| LicenceUse {
                service,
                seats,
                used,
            })
        })
        .collect();
    uses.sort_by_key(|u| u.service);
    Ok(uses)
}

/// How many people the organisation has, whatever their status.
pub async fn people(state: &AppState, org: OrgId) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("SELECT COALESCE(SUM(n), 0) FROM user_counts WHERE org_id = $1")
            .bind(org.0)
            .fetch_one(state.db.reader())
            .await?,
    )
}

fn field(field: &str, reason: Key, args: &[(&str, String)]) -> FieldError {
    FieldError {
        field: field.to_owned(),
        reason,
        args: args
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    }
}

/// Which addresses in the pasted `text` already belong to people of `org` (for the preview; the
/// submit decides again).
pub async fn known(state: &AppState, org: OrgId, text: &str) -> Result<Vec<String>, AppError> {
    let Ok(parsed) = paste::parse(text) else {
        return Ok(Vec::new());
    };
    let mut conn = state.db.reader().acquire().await?;
    let mut known: Vec<String> = existing(&mut conn, org, &parsed.valid)
        .await?
        .into_iter()
        .collect();
    known.sort();
    Ok(known)
}

/// The addresses of `entries` that already belong to people of `org`.
async fn existing(
    conn: &mut sqlx::SqliteConnection,
    org: OrgId,
    entries: &[Entry],
) -> Result<HashSet<String>, sqlx::Error> {
    let mut found = HashSet::new();
    // Chunks keep the statement well under every database's parameter limit.
    for chunk in entries.chunks(200) {
        let sql = format!(
            "SELECT email FROM users WHERE org_id = $1 AND email IN ({})",
            db::numbered(2, chunk.len())
        );
        let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)).bind(org.0);
        for entry in chunk {
            query = query.bind(entry.email.as_str());
        }
        found.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(found)
}

/// Adds the people in `text` as Invite pending with `services`, each with an invitation queued,
/// or nothing at all. The answer to a `submission` key is stored; asking again returns it.
pub async fn add_pasted(
    state: &AppState,
    admin: &Session,
    text: &str,
    services: &[Service],
    submission: &str,
    locale: Locale,
) -> Result<AddOutcome, AppError> {
    let org = admin.org;
    super::scim::tokens::check_hand_adds(state, org, "text").await?;
    let parsed = paste::parse(text).map_err(|too_many| {
        AppError::Invalid(vec![field(
            "text",
            Key::PasteTooMany,
            &[
                ("given", too_many.given.to_string()),
                ("limit", paste::MAX_ENTRIES.to_string()),
            ],
        )])
    })?;
    if parsed.given() == 0 {
        return Err(AppError::invalid("text", Key::PasteNothing));
    }
    let submission = submission.trim();
    if submission.is_empty() || submission.len() > 64 {
        return Err(AppError::invalid("submission", Key::ErrorInvalid));
    }

    let mut tx = state.db.begin_write().await?;
    let answered: Option<String> = sqlx::query_scalar(
        "SELECT answer FROM submissions WHERE org_id = $1 AND submission_key = $2",
    )
    .bind(org.0)
    .bind(submission)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(answer) = answered {
        return serde_json::from_str(&answer).map_err(super::error::internal);
    }

    let already = existing(&mut tx, org, &parsed.valid).await?;
    let new: Vec<&Entry> = parsed
        .valid
        .iter()
        .filter(|e| !already.contains(e.email.as_str()))
        .collect();
    check_licences(state, org, services, new.len(), locale).await?;

    let now = now();
    let (days, default_language): (i64, String) =
        sqlx::query_as("SELECT invitation_days, default_locale FROM organisations WHERE id = $1")
            .bind(org.0)
            .fetch_one(&mut *tx)
            .await?;
    let expires_at = now + days * 24 * 3600;
    // A pasted address says nothing of its person's language: the organisation's default it is.
    let their_locale = Locale::from_tag(&default_language).unwrap_or(locale);
    let inviter = admin
        .display_name
        .clone()
        .unwrap_or_else(|| admin.email.clone());
    let user_ids = insert_pending(&mut tx, org, &new, their_locale, expires_at, now).await?;
    let service_rows: Vec<(i64, Service)> = user_ids
        .iter()
        .flat_map(|&id| services.iter().map(move |&s| (id, s)))
        .collect();
    for chunk in service_rows.chunks(300) {
        let sql = format!(
            "INSERT INTO user_services (org_id, user_id, service) VALUES {}",
            db::placeholders(chunk.len(), 3)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (user_id, service) in chunk {
            query = query.bind(org.0).bind(*user_id).bind(service.as_str());
        }
        query.execute(&mut *tx).await?;
    }
    let invitees: Vec<Invitee> = new
        .iter()
        .zip(&user_ids)
        .map(|(entry, &user_id)| Invitee {
            user_id,
            email: entry.email.clone(),
            locale: their_locale,
        })
        .collect();
    invitations::send(&mut tx, state, org, &invitees, &inviter, Round::First, now).await?;
    if services.contains(&Service::Calling) {
        super::phones::send_codes(&mut tx, state, org, &user_ids, now).await?;
    }

    let mut already_users: Vec<String> = already.into_iter().collect();
    already_users.sort();
    let outcome = AddOutcome {
        added: new.len(),
        already_users,
        duplicates: parsed.duplicates.len(),
        lines_to_fix: parsed.lines_to_fix(text),
        invalid: parsed.invalid,
        next_submission: tokens::generate().raw,
    };
    let detail = format!(
        "{} added ({}), {} already users, {} invalid",
        outcome.added,
        services
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        outcome.already_users.len(),
        outcome.invalid.len()
    );
    audit::record(
        &mut tx,
        audit::Event {
            org: Some(org),
            actor: Some(admin.user_id),
            action: Action::UsersAdded,
            detail: &detail,
            client_address: None,
        },
        now,
    )
    .await?;
    sqlx::query(
        "INSERT INTO submissions (org_id, submission_key, answer, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(org.0)
    .bind(submission)
    .bind(serde_json::to_string(&outcome).map_err(super::error::internal)?)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(org = org.0, added = outcome.added, "users added");
    Ok(outcome)
}

/// Inserts the entries as Invite pending users; their ids, in the entries' order.
async fn insert_pending(
    tx: &mut WriteTx,
    org: OrgId,
    entries: &[&Entry],
    locale: Locale,
    expires_at: i64,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids = std::collections::HashMap::new();
    for chunk in entries.chunks(100) {
        let sql = format!(
            "INSERT INTO users (org_id, email, display_name, role, status, locale, created_at, invited_at, invitation_expires_at)
             VALUES {} RETURNING id, email",
            db::placeholders(chunk.len(), 9)
        );
        let mut query = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql));
        for entry in chunk {
            query = query
                .bind(org.0)
                .bind(entry.email.as_str())
                .bind(entry.name.as_ref().map(|n| n.as_str()))
                .bind(Role::User.as_str())
                .bind(UserStatus::InvitePending.as_str())
                .bind(locale.tag())
                .bind(now)
                .bind(now)
                .bind(expires_at);
        }
        ids.extend(
            query
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(|(id, email)| (email, id)),
        );
    }
    // RETURNING promises no order: match the rows back to the entries by address.
    Ok(entries
        .iter()
        .filter_map(|e| ids.get(e.email.as_str()).copied())
        .collect())
}

/// Refuses a batch that needs more seats of a service than are left, saying by how many.
pub async fn check_licences(
    state: &AppState,
    org: OrgId,
    services: &[Service],
    needed: usize,
    locale: Locale,
) -> Result<(), AppError> {
    let uses = licence_use(state, org).await?;
    let mut errors = Vec::new();
    for service in services {
        let label = locale.text(service.label()).to_owned();
        match uses.iter().find(|u| u.service == *service) {
            None => errors.push(field(
                "services",
                Key::ServiceNotInPlan,
                &[("service", label)],
            )),
            Some(used) if (needed as i64) > used.left() => errors.push(field(
                "services",
                Key::LicenceShort,
                &[
                    ("service", label),
                    ("left", used.left().to_string()),
                    ("needed", needed.to_string()),
                    ("short", (needed as i64 - used.left()).to_string()),
                ],
            )),
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}
