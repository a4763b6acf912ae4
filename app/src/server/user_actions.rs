//! Changing people: resend and revoke invitations, deactivate, reactivate and delete, services and
//! administrator roles. Each command is one transaction, refuses what would lock the organisation
//! out (yourself, the last full administrator), and is audited.

use super::audit::{self, Action as Audited};
use super::auth::sessions::Session;
use super::db::user_table::{self, Person};
use super::db::{self, WriteTx};
use super::invitations::{self, Invitee, Round};
use super::{users, AppState};
use crate::api::user_actions::{ActOutcome, Action};
use crate::api::user_table::Filter;
use crate::domain::{Email, OrgId, Role, Service, UserStatus};
use crate::error::AppError;
use crate::locales::{Key, Locale};

/// Whom an action is for.
pub enum Chosen {
    Ids(Vec<i64>),
    Filtered(Filter),
    /// Everyone still pending who was invited more than this many days ago.
    PendingLongerThan(u32),
}

/// The name an invitation says it comes from.
fn inviter(session: &Session) -> String {
    session
        .display_name
        .clone()
        .unwrap_or_else(|| session.email.clone())
}

/// Carries out `action` for the people chosen. A delete must be `confirmed`.
pub async fn act(
    state: &AppState,
    viewer: &Session,
    action: Action,
    chosen: Chosen,
    confirmed: bool,
    locale: Locale,
    now: i64,
) -> Result<ActOutcome, AppError> {
    if action == Action::Delete && !confirmed {
        return Err(AppError::invalid("confirm", Key::DeleteNeedsConfirmation));
    }
    let org = viewer.org;
    let mut tx = state.db.begin_write().await?;
    let mut ids = match chosen {
        Chosen::Ids(ids) => ids,
        Chosen::Filtered(filter) => user_table::ids(&mut tx, org, &filter, now).await?,
        Chosen::PendingLongerThan(days) => {
            user_table::pending_since(&mut tx, org, now - i64::from(days) * 24 * 3600).await?
        }
    };
    ids.sort_unstable();
    ids.dedup();
    let mut outcome = ActOutcome {
        action,
        done: 0,
        skipped: 0,
        refused: Vec::new(),
    };
    let mut people = Vec::new();
    for person in user_table::people(&mut tx, org, &ids, now).await? {
        if !action.applies_to(person.status) {
            outcome.skipped += 1;
        } else if let Some(reason) = refusal(viewer, action, &person) {
            outcome.refused.push((person.email, reason));
        } else {
            people.push(person);
        }
    }
    let chosen: Vec<i64> = people.iter().map(|p| p.id).collect();
    match action {
        Action::Resend | Action::ResendOlder => {
            let invitees: Vec<Invitee> = people
                .iter()
                .filter_map(|p| {
                    Email::parse(&p.email).ok().map(|email| Invitee {
                        user_id: p.id,
                        email,
                        locale: p.locale,
                    })
                })
                .collect();
            invitations::send(
                &mut tx,
                state,
                org,
                &invitees,
                &inviter(viewer),
                Round::Again,
                now,
            )
            .await?;
        }
        Action::Revoke => revoke_links(&mut tx, org, &chosen, now).await?,
        Action::Deactivate => {
            revoke_links(&mut tx, org, &chosen, now).await?;
            db::execute_for_ids(
                &mut tx,
                "UPDATE users SET status = 'deactivated', deactivated_at = $1
                 WHERE org_id = $2 AND id IN ({ids})",
                &[now, org.0],
                &chosen,
            )
            .await?;
            end_sessions(&mut tx, org, &chosen).await?;
        }
        Action::Reactivate => {
            check_seats(state, org, &people, locale).await?;
            // Someone who never signed in goes back to Invite pending (their old link is gone,
            // so they show as Expired until an invitation is resent).
            db::execute_for_ids(
                &mut tx,
                "UPDATE users SET deactivated_at = NULL,
                        status = CASE WHEN first_sign_in_at IS NULL THEN 'invite_pending' ELSE 'active' END
                 WHERE org_id = $1 AND id IN ({ids})",
                &[org.0],
                &chosen,
            )
            .await?;
        }
        Action::Delete => delete_people(&mut tx, org, &chosen).await?,
    }
    outcome.done = chosen.len();
    ensure_full_admin_left(&mut tx, org).await?;
    if outcome.done > 0 {
        let detail = described(&people);
        let audited = match action {
            Action::Resend | Action::ResendOlder => Audited::InvitationsSent,
            Action::Revoke => Audited::InvitationsRevoked,
            Action::Deactivate => Audited::UsersDeactivated,
            Action::Reactivate => Audited::UsersReactivated,
            Action::Delete => Audited::UsersDeleted,
        };
        record(&mut tx, viewer, audited, &detail, now).await?;
    }
    tx.commit().await?;
    tracing::info!(
        org = org.0,
        action = action.as_str(),
        done = outcome.done,
        "users changed"
    );
    Ok(outcome)
}

