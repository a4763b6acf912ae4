//! One batch of an import: each row decided (created, updated, unchanged or failed, and why)
//! against the people, numbers and seats the organisation has, then written with its outcome.

use super::job::Job;
use super::now_ms;
use super::people;
use super::writes::{create, write_person, write_services};
use crate::domain::{OrgId, Service, UserStatus};
use crate::error::AppError;
use crate::import::csv::{self, Change, Existing, Person, Validated};
use crate::import::preview::services_for_new;
use crate::locales::Key;
use crate::server::db::WriteTx;
use crate::server::AppState;
use std::collections::{BTreeMap, HashMap};
/// What became of one row.
struct Outcome {
    row: i64,
    outcome: &'static str,
    reason: Option<String>,
    user_id: Option<i64>,
    previous: Option<String>,
}

/// Numbers and extensions already held, by whom.
#[derive(Default)]
struct Taken {
    phones: HashMap<String, i64>,
    extensions: HashMap<String, i64>,
}

async fn taken(
    tx: &mut WriteTx,
    org: OrgId,
    people: &[(i64, Person)],
) -> Result<Taken, sqlx::Error> {
    let mut taken = Taken::default();
    for (column, values) in [
        (
            "phone_number",
            people
                .iter()
                .filter_map(|(_, p)| p.phone.clone())
                .collect::<Vec<_>>(),
        ),
        (
            "extension",
            people
                .iter()
                .filter_map(|(_, p)| p.extension.clone())
                .collect::<Vec<_>>(),
        ),
    ] {
        // One JSON parameter for the whole list: see `people::existing`.
        let sql = format!(
            "SELECT {column}, id FROM users
             WHERE org_id = $1 AND {column} IN (SELECT value FROM json_each($2))"
        );
        let found = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(people::json_list(&values))
            .fetch_all(&mut **tx)
            .await?;
        let into = if column == "phone_number" {
            &mut taken.phones
        } else {
            &mut taken.extensions
        };
        into.extend(found);
    }
    Ok(taken)
}

/// Seats left per service of the plan, seen from inside the batch's transaction.
pub(super) async fn seats_left(
    conn: &mut sqlx::SqliteConnection,
    org: OrgId,
) -> Result<HashMap<Service, i64>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT l.service, l.seats - (SELECT COUNT(*) FROM user_services s JOIN users u ON u.id = s.user_id
                                      WHERE s.org_id = l.org_id AND s.service = l.service AND u.status <> $2)
         FROM licences l WHERE l.org_id = $1",
    )
    .bind(org.0)
    .bind(UserStatus::Deactivated.as_str())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, left)| Service::parse(&s).map(|s| (s, left)))
        .collect())
}

