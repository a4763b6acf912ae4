//! The outbox table: enqueue a rendered message inside the caller's transaction.

use super::templates::Rendered;
use crate::domain::{Email, OrgId};
use crate::server::db::WriteTx;
use rand::RngCore;

/// A message to send, rendered already, with the key that makes it one logical message.
pub struct Outgoing<'a> {
    pub org: Option<OrgId>,
    /// Unique per logical message (e.g. `welcome:42`): enqueueing it again does nothing.
    pub idempotency_key: String,
    pub kind: &'static str,
    pub to: &'a Email,
    pub rendered: Rendered,
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
    Ok(enqueue_many(tx, vec![mail], sender_domain, now)
        .await?
        .into_iter()
        .next())
}

/// Adds many messages in few statements (one per 50); the answer holds the ids of those whose
/// idempotency key was new. For batches: one statement per message is most of a batch's time.
pub async fn enqueue_many(
    tx: &mut WriteTx,
    mails: Vec<Outgoing<'_>>,
    sender_domain: &str,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids = Vec::with_capacity(mails.len());
    for chunk in mails.chunks(50) {
        let sql = format!(
            "INSERT INTO outbox (org_id, idempotency_key, kind, recipient, subject, text_body, html_body,
                                 message_id, status, due_at, created_at)
             VALUES {}
             ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
            crate::server::db::placeholders(chunk.len(), 11)
        );
        let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql));
        for mail in chunk {
            let mut random = [0u8; 16];
            rand::rng().fill_bytes(&mut random);
            let unique: String = random.iter().map(|b| format!("{b:02x}")).collect();
            query = query
                .bind(mail.org.map(|o| o.0))
                .bind(mail.idempotency_key.clone())
                .bind(mail.kind)
                .bind(mail.to.as_str().to_owned())
                .bind(mail.rendered.subject.clone())
                .bind(mail.rendered.text.clone())
                .bind(mail.rendered.html.clone())
                .bind(format!("<{unique}@{sender_domain}>"))
                .bind("pending")
                .bind(now)
                .bind(now);
        }
        ids.extend(query.fetch_all(&mut **tx).await?);
    }
    Ok(ids)
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
         RETURNING id, recipient, subject, text_body, html_body, message_id, attempts",
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
                text_body = '', html_body = '' WHERE id = $2",
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
                text_body = '', html_body = '' WHERE id = $2",
    )
    .bind(error)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(drop)
}
