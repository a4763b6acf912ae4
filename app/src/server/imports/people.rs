//! The people an import meets: who among the file's addresses is already in the organisation, the
//! services a row gives, and whether the licences cover the new seats.

use super::Upload;
use crate::domain::{OrgId, Service};
use crate::error::{AppError, FieldError};
use crate::import::csv::{Existing, Person};
use crate::import::preview;
use crate::locales::{Key, Locale};
use crate::server::db::users::{PersonRow, PERSON_COLUMNS};
use crate::server::{users, AppState};
use std::collections::{BTreeMap, HashMap};

/// A person of the organisation as an import finds them.
pub struct Known {
    pub id: i64,
    pub person: Existing,
}

/// The people of `org` among `emails`, by address, with their services.
pub async fn existing(
    conn: &mut sqlx::SqliteConnection,
    org: OrgId,
    emails: &[&str],
) -> Result<HashMap<String, Known>, sqlx::Error> {
    let mut found: HashMap<String, Known> = HashMap::with_capacity(emails.len());
    let mut by_id: HashMap<i64, String> = HashMap::new();
    // The list travels as one JSON parameter, like the rows of a bulk insert: a value bound per
    // address cost sqlx a lookup of every placeholder's name for each one it bound.
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM users u
         WHERE u.org_id = $1 AND u.email IN (SELECT value FROM json_each($2))"
    );
    let rows = sqlx::query_as::<_, PersonRow>(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(json_list(emails))
        .fetch_all(&mut *conn)
        .await?;
    for row in rows {
        let id = row.id;
        let person = row.with_services(Vec::new());
        by_id.insert(id, person.email.clone());
        found.insert(person.email.clone(), Known { id, person });
    }
    if !by_id.is_empty() {
        let ids: Vec<i64> = by_id.keys().copied().collect();
        // The unary plus: by primary key, not by walking the organisation's services.
        let services: Vec<(i64, String)> = sqlx::query_as(
            "SELECT user_id, service FROM user_services
             WHERE +org_id = $1 AND user_id IN (SELECT value FROM json_each($2))
             ORDER BY user_id, service",
        )
        .bind(org.0)
        .bind(json_list(&ids))
        .fetch_all(&mut *conn)
        .await?;
        for (user_id, service) in services {
            if let (Some(email), Some(service)) = (by_id.get(&user_id), Service::parse(&service)) {
                if let Some(known) = found.get_mut(email) {
                    known.person.services.push(service);
                }
            }
        }
    }
    for known in found.values_mut() {
        known.person.services.sort();
    }
    Ok(found)
}

/// `values` as a JSON array, for an `IN (SELECT value FROM json_each(...))` list.
pub(super) fn json_list<T: serde::Serialize>(values: &[T]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".to_owned())
}

/// For the preview: the people of `org` among `emails` as they are now.
pub async fn known(
    state: &AppState,
    org: OrgId,
    emails: &[String],
) -> Result<Vec<Existing>, AppError> {
    if emails.len() > crate::api::imports::KNOWN_BATCH {
        return Err(AppError::invalid("emails", Key::ErrorInvalid));
    }
    let normalised: Vec<String> = emails
        .iter()
        .filter_map(|e| crate::domain::Email::parse(e).ok())
        .map(|e| e.as_str().to_owned())
        .collect();
    let refs: Vec<&str> = normalised.iter().map(String::as_str).collect();
    let mut conn = state.db.reader().acquire().await?;
    let mut found: Vec<Existing> = existing(&mut conn, org, &refs)
        .await?
        .into_values()
        .map(|k| k.person)
        .collect();
    found.sort_by(|a, b| a.email.cmp(&b.email));
    Ok(found)
}

/// The seats of each service that applying `people` would take, given who is in `org` now.
pub async fn seats_needed(
    state: &AppState,
    org: OrgId,
    people: &[Person],
    upload: &Upload,
) -> Result<BTreeMap<Service, i64>, AppError> {
    let emails: Vec<&str> = people.iter().map(|p| p.email.as_str()).collect();
    let mut conn = state.db.reader().acquire().await?;
    let known: HashMap<String, Existing> = existing(&mut conn, org, &emails)
        .await?
        .into_iter()
        .map(|(email, known)| (email, known.person))
        .collect();
    Ok(preview::seats_needed(
        people,
        &known,
        upload.update_existing,
        &upload.default_services,
    ))
}

/// Refuses the whole file when it needs more seats of a service than are left, saying by how
/// many, before anything is written. The job checks again row by row, since seats may go meanwhile.
pub async fn check_licences(
    state: &AppState,
    org: OrgId,
    needed: &BTreeMap<Service, i64>,
    locale: Locale,
) -> Result<(), AppError> {
    let uses = users::licence_use(state, org).await?;
    let mut errors = Vec::new();
    for (&service, &needed) in needed {
        if needed == 0 {
            continue;
        }
        let label = locale.text(service.label()).to_owned();
        let refusal = match uses.iter().find(|u| u.service == service) {
            None => Some((Key::ServiceNotInPlan, vec![("service", label)])),
            Some(used) if needed > used.left() => Some((
                Key::LicenceShort,
                vec![
                    ("service", label),
                    ("left", used.left().to_string()),
                    ("needed", needed.to_string()),
                    ("short", (needed - used.left()).to_string()),
                ],
            )),
            Some(_) => None,
        };
        if let Some((reason, args)) = refusal {
            errors.push(FieldError {
                field: "services".to_owned(),
                reason,
                args: args.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}