/// Decides each row of the batch and writes what it decided.
pub(super) async fn apply(
    tx: &mut WriteTx,
    state: &AppState,
    job: &Job,
    validated: Validated,
    applied_through: i64,
    left: &mut HashMap<Service, i64>,
) -> Result<(), AppError> {
    let locale = job.locale;
    let mut outcomes = Vec::with_capacity(validated.people.len());
    // Rows the file refuses fail with every reason they have.
    let mut refusals: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for error in &validated.errors {
        refusals.entry(error.row as i64).or_default().push(format!(
            "{}: {}",
            error.column,
            locale.text(error.reason)
        ));
    }
    for duplicate in &validated.duplicates {
        refusals
            .entry(duplicate.row as i64)
            .or_default()
            .push(locale.format(
                Key::ImportDuplicateOf,
                &[("row", &duplicate.first_row.to_string())],
            ));
    }
    for (row, reasons) in refusals {
        if row > applied_through {
            outcomes.push(failed(row, reasons.join("; ")));
        }
    }
    let people: Vec<(i64, Person)> = validated
        .people
        .into_iter()
        .map(|p| (p.row as i64, p))
        .filter(|(row, _)| *row > applied_through)
        .collect();
    let emails: Vec<&str> = people.iter().map(|(_, p)| p.email.as_str()).collect();
    let known = people::existing(tx, job.org, &emails).await?;
    let mut taken = taken(tx, job.org, &people).await?;

    let mut creates: Vec<(i64, &Person, Vec<Service>)> = Vec::new();
    let mut updates: Vec<(i64, i64, Existing, &Existing)> = Vec::new();
    for (row, person) in &people {
        let (user_id, wanted, gained) = match known.get(person.email.as_str()) {
            None => {
                let services = services_for_new(person, &job.defaults);
                (None, None, services)
            }
            Some(known) => match csv::change(person, Some(&known.person)) {
                Change::Unchanged => {
                    outcomes.push(plain(*row, "unchanged", None, Some(known.id)));
                    continue;
                }
                _ if !job.update_existing => {
                    outcomes.push(plain(
                        *row,
                        "unchanged",
                        Some(locale.text(Key::ImportNotUpdated).to_owned()),
                        Some(known.id),
                    ));
                    continue;
                }
                _ => {
                    let wanted = csv::updated(person, &known.person);
                    let gained = wanted
                        .services
                        .iter()
                        .copied()
                        .filter(|s| !known.person.services.contains(s))
                        .collect();
                    (Some(known.id), Some(wanted), gained)
                }
            },
        };
        let phone = wanted.as_ref().map_or(&person.phone, |w| &w.phone);
        let extension = wanted.as_ref().map_or(&person.extension, |w| &w.extension);
        if let Some(phone) = phone.as_ref().filter(|p| {
            taken
                .phones
                .get(*p)
                .is_some_and(|holder| Some(*holder) != user_id)
        }) {
            outcomes.push(failed(
                *row,
                locale.format(Key::ImportPhoneTaken, &[("number", phone)]),
            ));
            continue;
        }
        if let Some(extension) = extension.as_ref().filter(|e| {
            taken
                .extensions
                .get(*e)
                .is_some_and(|holder| Some(*holder) != user_id)
        }) {
            outcomes.push(failed(
                *row,
                locale.format(Key::ImportExtensionTaken, &[("extension", extension)]),
            ));
            continue;
        }
        if let Some(service) = gained
            .iter()
            .find(|s| left.get(s).is_none_or(|left| *left <= 0))
        {
            let label = locale.text(service.label());
            outcomes.push(failed(
                *row,
                locale.format(Key::ImportNoSeatLeft, &[("service", label)]),
            ));
            continue;
        }
        for service in &gained {
            if let Some(left) = left.get_mut(service) {
                *left -= 1;
            }
        }
        // Held from now on by this person (a placeholder id for people not written yet).
        let holder = user_id.unwrap_or(-*row);
        if let Some(phone) = phone {
            taken.phones.insert(phone.clone(), holder);
        }
        if let Some(extension) = extension {
            taken.extensions.insert(extension.clone(), holder);
        }
        match (user_id, wanted) {
            (Some(id), Some(wanted)) => {
                let previous = &known[person.email.as_str()].person;
                updates.push((*row, id, wanted, previous));
            }
            _ => creates.push((*row, person, gained)),
        }
    }

    let created = create(tx, state, job, &creates).await?;
    for ((row, _, _), user_id) in creates.iter().zip(&created) {
        outcomes.push(plain(*row, "created", None, Some(*user_id)));
    }
    let mut given_calling = Vec::new();
    for (row, id, wanted, previous) in &updates {
        write_person(tx, job.org, *id, wanted).await?;
        write_services(tx, job.org, *id, &previous.services, &wanted.services).await?;
        if wanted.services.contains(&Service::Calling)
            && !previous.services.contains(&Service::Calling)
        {
            given_calling.push(*id);
        }
        let mut outcome = plain(*row, "updated", None, Some(*id));
        outcome.previous = serde_json::to_string(previous).ok();
        outcomes.push(outcome);
    }
    crate::server::phones::send_codes(tx, state, job.org, &given_calling, crate::server::now())
        .await?;
    record(tx, job, &outcomes).await?;
    Ok(())
}

fn plain(row: i64, outcome: &'static str, reason: Option<String>, user_id: Option<i64>) -> Outcome {
    Outcome {
        row,
        outcome,
        reason,
        user_id,
        previous: None,
    }
}

fn failed(row: i64, reason: String) -> Outcome {
    plain(row, "failed", Some(reason), None)
}

/// Stores each row's outcome and moves the import's counters.
async fn record(tx: &mut WriteTx, job: &Job, outcomes: &[Outcome]) -> Result<(), sqlx::Error> {
    let rows: Vec<_> = outcomes
        .iter()
        .map(|o| (o.row, o.outcome, &o.reason, o.user_id, &o.previous))
        .collect();
    let rows = serde_json::to_string(&rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO import_rows (import_id, row_number, outcome, reason, user_id, previous)
         SELECT $1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM jsonb_each($2)",
    )
    .bind(job.id)
    .bind(rows)
    .execute(&mut **tx)
    .await?;
    let count = |kind: &str| outcomes.iter().filter(|o| o.outcome == kind).count() as i64;
    sqlx::query(
        "UPDATE imports SET done = done + $1, created = created + $2, updated = updated + $3,
                            unchanged = unchanged + $4, failed = failed + $5, progress_ms = $6
         WHERE id = $7",
    )
    .bind(outcomes.len() as i64)
    .bind(count("created"))
    .bind(count("updated"))
    .bind(count("unchanged"))
    .bind(count("failed"))
    .bind(now_ms())
    .bind(job.id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
