//! The import job: applies the stored rows in batches, one transaction each, so progress is
//! visible, a cancel stops at a batch boundary, and a restarted server carries on where it was.

use super::people;
use super::now_ms;
use crate::api::imports::ImportState;
use crate::domain::{OrgId, Role, Service, UserStatus};
use crate::error::AppError;
use crate::import::csv::{self, Change, Existing, Person};
use crate::import::preview::services_for_new;
use crate::locales::{Key, Locale};
use crate::server::audit::{self, Action};
use crate::server::db::{self, WriteTx};
use crate::server::invitations::{self, Invitee, Round};
use crate::server::{now, AppState};
use std::collections::HashMap;

/// Rows applied per transaction: big enough to be quick, small enough that other writes wait
/// only briefly and progress moves often.
const BATCH: i64 = 1_000;

/// Starts the job of import `id` beside the server.
pub fn spawn(state: AppState, id: i64) {
    tokio::spawn(async move {
        if let Err(error) = run(&state, id).await {
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
        spawn(state.clone(), id);
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

async fn load(state: &AppState, id: i64) -> Result<Job, sqlx::Error> {
    let (org, update_existing, defaults, locale, inviter, file_name, invitation_days): (
        i64,
        bool,
        String,
        String,
        String,
        String,
        i64,
    ) = sqlx::query_as(
        "SELECT i.org_id, i.update_existing, i.default_services, i.locale, i.started_by, i.file_name, o.invitation_days
         FROM imports i JOIN organisations o ON o.id = i.org_id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_one(state.db.reader())
    .await?;
    Ok(Job {
        id,
        org: OrgId(org),
        update_existing,
        defaults: defaults.split(',').filter_map(Service::parse).collect(),
        locale: Locale::from_tag(&locale).unwrap_or_default(),
        inviter,
        file_name,
        invitation_days,
    })
}

async fn run(state: &AppState, id: i64) -> Result<(), AppError> {
    let job = load(state, id).await?;
    let mut cursor = 0i64;
    loop {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT row_number, person FROM import_rows
             WHERE import_id = $1 AND row_number > $2 AND outcome IS NULL
             ORDER BY row_number LIMIT $3",
        )
        .bind(id)
        .bind(cursor)
        .bind(BATCH)
        .fetch_all(state.db.reader())
        .await?;
        let mut tx = state.db.begin_write().await?;
        let current: String = sqlx::query_scalar("SELECT state FROM imports WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let stopping = current == ImportState::Cancelling.as_str();
        if stopping || rows.is_empty() {
            let end = if stopping {
                ImportState::Cancelled
            } else {
                ImportState::Done
            };
            finish(&mut tx, &job, end).await?;
            tx.commit().await?;
            tracing::info!(import = id, state = end.as_str(), "import finished");
            return Ok(());
        }
        cursor = rows.last().map_or(cursor, |(row, _)| *row);
        apply(&mut tx, state, &job, rows).await?;
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
async fn seats_left(tx: &mut WriteTx, org: OrgId) -> Result<HashMap<Service, i64>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT l.service, l.seats - (SELECT COUNT(*) FROM user_services s JOIN users u ON u.id = s.user_id
                                      WHERE s.org_id = l.org_id AND s.service = l.service AND u.status <> $2)
         FROM licences l WHERE l.org_id = $1",
    )
    .bind(org.0)
    .bind(UserStatus::Deactivated.as_str())
    .fetch_all(&mut **tx)
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
    rows: Vec<(i64, String)>,
) -> Result<(), AppError> {
    let locale = job.locale;
    let mut outcomes = Vec::with_capacity(rows.len());
    let mut people = Vec::with_capacity(rows.len());
    for (row, json) in rows {
        match serde_json::from_str::<Person>(&json) {
            Ok(person) => people.push((row, person)),
            Err(_) => outcomes.push(failed(row, locale.text(Key::ErrorInternal).to_owned())),
        }
    }
    let emails: Vec<&str> = people.iter().map(|(_, p)| p.email.as_str()).collect();
    let known = people::existing(tx, job.org, &emails).await?;
    let mut left = seats_left(tx, job.org).await?;
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
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(creates.len());
    for chunk in creates.chunks(70) {
        let sql = format!(
            "INSERT INTO users (org_id, email, first_name, last_name, display_name, phone_number, extension,
                                role, status, locale, created_at, invited_at, invitation_expires_at)
             VALUES {} RETURNING id, email",
            db::placeholders(chunk.len(), 13)
        );
        let mut query = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql));
        for (_, person, _) in chunk {
            query = query
                .bind(job.org.0)
                .bind(person.email.as_str())
                .bind(person.first_name.as_deref())
                .bind(person.last_name.as_deref())
                .bind(person.name().map(|n| n.as_str().to_owned()))
                .bind(person.phone.as_deref())
                .bind(person.extension.as_deref())
                .bind(Role::User.as_str())
                .bind(UserStatus::InvitePending.as_str())
                .bind(person.language.unwrap_or(job.locale).tag())
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
    // RETURNING promises no order: match the rows back to the people by address.
    let user_ids: Vec<i64> = creates
        .iter()
        .filter_map(|(_, p, _)| ids.get(p.email.as_str()).copied())
        .collect();
    let service_rows: Vec<(i64, Service)> = creates
        .iter()
        .zip(&user_ids)
        .flat_map(|((_, _, services), &id)| services.iter().map(move |&s| (id, s)))
        .collect();
    for chunk in service_rows.chunks(300) {
        let sql = format!(
            "INSERT INTO user_services (org_id, user_id, service) VALUES {}",
            db::placeholders(chunk.len(), 3)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (user_id, service) in chunk {
            query = query.bind(job.org.0).bind(*user_id).bind(service.as_str());
        }
        query.execute(&mut **tx).await?;
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
    for outcome in outcomes {
        sqlx::query(
            "UPDATE import_rows SET outcome = $1, reason = $2, user_id = $3, previous = $4
             WHERE import_id = $5 AND row_number = $6",
        )
        .bind(outcome.outcome)
        .bind(outcome.reason.as_deref())
        .bind(outcome.user_id)
        .bind(outcome.previous.as_deref())
        .bind(job.id)
        .bind(outcome.row)
        .execute(&mut **tx)
        .await?;
    }
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

