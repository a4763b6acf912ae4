//! The mail worker: claims due outbox rows, delivers them concurrently, and records each outcome
//! (sent; retry later with exponential backoff and jitter; failed for good with the server's answer).

use super::outbox::{self, Claimed};
use super::transport::{MailError, Mailer};
use crate::server::{db::Db, now, AppState};
use futures::stream::{self, StreamExt};
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use rand::Rng;
use std::time::Duration;
use tokio::sync::watch;

#[derive(Clone, Debug)]
pub struct Settings {
    /// Messages claimed at once.
    pub batch: i64,
    /// Messages in flight at once, and so SMTP connections open at once.
    pub concurrency: usize,
    /// How long a claim holds before another worker may take the message.
    pub lease: Duration,
    /// Attempts before a temporary failure becomes final.
    pub max_attempts: i64,
    /// The wait before the first retry; it doubles with each attempt, up to `max_retry`.
    pub first_retry: Duration,
    pub max_retry: Duration,
    /// How long to wait when nothing is due.
    pub idle_poll: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            batch: 200,
            concurrency: 8,
            lease: Duration::from_secs(120),
            max_attempts: 8,
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_secs(3600),
            idle_poll: Duration::from_millis(250),
        }
    }
}

/// Seconds until the next try after `attempts` tries: `first_retry · 2^(attempts-1)`, capped, then
/// scaled by a factor in [0.5, 1.5) from `jitter` in [0, 1) so failed messages do not retry in step.
pub fn retry_delay(settings: &Settings, attempts: i64, jitter: f64) -> i64 {
    let exponent = (attempts - 1).clamp(0, 30) as i32;
    let base = (settings.first_retry.as_secs_f64() * 2f64.powi(exponent))
        .min(settings.max_retry.as_secs_f64());
    (base * (0.5 + jitter)).round().max(1.0) as i64
}

enum Outcome {
    Sent,
    Retry(String),
    Failed(String),
}

pub struct Worker {
    db: Db,
    mailer: Mailer,
    from: Mailbox,
    settings: Settings,
}

impl Worker {
    pub fn new(state: &AppState, settings: Settings) -> Worker {
        Worker {
            db: state.db.clone(),
            mailer: state.mail.clone(),
            from: state.config.mail_from.clone(),
            settings,
        }
    }

    /// Delivers until `shutdown` turns true, finishing the batch in hand first.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        while !*shutdown.borrow() {
            let delivered = match self.deliver_due(now()).await {
                Ok(count) => count,
                Err(error) => {
                    tracing::error!("mail worker: {error}");
                    0
                }
            };
            if delivered == 0 {
                tokio::select! {
                    () = tokio::time::sleep(self.settings.idle_poll) => {}
                    changed = shutdown.changed() => if changed.is_err() { break },
                }
            }
        }
        tracing::info!("mail worker stopped");
    }

    /// Claims one batch of due messages, delivers it, and records the outcomes; returns how many
    /// messages it handled.
    pub async fn deliver_due(&self, at: i64) -> Result<usize, sqlx::Error> {
        let lease_until = at + self.settings.lease.as_secs() as i64;
        let mut tx = self.db.begin_write().await?;
        let claimed = outbox::claim_due(&mut tx, at, lease_until, self.settings.batch).await?;
        tx.commit().await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let outcomes: Vec<(Claimed, Outcome)> = stream::iter(claimed)
            .map(|mail| async move {
                let outcome = self.deliver(&mail).await;
                (mail, outcome)
            })
            .buffer_unordered(self.settings.concurrency)
            .collect()
            .await;

        let finished = now();
        let mut tx = self.db.begin_write().await?;
        for (mail, outcome) in &outcomes {
            match outcome {
                Outcome::Sent => outbox::mark_sent(&mut tx, mail.id, finished).await?,
                Outcome::Retry(error) if mail.attempts < self.settings.max_attempts => {
                    let delay =
                        retry_delay(&self.settings, mail.attempts, rand::rng().random::<f64>());
                    tracing::warn!(
                        outbox = mail.id,
                        attempts = mail.attempts,
                        delay,
                        "mail delivery will be retried: {error}"
                    );
                    outbox::mark_retry(&mut tx, mail.id, finished + delay, error).await?
                }
                Outcome::Retry(error) | Outcome::Failed(error) => {
                    tracing::warn!(
                        outbox = mail.id,
                        attempts = mail.attempts,
                        "mail delivery failed for good: {error}"
                    );
                    outbox::mark_failed(&mut tx, mail.id, error).await?
                }
            }
        }
        tx.commit().await?;
        Ok(outcomes.len())
    }

    async fn deliver(&self, mail: &Claimed) -> Outcome {
        let message = match self.message(mail) {
            Ok(message) => message,
            Err(error) => return Outcome::Failed(error),
        };
        match self.mailer.send(message).await {
            Ok(()) => Outcome::Sent,
            Err(MailError {
                permanent: true,
                detail,
            }) => Outcome::Failed(detail),
            Err(MailError {
                permanent: false,
                detail,
            }) => Outcome::Retry(detail),
        }
    }

    fn message(&self, mail: &Claimed) -> Result<Message, String> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|e| format!("recipient {:?}: {e}", mail.recipient))?;
        let rendered = mail.rendered()?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject)
            .message_id(Some(mail.message_id.clone()))
            .date_now()
            .multipart(MultiPart::alternative_plain_html(
                rendered.text,
                rendered.html,
            ))
            .map_err(|e| format!("building the message: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_is_capped_and_jittered() {
        let settings = Settings::default();
        assert_eq!(retry_delay(&settings, 1, 0.5), 30);
        assert_eq!(retry_delay(&settings, 2, 0.5), 60);
        assert_eq!(retry_delay(&settings, 3, 0.5), 120);
        assert_eq!(retry_delay(&settings, 20, 0.5), 3600);
        assert_eq!(retry_delay(&settings, 1, 0.0), 15);
        assert_eq!(retry_delay(&settings, 1, 0.999), 45);
        assert_eq!(retry_delay(&settings, 0, 0.5), 30);
        let tiny = Settings {
            first_retry: Duration::from_millis(1),
            ..Settings::default()
        };
        assert_eq!(retry_delay(&tiny, 1, 0.0), 1);
    }
}
