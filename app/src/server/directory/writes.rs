//! What a sync writes for people: new people as Invite pending with their names, services,
//! invitations and activation codes; and the fields the directory changes for people it updates.

use crate::domain::{OrgId, Service};
use crate::error::AppError;
use crate::locales::Locale;
use crate::server::audit::{self, Action as Audited};
use crate::server::auth::sessions::Session;
use crate::server::db::WriteTx;
use crate::server::invitations::{self, Invitee, Round};
use crate::server::{now, AppState};

/// Writes new people as Invite pending with their names and services, and queues their
/// invitations (and activation codes for calling). A number someone else holds is left out.
pub(super) async fn add(
    tx: &mut WriteTx,
    state: &AppState,
    session: &Session,
    people: &[super::ldap::Person],
) -> Result<(), AppError> {
    let org = session.org;
    let now = now();
    let (days, language): (i64, String) =
        sqlx::query_as("SELECT invitation_days, default_locale FROM organisations WHERE id = $1")
            .bind(org.0)
            .fetch_one(&mut **tx)
            .await?;
    let locale = Locale::from_tag(&language).unwrap_or_default();
    let mut invitees = Vec::with_capacity(people.len());
    let mut calling = Vec::new();
    for person in people {
        let id = crate::server::db::users::insert_pending(
            tx,
            org,
            &person.email,
            crate::domain::Role::User,
            locale,
            now + days * 24 * 3600,
            now,
        )
        .await?;
        sqlx::query(
            "UPDATE users SET first_name = $1, last_name = $2, display_name = $3,
                    phone_number = CASE WHEN EXISTS (SELECT 1 FROM users o WHERE o.org_id = $5
                        AND o.phone_number = $4) THEN NULL ELSE $4 END
             WHERE org_id = $5 AND id = $6",
        )
        .bind(&person.first_name)
        .bind(&person.last_name)
        .bind(&person.display_name)
        .bind(&person.phone)
        .bind(org.0)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        for service in person.services.iter().flatten() {
            sqlx::query("INSERT INTO user_services (org_id, user_id, service) VALUES ($1, $2, $3)")
                .bind(org.0)
                .bind(id)
                .bind(service.as_str())
                .execute(&mut **tx)
                .await?;
            if *service == Service::Calling {
                calling.push(id);
            }
        }
        invitees.push(Invitee {
            user_id: id,
            email: person.email.clone(),
            locale,
        });
    }
    let inviter = session
        .display_name
        .clone()
        .unwrap_or_else(|| session.email.clone());
    invitations::send(tx, state, org, &invitees, &inviter, Round::First, now).await?;
    crate::server::phones::send_codes(tx, state, org, &calling, now).await?;
    let detail = format!("{} (directory sync)", people.len());
    audit::by(tx, session, Audited::UsersAdded, &detail, now).await?;
    Ok(())
}

/// Writes the fields the directory changes; says whether the person gained calling.
pub(super) async fn update_person(
    tx: &mut WriteTx,
    org: OrgId,
    update: &super::plan::Update,
    held: &[Service],
) -> Result<bool, sqlx::Error> {
    let person = &update.person;
    // A value the directory leaves empty keeps the stored one; a number someone else of the
    // organisation holds is not taken from them.
    sqlx::query(
        "UPDATE users SET first_name = COALESCE($1, first_name),
                          last_name = COALESCE($2, last_name),
                          display_name = COALESCE($3, display_name),
                          phone_number = CASE WHEN EXISTS (SELECT 1 FROM users o
                              WHERE o.org_id = $5 AND o.phone_number = $4 AND o.id <> $6)
                              THEN phone_number ELSE COALESCE($4, phone_number) END
         WHERE org_id = $5 AND id = $6",
    )
    .bind(&person.first_name)
    .bind(&person.last_name)
    .bind(&person.display_name)
    .bind(&person.phone)
    .bind(org.0)
    .bind(update.id)
    .execute(&mut **tx)
    .await?;
    let Some(wanted) = &person.services else {
        return Ok(false);
    };
    crate::server::imports::write_services(tx, org, update.id, held, wanted).await?;
    Ok(wanted.contains(&Service::Calling) && !held.contains(&Service::Calling))
}