/// Why `viewer` may not do `action` to `person`, if they may not.
fn refusal(viewer: &Session, action: Action, person: &Person) -> Option<Key> {
    let locks_out = matches!(action, Action::Revoke | Action::Deactivate | Action::Delete);
    if locks_out && person.id == viewer.user_id {
        return Some(Key::RefusedYourself);
    }
    if person.role != Role::User && !viewer.role.at_least(Role::FullAdmin) {
        return Some(Key::RefusedAdministrator);
    }
    None
}

/// Links not yet used stop working and say they were withdrawn; the people show as Expired.
async fn revoke_links(tx: &mut WriteTx, org: OrgId, ids: &[i64], now: i64) -> Result<(), AppError> {
    db::execute_for_ids(
        tx,
        "UPDATE account_tokens SET revoked_at = $1
         WHERE org_id = $2 AND purpose = 'welcome' AND used_at IS NULL AND revoked_at IS NULL
           AND user_id IN ({ids})",
        &[now, org.0],
        ids,
    )
    .await?;
    db::execute_for_ids(
        tx,
        "UPDATE users SET invitation_revoked_at = $1, invitation_expires_at = $1
         WHERE org_id = $2 AND status = 'invite_pending' AND id IN ({ids})",
        &[now, org.0],
        ids,
    )
    .await?;
    Ok(())
}

async fn end_sessions(tx: &mut WriteTx, org: OrgId, ids: &[i64]) -> Result<(), AppError> {
    db::execute_for_ids(
        tx,
        "DELETE FROM sessions WHERE org_id = $1 AND user_id IN ({ids})",
        &[org.0],
        ids,
    )
    .await?;
    Ok(())
}

/// Deletes the people and what hangs on them; the audit trail keeps what they did, unattributed
/// to a row that no longer exists (the deletion's own event names them).
pub(crate) async fn delete_people(
    tx: &mut WriteTx,
    org: OrgId,
    ids: &[i64],
) -> Result<(), AppError> {
    end_sessions(tx, org, ids).await?;
    for sql in [
        "DELETE FROM account_tokens WHERE org_id = $1 AND user_id IN ({ids})",
        // The unary plus: by primary key, not by walking the organisation's services.
        "DELETE FROM user_services WHERE +org_id = $1 AND user_id IN ({ids})",
        "UPDATE audit_events SET actor_user_id = NULL WHERE org_id = $1 AND actor_user_id IN ({ids})",
        "DELETE FROM users WHERE org_id = $1 AND id IN ({ids})",
    ] {
        db::execute_for_ids(tx, sql, &[org.0], ids).await?;
    }
    Ok(())
}

/// Refuses a change that would leave the organisation without a full administrator who can sign
/// in; the caller's transaction is then dropped, so nothing of it is written.
async fn ensure_full_admin_left(tx: &mut WriteTx, org: OrgId) -> Result<(), AppError> {
    if user_table::active_full_admins(tx, org).await? == 0 {
        return Err(AppError::Conflict(Key::LastFullAdmin));
    }
    Ok(())
}

/// Reactivated people take their seats back: refused if a service has too few left.
async fn check_seats(
    state: &AppState,
    org: OrgId,
    people: &[Person],
    locale: Locale,
) -> Result<(), AppError> {
    for service in Service::ALL {
        let needed = people
            .iter()
            .filter(|p| p.services.contains(&service))
            .count();
        if needed > 0 {
            users::check_licences(state, org, &[service], needed, locale).await?;
        }
    }
    Ok(())
}

/// The addresses an audit event names: the first twenty, and how many more.
fn described(people: &[Person]) -> String {
    let mut detail: Vec<&str> = people.iter().take(20).map(|p| p.email.as_str()).collect();
    let more = people.len().saturating_sub(20);
    let more = format!("and {more} more");
    if people.len() > 20 {
        detail.push(&more);
    }
    detail.join(", ")
}

async fn record(
    tx: &mut WriteTx,
    viewer: &Session,
    action: Audited,
    detail: &str,
    now: i64,
) -> Result<(), AppError> {
    Ok(audit::by(tx, viewer, action, detail, now).await?)
}

/// The one person of the viewer's organisation with this id, inside the transaction.
async fn person(tx: &mut WriteTx, viewer: &Session, id: i64, now: i64) -> Result<Person, AppError> {
    user_table::people(tx, viewer.org, &[id], now)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)
}

