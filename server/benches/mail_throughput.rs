//! Mail worker throughput: messages per second from the outbox to a local SMTP server that accepts
//! and discards. Run with `cargo bench -p server --bench mail_throughput`; prints each run and the
//! median.

mod setup;

use app::domain::Email;
use app::locales::Locale;
use app::server::mail::outbox::{self, Outgoing};
use app::server::mail::templates;
use app::server::mail::worker::{Settings, Worker};
use app::server::{now, AppState};
use std::time::Instant;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const MESSAGES: usize = 5_000;
const RUNS: usize = 5;

/// Just enough SMTP to accept every message and throw it away.
async fn discarding_smtp_server() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let port = listener.local_addr().expect("local address").port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            // Like a real mail server, answer each command at once (no Nagle delay).
            let _ = socket.set_nodelay(true);
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read);
                let mut line = String::new();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut in_data = false;
                loop {
                    line.clear();
                    match lines.read_line(&mut line).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    let reply: &[u8] = if in_data {
                        if line != ".\r\n" {
                            continue;
                        }
                        in_data = false;
                        b"250 OK queued\r\n"
                    } else {
                        match line.get(..4).map(str::to_ascii_uppercase).as_deref() {
                            Some("EHLO") | Some("HELO") => b"250 sink\r\n",
                            Some("DATA") => {
                                in_data = true;
                                b"354 go ahead\r\n"
                            }
                            Some("QUIT") => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => b"250 OK\r\n",
                        }
                    };
                    if write.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

async fn one_run(port: u16) -> f64 {
    let dir = tempfile::tempdir().expect("temporary folder");
    let state = setup::state(&dir, &format!("smtp://127.0.0.1:{port}")).await;

    let rendered = templates::welcome(
        Locale::En,
        "Acme",
        "http://127.0.0.1:3000/welcome/0123456789abcdef",
        "2026-12-02",
    );
    let mut tx = state.db.begin_write().await.expect("transaction");
    for n in 0..MESSAGES {
        let to = Email::parse(&format!("user{n}@acme.example")).expect("address");
        let mail = Outgoing {
            org: None,
            idempotency_key: format!("bench:{n}"),
            kind: "welcome",
            to: &to,
            body: outbox::Body::Rendered(rendered.clone()),
        };
        outbox::enqueue(&mut tx, mail, "switchboard.test", now())
            .await
            .expect("enqueue");
    }
    tx.commit().await.expect("commit");

    let worker = Worker::new(&state, Settings::default());
    let started = Instant::now();
    let mut delivered = 0;
    while delivered < MESSAGES {
        let handled = worker.deliver_due(now()).await.expect("deliver");
        assert!(
            handled > 0,
            "the worker stopped with {delivered} of {MESSAGES} delivered"
        );
        delivered += handled;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let sent: i64 = sqlx_count(&state).await;
    assert_eq!(
        sent as usize, MESSAGES,
        "every message must be recorded as sent"
    );
    state.db.close().await;
    MESSAGES as f64 / elapsed
}

async fn sqlx_count(state: &AppState) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE status = 'sent'")
        .fetch_one(state.db.reader())
        .await
        .and_then(|row| row.try_get("n"))
        .expect("count")
}

#[tokio::main]
async fn main() {
    let port = discarding_smtp_server().await;
    let mut rates = Vec::new();
    for run in 1..=RUNS {
        let rate = one_run(port).await;
        println!("run {run}: {MESSAGES} messages, {rate:.0} messages/s");
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "mail worker throughput, median of {RUNS}: {:.0} messages/s",
        rates[RUNS / 2]
    );
}
