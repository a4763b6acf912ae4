//! The import job: applies the stored rows in batches, one transaction each, so progress is
//! visible, a cancel stops at a batch boundary, and a restarted server carries on where it was.

use super::file::Walk;
use super::now_ms;
use super::people;
use crate::api::imports::ImportState;
use crate::domain::{OrgId, Role, Service, UserStatus};
use crate::error::AppError;
use crate::import::csv::{self, Change, Encoding, Existing, Mapping, Person, Validated};
use crate::import::preview::services_for_new;
use crate::locales::{Key, Locale};
use crate::server::audit::{self, Action};
use crate::server::db::{self, WriteTx};
use crate::server::invitations::{self, Invitee, Round};
use crate::server::{now, AppState};
use std::collections::{BTreeMap, HashMap};

/// Rows applied per transaction: big enough to be quick, small enough that other writes wait
/// only briefly and progress moves often.
const BATCH: usize = 5_000;

/// Starts the job of import `id` beside the server; `file` when the caller holds it already.
pub fn spawn(state: AppState, id: i64, file: Option<Vec<u8>>) {
    tokio::spawn(async move {
        if let Err(error) = run(&state, id, file).await {
            tracing::error!(import = id, "import job stopped: {error}");
        }
    });
}

/// Restarts the jobs a stopped server left unfinished.
pub async fn resume_unfinished(state: &AppState) -> Result<(), sqlx::Error> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM imports WHERE state IN ('running', 'cancelling')")
            .fetch_all(state.db.reader())
            .await?;
    for id in ids {
        tracing::info!(import = id, "resuming import");
        spawn(state.clone(), id, None);
    }
    Ok(())
}

/// What every batch of one import needs to know.
struct Job {
    id: i64,
    org: OrgId,
    update_existing: bool,
    defaults: Vec<Service>,
    locale: Locale,
    inviter: String,
    file_name: String,
    invitation_days: i64,
}

/// How the file is read, and how far the job got.
struct Reading {
    encoding: Option<Encoding>,
    mapping: Option<Mapping>,
    applied_through: i64,
}

type JobRow = (
    i64,
    bool,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    i64,
);

