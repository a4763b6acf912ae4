//! Mail: rendered in the recipient's language, written to the outbox with the change that causes
//! it, and delivered by a worker that retries and records what happened.

pub mod outbox;
mod smtp;
pub mod templates;
pub mod transport;
pub mod worker;

pub use transport::{MailError, Mailer, SentMail};
