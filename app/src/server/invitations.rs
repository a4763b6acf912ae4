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
    let batch = Batch::start(tx, state, org, inviter, now).await?;
    if round == Round::Again {
        let user_ids: Vec<i64> = invitees.iter().map(|i| i.user_id).collect();
        renew(tx, org, &user_ids, batch.expires_at, now).await?;
    }
    let prepared = batch.prepare(invitees)?;
    batch.write(tx, prepared).await
}

/// Invitations to many new people in three steps, for a caller whose other statements are long
/// enough to hide the work of making links and mails: `start` reads what the mails share,
/// `prepare` makes every link and mail without the database (while another statement runs), and
/// `write` stores them. No other link may be added between `start` and `write`: the new links
/// are numbered from the highest id `start` read.
pub struct Batch {
    org: OrgId,
    org_name: String,
    inviter: String,
    expires_at: i64,
    expires_on: String,
    highest_link: i64,
    public_url: String,
    sender_domain: String,
    now: i64,
}

/// A batch's links and mails, made and not yet written.
pub struct Prepared {
    links: account_tokens::Prepared,
    mails: outbox::Prepared,
}

impl Batch {
    pub async fn start(
        tx: &mut WriteTx,
        state: &AppState,
        org: OrgId,
        inviter: &str,
        now: i64,
    ) -> Result<Batch, sqlx::Error> {
        let (org_name, days): (String, i64) =
            sqlx::query_as("SELECT name, invitation_days FROM organisations WHERE id = $1")
                .bind(org.0)
                .fetch_one(&mut **tx)
                .await?;
        let expires_at = now + days * 24 * 3600;
        let expires_on = time::OffsetDateTime::from_unix_timestamp(expires_at)
            .map(|t| t.date().to_string())
            .unwrap_or_default();
        Ok(Batch {
            org,
            org_name,
            inviter: inviter.to_owned(),
            expires_at,
            expires_on,
            highest_link: db::highest_id(tx, "account_tokens").await?,
            public_url: state.config.public_url.clone(),
            sender_domain: state.config.mail_from.email.domain().to_owned(),
            now,
        })
    }

    /// A new link and mail for each invitee.
    pub fn prepare(&self, invitees: &[Invitee]) -> Result<Prepared, sqlx::Error> {
        let user_ids: Vec<i64> = invitees.iter().map(|i| i.user_id).collect();
        let links = account_tokens::prepare(&user_ids, self.highest_link)?;
        let mails: Vec<outbox::Outgoing> = invitees
            .iter()
            .zip(&links.links)
            .map(|(invitee, (link_id, raw))| outbox::Outgoing {
                org: Some(self.org),
                idempotency_key: format!("invitation:{link_id}"),
                kind: "invitation",
                to: &invitee.email,
                // Rendered by the worker when it sends: a large batch stores the values only.
                body: outbox::Body::Invitation(templates::Invitation {
                    locale: invitee.locale,
                    org: self.org_name.clone(),
                    inviter: self.inviter.clone(),
                    link: format!("{}/welcome/{raw}", self.public_url),
                    expires_on: self.expires_on.clone(),
                }),
            })
            .collect();
        let mails = outbox::prepare(&mails, &self.sender_domain)?;
        Ok(Prepared { links, mails })
    }

    pub async fn write(&self, tx: &mut WriteTx, prepared: Prepared) -> Result<(), sqlx::Error> {
        account_tokens::insert_prepared(
            tx,
            self.org,
            &prepared.links,
            Purpose::Welcome,
            self.expires_at,
            self.now,
        )
        .await?;
        outbox::enqueue_prepared(tx, prepared.mails, self.now).await?;
        Ok(())
    }
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