async fn load(state: &AppState, id: i64) -> Result<(Job, Reading), sqlx::Error> {
    let row: JobRow = sqlx::query_as(
        "SELECT i.org_id, i.update_existing, i.default_services, i.locale, i.started_by, i.file_name,
                o.invitation_days, i.encoding, i.mapping, i.applied_through
         FROM imports i JOIN organisations o ON o.id = i.org_id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_one(state.db.reader())
    .await?;
    let (
        org,
        update_existing,
        defaults,
        locale,
        inviter,
        file_name,
        days,
        encoding,
        mapping,
        through,
    ) = row;
    let job = Job {
        id,
        org: OrgId(org),
        update_existing,
        defaults: defaults.split(',').filter_map(Service::parse).collect(),
        locale: Locale::from_tag(&locale).unwrap_or_default(),
        inviter,
        file_name,
        invitation_days: days,
    };
    let reading = Reading {
        encoding: Encoding::parse(&encoding),
        mapping: serde_json::from_str(&mapping).ok(),
        applied_through: through,
    };
    Ok((job, reading))
}

async fn run(state: &AppState, id: i64, file: Option<Vec<u8>>) -> Result<(), AppError> {
    let (job, reading) = load(state, id).await?;
    let file = match file {
        Some(file) => file,
        None => {
            sqlx::query_scalar("SELECT file FROM imports WHERE id = $1")
                .bind(id)
                .fetch_one(state.db.reader())
                .await?
        }
    };
    let mut walk = Walk::open(
        &file,
        reading.encoding,
        reading.mapping.as_ref(),
        job.locale,
    )?;
    drop(file);
    let mut left = {
        let mut conn = state.db.reader().acquire().await?;
        seats_left(&mut conn, job.org).await?
    };
    loop {
        let (next, chunk) = walk.next(BATCH, job.locale).await?;
        walk = next;
        let mut tx = state.db.begin_write().await?;
        let current: String = sqlx::query_scalar("SELECT state FROM imports WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let end = match (current == ImportState::Cancelling.as_str(), chunk.last_row) {
            (true, _) => Some(ImportState::Cancelled),
            (false, None) => Some(ImportState::Done),
            (false, Some(_)) => None,
        };
        if let Some(end) = end {
            finish(&mut tx, &job, end).await?;
            tx.commit().await?;
            tracing::info!(import = id, state = end.as_str(), "import finished");
            return Ok(());
        }
        let last_row = chunk.last_row.map_or(0, |row| row as i64);
        // A resumed job walks past the rows applied before it stopped.
        if last_row <= reading.applied_through {
            continue;
        }
        // Seats are counted afresh when a service this batch may take comes close to running
        // out: other admins may have taken some since the job counted.
        let wanted = |service: &Service| {
            job.defaults.contains(service)
                || chunk
                    .validated
                    .people
                    .iter()
                    .any(|p| p.services.contains(&(*service, true)))
        };
        if left
            .iter()
            .any(|(service, left)| *left < BATCH as i64 && wanted(service))
        {
            left = seats_left(&mut tx, job.org).await?;
        }
        apply(
            &mut tx,
            state,
            &job,
            chunk.validated,
            reading.applied_through,
            &mut left,
        )
        .await?;
        sqlx::query("UPDATE imports SET applied_through = $1 WHERE id = $2")
            .bind(last_row)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
}

async fn finish(tx: &mut WriteTx, job: &Job, end: ImportState) -> Result<(), sqlx::Error> {
    let (created, updated, unchanged, failed): (i64, i64, i64, i64) = sqlx::query_as(
        "UPDATE imports SET state = $1, finished_at = $2, progress_ms = $3 WHERE id = $4
         RETURNING created, updated, unchanged, failed",
    )
    .bind(end.as_str())
    .bind(now())
    .bind(now_ms())
    .bind(job.id)
    .fetch_one(&mut **tx)
    .await?;
    let detail = format!(
        "import {} of {} {}: {created} created, {updated} updated, {unchanged} unchanged, {failed} failed",
        job.id,
        job.file_name,
        end.as_str()
    );
    audit::record(
        tx,
        audit::Event {
            org: Some(job.org),
            actor: None,
            action: Action::UsersImported,
            detail: &detail,
            client_address: None,
        },
        now(),
    )
    .await
}

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
        for chunk in values.chunks(500) {
            let sql = format!(
                "SELECT {column}, id FROM users WHERE org_id = $1 AND {column} IN ({})",
                db::numbered(2, chunk.len())
            );
            let mut query =
                sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql)).bind(org.0);
            for value in chunk {
                query = query.bind(value);
            }
            let found = query.fetch_all(&mut **tx).await?;
            let into = if column == "phone_number" {
                &mut taken.phones
            } else {
                &mut taken.extensions
            };
            into.extend(found);
        }
    }
    Ok(taken)
}

