//! Delivering one finished message through the configured transport: SMTP, a folder of `.eml`
//! files, or memory for tests.

use super::smtp::SmtpPool;
use crate::server::config::MailTransportConfig;
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    File(AsyncFileTransport<Tokio1Executor>),
    Smtp(SmtpPool),
    Memory(Arc<Mutex<Vec<SentMail>>>),
}

/// A message the memory transport kept: who it was for and its full RFC 5322 text.
#[derive(Clone, Debug)]
pub struct SentMail {
    pub to: Vec<String>,
    pub raw: String,
}

/// A delivery that failed; `permanent` when retrying cannot help (an SMTP 5xx answer).
#[derive(Debug, thiserror::Error)]
#[error("{detail}")]
pub struct MailError {
    pub permanent: bool,
    pub detail: String,
}

impl Mailer {
    pub fn new(config: &MailTransportConfig) -> std::io::Result<Mailer> {
        let transport = match config {
            MailTransportConfig::File(folder) => {
                std::fs::create_dir_all(folder)?;
                Transport::File(AsyncFileTransport::new(folder))
            }
            MailTransportConfig::Smtp { host, port } => Transport::Smtp(SmtpPool::new(host, *port)),
            MailTransportConfig::Memory => Transport::Memory(Arc::default()),
        };
        Ok(Mailer { transport })
    }

    pub async fn send(&self, message: Message) -> Result<(), MailError> {
        match &self.transport {
            Transport::File(file) => file.send(message).await.map(drop).map_err(|e| MailError {
                permanent: false,
                detail: format!("writing the mail file: {e}"),
            }),
            Transport::Smtp(smtp) => smtp.send(&message).await,
            Transport::Memory(sent) => {
                let to = message
                    .envelope()
                    .to()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                let raw = String::from_utf8_lossy(&message.formatted()).into_owned();
                sent.lock()
                    .map_err(|_| MailError {
                        permanent: false,
                        detail: "memory transport poisoned".into(),
                    })?
                    .push(SentMail { to, raw });
                Ok(())
            }
        }
    }

    /// What the memory transport has received so far (empty for the other transports).
    pub fn sent(&self) -> Vec<SentMail> {
        match &self.transport {
            Transport::Memory(sent) => sent.lock().map(|s| s.clone()).unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> Message {
        Message::builder()
            .from(
                "Switchboard <no-reply@switchboard.example>"
                    .parse()
                    .unwrap(),
            )
            .to("admin@acme.example".parse().unwrap())
            .subject("Hello")
            .body(String::from("Welcome"))
            .unwrap()
    }

    #[tokio::test]
    async fn memory_transport_keeps_what_it_was_given() {
        let mailer = Mailer::new(&MailTransportConfig::Memory).unwrap();
        mailer.send(message()).await.unwrap();
        let sent = mailer.sent();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].to, vec!["admin@acme.example"]);
        assert!(sent[0].raw.contains("Subject: Hello"));
    }

    #[tokio::test]
    async fn file_transport_writes_an_eml_file() {
        let folder = std::env::temp_dir().join(format!("switchboard-mail-{}", std::process::id()));
        let mailer = Mailer::new(&MailTransportConfig::File(folder.clone())).unwrap();
        mailer.send(message()).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(&folder).unwrap().flatten().collect();
        assert_eq!(files.len(), 1);
        assert!(files[0].path().extension().is_some_and(|e| e == "eml"));
        std::fs::remove_dir_all(folder).unwrap();
    }
}