/// Gives one person exactly `services`; seats are checked for the services they gain.
pub async fn set_services(
    state: &AppState,
    viewer: &Session,
    id: i64,
    services: &[Service],
    locale: Locale,
    now: i64,
) -> Result<(), AppError> {
    let org = viewer.org;
    let mut tx = state.db.begin_write().await?;
    let person = person(&mut tx, viewer, id, now).await?;
    if person.role != Role::User && !viewer.role.at_least(Role::FullAdmin) {
        return Err(AppError::Forbidden);
    }
    let gained: Vec<Service> = services
        .iter()
        .copied()
        .filter(|s| !person.services.contains(s))
        .collect();
    if person.status != UserStatus::Deactivated {
        users::check_licences(state, org, &gained, 1, locale).await?;
    }
    db::execute_for_ids(
        &mut tx,
        "DELETE FROM user_services WHERE +org_id = $1 AND user_id IN ({ids})",
        &[org.0],
        &[id],
    )
    .await?;
    for service in services {
        sqlx::query("INSERT INTO user_services (org_id, user_id, service) VALUES ($1, $2, $3)")
            .bind(org.0)
            .bind(id)
            .bind(service.as_str())
            .execute(&mut *tx)
            .await?;
    }
    let list: Vec<&str> = services.iter().map(|s| s.as_str()).collect();
    let detail = format!("{}: {}", person.email, list.join(", "));
    record(&mut tx, viewer, Audited::ServicesChanged, &detail, now).await?;
    if gained.contains(&Service::Calling) {
        super::phones::send_codes(&mut tx, state, org, &[id], now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Gives one person `role`; refused if no active full administrator would be left.
pub async fn set_role(
    state: &AppState,
    viewer: &Session,
    id: i64,
    role: Role,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let person = person(&mut tx, viewer, id, now).await?;
    change_role(&mut tx, viewer, &person, role, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn change_role(
    tx: &mut WriteTx,
    viewer: &Session,
    person: &Person,
    role: Role,
    now: i64,
) -> Result<(), AppError> {
    if person.role == role {
        return Ok(());
    }
    sqlx::query("UPDATE users SET role = $1 WHERE org_id = $2 AND id = $3")
        .bind(role.as_str())
        .bind(viewer.org.0)
        .bind(person.id)
        .execute(&mut **tx)
        .await?;
    ensure_full_admin_left(tx, viewer.org).await?;
    let detail = format!(
        "{}: {} -> {}",
        person.email,
        person.role.as_str(),
        role.as_str()
    );
    record(tx, viewer, Audited::RoleChanged, &detail, now).await
}

/// Makes the person with `email` an administrator with `role`, inviting them first if they are
/// not yet one of the organisation's people. Answers their id.
pub async fn add_admin(
    state: &AppState,
    viewer: &Session,
    email: &Email,
    role: Role,
    locale: Locale,
    now: i64,
) -> Result<i64, AppError> {
    let org = viewer.org;
    let mut tx = state.db.begin_write().await?;
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE org_id = $1 AND email = $2")
            .bind(org.0)
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    let id = match existing {
        Some(id) => id,
        None => {
            let id = db::users::insert_pending(&mut tx, org, email, Role::User, locale, now, now)
                .await?;
            let invitee = Invitee {
                user_id: id,
                email: email.clone(),
                locale,
            };
            invitations::send(
                &mut tx,
                state,
                org,
                &[invitee],
                &inviter(viewer),
                Round::Again,
                now,
            )
            .await?;
            record(&mut tx, viewer, Audited::UsersAdded, email.as_str(), now).await?;
            id
        }
    };
    let person = person(&mut tx, viewer, id, now).await?;
    change_role(&mut tx, viewer, &person, role, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Where a plain form post goes back to: the table as it was, with what was done.
pub fn back_to_table(back: Option<&str>, outcome: &ActOutcome) -> String {
    const KEPT: [&str; 6] = ["q", "status", "service", "sort", "after", "before"];
    let safe = |c: char| c.is_ascii_alphanumeric() || "%+._~-".contains(c);
    let mut query: Vec<String> = back
        .unwrap_or_default()
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| {
            pair.split_once('=')
                .is_some_and(|(key, value)| KEPT.contains(&key) && value.chars().all(safe))
        })
        .map(str::to_owned)
        .collect();
    query.push(format!("acted={}", outcome.action.as_str()));
    query.push(format!("done={}", outcome.done));
    query.push(format!("skipped={}", outcome.skipped));
    query.push(format!("refused={}", outcome.refused.len()));
    format!("/users?{}", query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome() -> ActOutcome {
        ActOutcome {
            action: Action::Resend,
            done: 2,
            skipped: 1,
            refused: Vec::new(),
        }
    }

    #[test]
    fn the_way_back_keeps_the_table_and_nothing_else() {
        assert_eq!(
            back_to_table(
                Some("?q=li%20na&status=active&evil=1&sort=-name"),
                &outcome()
            ),
            "/users?q=li%20na&status=active&sort=-name&acted=resend&done=2&skipped=1&refused=0"
        );
        assert_eq!(
            back_to_table(Some("q=a\r\nSet-Cookie:x"), &outcome()),
            "/users?acted=resend&done=2&skipped=1&refused=0"
        );
        assert_eq!(
            back_to_table(None, &outcome()),
            "/users?acted=resend&done=2&skipped=1&refused=0"
        );
    }
}