/// Seats left per service of the plan, seen from inside the batch's transaction.
async fn seats_left(
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
async fn apply(
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
    for (row, id, wanted, previous) in &updates {
        write_person(tx, job.org, *id, wanted).await?;
        write_services(tx, job.org, *id, &previous.services, &wanted.services).await?;
        let mut outcome = plain(*row, "updated", None, Some(*id));
        outcome.previous = serde_json::to_string(previous).ok();
        outcomes.push(outcome);
    }
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

/// Writes the new people as Invite pending with their services and queues their invitations;
/// their ids, in order.
async fn create(
    tx: &mut WriteTx,
    state: &AppState,
    job: &Job,
    creates: &[(i64, &Person, Vec<Service>)],
) -> Result<Vec<i64>, AppError> {
    if creates.is_empty() {
        return Ok(Vec::new());
    }
    let now = now();
    let expires_at = now + job.invitation_days * 24 * 3600;
    // One JSON parameter per statement rather than a value per column: see
    // `outbox::enqueue_many`.
    let rows: Vec<serde_json::Value> = creates
        .iter()
        .map(|(_, person, _)| {
            serde_json::json!([
                person.email.as_str(),
                person.first_name,
                person.last_name,
                person.name().map(|n| n.as_str().to_owned()),
                person.phone,
                person.extension,
                person.language.unwrap_or(job.locale).tag(),
            ])
        })
        .collect();
    let ids: HashMap<String, i64> = sqlx::query_as::<_, (i64, String)>(
        "INSERT INTO users (org_id, email, first_name, last_name, display_name, phone_number, extension,
                            role, status, locale, created_at, invited_at, invitation_expires_at)
         SELECT $1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                $2, $3, value ->> 6, $4, $4, $5
         FROM json_each($6) RETURNING id, email",
    )
    .bind(job.org.0)
    .bind(Role::User.as_str())
    .bind(UserStatus::InvitePending.as_str())
    .bind(now)
    .bind(expires_at)
    .bind(serde_json::Value::Array(rows).to_string())
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|(id, email)| (email, id))
    .collect();
    // RETURNING promises no order: match the rows back to the people by address.
    let user_ids: Vec<i64> = creates
        .iter()
        .filter_map(|(_, p, _)| ids.get(p.email.as_str()).copied())
        .collect();
    let service_rows: Vec<serde_json::Value> = creates
        .iter()
        .zip(&user_ids)
        .flat_map(|((_, _, services), &id)| {
            services
                .iter()
                .map(move |s| serde_json::json!([id, s.as_str()]))
        })
        .collect();
    if !service_rows.is_empty() {
        sqlx::query(
            "INSERT INTO user_services (org_id, user_id, service)
             SELECT $1, value ->> 0, value ->> 1 FROM json_each($2)",
        )
        .bind(job.org.0)
        .bind(serde_json::Value::Array(service_rows).to_string())
        .execute(&mut **tx)
        .await?;
    }
    let invitees: Vec<Invitee> = creates
        .iter()
        .zip(&user_ids)
        .map(|((_, person, _), &user_id)| Invitee {
            user_id,
            email: person.email.clone(),
            locale: person.language.unwrap_or(job.locale),
        })
        .collect();
    invitations::send(
        tx,
        state,
        job.org,
        &invitees,
        &job.inviter,
        Round::First,
        now,
    )
    .await?;
    Ok(user_ids)
}

/// Writes a person's names, number, extension and language.
pub async fn write_person(
    tx: &mut WriteTx,
    org: OrgId,
    id: i64,
    person: &Existing,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET first_name = $1, last_name = $2, display_name = $3, phone_number = $4,
                          extension = $5, locale = COALESCE($6, locale)
         WHERE org_id = $7 AND id = $8",
    )
    .bind(person.first_name.as_deref())
    .bind(person.last_name.as_deref())
    .bind(person.display_name.as_deref())
    .bind(person.phone.as_deref())
    .bind(person.extension.as_deref())
    .bind(person.language.map(Locale::tag))
    .bind(org.0)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// Makes a person's services `wanted` where they are `held`.
pub async fn write_services(
    tx: &mut WriteTx,
    org: OrgId,
    id: i64,
    held: &[Service],
    wanted: &[Service],
) -> Result<(), sqlx::Error> {
    for service in Service::ALL {
        let sql = match (held.contains(&service), wanted.contains(&service)) {
            (false, true) => {
                "INSERT INTO user_services (org_id, user_id, service) VALUES ($1, $2, $3)"
            }
            (true, false) => {
                "DELETE FROM user_services WHERE org_id = $1 AND user_id = $2 AND service = $3"
            }
            _ => continue,
        };
        sqlx::query(sql)
            .bind(org.0)
            .bind(id)
            .bind(service.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Stores each row's outcome and moves the import's counters.
async fn record(tx: &mut WriteTx, job: &Job, outcomes: &[Outcome]) -> Result<(), sqlx::Error> {
    let rows: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| serde_json::json!([o.row, o.outcome, o.reason, o.user_id, o.previous]))
        .collect();
    sqlx::query(
        "INSERT INTO import_rows (import_id, row_number, outcome, reason, user_id, previous)
         SELECT $1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each($2)",
    )
    .bind(job.id)
    .bind(serde_json::Value::Array(rows).to_string())
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
