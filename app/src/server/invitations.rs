//! Invitations: a new single-use link per person, the links before it made useless, and the mail
//! in the outbox, all inside the caller's transaction. Adding people, resending, and the "send me
//! a new one" of an expired link all go through here.

use super::db::account_tokens::{self, Purpose};
use super::db::{self, WriteTx};
use super::mail::{outbox, templates};
use super::AppState;
use crate::domain::{Email, OrgId};
use crate::locales::Locale;

/// Someone to invite: a user of the organisation who has not signed in yet.
pub struct Invitee {
    pub user_id: i64,
    pub email: Email,
    pub locale: Locale,
}

/// Whether the invitees are new people, just written with this invitation's time and expiry, or
/// people invited before.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Round {
    First,
    Again,
}

/// Sends each invitee a new invitation from `inviter`; links sent before stop working (they
/// read as expired, so whoever holds one can still ask for a fresh invitation).
pub async fn send(
    tx: &mut WriteTx,
    state: &AppState,
    org: OrgId,
    invitees: &[Invitee],
    inviter: &str,
    round: Round,
    now: i64,
) -> Result<(), sqlx::Error> {
    if invitees.is_empty() {
        return Ok(());
    }
    let (org_name, days): (String, i64) =
        sqlx::query_as("SELECT name, invitation_days FROM organisations WHERE id = $1")
            .bind(org.0)
            .fetch_one(&mut **tx)
            .await?;
    let expires_at = now + days * 24 * 3600;
    let expires_on = time::OffsetDateTime::from_unix_timestamp(expires_at)
        .map(|t| t.date().to_string())
        .unwrap_or_default();
    let user_ids: Vec<i64> = invitees.iter().map(|i| i.user_id).collect();
    if round == Round::Again {
        renew(tx, org, &user_ids, expires_at, now).await?;
    }
    let links =
        account_tokens::insert_many(tx, org, &user_ids, Purpose::Welcome, expires_at, now).await?;
    let mails: Vec<outbox::Outgoing> = invitees
        .iter()
        .zip(&links)
        .map(|(invitee, (token_id, raw))| outbox::Outgoing {
            org: Some(org),
            idempotency_key: format!("invitation:{token_id}"),
            kind: "invitation",
            to: &invitee.email,
            // Rendered by the worker when it sends: a large batch stores the values only.
            body: outbox::Body::Invitation(templates::Invitation {
                locale: invitee.locale,
                org: org_name.clone(),
                inviter: inviter.to_owned(),
                link: format!("{}/welcome/{raw}", state.config.public_url),
                expires_on: expires_on.clone(),
            }),
        })
        .collect();
    let sender_domain = state.config.mail_from.email.domain().to_owned();
    outbox::enqueue_many(tx, mails, &sender_domain, now).await?;
    Ok(())
}

/// For people invited before: their earlier links read as expired from now on, and their new
/// invitation's time and expiry replace the old (and any withdrawal).
async fn renew(
    tx: &mut WriteTx,
    org: OrgId,
    user_ids: &[i64],
    expires_at: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    db::execute_for_ids(
        tx,
        "UPDATE account_tokens SET expires_at = $1
         WHERE org_id = $2 AND purpose = 'welcome' AND used_at IS NULL AND expires_at > $1
           AND user_id IN ({ids})",
        &[now, org.0],
        user_ids,
    )
    .await?;
    db::execute_for_ids(
        tx,
        "UPDATE users SET invited_at = $1, invitation_expires_at = $2, invitation_revoked_at = NULL
         WHERE org_id = $3 AND id IN ({ids})",
        &[now, expires_at, org.0],
        user_ids,
    )
    .await?;
    Ok(())
}
