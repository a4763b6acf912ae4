//! What an import writes for people: new people with their services and invitations, and the
//! names, numbers and services of people it updates (or an undo puts back).

use super::job::Job;
use crate::domain::{OrgId, Role, Service, UserStatus};
use crate::error::AppError;
use crate::import::csv::{Existing, Person};
use crate::locales::Locale;
use crate::server::db::{self, WriteTx};
use crate::server::invitations::{self, Invitee};
use crate::server::{now, AppState};
/// Writes the new people as Invite pending with their services and queues their invitations;
/// their ids, in order.
pub(super) async fn create(
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
    // Tuples serialise as JSON arrays without a `serde_json::Value` per value first.
    let rows: Vec<_> = creates
        .iter()
        .map(|(_, person, _)| {
            (
                person.email.as_str(),
                &person.first_name,
                &person.last_name,
                person.name().map(|n| n.as_str().to_owned()),
                &person.phone,
                &person.extension,
                person.language.unwrap_or(job.people_locale).tag(),
            )
        })
        .collect();
    let rows = serde_json::to_string(&rows).map_err(crate::server::error::internal)?;
    let highest = db::highest_id(tx, "users").await?;
    let user_ids: Vec<i64> = (highest + 1..).take(creates.len()).collect();
    let invitations = invitations::Batch::start(tx, state, job.org, &job.inviter, now).await?;
    let insert_people = sqlx::query(
        "INSERT INTO users (id, org_id, email, first_name, last_name, display_name, phone_number,
                            extension, role, status, locale, created_at, invited_at,
                            invitation_expires_at)
         SELECT $1 + key + 1, $2, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4,
                value ->> 5, $3, $4, value ->> 6, $5, $5, $6
         FROM jsonb_each($7)",
    )
    .bind(highest)
    .bind(job.org.0)
    .bind(Role::User.as_str())
    .bind(UserStatus::InvitePending.as_str())
    .bind(now)
    .bind(expires_at)
    .bind(rows)
    .execute(&mut **tx);
    // The people's statement is the batch's longest (their indexes and search index): while
    // SQLite runs it on its own thread, this one makes what is written after it, their services'
    // rows, links and mails, a tenth of an import's time that used to wait its turn.
    let (inserted, made) = tokio::join!(insert_people, async {
        let service_rows: Vec<(i64, &str)> = creates
            .iter()
            .zip(&user_ids)
            .flat_map(|((_, _, services), &id)| services.iter().map(move |s| (id, s.as_str())))
            .collect();
        let service_rows = (!service_rows.is_empty())
            .then(|| serde_json::to_string(&service_rows))
            .transpose()
            .map_err(crate::server::error::internal)?;
        let invitees: Vec<Invitee> = creates
            .iter()
            .zip(&user_ids)
            .map(|((_, person, _), &user_id)| Invitee {
                user_id,
                email: person.email.clone(),
                locale: person.language.unwrap_or(job.people_locale),
            })
            .collect();
        Ok::<_, AppError>((service_rows, invitations.prepare(&invitees)?))
    });
    inserted?;
    let (service_rows, invitations_made) = made?;
    if let Some(service_rows) = service_rows {
        sqlx::query(
            "INSERT INTO user_services (org_id, user_id, service)
             SELECT $1, value ->> 0, value ->> 1 FROM jsonb_each($2)",
        )
        .bind(job.org.0)
        .bind(service_rows)
        .execute(&mut **tx)
        .await?;
    }
    invitations.write(tx, invitations_made).await?;
    let calling: Vec<i64> = creates
        .iter()
        .zip(&user_ids)
        .filter(|((_, _, services), _)| services.contains(&Service::Calling))
        .map(|(_, &id)| id)
        .collect();
    crate::server::phones::send_codes(tx, state, job.org, &calling, now).await?;
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
