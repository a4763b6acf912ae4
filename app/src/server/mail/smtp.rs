//! SMTP delivery over a small pool of connections we open ourselves, with `TCP_NODELAY`: lettre
//! writes a message's body and its closing `.` separately, and with Nagle's algorithm on, the
//! second write waits for the server's delayed ACK (~40 ms a message on Linux).

use super::transport::MailError;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use lettre::Message;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Connections idle longer than this are checked with NOOP before reuse.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(15);
/// Longest a whole delivery may take before it counts as a temporary failure.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle connections kept; the worker's concurrency decides how many are open at once.
const MAX_IDLE: usize = 32;

#[derive(Clone)]
pub struct SmtpPool {
    inner: Arc<Inner>,
}

struct Inner {
    host: String,
    port: u16,
    hello: ClientId,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
}

fn temporary(detail: impl ToString) -> MailError {
    MailError {
        permanent: false,
        detail: detail.to_string(),
    }
}

impl SmtpPool {
    pub fn new(host: &str, port: u16) -> SmtpPool {
        SmtpPool {
            inner: Arc::new(Inner {
                host: host.to_owned(),
                port,
                hello: ClientId::default(),
                idle: Mutex::new(Vec::new()),
            }),
        }
    }

    pub async fn send(&self, message: &Message) -> Result<(), MailError> {
        tokio::time::timeout(SEND_TIMEOUT, self.send_now(message))
            .await
            .unwrap_or_else(|_| Err(temporary("the mail server did not answer in time")))
    }

    async fn send_now(&self, message: &Message) -> Result<(), MailError> {
        let mut connection = self.take().await?;
        let result = connection
            .send(message.envelope(), &message.formatted())
            .await;
        if connection.has_broken() {
            connection.abort().await;
        } else {
            self.inner
                .idle
                .lock()
                .await
                .push((connection, Instant::now()));
            self.trim().await;
        }
        result.map(drop).map_err(|e| MailError {
            permanent: e.is_permanent(),
            detail: e.to_string(),
        })
    }

    /// An idle connection that still answers, or a new one.
    async fn take(&self) -> Result<AsyncSmtpConnection, MailError> {
        loop {
            let parked = self.inner.idle.lock().await.pop();
            match parked {
                Some((connection, since)) if since.elapsed() < CHECK_AFTER_IDLE => {
                    return Ok(connection)
                }
                Some((mut connection, _)) => {
                    if connection.test_connected().await {
                        return Ok(connection);
                    }
                    connection.abort().await;
                }
                None => return self.connect().await,
            }
        }
    }

    /// A new connection, greeted and introduced (EHLO) within `CONNECT_TIMEOUT`: a server that
    /// accepts the connection but never greets (all its slots busy) is a temporary failure.
    async fn connect(&self) -> Result<AsyncSmtpConnection, MailError> {
        let address = (self.inner.host.as_str(), self.inner.port);
        let connecting = async {
            let stream = tokio::net::TcpStream::connect(address)
                .await
                .map_err(|e| temporary(format!("connecting to the mail server: {e}")))?;
            stream.set_nodelay(true).map_err(temporary)?;
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.inner.hello)
                .await
                .map_err(|e| MailError {
                    permanent: e.is_permanent(),
                    detail: e.to_string(),
                })
        };
        tokio::time::timeout(CONNECT_TIMEOUT, connecting)
            .await
            .unwrap_or_else(|_| Err(temporary("the mail server did not greet within 10 s")))
    }

    async fn trim(&self) {
        let surplus = {
            let mut idle = self.inner.idle.lock().await;
            let keep = idle.len().min(MAX_IDLE);
            idle.split_off(keep)
        };
        for (mut connection, _) in surplus {
            connection.abort().await;
        }
    }
}
