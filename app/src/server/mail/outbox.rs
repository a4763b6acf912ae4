//! The outbox table: enqueue a rendered message inside the caller's transaction.

use super::templates::{Invitation, Rendered};
use crate::domain::{Email, OrgId};
use crate::server::auth::tokens;
use crate::server::db::WriteTx;
use rand::RngCore;

/// A message to send, with the key that makes it one logical message.
pub struct Outgoing<'a> {
    pub org: Option<OrgId>,
    /// Unique per logical message (e.g. `welcome:42`): enqueueing it again does nothing.
    pub idempotency_key: String,
    pub kind: &'static str,
    pub to: &'a Email,
    pub body: Body,
}

/// What a message says: rendered now, or (for invitations, sent in large batches) rendered by
/// the worker when it sends it.
pub enum Body {
    Rendered(Rendered),
    Invitation(Invitation),
}

/// Adds the message to the outbox in `tx`; `None` when its idempotency key was queued before.
/// `sender_domain` names the Message-ID, which stays the same across retries so receivers can
/// drop a duplicate.
pub async fn enqueue(
    tx: &mut WriteTx,
    mail: Outgoing<'_>,
    sender_domain: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let queued = insert(tx, prepare(&[mail], sender_domain)?, now).await?;
    Ok((queued.rows_affected() == 1).then(|| queued.last_insert_rowid()))
}

/// Adds many messages in one statement; the answer is how many had an idempotency key that was
/// new. No ids come back: reading a row back per message cost a large batch a tenth of its time.
pub async fn enqueue_many(
    tx: &mut WriteTx,
    mails: Vec<Outgoing<'_>>,
    sender_domain: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    enqueue_prepared(tx, prepare(&mails, sender_domain)?, now).await
}

/// Messages made ready for the outbox's one INSERT: everything but the statement itself, so a
/// large batch can be made while another statement runs (see `enqueue_prepared`).
pub struct Prepared {
    /// The rows as one JSON array: sqlx binds each value for about a microsecond, which made
    /// binding most of a large batch's time.
    rows: String,
    count: usize,
}

/// Prepares `mails`, with their Message-IDs, for `enqueue_prepared`.
pub fn prepare(mails: &[Outgoing<'_>], sender_domain: &str) -> Result<Prepared, sqlx::Error> {
    // Tuples serialise as JSON arrays straight into the text, without a `serde_json::Value`
    // built for each value first.
    let rows: Vec<_> = mails
        .iter()
        .map(|mail| {
            let mut random = [0u8; 16];
            rand::rng().fill_bytes(&mut random);
            let (subject, text, html, letter) = match &mail.body {
                Body::Rendered(r) => (r.subject.as_str(), r.text.as_str(), r.html.as_str(), None),
                Body::Invitation(letter) => ("", "", "", serde_json::to_string(letter).ok()),
            };
            (
                mail.org.map(|o| o.0),
                &mail.idempotency_key,
                mail.kind,
                mail.to.as_str(),
                subject,
                text,
                html,
                format!("<{}@{sender_domain}>", tokens::hex(&random)),
                letter,
            )
        })
        .collect();
    Ok(Prepared {
        rows: serde_json::to_string(&rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))?,
        count: mails.len(),
    })
}

/// Adds prepared messages in one statement; how many had an idempotency key that was new.
pub async fn enqueue_prepared(
    tx: &mut WriteTx,
    mails: Prepared,
    now: i64,
) -> Result<u64, sqlx::Error> {
    if mails.count == 0 {
        return Ok(0);
    }
    Ok(insert(tx, mails, now).await?.rows_affected())
}

/// The messages' one INSERT. jsonb_each is SQLite's (PostgreSQL reads the same array with
/// jsonb_array_elements); jsonb_each rather than json_each: json_each hands each row over as
/// JSON text, which every `->>` then parses again; jsonb_each hands over the parsed form, and the
/// row's values are read straight out of it.
async fn insert(
    tx: &mut WriteTx,
    mails: Prepared,
    now: i64,
) -> Result<sqlx::sqlite::SqliteQueryResult, sqlx::Error> {
    // `WHERE true` tells SQLite's parser the SELECT ends before ON CONFLICT.
    sqlx::query(
        "INSERT INTO outbox (org_id, idempotency_key, kind, recipient, subject, text_body, html_body,
                             message_id, letter, status, due_at, created_at)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                value ->> 6, value ->> 7, value ->> 8, 'pending', $1, $1
         FROM jsonb_each($2) WHERE true
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(now)
    .bind(mails.rows)
    .execute(&mut **tx)
    .await
}

/// A message a worker has claimed: it holds the row until the lease runs out.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub message_id: String,
    pub attempts: i64,
    /// A letter to render now, when the message was queued unrendered.
    pub letter: Option<String>,
}

impl Claimed {
    /// The message's subject and bodies, rendering its letter if it has one.
    pub fn rendered(&self) -> Result<Rendered, String> {
        match &self.letter {
            Some(letter) => serde_json::from_str::<Invitation>(letter)
                .map(|letter| letter.render())
                .map_err(|e| format!("reading the letter: {e}")),
            None => Ok(Rendered {
                subject: self.subject.clone(),
                text: self.text_body.clone(),
                html: self.html_body.clone(),
            }),
        }
    }
}

/// Claims up to `limit` due messages that no live lease holds, counting the attempt now, so a
/// worker that dies mid-send leaves them to be taken again when `lease_until` passes.
pub async fn claim_due(
    tx: &mut WriteTx,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE outbox SET lease_until = $1, attempts = attempts + 1
         WHERE id IN (SELECT id FROM outbox
                      WHERE status = 'pending' AND due_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
                      ORDER BY due_at, id LIMIT $3)
         RETURNING id, recipient, subject, text_body, html_body, message_id, attempts, letter",
    )
    .bind(lease_until)
    .bind(now)
    .bind(limit)
    .fetch_all(&mut **tx)
    .await
}

/// Delivered: the bodies are wiped, since they may carry one-time links.
pub async fn mark_sent(tx: &mut WriteTx, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, lease_until = NULL, last_error = NULL,
                text_body = '', html_body = '', letter = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// A temporary failure: try again at `due_at`.
pub async fn mark_retry(
    tx: &mut WriteTx,
    id: i64,
    due_at: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outbox SET due_at = $1, lease_until = NULL, last_error = $2 WHERE id = $3")
        .bind(due_at)
        .bind(error)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// Given up: the answer is kept for admins to read; the bodies are wiped.
pub async fn mark_failed(tx: &mut WriteTx, id: i64, error: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET status = 'failed', lease_until = NULL, last_error = $1,
                text_body = '', html_body = '', letter = NULL WHERE id = $2",
    )
    .bind(error)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(drop)
}
